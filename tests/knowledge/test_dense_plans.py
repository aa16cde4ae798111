"""Dense search without Chroma's metadata filter: each plan matches the `where` clause; the order rule holds."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bot.settings import Settings
from bot.types import DocKind, Document
from knowledge import KnowledgeBase
from knowledge import dense as dense_module
from knowledge.embeddings import HashingEmbedder
from knowledge.models import embed_queries
from knowledge.retrieval import where_clause

_WORDS = "lamp kettle duvet rug linen oak brass refund return shipping parcel order late broken blue green".split()


class _EnglishOnlyHashing(HashingEmbedder):
    """A hashing embedder that, like MiniLM, declares it reads English only (Chinese chunks get placeholders)."""

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.languages = frozenset({"en"})


def _corpus(rng: random.Random) -> list[Document]:
    def text() -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(8))

    docs = [Document(source=f"p/{i}", title=f"Product {i}", text=text(), kind="product") for i in range(60)]
    docs += [Document(source=f"policy/{i}", title=f"Policy {i}", text=text()) for i in range(12)]
    docs += [Document(source=f"zh/{i}", title=f"政策 {i}", text=f"退货 运费 订单 {i}", language="zh") for i in range(6)]
    docs += [
        Document(
            source=f"order:W{i}",
            title=f"Order W{i}",
            text=f"order W{i} {text()}",
            kind="order",
            customer_id=f"customer_{i % 5}",
        )
        for i in range(30)
    ]
    return docs


@pytest.fixture
def kb(settings: Settings) -> KnowledgeBase:
    kb = KnowledgeBase.open(settings, embedder=_EnglishOnlyHashing())
    kb.ingest_documents(_corpus(random.Random(3)))
    kb.search("warm up", k=1)  # loads the chunk table
    return kb


def _reference(kb: KnowledgeBase, query: str, kind: DocKind | None, customer_id: str | None) -> list[float]:
    """The similarities Chroma returns with the where clause: what every plan must reproduce."""
    retriever = kb.retriever
    vector = np.asarray(embed_queries(kb.embedder, [query])[0], dtype=np.float32)
    where = where_clause(kind, customer_id, retriever._languages)
    return [round(sim, 4) for _, sim in retriever.store.query(vector, retriever.candidates, where)]


@pytest.mark.parametrize(
    ("overfetch", "direct", "plan_for_anonymous"),
    [(300, 2000, "over-fetch"), (0, 2000, "direct"), (0, 0, "where")],
)
def test_every_plan_returns_the_filtered_nearest_chunks(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, overfetch: int, direct: int, plan_for_anonymous: str
) -> None:
    monkeypatch.setattr(dense_module, "OVERFETCH", overfetch)
    monkeypatch.setattr(dense_module, "DIRECT", direct)
    retriever = kb.retriever
    kinds: tuple[DocKind | None, ...] = (None, "order", "policy", "product")
    for query in ("blue lamp order", "refund for a broken kettle", "order W7 parcel late", "linen duvet"):
        for kind in kinds:
            for customer in (None, "customer_2"):
                found = retriever._dense(query, kind, customer)
                assert [round(sim, 4) for _, sim in found] == _reference(kb, query, kind, customer), (query, kind)
                for chunk_id, _ in found:
                    chunk = retriever._chunks[chunk_id]
                    assert chunk.language == "en", "a placeholder vector came back"
                    if chunk.kind == "order":
                        assert customer is not None and chunk.customer_id == customer
        retriever._dense(query, None, None)
        assert retriever._dense_search.last_plan == plan_for_anonymous


def test_the_direct_plan_follows_updates(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense_module, "OVERFETCH", 0)
    retriever = kb.retriever
    assert [cid for cid, _ in retriever._dense("order W3", "order", "customer_3")]  # vectors kept for the direct plan
    assert retriever._dense_search.last_plan == "direct"
    kb.ingest_documents(
        [
            Document(
                source="order:W3", title="Order W3", text="order W3 green rug", kind="order", customer_id="customer_3"
            )
        ]
    )
    found = retriever._dense("order W3 green rug", "order", "customer_3")
    assert retriever._chunks[found[0][0]].source == "order:W3"
    # The kept vector of the replaced chunk was dropped: the scores are the new text's.
    assert [round(sim, 4) for _, sim in found] == _reference(kb, "order W3 green rug", "order", "customer_3")
    # A customer with no orders sees none, whichever plan.
    assert retriever._dense("order W3", "order", "nobody") == []
    assert retriever._dense("order W3", "order", None) == []
