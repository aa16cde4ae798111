"""Knowledge fixtures: one real MiniLM per session, a demo knowledge base ingested once, tmp settings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.settings import Settings
from knowledge import DEMO_KNOWLEDGE_DIR, KnowledgeBase
from knowledge.embeddings import SentenceTransformerEmbedder

TIMINGS: dict[str, float] = {}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", torch_threads=2)


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2", threads=2)
    started = time.perf_counter()
    embedder.embed(["warm up"])
    TIMINGS["minilm_load_s"] = time.perf_counter() - started
    return embedder


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The data dir of the demo knowledge base; its embedding cache is reused by other tests."""
    return Settings(data_dir=tmp_path_factory.mktemp("demo-kb"), torch_threads=2)


@pytest.fixture(scope="session")
def demo_kb(demo_settings: Settings, minilm: SentenceTransformerEmbedder) -> KnowledgeBase:
    kb = KnowledgeBase.open(demo_settings, embedder=minilm)
    started = time.perf_counter()
    summary = kb.ingest_paths([DEMO_KNOWLEDGE_DIR])
    TIMINGS["demo_ingest_s"] = time.perf_counter() - started
    assert summary.failed == [] and summary.added == 16
    return kb


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.write_line(
            "knowledge timings: " + ", ".join(f"{name}={value:.2f}" for name, value in TIMINGS.items())
        )
