"""KnowledgeBase.sources: the pages of one kind, followed as they are ingested and removed."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from knowledge import KnowledgeBase
from knowledge.embeddings import HashingEmbedder


def test_the_pages_of_a_kind_follow_ingestion(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "returns.en.md").write_text("# Returns\n\nReturn within 30 days.\n", encoding="utf-8")
    (folder / "giftwrap.en.md").write_text("# Gift wrapping\n\nWe wrap gifts for $4.50.\n", encoding="utf-8")
    kb.ingest_paths([folder])
    assert kb.sources("policy") == {"returns.en.md", "giftwrap.en.md"}
    assert kb.sources("product") == frozenset()
    (folder / "giftwrap.en.md").unlink()
    kb.ingest_paths([folder])
    assert kb.sources("policy") == {"returns.en.md"}
