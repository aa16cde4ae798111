"""Incremental ingestion: unchanged skipped, changed replaced, vanished removed, progress reported."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from bot.types import Document
from knowledge import KnowledgeBase
from knowledge.embeddings import HashingEmbedder
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
