"""Test-wide set-up: everything offline, models pinned to the cores we have, each test marked unit/integration/e2e."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
