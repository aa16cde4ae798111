"""The trained intent classifier: character and word n-grams, logistic regression, out-of-scope by threshold."""

from __future__ import annotations

import csv
import hashlib
import logging
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import numpy as np
    from sklearn.pipeline import Pipeline

from bot.text import ORDER_ID, PLACEHOLDER
from bot.understanding.intents.encoders import (
    DenseFeatures,
    Encoder,
    default_encoder,
)
from bot.understanding.intents.inference import predict_proba

log = logging.getLogger(__name__)

#: The shop taxonomy this project's own utterances are labelled with (bot/understanding/intents/data/intents.*.csv).
DATA_DIR = Path(__file__).parent / "data"
TRAINING_FILES = (DATA_DIR / "intents.en.csv", DATA_DIR / "intents.zh.csv")
OUT_OF_SCOPE = "out_of_scope"

#: Fine label -> the coarse label the engines and the handoff policy branch on. Labels not
#: listed here (trained from someone else's data) pass through unchanged.
COARSE: Mapping[str, str] = {
    "greeting": "greeting",
    "thanks": "thanks",
    "goodbye": "goodbye",
    "order_status": "order_status",
    "cancel_order": "policy_question",
    "modify_order": "policy_question",
    "return_refund": "policy_question",
    "exchange": "policy_question",
    "shipping_policy": "policy_question",
    "payment": "policy_question",
    "account": "policy_question",
    "policy_question": "policy_question",
    "product_question": "product_question",
    "stock": "product_question",
    "complaint": "complaint",
    "human_agent": "human_agent",
    "out_of_scope": "out_of_scope",
    "inform": "inform",
}

#: Bump when the features change, or when a class a pickled model holds moves to another module, so cached
#: models written by older code are retrained, not misread. 4: the modules moved into bot/understanding/.
_FEATURES_VERSION = "4"


def coarse_intent(label: str) -> str:
    """The engine-level label of a fine one: "cancel_order" -> "policy_question"."""
    return COARSE.get(label, label)


def normalise(text: str) -> str:
    """What the model sees: lower case, placeholders and order numbers as single tokens."""
    text = PLACEHOLDER.sub(lambda m: f" {m.group(1).lower()}slot ", text)
    text = ORDER_ID.sub(" orderidslot ", text)
    return text.lower().strip()


@dataclass(frozen=True)
class Prediction:
    """The top label with its probability, and the full distribution, best first."""

    label: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]


