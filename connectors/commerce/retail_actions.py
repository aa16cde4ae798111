"""The seven write actions of the reference shop, with tau2-bench retail semantics, over raw records.

Each function reads what it needs through a RecordReader, checks everything in tau2's order
(so the first failing check gives tau2's exact error sentence), and returns the records it would
write; the caller decides whether to commit them. Money follows tau2 to the last bit: the
modify-items difference is summed in list order and never rounded, gift-card balances and the
exchange difference are rounded to the cent. One documented tau2 defect is not reproduced: when
several items are modified at once, each item takes the price and options of its own new variant
(tau2 copies the last pair's variant onto all of them; docs/tools.md).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import ActionRefused
from bot.types import JSON, Address
from connectors.commerce.records import JSONObject

CANCEL_REASONS = ("no longer needed", "ordered by mistake")
ITEM_MODIFIED = "pending (item modified)"


class RecordReader(Protocol):
    """Raw tau2-shaped records by id (SqliteShop provides these)."""

    def order_record(self, order_id: str) -> JSONObject | None: ...

    def user_record(self, user_id: str) -> JSONObject | None: ...

    def product_record(self, product_id: str) -> JSONObject | None: ...


@dataclass
class Changes:
    """What an action writes: whole new records by id, and the record the action returns."""

    result: JSONObject
    orders: dict[str, JSONObject] = field(default_factory=dict)
    users: dict[str, JSONObject] = field(default_factory=dict)


# --------------------------------------------------------------------------- lookups


def _order(db: RecordReader, order_id: str) -> JSONObject:
    rec = db.order_record(order_id)
    if rec is None:
        raise ActionRefused("Order not found")
    return copy.deepcopy(rec)


def _user(db: RecordReader, user_id: JSON) -> JSONObject:
    rec = db.user_record(user_id) if isinstance(user_id, str) else None
    if rec is None:
        raise ActionRefused("User not found")
    return copy.deepcopy(rec)


def _method(user: JSONObject, payment_method_id: str) -> JSONObject:
    methods = _obj(user["payment_methods"])
    method = methods.get(payment_method_id)
    if not isinstance(method, dict):
        raise ActionRefused("Payment method not found")
    return method


def _variant(db: RecordReader, product_id: JSON, item_id: str) -> JSONObject:
    product = db.product_record(product_id) if isinstance(product_id, str) else None
    if product is None:
        raise ActionRefused("Product not found")
    variant = _obj(product["variants"]).get(item_id)
    if not isinstance(variant, dict):
        raise ActionRefused("Variant not found")
    return variant


def _obj(value: JSON) -> JSONObject:
    assert isinstance(value, dict), "records were validated on load"
    return value


def _list(value: JSON) -> list[JSON]:
    assert isinstance(value, list), "records were validated on load"
    return value


def _num(value: JSON) -> float:
    assert isinstance(value, (int, float)), "records were validated on load"
    return value


def _items(order: JSONObject) -> list[JSONObject]:
    return [_obj(i) for i in _list(order["items"])]


def _history(order: JSONObject) -> list[JSONObject]:
    return [_obj(p) for p in _list(order["payment_history"])]


def _is_gift_card(method: JSONObject) -> bool:
    return method.get("source") == "gift_card"


def _first_missing(order: JSONObject, item_ids: Sequence[str]) -> str | None:
    """The first requested id asked for more often than the order holds it (tau2's multiset check)."""
    held = Counter(i["item_id"] for i in _items(order))
    wanted = Counter(item_ids)
    return next((i for i in item_ids if wanted[i] > held[i]), None)


def _first_item(order: JSONObject, item_id: str) -> JSONObject:
    item = next((i for i in _items(order) if i["item_id"] == item_id), None)
    if item is None:
        raise ActionRefused(f"Item {item_id} not found")
    return item


def _order_to_swap(
    db: RecordReader, order_id: str, item_ids: Sequence[str], new_item_ids: Sequence[str], status: str
) -> JSONObject:
    """The order whose items a swap replaces, after tau2's first checks in tau2's order: its status, every old
    item on it, as many new items as old; worded as tau2 words the modify (pending) or the exchange (delivered)."""
    order = _order(db, order_id)
    pending = status == "pending"
    if order["status"] != status:
        raise ActionRefused(
            "Non-pending order cannot be modified" if pending else "Non-delivered order cannot be exchanged"
        )
    missing = _first_missing(order, item_ids)
    if missing is not None:
        raise ActionRefused(f"{missing} not found" if pending else f"Number of {missing} not found.")
    if len(item_ids) != len(new_item_ids):
        # tau2's exact words: the exchange's sentence ends with a full stop, the modify's does not.
        raise ActionRefused("The number of items to be exchanged should match" + ("" if pending else "."))
    return order


def _price_difference(
    db: RecordReader, order: JSONObject, item_ids: Sequence[str], new_item_ids: Sequence[str], *, distinct: bool
) -> tuple[float, list[JSONObject]]:
    """Sum of new minus old prices in list order (unrounded), and each pair's new variant."""
    difference: float = 0
    variants: list[JSONObject] = []
    for old, new in zip(item_ids, new_item_ids):
        if distinct and old == new:
            raise ActionRefused("The new item id should be different from the old item id")
        item = _first_item(order, old)
        variant = _variant(db, item["product_id"], new)
        if variant.get("available") is not True:
            raise ActionRefused(f"New item {new} not found or available")
        # The old price is what the shopper paid, not today's catalogue price.
        difference += _num(variant["price"]) - _num(item["price"])
        variants.append(variant)
    return difference, variants


# --------------------------------------------------------------------------- actions


def cancel_pending_order(db: RecordReader, order_id: str, reason: str) -> Changes:
    order = _order(db, order_id)
    if order["status"] != "pending":
        raise ActionRefused("Non-pending order cannot be cancelled")
    if reason not in CANCEL_REASONS:
        raise ActionRefused("Invalid reason")
    user = _user(db, order["user_id"])
    refunds: list[JSON] = []
    touched_card = False
    # Every entry is refunded, refunds included: tau2 does so after a payment change too.
    for entry in _history(order):
        method_id = str(entry["payment_method_id"])
        method = _method(user, method_id)
        amount = entry["amount"]
        refunds.append({"transaction_type": "refund", "amount": amount, "payment_method_id": method_id})
        if _is_gift_card(method):
            method["balance"] = round(_num(method["balance"]) + _num(amount), 2)
            touched_card = True
    order["status"] = "cancelled"
    order["cancel_reason"] = reason
    order["payment_history"] = [*_list(order["payment_history"]), *refunds]
    return Changes(
        order, orders={str(order["order_id"]): order}, users={str(user["user_id"]): user} if touched_card else {}
    )


def modify_pending_order_address(db: RecordReader, order_id: str, address: Address) -> Changes:
    order = _order(db, order_id)
    if "pending" not in str(order["status"]):
        raise ActionRefused("Non-pending order cannot be modified")
    order["address"] = address.to_json()
    return Changes(order, orders={str(order["order_id"]): order})


def modify_pending_order_payment(db: RecordReader, order_id: str, payment_method_id: str) -> Changes:
    order = _order(db, order_id)
    if "pending" not in str(order["status"]):
        raise ActionRefused("Non-pending order cannot be modified")
    user = _user(db, order["user_id"])
    new_method = _method(user, payment_method_id)
    history = _history(order)
    if len(history) != 1 or history[0]["transaction_type"] != "payment":
        raise ActionRefused("There should be exactly one payment for a pending order")
    old_id = str(history[0]["payment_method_id"])
    if old_id == payment_method_id:
        raise ActionRefused("The new payment method should be different from the current one")
    amount = _num(history[0]["amount"])
    if _is_gift_card(new_method) and _num(new_method["balance"]) < amount:
        raise ActionRefused("Insufficient gift card balance to pay for the order")
    old_method = _method(user, old_id)  # checked before any change, unlike tau2 (same outcome)
    order["payment_history"] = [
        *history,
        {"transaction_type": "payment", "amount": history[0]["amount"], "payment_method_id": payment_method_id},
        {"transaction_type": "refund", "amount": history[0]["amount"], "payment_method_id": old_id},
    ]
    touched_card = False
    if _is_gift_card(new_method):
        new_method["balance"] = round(_num(new_method["balance"]) - amount, 2)
        touched_card = True
    if _is_gift_card(old_method):
        old_method["balance"] = round(_num(old_method["balance"]) + amount, 2)
        touched_card = True
    return Changes(
        order, orders={str(order["order_id"]): order}, users={str(user["user_id"]): user} if touched_card else {}
    )


def modify_pending_order_items(
    db: RecordReader, order_id: str, item_ids: Sequence[str], new_item_ids: Sequence[str], payment_method_id: str
) -> Changes:
    order = _order_to_swap(db, order_id, item_ids, new_item_ids, "pending")
    difference, variants = _price_difference(db, order, item_ids, new_item_ids, distinct=True)
    user = _user(db, order["user_id"])
    method = _method(user, payment_method_id)
    if _is_gift_card(method) and _num(method["balance"]) < difference:
        raise ActionRefused("Insufficient gift card balance to pay for the new item")
    entry: JSONObject = {
        "transaction_type": "payment" if difference > 0 else "refund",
        "amount": float(abs(difference)),
        "payment_method_id": payment_method_id,
    }
    order["payment_history"] = [*_list(order["payment_history"]), entry]
    if _is_gift_card(method):
        method["balance"] = round(_num(method["balance"]) - difference, 2)
    items = _items(order)
    for old, new, variant in zip(item_ids, new_item_ids, variants):
        # Later pairs see earlier replacements, as in tau2.
        item = next(i for i in items if i["item_id"] == old)
        item["item_id"] = new
        item["price"] = variant["price"]
        item["options"] = copy.deepcopy(variant["options"])
    order["status"] = ITEM_MODIFIED
    users = {str(user["user_id"]): user} if _is_gift_card(method) else {}
    return Changes(order, orders={str(order["order_id"]): order}, users=users)


def modify_user_address(db: RecordReader, user_id: str, address: Address) -> Changes:
    user = _user(db, user_id)
    user["address"] = address.to_json()
    return Changes(user, users={str(user["user_id"]): user})


def return_delivered_order_items(
    db: RecordReader, order_id: str, item_ids: Sequence[str], payment_method_id: str
) -> Changes:
    order = _order(db, order_id)
    if order["status"] != "delivered":
        raise ActionRefused("Non-delivered order cannot be returned")
    user = _user(db, order["user_id"])
    method = _method(user, payment_method_id)
    original = _history(order)[0]["payment_method_id"] if _history(order) else None
    if not _is_gift_card(method) and payment_method_id != original:
        raise ActionRefused("Payment method should be the original payment method")
    if _first_missing(order, item_ids) is not None:
        raise ActionRefused("Some item not found")
    order["status"] = "return requested"
    order["return_items"] = list[JSON](sorted(item_ids))
    order["return_payment_method_id"] = payment_method_id
    return Changes(order, orders={str(order["order_id"]): order})


def exchange_delivered_order_items(
    db: RecordReader, order_id: str, item_ids: Sequence[str], new_item_ids: Sequence[str], payment_method_id: str
) -> Changes:
    order = _order_to_swap(db, order_id, item_ids, new_item_ids, "delivered")
    difference, _ = _price_difference(db, order, item_ids, new_item_ids, distinct=False)
    difference = round(difference, 2)
    user = _user(db, order["user_id"])
    method = _method(user, payment_method_id)
    if _is_gift_card(method) and _num(method["balance"]) < difference:
        raise ActionRefused("Insufficient gift card balance to pay for the price difference")
    order["status"] = "exchange requested"
    order["exchange_items"] = list[JSON](sorted(item_ids))
    order["exchange_new_items"] = list[JSON](sorted(new_item_ids))
    order["exchange_payment_method_id"] = payment_method_id
    order["exchange_price_difference"] = difference
    return Changes(order, orders={str(order["order_id"]): order})
