"""SqliteShop on a real file: lookups, normalisation, reload, atomic load, threads, persistence."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from connectors.commerce import ShopData, SqliteShop
from connectors.commerce.records import RecordError


def test_counts_and_is_empty(tmp_path: Path, demo_shop: SqliteShop) -> None:
    empty = SqliteShop(tmp_path / "empty.sqlite3")
    assert empty.is_empty()
    assert demo_shop.counts()["users"] == 200 and demo_shop.counts()["orders"] == 1000
    assert demo_shop.counts()["products"] == 100 and not demo_shop.is_empty()


def test_user_lookups(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    rec = next(iter(demo_data.users.values()))
    user = demo_shop.get_user(str(rec["user_id"]))
    assert user is not None and user.email == rec["email"]
    assert demo_shop.find_user_by_email(f"  {user.email.upper()} ") == user.user_id
    assert (
        demo_shop.find_user_by_name_zip(user.first_name.upper(), user.last_name.lower(), user.address.zip)
        == user.user_id
    )
    assert demo_shop.find_user_by_email("nobody@example.com") is None
    assert demo_shop.find_user_by_name_zip(user.first_name, user.last_name, "00000") is None
    assert demo_shop.get_user("no_such_user") is None


@pytest.mark.parametrize(
    "variant", [lambda i: i, lambda i: i.lstrip("#"), lambda i: i.lower(), lambda i: i[1:].lower()]
)
def test_order_ids_are_normalised(demo_shop: SqliteShop, demo_data: ShopData, variant) -> None:  # type: ignore[no-untyped-def]
    order_id = next(iter(demo_data.orders))
    order = demo_shop.get_order(variant(order_id))
    assert order is not None and order.order_id == order_id
    assert demo_shop.get_order("#W0000000") is None


def test_list_orders_in_data_order(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    for rec in list(demo_data.users.values())[:10]:
        orders = demo_shop.list_orders(str(rec["user_id"]))
        assert [o.order_id for o in orders] == rec["orders"]
        assert all(o.user_id == rec["user_id"] for o in orders)


def test_products_and_variants(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    products = demo_shop.list_products()
    assert [p.product_id for p in products] == list(demo_data.products)
    product = products[3]
    assert demo_shop.get_product(product.product_id) == product
    item = product.variants[-1]
    found = demo_shop.find_variant(item.item_id)
    assert found == (product, item.item_id)
    assert demo_shop.find_variant("0") is None and demo_shop.get_product("0") is None


def test_export_round_trips_demo_data(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    assert demo_shop.export() == demo_data.to_json()


def test_load_replaces_everything_and_persists(tmp_path: Path, demo_data: ShopData) -> None:
    path = tmp_path / "shop.sqlite3"
    shop = SqliteShop(path)
    shop.load(demo_data)
    small = ShopData(products=dict(list(demo_data.products.items())[:2]), users={}, orders={})
    shop.load(small)
    assert shop.counts()["products"] == 2 and shop.counts()["orders"] == 0
    shop.close()
    reopened = SqliteShop(path)
    assert [p.product_id for p in reopened.list_products()] == list(small.products)


def test_failed_load_leaves_old_content(tmp_path: Path, demo_data: ShopData) -> None:
    shop = SqliteShop(tmp_path / "shop.sqlite3")
    shop.load(demo_data)
    orders = copy.deepcopy(dict(demo_data.orders))
    broken = next(reversed(orders))
    del orders[broken]["items"]
    with pytest.raises(RecordError):
        shop.load(ShopData(products=demo_data.products, users=demo_data.users, orders=orders))
    assert shop.counts()["orders"] == 1000
    assert shop.get_order(broken) is not None


def test_safe_from_a_thread_pool(demo_shop: SqliteShop, demo_data: ShopData) -> None:
    ids = list(demo_data.orders)[:200]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(demo_shop.get_order, ids))
    assert [o.order_id for o in found if o] == ids


def test_orders_with_status(demo_shop: SqliteShop) -> None:
    pending = demo_shop.orders_with_status("pending", limit=5)
    assert len(pending) == 5 and all(o.status == "pending" for o in pending)
