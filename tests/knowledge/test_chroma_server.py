"""The same knowledge base against a real `chroma run` server (skipped when the CLI is missing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot.settings import Settings
from bot.testing.spawn import free_port, stop
from bot.types import Document
from knowledge import DEMO_KNOWLEDGE_DIR, KnowledgeBase
from knowledge.embeddings import SentenceTransformerEmbedder


def _chroma_cli() -> str | None:
    beside_python = Path(sys.executable).parent / "chroma"
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    cli = _chroma_cli()
    if cli is None:
        pytest.skip("the chroma CLI is not installed in this environment; `pip install chromadb` provides it")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    server = subprocess.Popen([cli, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(path / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        stop(server, timeout_s=10)
        log.close()


def test_hybrid_retrieval_through_a_chroma_server(
    chroma_url: str, demo_kb: KnowledgeBase, demo_settings: Settings, minilm: SentenceTransformerEmbedder
) -> None:
    # The demo data dir's embedding cache makes this ingestion free: no model call at all.
    settings = demo_settings.model_copy(update={"chroma_url": chroma_url})
    kb = KnowledgeBase.open(settings, embedder=minilm)
    assert kb.ingest_paths([DEMO_KNOWLEDGE_DIR]).added == 16
    assert kb.document_embedder.misses == 0 and kb.document_embedder.hits > 0
    kb.ingest_documents([Document(source="order:W1", title="Order W1", text="Order W1 refund status: pending.",
                                  kind="order", customer_id="alice_1")])
    assert kb.count() == demo_kb.count() + 1

    again = KnowledgeBase.open(settings, embedder=minilm)  # a second replica sees the same store
    assert again.ingest_paths([DEMO_KNOWLEDGE_DIR]).unchanged == 16
    assert again.search("What is your return policy?", k=3, language="en")[0].source == "returns.en.md"
    assert again.search("退货政策是什么", k=3, language="zh")[0].source == "returns.zh.md"
    assert all(p.kind != "order" for p in again.search("order W1 refund status", k=20))
    assert again.search("order W1 refund status", k=1, customer_id="alice_1")[0].source == "order:W1"


def test_every_dense_plan_through_a_chroma_server(
    chroma_url: str, demo_kb: KnowledgeBase, demo_settings: Settings, minilm: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from knowledge import dense

    settings = demo_settings.model_copy(update={"chroma_url": chroma_url})
    kb = KnowledgeBase.open(settings, embedder=minilm)
    kb.ingest_paths([DEMO_KNOWLEDGE_DIR])
    kb.ingest_documents([Document(source="order:W2", title="Order W2", text="Order W2: a blue lamp, delivered.",
                                  kind="order", customer_id="bob_2")])
    for overfetch, direct, plan in ((300, 2000, "over-fetch"), (0, 2000, "direct"), (0, 0, "where")):
        monkeypatch.setattr(dense, "OVERFETCH", overfetch)
        monkeypatch.setattr(dense, "DIRECT", direct)
        found = kb.search("my blue lamp order", k=3, customer_id="bob_2")
        assert kb.retriever._dense_search.last_plan == plan
        assert "order:W2" in [p.source for p in found], plan
        assert all(p.kind != "order" for p in kb.search("my blue lamp order W2", k=20)), plan


def test_a_replica_sees_another_replicas_upload_within_seconds(chroma_url: str, tmp_path: Path) -> None:
    from knowledge import SYNC_INTERVAL
    from knowledge.embeddings import HashingEmbedder

    # Two replicas: separate data dirs (their own caches), one shared Chroma server.
    one = KnowledgeBase.open(Settings(data_dir=tmp_path / "one", chroma_url=chroma_url), embedder=HashingEmbedder())
    two = KnowledgeBase.open(Settings(data_dir=tmp_path / "two", chroma_url=chroma_url), embedder=HashingEmbedder())
    assert all(p.source != "gift.md" for p in two.search("gift wrapping recycled paper", k=3))
    page = tmp_path / "gift.md"
    page.write_text("# Gift wrapping\n\nWe wrap gifts in recycled paper for $4.\n")
    assert one.ingest_paths([page]).added == 1

    started = time.monotonic()
    while "gift.md" not in {p.source for p in two.search("gift wrapping recycled paper", k=3)}:
        assert time.monotonic() - started < SYNC_INTERVAL + 5, "replica two never saw the upload"
        time.sleep(0.1)
    page.write_text("# Gift wrapping\n\nGift wrapping is free this month.\n")
    assert one.ingest_paths([page]).updated == 1
    started = time.monotonic()
    while "free this month" not in " ".join(p.text for p in two.search("gift wrapping free", k=3)):
        assert time.monotonic() - started < SYNC_INTERVAL + 5, "replica two kept the old text"
        time.sleep(0.1)
