"""Record <-> domain conversion: validation messages, normalisation, reverse mapping."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.text import order_key
from connectors.commerce.records import (
    RecordError,
    ShopData,
    order_from_record,
    order_to_record,
    product_from_record,
    product_to_record,
    user_from_record,
)


@pytest.mark.parametrize("raw", ["#W1234567", "W1234567", "#w1234567", " w1234567 ", "# W1234567"])
def test_order_ids_normalise_to_one_key(raw: str) -> None:
    assert order_key(raw) == "W1234567"


def test_records_map_to_domain_and_back(demo_data: ShopData) -> None:
    for rec in list(demo_data.users.values())[:20]:
        assert user_from_record(rec).to_json() == rec
    for rec in list(demo_data.products.values())[:20]:
        assert product_to_record(product_from_record(rec)) == rec
    for rec in list(demo_data.orders.values())[:50]:
        # The optional tau2 fields (cancel_reason, return_items ...) survive the round trip too.
        assert order_to_record(order_from_record(rec)) == rec


def test_domain_values_carry_the_extras(demo_data: ShopData) -> None:
    product = product_from_record(next(iter(demo_data.products.values())))
    assert product.name_zh and product.description and product.description_zh and product.category
    assert all(v.stock is not None for v in product.variants)
    order = order_from_record(next(iter(demo_data.orders.values())))
    assert order.created_at.endswith("Z")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("email"), "missing field 'email'"),
        (lambda r: r["name"].update(first_name=3), "user.name.first_name: expected a string"),
        (lambda r: r.update(orders="#W1"), "user.orders: expected a list"),
        (lambda r: r.update(address=[]), "user.address: expected an object"),
    ],
)
def test_malformed_user_names_the_field(demo_data: ShopData, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    rec = copy.deepcopy(next(iter(demo_data.users.values())))
    mutate(rec)
    with pytest.raises(RecordError, match=message):
        user_from_record(rec)


def test_malformed_order_and_product(demo_data: ShopData) -> None:
    order: Any = copy.deepcopy(next(iter(demo_data.orders.values())))
    order["payment_history"][0]["transaction_type"] = "gift"
    with pytest.raises(RecordError, match=r"payment_history\[0\].transaction_type"):
        order_from_record(order)
    product: Any = copy.deepcopy(next(iter(demo_data.products.values())))
    next(iter(product["variants"].values()))["price"] = True
    with pytest.raises(RecordError, match="price: expected a number"):
        product_from_record(product)
