"""The demo data generator: deterministic, valid, and internally consistent."""

from __future__ import annotations

import json
from collections import Counter

from connectors.commerce import ShopData, generate_demo_data
from connectors.commerce.records import (
    ORDER_STATUSES,
    order_from_record,
    product_from_record,
    user_from_record,
)
from connectors.commerce.tau2 import validate_shop_data


def test_same_seed_same_bytes(demo_data: ShopData) -> None:
    again = generate_demo_data()
    assert json.dumps(again.to_json()) == json.dumps(demo_data.to_json())
    other = generate_demo_data(seed=1)
    assert json.dumps(other.to_json()) != json.dumps(demo_data.to_json())


def test_sizes_and_validity(demo_data: ShopData) -> None:
    validate_shop_data(demo_data, "demo")
    assert (len(demo_data.users), len(demo_data.orders), len(demo_data.products)) == (200, 1000, 100)
    for rec in demo_data.products.values():
        product = product_from_record(rec)
        assert 2 <= len(product.variants) <= 8
        assert product.name_zh and product.description and product.description_zh and product.category
        assert all(v.available == ((v.stock or 0) > 0) for v in product.variants)
    names = [str(p["name"]) for p in demo_data.products.values()]
    assert len(set(names)) == 100 and all("Harbor Goods" in str(p["description"]) for p in demo_data.products.values())


def test_every_status_present(demo_data: ShopData) -> None:
    statuses = Counter(str(o["status"]) for o in demo_data.orders.values())
    assert set(statuses) == set(ORDER_STATUSES)
    assert 0 < statuses["pending (item modified)"] < 50


def test_customers_are_plausible(demo_data: ShopData) -> None:
    users = [user_from_record(u) for u in demo_data.users.values()]
    assert all(u.email.endswith("@example.com") for u in users)
    assert len({u.email.lower() for u in users}) == 200
    assert len({(u.first_name.lower(), u.last_name.lower(), u.address.zip) for u in users}) == 200
    countries = Counter(u.address.country for u in users)
    assert countries["USA"] > 150 and 0 < countries["China"] < 50
    sources = Counter(pm.source for u in users for pm in u.payment_methods)
    assert set(sources) == {"credit_card", "paypal", "gift_card"}
    assert all(pm.balance is not None for u in users for pm in u.payment_methods if pm.source == "gift_card")


def test_orders_are_consistent(demo_data: ShopData) -> None:
    item_ids = {item for p in demo_data.products.values() for item in p["variants"]}  # type: ignore[union-attr]
    dates = []
    for rec in demo_data.orders.values():
        order = order_from_record(rec)
        user = demo_data.users[order.user_id]
        assert order.order_id in user["orders"]  # type: ignore[operator]
        assert all(p.payment_method_id in user["payment_methods"] for p in order.payment_history)  # type: ignore[operator]
        assert all(i.item_id in item_ids for i in order.items)
        total = round(sum(i.price for i in order.items), 2)
        first = order.payment_history[0]
        assert first.transaction_type == "payment" and first.amount == total
        if order.status == "cancelled":
            assert order.payment_history[1].transaction_type == "refund" and order.payment_history[1].amount == total
            assert rec["cancel_reason"] in ("no longer needed", "ordered by mistake")
        if order.status in ("processed", "delivered", "return requested", "exchange requested"):
            shipped = sorted(i for f in order.fulfillments for i in f.item_ids)
            assert shipped == sorted(i.item_id for i in order.items)
            assert all(len(t) == 12 for f in order.fulfillments for t in f.tracking_ids)
        else:
            assert order.fulfillments == ()
        if order.status == "return requested":
            assert set(rec["return_items"]) <= {i.item_id for i in order.items}  # type: ignore[arg-type]
        dates.append(order.created_at)
    assert dates == sorted(dates)
    assert dates[0] >= "2024-05-30" and dates[-1] <= "2025-06-02"
