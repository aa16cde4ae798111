"""open_shop: first start fills the DB (demo or tau2), later starts reuse it; sample_order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError, NotFound
from bot.settings import Settings
from connectors.commerce import ShopData, SqliteShop, open_shop, sample_order


def test_fills_with_demo_data_then_reuses(tmp_path: Path) -> None:
    settings = Settings.model_validate({"data_dir": tmp_path / "data"})
    calls: list[tuple[int, int]] = []
    shop = open_shop(settings, progress=lambda d, t: calls.append((d, t)))
    assert settings.shop_db_path.is_file() and shop.counts()["orders"] == 1000
    assert calls and calls[-1][0] == calls[-1][1]
    order_id, email = sample_order(shop)
    order = shop.get_order(order_id)
    assert order is not None and order.status == "delivered"
    assert shop.find_user_by_email(email) == order.user_id
    # Simulate a change made by a tool; a second open must keep it, not regenerate.
    shop.load(json_shop := _tiny_shop(shop))
    shop.close()
    again = open_shop(settings)
    assert again.counts()["products"] == len(json_shop.products) and again.counts()["orders"] == 0


def _tiny_shop(shop: SqliteShop) -> ShopData:
    products = shop.export()["products"]
    assert isinstance(products, dict)
    product_id, record = next(iter(products.items()))
    assert isinstance(record, dict)
    return ShopData(products={product_id: record}, users={}, orders={})


def test_fills_from_shop_data(tmp_path: Path, demo_shop: SqliteShop) -> None:
    source = tmp_path / "db.json"
    source.write_text(json.dumps(demo_shop.export()))
    shop = open_shop(Settings.model_validate({"data_dir": tmp_path / "d", "shop_data": source}))
    assert shop.export() == demo_shop.export()


def test_bad_shop_data_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing.json"):
        open_shop(Settings.model_validate({"data_dir": tmp_path, "shop_data": tmp_path / "missing.json"}))


def test_sample_order_without_match(demo_shop: SqliteShop) -> None:
    assert sample_order(demo_shop, "cancelled")[0].startswith("#W")
    with pytest.raises(NotFound):
        sample_order(demo_shop, "lost at sea")
