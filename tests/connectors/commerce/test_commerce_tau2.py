"""tau2-retail db.json: validation errors, and a lossless round trip through the SQLite shop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import ConfigError
from connectors.commerce import SqliteShop, load_tau2_json


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(ConfigError, match="nope.json"):
        load_tau2_json(missing)


def test_invalid_json_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="bad.json"):
        load_tau2_json(bad)


def test_malformed_record_names_file_and_record(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    user = {
        "user_id": "ann_lee_1",
        "name": {"first_name": "Ann", "last_name": "Lee"},
        "email": "a@example.com",
        "payment_methods": {},
        "orders": [],
    }  # no address
    path.write_text(json.dumps({"products": {}, "users": {"ann_lee_1": user}, "orders": {}}))
    with pytest.raises(ConfigError, match=r"db.json.*users\['ann_lee_1'\].*missing field 'address'"):
        load_tau2_json(path)


def test_key_must_match_the_record_id(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    product = {"name": "Mug", "product_id": "2", "variants": {}}
    path.write_text(json.dumps({"products": {"1": product}, "users": {}, "orders": {}}))
    with pytest.raises(ConfigError, match=r"products\['1'\] has product_id='2'"):
        load_tau2_json(path)


def test_missing_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text(json.dumps({"products": {}, "users": {}}))
    with pytest.raises(ConfigError, match="'orders'"):
        load_tau2_json(path)


def test_tau2_db_loads_and_round_trips(tau2_path: Path, tmp_path: Path) -> None:
    data = load_tau2_json(tau2_path)
    assert (len(data.users), len(data.orders), len(data.products)) == (500, 1000, 50)
    shop = SqliteShop(tmp_path / "shop.sqlite3")
    seen: list[tuple[int, int]] = []
    shop.load(data, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (1550, 1550)
    assert shop.counts() == {"users": 500, "orders": 1000, "products": 50, "variants": 591}
    original_text = tau2_path.read_text()
    exported = shop.export()
    assert exported == json.loads(original_text)
    # Same keys in the same order, same float digits: the serialised text is identical too.
    assert json.dumps(exported, indent=4) == json.dumps(json.loads(original_text), indent=4)


def test_tau2_lookups_follow_tau2_semantics(tau2_path: Path, tmp_path: Path) -> None:
    shop = SqliteShop(tmp_path / "shop.sqlite3")
    shop.load(load_tau2_json(tau2_path))
    assert shop.find_user_by_email("NOAH.BROWN7922@example.com") == "noah_brown_6181"
    assert shop.find_user_by_name_zip("noah", "BROWN", "80279") == "noah_brown_6181"
    order = shop.get_order("w2611340")
    assert order is not None and order.order_id == "#W2611340" and order.created_at == ""
    assert order.fulfillments[0].tracking_ids == ("357962501027",)
    user = shop.get_user("noah_brown_6181")
    assert user is not None and [o.order_id for o in shop.list_orders(user.user_id)] == list(user.order_ids)
