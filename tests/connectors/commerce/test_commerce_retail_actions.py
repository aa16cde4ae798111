"""The reference shop's write actions: tau2's checks in tau2's order, exact sentences, money and quirks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ActionRefused
from bot.testing.commerce import (
    ANA,
    ANA_DELIVERED,
    ANA_GIFT_PENDING,
    ANA_PENDING,
    BOTTLE_LARGE,
    BOTTLE_SMALL,
    SHIRT_BLUE,
    SHIRT_GREEN,
    SHIRT_RED,
    open_mini_shop,
)
from bot.types import Address
from connectors.commerce.sqlite_shop import SqliteShop

NEW_ADDRESS = Address("5 Elm St", "Apt 2", "Boston", "MA", "USA", "02108")


@pytest.fixture()
def shop(tmp_path: Path) -> Iterator[SqliteShop]:
    shop = open_mini_shop(tmp_path / "shop.sqlite")
    yield shop
    shop.close()


def _gift_balance(shop: SqliteShop) -> float | None:
    user = shop.get_user(ANA)
    assert user is not None
    return next(pm.balance for pm in user.payment_methods if pm.source == "gift_card")


def _refused(message: str) -> Any:
    return pytest.raises(ActionRefused, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}$")


# --------------------------------------------------------------------------- cancel


def test_cancel_refunds_every_entry_and_credits_a_gift_card_at_once(shop: SqliteShop) -> None:
    order = shop.cancel_pending_order(ANA_GIFT_PENDING, "ordered by mistake")
    assert order.status == "cancelled" and order.cancel_reason == "ordered by mistake"
    assert [(p.transaction_type, p.amount, p.payment_method_id) for p in order.payment_history] == [
        ("payment", 20.0, "gift_card_1111"),
        ("refund", 20.0, "gift_card_1111"),
    ]
    assert _gift_balance(shop) == 30.0
    assert shop.get_order(ANA_GIFT_PENDING) == order


def test_cancel_checks_status_then_reason(shop: SqliteShop) -> None:
    with _refused("Non-pending order cannot be cancelled"):
        shop.cancel_pending_order(ANA_DELIVERED, "too expensive")
    with _refused("Invalid reason"):
        shop.cancel_pending_order(ANA_PENDING, "No longer needed")  # case-sensitive
    with _refused("Order not found"):
        shop.cancel_pending_order("#W9999999", "no longer needed")


def test_preview_changes_nothing(shop: SqliteShop) -> None:
    before = shop.export()
    preview = shop.cancel_pending_order(ANA_GIFT_PENDING, "no longer needed", preview=True)
    assert preview.status == "cancelled"
    assert shop.export() == before


def test_cancel_after_a_payment_change_refunds_all_three_entries(shop: SqliteShop) -> None:
    shop.modify_pending_order_payment(ANA_PENDING, "paypal_1111")
    order = shop.cancel_pending_order(ANA_PENDING, "no longer needed")
    kinds = [(p.transaction_type, p.payment_method_id) for p in order.payment_history]
    assert kinds[3:] == [("refund", "credit_card_1111"), ("refund", "paypal_1111"), ("refund", "credit_card_1111")]


# --------------------------------------------------------------------------- pending modifications


def test_address_change_on_pending_orders_only(shop: SqliteShop) -> None:
    order = shop.modify_pending_order_address(ANA_PENDING, NEW_ADDRESS)
    assert order.address == NEW_ADDRESS and order.status == "pending"
    with _refused("Non-pending order cannot be modified"):
        shop.modify_pending_order_address(ANA_DELIVERED, NEW_ADDRESS)


def test_payment_change_checks_in_order(shop: SqliteShop) -> None:
    with _refused("Payment method not found"):
        shop.modify_pending_order_payment(ANA_PENDING, "paypal_2222")  # Bo's
    with _refused("The new payment method should be different from the current one"):
        shop.modify_pending_order_payment(ANA_PENDING, "credit_card_1111")
    with _refused("Insufficient gift card balance to pay for the order"):
        shop.modify_pending_order_payment(ANA_PENDING, "gift_card_1111")  # 10.0 < 70.0


def test_payment_change_away_from_a_gift_card_credits_it(shop: SqliteShop) -> None:
    order = shop.modify_pending_order_payment(ANA_GIFT_PENDING, "paypal_1111")
    assert [(p.transaction_type, p.payment_method_id) for p in order.payment_history] == [
        ("payment", "gift_card_1111"),
        ("payment", "paypal_1111"),
        ("refund", "gift_card_1111"),
    ]
    assert _gift_balance(shop) == 30.0 and order.status == "pending"
    with _refused("There should be exactly one payment for a pending order"):
        shop.modify_pending_order_payment(ANA_GIFT_PENDING, "credit_card_1111")


def test_modify_items_gives_each_item_its_own_variant(shop: SqliteShop) -> None:
    order = shop.modify_pending_order_items(
        ANA_PENDING, [SHIRT_RED, BOTTLE_SMALL], [SHIRT_BLUE, BOTTLE_LARGE], "credit_card_1111"
    )
    assert order.status == "pending (item modified)"
    assert [(i.item_id, i.price, dict(i.options)) for i in order.items] == [
        (SHIRT_BLUE, 55.5, {"color": "blue", "size": "M"}),
        (BOTTLE_LARGE, 30.1, {"capacity": "1000ml"}),
    ]
    entry = order.payment_history[-1]
    # Summed in list order and never rounded, as tau2 writes it.
    assert (entry.transaction_type, entry.amount) == ("payment", (55.5 - 50.0) + (30.1 - 20.0))
    assert entry.amount == 15.600000000000001
    with _refused("Non-pending order cannot be modified"):
        shop.modify_pending_order_items(ANA_PENDING, [SHIRT_BLUE], [SHIRT_RED], "credit_card_1111")


@pytest.mark.parametrize(
    ("old", "new", "method", "message"),
    [
        ([SHIRT_BLUE], [SHIRT_RED], "credit_card_1111", f"{SHIRT_BLUE} not found"),
        (
            [SHIRT_RED],
            [SHIRT_BLUE, BOTTLE_LARGE],
            "credit_card_1111",
            "The number of items to be exchanged should match",
        ),
        ([SHIRT_RED], [SHIRT_RED], "credit_card_1111", "The new item id should be different from the old item id"),
        ([SHIRT_RED], [BOTTLE_LARGE], "credit_card_1111", "Variant not found"),
        ([SHIRT_RED], [SHIRT_GREEN], "credit_card_1111", f"New item {SHIRT_GREEN} not found or available"),
        ([SHIRT_RED], [SHIRT_BLUE], "paypal_2222", "Payment method not found"),
    ],
)
def test_modify_items_refusals(shop: SqliteShop, old: list[str], new: list[str], method: str, message: str) -> None:
    before = shop.export()
    with _refused(message):
        shop.modify_pending_order_items(ANA_PENDING, old, new, method)
    assert shop.export() == before


def test_modify_items_refund_to_a_gift_card_and_balance_check(shop: SqliteShop) -> None:
    with _refused("Insufficient gift card balance to pay for the new item"):
        shop.modify_pending_order_items(ANA_GIFT_PENDING, [BOTTLE_SMALL], [BOTTLE_LARGE], "gift_card_1111")
    order = shop.modify_pending_order_items(ANA_PENDING, [SHIRT_RED], [SHIRT_BLUE], "gift_card_1111")
    assert order.payment_history[-1].transaction_type == "payment"
    assert _gift_balance(shop) == 4.5  # 10.0 - 5.5, rounded to the cent


def test_user_address_change_moves_the_zip_lookup(shop: SqliteShop) -> None:
    user = shop.modify_user_address(ANA, NEW_ADDRESS)
    assert user.address == NEW_ADDRESS
    assert shop.find_user_by_name_zip("ana", "LEE", "02108") == ANA
    assert shop.find_user_by_name_zip("Ana", "Lee", "62701") is None
    with _refused("User not found"):
        shop.modify_user_address("nobody_0", NEW_ADDRESS)


# --------------------------------------------------------------------------- delivered orders


def test_return_sorts_items_and_accepts_any_own_gift_card(shop: SqliteShop) -> None:
    order = shop.return_delivered_order_items(ANA_DELIVERED, [SHIRT_BLUE, BOTTLE_SMALL, SHIRT_BLUE], "gift_card_1111")
    assert order.status == "return requested"
    assert order.return_items == (SHIRT_BLUE, SHIRT_BLUE, BOTTLE_SMALL)  # sorted as strings
    assert order.return_payment_method_id == "gift_card_1111"
    assert len(order.payment_history) == 1 and _gift_balance(shop) == 10.0  # nothing refunded yet
    with _refused("Non-delivered order cannot be returned"):
        shop.return_delivered_order_items(ANA_DELIVERED, [BOTTLE_SMALL], "credit_card_1111")


def test_return_refusals(shop: SqliteShop) -> None:
    with _refused("Payment method should be the original payment method"):
        shop.return_delivered_order_items(ANA_DELIVERED, [SHIRT_BLUE], "paypal_1111")
    with _refused("Some item not found"):
        shop.return_delivered_order_items(ANA_DELIVERED, [SHIRT_BLUE] * 3, "credit_card_1111")


def test_exchange_rounds_the_difference_and_sorts_each_list(shop: SqliteShop) -> None:
    order = shop.exchange_delivered_order_items(
        ANA_DELIVERED, [BOTTLE_SMALL, SHIRT_BLUE], [BOTTLE_LARGE, SHIRT_RED], "gift_card_1111"
    )
    assert order.status == "exchange requested"
    assert order.exchange_items == (SHIRT_BLUE, BOTTLE_SMALL)
    assert order.exchange_new_items == (SHIRT_RED, BOTTLE_LARGE)  # each list sorted on its own
    assert order.exchange_price_difference == 4.6  # round(10.1 - 5.5, 2)
    assert [i.item_id for i in order.items] == [SHIRT_BLUE, SHIRT_BLUE, BOTTLE_SMALL]  # items untouched
    assert _gift_balance(shop) == 10.0  # only checked, never charged


def test_exchange_for_the_same_item_is_accepted(shop: SqliteShop) -> None:
    order = shop.exchange_delivered_order_items(ANA_DELIVERED, [SHIRT_BLUE], [SHIRT_BLUE], "paypal_1111")
    assert order.exchange_price_difference == 0


@pytest.mark.parametrize(
    ("old", "new", "method", "message"),
    [
        ([SHIRT_RED], [SHIRT_BLUE], "paypal_1111", f"Number of {SHIRT_RED} not found."),
        ([SHIRT_BLUE], [], "paypal_1111", "The number of items to be exchanged should match."),
        ([BOTTLE_SMALL], [SHIRT_RED], "paypal_1111", "Variant not found"),
        ([BOTTLE_SMALL], ["2999999999"], "paypal_1111", "Variant not found"),
        ([SHIRT_BLUE], [SHIRT_GREEN], "paypal_1111", f"New item {SHIRT_GREEN} not found or available"),
        (
            [BOTTLE_SMALL],
            [BOTTLE_LARGE],
            "gift_card_1111",
            "Insufficient gift card balance to pay for the price difference",
        ),
    ],
)
def test_exchange_refusals(shop: SqliteShop, old: list[str], new: list[str], method: str, message: str) -> None:
    before = shop.export()
    with _refused(message):
        shop.exchange_delivered_order_items(ANA_DELIVERED, old, new, method)
    assert shop.export() == before