class IntentModel:
    """Logistic regression over word and character n-grams (plus optional dense vectors)."""

    #: What the threshold is compared with: "probability" (the top one) or "energy" (the log-sum-exp of
    #: the class scores, uncalibrated models only: it separates unknown requests better on CLINC150).
    oos_score: str = "probability"

    def __init__(
        self, pipeline: Pipeline, threshold: float = 0.0, encoder_name: str = "", oos_score: str = "probability"
    ) -> None:
        self.pipeline = pipeline
        self.threshold = threshold
        """Below this score the prediction is out_of_scope (0 with probability turns it off)."""
        self.encoder_name = encoder_name
        self.oos_score = oos_score

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        encoder: Encoder | None = None,
        c: float = 10.0,
        features: Features | None = None,
    ) -> IntentModel:
        """Trains in seconds on a few thousand utterances (a few dozen on CLINC150's 15,000)."""
        from threadpoolctl import threadpool_limits

        features = features or Features()
        if features.oos_score == "energy" and features.calibrate:
            raise ValueError("the energy score needs an uncalibrated model (calibrate=False)")
        pipeline = build_pipeline(encoder, c, features)
        # One BLAS thread: on shared cores lbfgs with more threads runs several times slower.
        with threadpool_limits(1):
            pipeline.fit([normalise(t) for t in texts], list(labels))
        name = getattr(encoder, "name", "") if encoder else ""
        return cls(pipeline, encoder_name=name, oos_score=features.oos_score)

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.pipeline.classes_]

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        # scikit-learn's per-call checks cost ~60 ms a message; the compiled form gives the same numbers in numpy.
        probs = predict_proba(self.pipeline, [normalise(t) for t in texts])
        scores = self._energy(texts) if self.oos_score == "energy" else probs.max(axis=1)
        labels = self.labels
        out = []
        for row, score in zip(probs, scores):
            order = row.argsort()[::-1]
            ranked = tuple((labels[i], float(row[i])) for i in order)
            label, conf = ranked[0]
            if score < self.threshold:
                label = OUT_OF_SCOPE
            out.append(Prediction(label, conf, ranked))
        return out

    def _energy(self, texts: Sequence[str]) -> np.ndarray:
        """log-sum-exp of the raw class scores: high when some class fits well, low for unknown requests."""
        import numpy as np
        from scipy.special import logsumexp
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            logits = self.pipeline.decision_function([normalise(t) for t in texts])
        if logits.ndim == 1:  # two classes: one score d, split as -d/2 and d/2 so neither class is favoured
            logits = np.column_stack([-logits / 2, logits / 2])
        return np.asarray(logsumexp(logits, axis=1))

    def oos_scores(self, texts: Sequence[str]) -> np.ndarray:
        """What the threshold is compared with, one per text."""
        if self.oos_score == "energy":
            return self._energy(texts)
        return predict_proba(self.pipeline, [normalise(t) for t in texts]).max(axis=1)

    def choose_threshold(
        self, texts: Sequence[str], labels: Sequence[str], oos_weight: float = 1.0, min_recall: float | None = None
    ) -> float:
        """The threshold that maximises in-scope accuracy + oos_weight * OOS recall on held-out data, or, with
        min_recall, the best in-scope accuracy among thresholds that catch at least that share of OOS."""
        import numpy as np

        self.threshold = float("-inf")
        preds = self.predict_many(texts)
        scores = self.oos_scores(texts)
        gold = np.array(labels)
        inside = gold != OUT_OF_SCOPE
        right = np.array([p.label for p in preds]) == gold
        oos_label = np.array([p.label == OUT_OF_SCOPE for p in preds])
        candidates = np.unique(np.quantile(scores, np.linspace(0.0, 1.0, 1001)))
        best, best_value = float(candidates[0]), -1.0
        for t in candidates:
            kept = scores >= t
            acc = float((right & kept)[inside].sum()) / max(1, int(inside.sum()))
            rec = float((~kept | oos_label)[~inside].sum()) / max(1, int((~inside).sum()))
            value = acc + oos_weight * rec if min_recall is None else (acc if rec >= min_recall else -1.0)
            if value > best_value:
                best, best_value = float(t), value
        self.threshold = best
        return best

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self))
        tmp.replace(path)  # atomic: a second process never reads half a model

    @staticmethod
    def load(path: Path) -> IntentModel:
        # Only files this code wrote under the data dir are loaded (never user-supplied pickles).
        model = pickle.loads(path.read_bytes())
        if not isinstance(model, IntentModel):
            raise TypeError(f"{path} does not hold an intent model")
        return model


@dataclass(frozen=True)
class Features:
    """How a model is built: the shop's default, or the heavier set used on the public benchmarks."""

    calibrate: bool = True
    """Sigmoid calibration on 3 folds (three times the fitting; a probability worth reading)."""
    dense_weight: float = 3.0
    chars: bool = True
    """Character 1-3 grams (Chinese needs them; English benchmarks do as well without)."""
    min_df: int = 1
    """Word n-grams seen in fewer utterances are dropped (2 on the large public sets)."""
    oos_score: str = "probability"


