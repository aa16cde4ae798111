"""Test-wide set-up: everything offline, models pinned to the cores we have, each test marked unit/integration/e2e."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.testing.redis_server import RedisServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

E2E_DIR = Path(__file__).parent / "e2e"

# Fixtures that start a process outside the test (redis-server, `chroma run`): a test that uses one is integration.
INTEGRATION_FIXTURES = frozenset({"redis_url", "chroma_url"})

KINDS = ("unit", "integration", "e2e")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One throwaway redis-server for the run, shared by the store, desk and server suites."""
    if not RedisServer.available():
        pytest.skip("redis-server is not installed (apt-get install -y redis-server); Redis cases skipped")
    with RedisServer() as url:
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """e2e: everything under tests/e2e. integration: marked so (the test, its module, a fixture param such as the
    Redis backend) or using an INTEGRATION_FIXTURES fixture. unit: the rest, so `pytest -m unit` needs nothing
    but this process."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
        elif INTEGRATION_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        if not any(item.get_closest_marker(kind) for kind in KINDS):
            item.add_marker(pytest.mark.unit)
