"""The compiled intent pipeline gives scikit-learn's probabilities, and other shapes fall back to scikit-learn."""

from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np

from bot.understanding.intents.inference import compile_pipeline, predict_proba
from bot.understanding.intents.model import IntentModel, normalise

TRAIN = {
    "order_status": ["where is my order", "track my parcel", "has my package shipped", "我的订单到哪了", "查一下物流"],
    "return_refund": ["i want a refund", "how do i return this", "can i send it back", "我要退货", "怎么退款"],
    "greeting": ["hello", "hi there", "good morning", "你好", "在吗"],
    "thanks": ["thanks a lot", "thank you", "cheers, thanks", "谢谢", "多谢了"],
}
PROBES = ["where is order <EMAIL_1> #W1234567", "退货要多久", "hey", "", "completely unrelated words", "谢谢你 thanks"]


def _fake_encoder(texts: Sequence[str]) -> np.ndarray:
    """A deterministic 16-d 'sentence vector' (hashes of the characters), enough to exercise the dense block."""
    out = np.zeros((len(texts), 16), dtype=np.float32)
    for row, text in enumerate(texts):
        for ch in text:
            out[row, zlib.crc32(ch.encode()) % 16] += 1.0
    norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out / norms


def _data(labels: Sequence[str]) -> tuple[list[str], list[str]]:
    texts = [t for label in labels for t in TRAIN[label]]
    return texts, [label for label in labels for _ in TRAIN[label]]


def test_compiled_matches_scikit_learn_with_a_dense_block() -> None:
    model = IntentModel.fit(*_data(list(TRAIN)), encoder=_fake_encoder)
    compiled = compile_pipeline(model.pipeline)
    assert compiled is not None
    texts = [normalise(t) for t in PROBES]
    assert np.allclose(compiled.predict_proba(texts), model.pipeline.predict_proba(texts), atol=1e-9)
    prediction = model.predict("where is my order")  # through IntentModel, i.e. the compiled path
    assert abs(sum(p for _, p in prediction.ranked) - 1.0) < 1e-9


def test_compiled_matches_scikit_learn_for_two_classes_without_encoder() -> None:
    model = IntentModel.fit(*_data(["greeting", "thanks"]), encoder=None)
    compiled = compile_pipeline(model.pipeline)
    assert compiled is not None
    texts = [normalise(t) for t in PROBES]
    assert np.allclose(compiled.predict_proba(texts), model.pipeline.predict_proba(texts), atol=1e-9)


def test_an_uncalibrated_logistic_regression_compiles_too() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    for labels in (list(TRAIN), ["greeting", "thanks"]):
        texts, y = _data(labels)
        union = FeatureUnion([("words", TfidfVectorizer()), ("chars", TfidfVectorizer(analyzer="char_wb"))])
        pipeline = Pipeline([("features", union), ("clf", LogisticRegression(C=10))]).fit(texts, y)
        compiled = compile_pipeline(pipeline)
        assert compiled is not None
        assert np.allclose(compiled.predict_proba(PROBES), pipeline.predict_proba(PROBES), atol=1e-9)


def test_another_pipeline_shape_is_left_to_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    texts, labels = _data(list(TRAIN))
    pipeline = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())]).fit(texts, labels)
    assert compile_pipeline(pipeline) is None
    assert np.allclose(predict_proba(pipeline, PROBES), pipeline.predict_proba(PROBES))
