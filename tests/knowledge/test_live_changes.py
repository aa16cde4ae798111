"""Knowledge written by another process reaches a running knowledge base within seconds, no restart.

The writer is a real second interpreter on the same embedded Chroma (what `shopkeeper ingest`
does while the server runs); the reader is this process's KnowledgeBase, already searched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import knowledge
from bot.settings import Settings
from knowledge import KnowledgeBase
from knowledge.embeddings import HashingEmbedder

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bot.settings import Settings
    from knowledge import KnowledgeBase
    from knowledge.embeddings import HashingEmbedder
    kb = KnowledgeBase.open(Settings(data_dir=Path(sys.argv[1])), embedder=HashingEmbedder())
    summary = kb.ingest_paths([Path(sys.argv[2])])
    print(summary.counts())
    """
)


def _write_in_another_process(data_dir: Path, folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(data_dir), str(folder)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _until(predicate: object, timeout_s: float = 10.0) -> float:
    """Seconds until predicate() is true (fails the test after timeout_s)."""
    started = time.monotonic()
    while not predicate():  # type: ignore[operator]
        if time.monotonic() - started > timeout_s:
            pytest.fail(f"not seen within {timeout_s} s")
        time.sleep(0.1)
    return time.monotonic() - started


def _sources(kb: KnowledgeBase, query: str) -> set[str]:
    return {p.source for p in kb.search(query, k=5)}


def _policy_shop(tmp_path: Path, name: str, text: str) -> tuple[Settings, Path, KnowledgeBase]:
    """A data dir, a policies folder holding one page, and a knowledge base opened on it (not yet ingested)."""
    settings = Settings(data_dir=tmp_path / "data")
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / name).write_text(text)
    return settings, folder, KnowledgeBase.open(settings, embedder=HashingEmbedder())


def test_another_process_ingesting_is_seen_by_a_running_knowledge_base(tmp_path: Path) -> None:
    settings, folder, kb = _policy_shop(
        tmp_path, "returns.md", "# Returns\n\nReturn anything within 30 days for a full refund.\n"
    )
    kb.ingest_paths([folder])
    assert _sources(kb, "return refund") == {"returns.md"}

    (folder / "gift-wrap.md").write_text("# Gift wrapping\n\nWe wrap gifts in recycled paper for $4.\n")
    assert "'added': 1" in _write_in_another_process(settings.data_dir, folder)

    waited = _until(lambda: "gift-wrap.md" in _sources(kb, "gift wrapping recycled paper"))
    assert waited < knowledge.SYNC_INTERVAL + 3
    # Dense search sees the other process's vectors too, not only BM25.
    dense = kb.retriever.search_scored("gift wrapping recycled paper", k=3)
    assert dense[0].passage.source == "gift-wrap.md" and dense[0].dense is not None

    (folder / "gift-wrap.md").unlink()
    _write_in_another_process(settings.data_dir, folder)
    _until(lambda: "gift-wrap.md" not in _sources(kb, "gift wrapping recycled paper"))


def test_own_writes_do_not_reload_and_unchanged_versions_cost_one_read(tmp_path: Path) -> None:
    _, folder, kb = _policy_shop(tmp_path, "a.md", "# Shipping\n\nWe ship within the United States only.\n")
    kb.search("shipping", k=1)
    kb.ingest_paths([folder])
    assert kb.sync(force=True) is False  # its own change is already in memory
    assert _sources(kb, "ship united states") == {"a.md"}
    assert kb.sync() is False  # within the interval: not even a read


def test_products_another_process_ingests_reach_the_catalogue_view(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert kb.catalogue.list_products() == []
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "kettles.csv").write_text("id,title,price\nK1,Enamel kettle,49\n", encoding="utf-8")
    _write_in_another_process(settings.data_dir, folder)
    _until(lambda: kb.catalogue.get_product("K1") is not None)
    assert "kettles.csv#K1" in _sources(kb, "enamel kettle")
