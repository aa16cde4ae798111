"""Shared fixtures: the demo data and a demo shop on a real SQLite file (built once per session)."""

from __future__ import annotations

from pathlib import Path

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
