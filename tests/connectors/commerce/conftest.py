"""Shared fixtures: the demo data and a demo shop on a real SQLite file (built once per session), and the
base of the hosted-platform fakes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.commerce import ShopData, SqliteShop, generate_demo_data

TAU2_DB = Path("/work/shared/data/tau2_retail/db.json")


@pytest.fixture(scope="session")
def demo_data() -> ShopData:
    return generate_demo_data()


@pytest.fixture(scope="session")
def demo_shop(tmp_path_factory: pytest.TempPathFactory, demo_data: ShopData) -> SqliteShop:
    shop = SqliteShop(tmp_path_factory.mktemp("demo") / "shop.sqlite3")
    shop.load(demo_data)
    return shop


@pytest.fixture(scope="session")
def tau2_path() -> Path:
    if not TAU2_DB.is_file():
        pytest.skip(f"tau2 retail db.json not found at {TAU2_DB} (shared data not mounted)")
    return TAU2_DB


class PlatformFake:
    """An httpx.MockTransport handler playing a hosted shop platform around one order; records requests."""

    def __init__(self, order: dict[str, Any]) -> None:
        self.order = order
        self.requests: list[httpx.Request] = []
        self.script: list[httpx.Response] = []
        """Responses returned first, in order, whatever the request (rate limits, outages)."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        refused = self.check_auth(request)
        if refused is not None:
            return refused
        if self.script:
            return self.script.pop(0)
        return self.answer(request)

    def check_auth(self, request: httpx.Request) -> httpx.Response | None:
        """The platform's answer to a request without the right credentials (checked before the script)."""
        raise NotImplementedError

    def answer(self, request: httpx.Request) -> httpx.Response:
        """What the platform answers once the script is spent."""
        raise NotImplementedError
