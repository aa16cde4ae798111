"""Fast probabilities from a fitted intent pipeline for one message at a time (same numbers as scikit-learn's).

scikit-learn spends most of a single-message predict_proba on input validation and dispatch: three
calibrated folds x one sigmoid per class, each call re-checking its input, came to ~60 ms a message on
these 2 cores for well under 1 ms of arithmetic. This module reads the fitted parameters once (tf-idf
vocabularies and idf, the folds' logistic-regression weights, the sigmoid calibrators) and does the
same arithmetic with numpy. A pipeline of any other shape is left to scikit-learn, and a compiled one
is checked against scikit-learn on a few messages before it is trusted.
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

#: Messages a compiled pipeline must score like scikit-learn before it is used.
_CHECK_TEXTS = ("where is my order orderidslot", "我想退货，怎么办？", "hello", "emailslot", "")
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class _Tfidf:
    """A fitted TfidfVectorizer reduced to what transform needs."""

    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray | None
    sublinear: bool
    binary: bool
    norm: str | None

    def indices_values(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for feature in self.analyze(text):
            j = vocabulary.get(feature)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.binary:
            vals[:] = 1.0
        if self.sublinear:
            vals = np.log(vals) + 1.0
        if self.idf is not None:
            vals *= self.idf[idx]
        if self.norm == "l2":
            size = float(np.sqrt(np.dot(vals, vals)))
        elif self.norm == "l1":
            size = float(np.abs(vals).sum())
        else:
            size = 0.0
        if size > 0:
            vals /= size
        return idx, vals


@dataclass(frozen=True)
class _Block:
    """One part of the feature union: its column offset, width, weight and how to compute it."""

    offset: int
    width: int
    weight: float
    tfidf: _Tfidf | None
    dense: Any
    """Any other transformer (e.g. the sentence encoder's): called through its own transform."""


@dataclass(frozen=True)
class _Fold:
    """One calibrated fold (where its classes go, a sigmoid (a, b) per class it scores), or the bare model."""

    coef: np.ndarray
    """The fold's logistic-regression weights (classes scored, features), shared with scikit-learn's copy."""
    intercept: np.ndarray
    columns: np.ndarray
    a: np.ndarray | None
    """Sigmoid calibrators' slopes and offsets; None for a bare logistic regression (softmax of its scores)."""
    b: np.ndarray | None
    binary: bool


class CompiledPipeline:
    """predict_proba of FeatureUnion(tf-idf ..., dense ...) -> CalibratedClassifierCV(sigmoid) or LogisticRegression."""

    def __init__(self, blocks: list[_Block], folds: list[_Fold], n_classes: int) -> None:
        self.blocks = blocks
        self.folds = folds
        self.n_classes = n_classes

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        # The features once, sparse where they are sparse: (column indices, values) per text and block.
        sparse = [
            [(block.offset + idx, vals * block.weight) for idx, vals in map(block.tfidf.indices_values, texts)]
            for block in self.blocks
            if block.tfidf is not None
        ]
        dense = [
            (block, np.asarray(block.dense.transform(list(texts)), dtype=np.float64) * block.weight)
            for block in self.blocks
            if block.tfidf is None
        ]
        out = np.zeros((len(texts), self.n_classes))
        for fold in self.folds:
            raw = np.tile(fold.intercept, (len(texts), 1))
            for rows in sparse:
                for row, (idx, vals) in enumerate(rows):
                    if len(idx):
                        raw[row] += fold.coef[:, idx] @ vals
            for block, matrix in dense:
                raw += matrix @ fold.coef[:, block.offset : block.offset + block.width].T
            proba = np.zeros((len(texts), self.n_classes))
            if fold.a is None or fold.b is None:
                out += _softmax(raw) if not fold.binary else np.hstack([1.0 - _expit(raw), _expit(raw)])
                continue
            calibrated = 1.0 / (1.0 + np.exp(fold.a * raw + fold.b))  # expit(-(a*f + b))
            if fold.binary:
                proba[:, 1] = calibrated[:, 0]
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                proba[:, fold.columns] = calibrated
                total = proba.sum(axis=1, keepdims=True)
                proba = np.divide(proba, total, out=np.full_like(proba, 1 / self.n_classes), where=total != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            out += proba
        return out / len(self.folds)


def _expit(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def compile_pipeline(pipeline: "Pipeline") -> CompiledPipeline | None:
    """The compiled form, or None when the pipeline has another shape (then scikit-learn is used as is)."""
    try:
        return _compile(pipeline)
    except Exception as exc:  # an unexpected shape is slow, never wrong
        log.info("intent pipeline not compiled (%s): using scikit-learn's predict_proba", exc)
        return None


def _compile(pipeline: "Pipeline") -> CompiledPipeline | None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    if len(pipeline.steps) != 2:
        return None
    union, clf = pipeline.steps[0][1], pipeline.steps[1][1]
    if not isinstance(union, FeatureUnion):
        return None
    calibrated_cv = isinstance(clf, CalibratedClassifierCV) and clf.method == "sigmoid"
    if not calibrated_cv and not isinstance(clf, LogisticRegression):
        return None
    weights_by_name = union.transformer_weights or {}
    blocks: list[_Block] = []
    offset = 0
    for name, part in union.transformer_list:
        if part == "drop":
            continue
        weight = float(weights_by_name.get(name, 1.0))
        if isinstance(part, TfidfVectorizer):
            width = len(part.vocabulary_)
            tfidf = _Tfidf(
                analyze=part.build_analyzer(),
                vocabulary=dict(part.vocabulary_),
                idf=np.asarray(part.idf_, dtype=np.float64) if part.use_idf else None,
                sublinear=bool(part.sublinear_tf),
                binary=bool(part.binary),
                norm=part.norm,
            )
            blocks.append(_Block(offset, width, weight, tfidf, None))
        else:
            width = int(np.asarray(part.transform(["width"])).shape[1])
            blocks.append(_Block(offset, width, weight, None, part))
        offset += width
    classes = np.asarray(clf.classes_)
    folds: list[_Fold] = []
    if not calibrated_cv:
        # A bare logistic regression: one "fold" whose probabilities are the softmax of its scores.
        if clf.coef_.shape[1] != offset:
            return None
        coef = np.asarray(clf.coef_, dtype=np.float64)
        intercept = np.asarray(clf.intercept_, dtype=np.float64)
        everything = np.arange(len(classes))
        folds.append(_Fold(coef, intercept, everything, None, None, binary=len(classes) == 2))
    for calibrated in clf.calibrated_classifiers_ if calibrated_cv else ():
        estimator = calibrated.estimator
        if not isinstance(estimator, LogisticRegression) or estimator.coef_.shape[1] != offset:
            return None
        coef = np.asarray(estimator.coef_, dtype=np.float64)
        calibrators = calibrated.calibrators
        if len(calibrators) != coef.shape[0] or not all(hasattr(c, "a_") for c in calibrators):
            return None
        folds.append(
            _Fold(
                coef=coef,
                intercept=np.asarray(estimator.intercept_, dtype=np.float64),
                columns=np.searchsorted(classes, estimator.classes_),
                a=np.array([c.a_ for c in calibrators], dtype=np.float64),
                b=np.array([c.b_ for c in calibrators], dtype=np.float64),
                binary=len(classes) == 2,
            )
        )
    compiled = CompiledPipeline(blocks, folds, len(classes))
    expected = pipeline.predict_proba(list(_CHECK_TEXTS))
    got = compiled.predict_proba(_CHECK_TEXTS)
    if not np.allclose(expected, got, atol=_TOLERANCE, rtol=0):
        log.warning("compiled intent pipeline disagrees with scikit-learn: using scikit-learn's predict_proba")
        return None
    return compiled


_lock = threading.Lock()
_compiled: "weakref.WeakKeyDictionary[Pipeline, CompiledPipeline | None]" = weakref.WeakKeyDictionary()


def predict_proba(pipeline: "Pipeline", texts: Sequence[str]) -> np.ndarray:
    """pipeline.predict_proba(texts), through the compiled form when there is one (compiled on first use)."""
    with _lock:
        if pipeline in _compiled:
            compiled = _compiled[pipeline]
        else:
            compiled = _compiled[pipeline] = compile_pipeline(pipeline)
    if compiled is None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # see IntentModel.fit: more BLAS threads than free cores is slower
            return np.asarray(pipeline.predict_proba(list(texts)))
    return compiled.predict_proba(texts)