def build_pipeline(encoder: Encoder | None, c: float, features: Features) -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    # Words carry English; character 1-3 grams carry Chinese (no segmenter needed) and typos.
    parts: list[tuple[str, object]] = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", min_df=features.min_df
            ),
        ),
    ]
    if features.chars:
        parts.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)))
    if encoder is not None:
        # Weighted up so the sentence vector, not the many sparse n-grams, sets the direction.
        parts.append(("dense", DenseFeatures(encoder, weight=features.dense_weight)))
    clf: object = LogisticRegression(C=c, max_iter=3000)
    if features.calibrate:
        # Sigmoid calibration on 3 folds: a bare high-C logistic regression says 0.9 to almost anything.
        clf = CalibratedClassifierCV(clf, method="sigmoid", cv=3)
    return Pipeline([("features", FeatureUnion(parts)), ("clf", clf)])


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) from a CSV with a header naming `text` and `label` (or intent) columns."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = [h.strip().lower() for h in reader.fieldnames or []]
        text_col = next((h for h in ("text", "utterance", "instruction") if h in fields), None)
        label_col = next((h for h in ("label", "intent", "category") if h in fields), None)
        if text_col is None or label_col is None:
            raise ValueError(f"{path} needs a header with text and label columns (found: {', '.join(fields)})")
        texts, labels = [], []
        for row in reader:
            row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
            text, label = row[text_col].strip(), row[label_col].strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    if len(set(labels)) < 2:
        raise ValueError(f"{path} needs at least two labels to train on")
    return texts, labels


def read_training(files: Iterable[Path] = TRAINING_FILES) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for path in files:
        t, y = read_csv(path)
        texts += t
        labels += y
    return texts, labels


_lock = threading.Lock()
_models: dict[str, IntentModel] = {}
_warned: set[str] = set()


def shop_model(cache_dir: Path | None = None, files: Sequence[Path] = TRAINING_FILES) -> IntentModel:
    """The model trained on the shop utterances: from memory, else the cache, else trained now (~2 s)."""
    digest = hashlib.sha256(_FEATURES_VERSION.encode())
    for path in files:
        digest.update(path.read_bytes())
    key = digest.hexdigest()[:16]
    with _lock:
        cached = cache_dir / f"intents-{key}.pkl" if cache_dir else None
        model = _models.get(key)
        if model is None and cached is not None and cached.exists():
            try:
                model = IntentModel.load(cached)
            except Exception as exc:  # a stale or broken cache is retrained, not fatal
                log.warning("retraining intents: cached model unreadable (%s)", exc)
        if model is None:
            texts, labels = read_training(files)
            model = IntentModel.fit(texts, labels, encoder=default_encoder())
        if cached is not None and not cached.exists():
            try:
                model.save(cached)
            except OSError as exc:
                log.warning("could not cache the intent model: %s", exc)
        _models[key] = model
        return model


#: The file `shopkeeper train intents` writes; when present the service uses it instead of the shop model.
#: Its name carries a version for the same reason as _FEATURES_VERSION: the pickle names the module of each class.
CUSTOM_MODEL = "intents-custom-v2.pkl"
#: Custom models written before the modules moved; they cannot be read by this code.
LEGACY_CUSTOM_MODELS = ("intents-custom.pkl",)


def active_model(cache_dir: Path | None = None) -> IntentModel:
    """The model trained by `shopkeeper train intents` when there is one, else the shop model."""
    if cache_dir is not None and not (cache_dir / CUSTOM_MODEL).exists():
        for legacy in LEGACY_CUSTOM_MODELS:
            if (cache_dir / legacy).exists() and legacy not in _warned:
                _warned.add(legacy)
                log.warning(
                    "%s was trained by an older shopkeeper and is not used; run `shopkeeper train intents` again",
                    cache_dir / legacy,
                )
    if cache_dir is not None and (cache_dir / CUSTOM_MODEL).exists():
        path = cache_dir / CUSTOM_MODEL
        key = f"custom:{path}:{path.stat().st_mtime_ns}"
        with _lock:
            if key not in _models:
                _models[key] = IntentModel.load(path)
            return _models[key]
    return shop_model(cache_dir)
