"""Incremental ingestion: unchanged skipped, changed replaced, vanished removed, progress reported."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import pytest

from bot.errors import BackendError
from bot.settings import Settings
from bot.types import Document
from knowledge import KnowledgeBase
from knowledge.embeddings import HashingEmbedder, Vectors
from knowledge.models import Usem3Embedder

from .test_embeddings import CountingEmbedder


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_reingest_skips_unchanged_replaces_changed_removes_vanished(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    _write(folder, "shipping.en.md", "# Shipping\n\nFree standard shipping over $50.")
    _write(folder, "returns.en.md", "# Returns\n\n## Window\n\nThirty days.\n\n## Refunds\n\nFive to seven days.")
    _write(folder, "hours.en.md", "# Hours\n\nMonday to Friday.")
    counting = CountingEmbedder()
    kb = KnowledgeBase.open(settings, embedder=counting)
    events: list[tuple[int, int, str]] = []

    first = kb.ingest_paths([folder], progress=lambda d, t, label: events.append((d, t, label)))
    assert first.counts() == {"added": 3, "updated": 0, "unchanged": 0, "removed": 0, "failed": 0}
    assert kb.count() == 4 and first.chunks == 4
    assert [e[:2] for e in events] == [(1, 3), (2, 3), (3, 3)]
    assert {e[2] for e in events} == {"shipping.en.md", "returns.en.md", "hours.en.md"}

    embedded = len(counting.seen)
    second = KnowledgeBase.open(settings, embedder=counting).ingest_paths([folder])
    assert second.counts()["unchanged"] == 3 and len(counting.seen) == embedded

    _write(folder, "shipping.en.md", "# Shipping\n\nFree standard shipping over $50.\n\n## Express\n\n$14.95.")
    (folder / "hours.en.md").unlink()
    _write(folder, "warranty.en.md", "# Warranty\n\nOne year.")
    kb3 = KnowledgeBase.open(settings, embedder=counting)
    assert "hours.en.md" in {p.source for p in kb3.search("monday friday hours")}
    before = len(counting.seen)
    third = kb3.ingest_paths([folder])
    assert third.counts() == {"added": 1, "updated": 1, "unchanged": 1, "removed": 1, "failed": 0}
    assert kb3.count() == 5
    # Only new text reached the model: the unchanged shipping intro came from the disk cache.
    assert counting.seen[before:] == ["Shipping > Express\n$14.95.", "Warranty\nOne year."]
    assert "hours.en.md" not in {p.source for p in kb3.search("monday friday hours", k=10)}
    assert "Express" in {p.section for p in kb3.search("express shipping price", k=3)}


def test_pruning_stays_within_its_folder_and_kind(settings: Settings, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, "one.md", "# One\n\nAlpha text.")
    _write(b, "two.md", "# Two\n\nBeta text.")
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    kb.ingest_paths([a, b])
    kb.ingest_documents([Document(source="product:1", title="Lamp", text="A brass lamp.", kind="product")])
    (a / "one.md").unlink()
    summary = kb.ingest_paths([a])
    assert summary.removed == 1
    assert {p.source for p in kb.search("text beta alpha lamp", k=10)} == {"two.md", "product:1"}


def test_broken_file_is_reported_and_not_pruned(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    _write(folder, "good.md", "# Good\n\nGood text.")
    _write(folder, "flaky.md", "# Flaky\n\nFlaky text.")
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert kb.ingest_paths([folder]).added == 2
    (folder / "flaky.md").write_bytes(b"\xff\xfe broken now")
    _write(folder, "notes.pdf", "%PDF")
    summary = kb.ingest_paths([folder, tmp_path / "nowhere"])
    assert summary.unchanged == 1 and summary.removed == 0
    assert {name for name, _ in summary.failed} == {"flaky.md", "notes.pdf", str(tmp_path / "nowhere")}
    assert kb.search("flaky")[0].source == "flaky.md"  # the last good version stays searchable


def test_ingest_documents_with_prune_kind_and_invalid_orders(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    products = [Document(source=f"product:{i}", title=f"P{i}", text=f"Product {i} text.", kind="product")
                for i in range(3)]
    assert kb.ingest_documents(products, prune_kind="product").added == 3
    kb.ingest_documents([Document(source="policy.md", title="Policy", text="Policy text.")])
    orphan = Document(source="order:1", title="Order 1", text="Order text.", kind="order")
    summary = kb.ingest_documents(products[:1] + [orphan], prune_kind="product")
    assert summary.counts() == {"added": 0, "updated": 0, "unchanged": 1, "removed": 2, "failed": 1}
    assert summary.failed == [("order:1", "order document without customer_id")]
    assert kb.upsert([products[0]]) == {"added": 0, "updated": 0, "unchanged": 1, "removed": 0, "failed": 0}
    assert kb.count() == 2  # product:0 and the policy


def test_open_is_quick_and_loads_no_model(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings)
    assert isinstance(kb.embedder, Usem3Embedder) and not kb.embedder.loaded
    assert kb.count() == 0 and kb.search("anything") == []
    assert not kb.embedder.loaded  # an empty store answers without the model


class FailingEmbedder(HashingEmbedder):
    """Embeds `budget` texts, then fails like a model running out of memory."""

    def __init__(self, budget: int) -> None:
        super().__init__(32)
        self.budget = budget

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.budget -= len(texts)
        if self.budget < 0:
            raise RuntimeError("out of memory")
        return super().embed(texts)


def _products(n: int, words: str = "text") -> list[Document]:
    return [Document(source=f"p{i}", title=f"P{i}", text=f"Product {i} {words}.", kind="product") for i in range(n)]


def _no_worker_left() -> bool:
    return not [t for t in threading.enumerate() if t.name == "ingest-embed"]


def test_many_groups_are_written_in_order_with_progress(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder(32))
    labels: list[str] = []
    summary = kb.ingest_documents(_products(700), progress=lambda done, total, label: labels.append(label))
    assert summary.added == 700 and kb.count() == 700 and _no_worker_left()
    assert labels == [f"p{i}" for i in range(700)]  # callbacks on the caller's thread, in document order
    assert "p699" in [p.source for p in kb.search("Product 699", k=3)]


def test_an_update_with_fewer_chunks_drops_the_old_surplus(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder(32))
    long = Document(source="faq.md", title="FAQ", text="## One\n\nAlpha.\n\n## Two\n\nBravo.\n\n## Three\n\nCharlie.")
    kb.ingest_documents([long])
    assert kb.count() == 3 and kb.search("Charlie", k=1)[0].source == "faq.md"
    short = Document(source="faq.md", title="FAQ", text="## One\n\nDelta.")
    assert kb.ingest_documents([short]).updated == 1
    assert kb.count() == 1
    assert [p.text for p in kb.search("Charlie Delta", k=5)] == ["Delta."]


def test_an_embedding_failure_is_a_backend_error_and_stops_the_worker(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings, embedder=FailingEmbedder(budget=300))
    with pytest.raises(BackendError, match="out of memory"):
        kb.ingest_documents(_products(1000))
    assert _no_worker_left()
    # What was written before the failure is complete documents; ingesting again finishes the job.
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder(32))
    summary = kb.ingest_documents(_products(1000))
    assert summary.added + summary.unchanged == 1000 and kb.count() == 1000


def test_a_store_failure_is_a_backend_error_and_stops_the_worker(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder(32))

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(kb.store.collection, "add", refuse)
    with pytest.raises(BackendError, match="disk full"):
        kb.ingest_documents(_products(1000))
    assert _no_worker_left()
