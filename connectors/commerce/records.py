"""tau2-retail JSON records <-> domain values (bot.types), with validation that names the bad field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

from bot.types import (
    JSON,
    Address,
    Fulfillment,
    Order,
    OrderItem,
    PaymentMethod,
    PaymentRecord,
    Product,
    ShopUser,
    Variant,
)

JSONObject = dict[str, JSON]
"""One record as it appears in a tau2 db.json (plus the extras the demo data carries)."""

ORDER_STATUSES = (
    "pending",
    "pending (item modified)",
    "processed",
    "delivered",
    "cancelled",
    "return requested",
    "exchange requested",
)


class RecordError(ValueError):
    """A record does not have the shape of the tau2 data model; the message names the field."""


@dataclass(frozen=True)
class ShopData:
    """A whole shop: the three tau2 maps, keyed by id, in their original (significant) order."""

    products: Mapping[str, JSONObject]
    users: Mapping[str, JSONObject]
    orders: Mapping[str, JSONObject]

    def to_json(self) -> dict[str, JSON]:
        """The tau2 db.json shape."""
        return {
            "products": dict(self.products),
            "users": dict(self.users),
            "orders": dict(self.orders),
        }


# --------------------------------------------------------------------------- field access


def _obj(value: JSON, where: str) -> JSONObject:
    if not isinstance(value, dict):
        raise RecordError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _field(record: JSONObject, key: str, where: str) -> JSON:
    if key not in record:
        raise RecordError(f"{where}: missing field '{key}'")
    return record[key]


def _str(record: JSONObject, key: str, where: str, default: str | None = None) -> str:
    if default is not None and record.get(key) is None:
        return default
    value = _field(record, key, where)
    if not isinstance(value, str):
        raise RecordError(f"{where}.{key}: expected a string, got {type(value).__name__}")
    return value


def _num(record: JSONObject, key: str, where: str) -> float:
    value = _field(record, key, where)
    # bool is an int subclass; a price of `true` is a broken record, not 1.0.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordError(f"{where}.{key}: expected a number, got {type(value).__name__}")
    return float(value)


def _list(record: JSONObject, key: str, where: str) -> list[JSON]:
    value = _field(record, key, where)
    if not isinstance(value, list):
        raise RecordError(f"{where}.{key}: expected a list, got {type(value).__name__}")
    return value


def _str_list(record: JSONObject, key: str, where: str) -> tuple[str, ...]:
    values = _list(record, key, where)
    if not all(isinstance(v, str) for v in values):
        raise RecordError(f"{where}.{key}: expected a list of strings")
    return tuple(cast(list[str], values))


def _str_map(record: JSONObject, key: str, where: str) -> dict[str, str]:
    value = _obj(_field(record, key, where), f"{where}.{key}")
    if not all(isinstance(v, str) for v in value.values()):
        raise RecordError(f"{where}.{key}: expected string values")
    return cast(dict[str, str], value)


def _opt_str(record: JSONObject, key: str, where: str) -> str | None:
    return None if record.get(key) is None else _str(record, key, where)


def _opt_num(record: JSONObject, key: str, where: str) -> float | None:
    return None if record.get(key) is None else _num(record, key, where)


def _opt_str_list(record: JSONObject, key: str, where: str) -> tuple[str, ...] | None:
    return None if record.get(key) is None else _str_list(record, key, where)


# --------------------------------------------------------------------------- record -> domain


def address_from_record(value: JSON, where: str) -> Address:
    rec = _obj(value, where)
    return Address(
        address1=_str(rec, "address1", where),
        address2=_str(rec, "address2", where, default=""),
        city=_str(rec, "city", where),
        state=_str(rec, "state", where),
        country=_str(rec, "country", where),
        zip=_str(rec, "zip", where),
    )


def payment_method_from_record(value: JSON, where: str) -> PaymentMethod:
    rec = _obj(value, where)
    source = _str(rec, "source", where)
    if source not in ("credit_card", "paypal", "gift_card"):
        raise RecordError(f"{where}.source: unknown payment source {source!r}")
    balance = _num(rec, "balance", where) if source == "gift_card" else None
    return PaymentMethod(
        id=_str(rec, "id", where),
        source=cast(Literal["credit_card", "paypal", "gift_card"], source),
        brand=_str(rec, "brand", where, default=""),
        last_four=_str(rec, "last_four", where, default=""),
        balance=balance,
    )


def user_from_record(value: JSON, where: str = "user") -> ShopUser:
    rec = _obj(value, where)
    name = _obj(_field(rec, "name", where), f"{where}.name")
    methods = _obj(_field(rec, "payment_methods", where), f"{where}.payment_methods")
    return ShopUser(
        user_id=_str(rec, "user_id", where),
        first_name=_str(name, "first_name", f"{where}.name"),
        last_name=_str(name, "last_name", f"{where}.name"),
        email=_str(rec, "email", where),
        address=address_from_record(_field(rec, "address", where), f"{where}.address"),
        payment_methods=tuple(
            payment_method_from_record(pm, f"{where}.payment_methods[{key!r}]") for key, pm in methods.items()
        ),
        order_ids=_str_list(rec, "orders", where),
    )


def variant_from_record(value: JSON, where: str = "variant") -> Variant:
    rec = _obj(value, where)
    available = _field(rec, "available", where)
    if not isinstance(available, bool):
        raise RecordError(f"{where}.available: expected true or false")
    stock = rec.get("stock")
    if stock is not None and (isinstance(stock, bool) or not isinstance(stock, int)):
        raise RecordError(f"{where}.stock: expected an integer")
    return Variant(
        item_id=_str(rec, "item_id", where),
        options=_str_map(rec, "options", where),
        available=available,
        price=_num(rec, "price", where),
        stock=stock,
    )


def product_from_record(value: JSON, where: str = "product") -> Product:
    rec = _obj(value, where)
    variants = _obj(_field(rec, "variants", where), f"{where}.variants")
    return Product(
        product_id=_str(rec, "product_id", where),
        name=_str(rec, "name", where),
        variants=tuple(variant_from_record(v, f"{where}.variants[{k!r}]") for k, v in variants.items()),
        name_zh=_str(rec, "name_zh", where, default=""),
        description=_str(rec, "description", where, default=""),
        description_zh=_str(rec, "description_zh", where, default=""),
        category=_str(rec, "category", where, default=""),
    )


def _item(value: JSON, where: str) -> OrderItem:
    rec = _obj(value, where)
    return OrderItem(
        item_id=_str(rec, "item_id", where),
        product_id=_str(rec, "product_id", where),
        name=_str(rec, "name", where),
        price=_num(rec, "price", where),
        options=_str_map(rec, "options", where),
    )


def _fulfillment(value: JSON, where: str) -> Fulfillment:
    rec = _obj(value, where)
    return Fulfillment(tracking_ids=_str_list(rec, "tracking_id", where), item_ids=_str_list(rec, "item_ids", where))


def _payment(value: JSON, where: str) -> PaymentRecord:
    rec = _obj(value, where)
    kind = _str(rec, "transaction_type", where)
    if kind not in ("payment", "refund"):
        raise RecordError(f"{where}.transaction_type: expected payment or refund, got {kind!r}")
    return PaymentRecord(
        transaction_type=cast(Literal["payment", "refund"], kind),
        amount=_num(rec, "amount", where),
        payment_method_id=_str(rec, "payment_method_id", where),
    )


def order_from_record(value: JSON, where: str = "order") -> Order:
    rec = _obj(value, where)
    return Order(
        order_id=_str(rec, "order_id", where),
        user_id=_str(rec, "user_id", where),
        status=_str(rec, "status", where),
        address=address_from_record(_field(rec, "address", where), f"{where}.address"),
        items=tuple(_item(v, f"{where}.items[{i}]") for i, v in enumerate(_list(rec, "items", where))),
        fulfillments=tuple(
            _fulfillment(v, f"{where}.fulfillments[{i}]") for i, v in enumerate(_list(rec, "fulfillments", where))
        ),
        payment_history=tuple(
            _payment(v, f"{where}.payment_history[{i}]") for i, v in enumerate(_list(rec, "payment_history", where))
        ),
        created_at=_str(rec, "created_at", where, default=""),
        cancel_reason=_opt_str(rec, "cancel_reason", where),
        exchange_items=_opt_str_list(rec, "exchange_items", where),
        exchange_new_items=_opt_str_list(rec, "exchange_new_items", where),
        exchange_payment_method_id=_opt_str(rec, "exchange_payment_method_id", where),
        exchange_price_difference=_opt_num(rec, "exchange_price_difference", where),
        return_items=_opt_str_list(rec, "return_items", where),
        return_payment_method_id=_opt_str(rec, "return_payment_method_id", where),
    )


# --------------------------------------------------------------------------- domain -> record
# A value's tau2 record is its to_json() (bot.types); the store's record adds what the demo data carries
# beyond tau2, and only when set, so tau2 records map back to exactly themselves.

OPTIONAL_ORDER_KEYS = (
    "cancel_reason",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
    "return_items",
    "return_payment_method_id",
)
"""The seven optional tau2 order fields, in tau2's key order."""


def product_to_record(p: Product) -> JSONObject:
    rec = p.to_json()
    extras = {"name_zh": p.name_zh, "description": p.description, "description_zh": p.description_zh}
    rec.update({k: v for k, v in extras.items() if v})
    if p.category:
        rec["category"] = p.category
    return rec


def order_to_record(o: Order) -> JSONObject:
    """tau2's keys, created_at when known, then the optional fields that are set."""
    rec = o.to_json()
    optional = {key: rec.pop(key) for key in OPTIONAL_ORDER_KEYS}
    rec.update({key: value for key, value in optional.items() if value is not None})
    return rec
