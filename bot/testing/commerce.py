"""A tiny tau2-shaped shop for tests of the write actions and the tools (two customers, five orders)."""

from __future__ import annotations

from pathlib import Path

from bot.types import JSON
from connectors.commerce.records import JSONObject, ShopData
from connectors.commerce.sqlite_shop import SqliteShop

ANA, BO = "ana_lee_1001", "bo_chen_2002"
ANA_PENDING, ANA_DELIVERED, ANA_GIFT_PENDING = "#W0000001", "#W0000002", "#W0000005"
BO_PENDING, BO_DELIVERED = "#W0000003", "#W0000004"
SHIRT_RED, SHIRT_BLUE, SHIRT_GREEN = "1000000001", "1000000002", "1000000003"
BOTTLE_SMALL, BOTTLE_LARGE = "2000000001", "2000000002"

_SHIRT: dict[str, str] = {"name": "T-Shirt", "product_id": "9000000001"}
_BOTTLE: dict[str, str] = {"name": "Water Bottle", "product_id": "9000000002"}


def _variant(item_id: str, options: dict[str, str], available: bool, price: float) -> JSONObject:
    return {"item_id": item_id, "options": dict[str, JSON](options), "available": available, "price": price}


_VARIANTS = {
    SHIRT_RED: _variant(SHIRT_RED, {"color": "red", "size": "M"}, True, 50.0),
    SHIRT_BLUE: _variant(SHIRT_BLUE, {"color": "blue", "size": "M"}, True, 55.5),
    SHIRT_GREEN: _variant(SHIRT_GREEN, {"color": "green", "size": "M"}, False, 45.25),
    BOTTLE_SMALL: _variant(BOTTLE_SMALL, {"capacity": "500ml"}, True, 20.0),
    BOTTLE_LARGE: _variant(BOTTLE_LARGE, {"capacity": "1000ml"}, True, 30.1),
}


def _item(item_id: str) -> JSONObject:
    product = _SHIRT if item_id.startswith("1") else _BOTTLE
    v = _VARIANTS[item_id]
    return {**product, "item_id": item_id, "price": v["price"], "options": v["options"]}


def _address(street: str, city: str, state: str, zip_code: str) -> JSONObject:
    return {"address1": street, "address2": "", "city": city, "country": "USA", "state": state, "zip": zip_code}


def _order(order_id: str, user: str, status: str, items: list[str], amount: float, method: str) -> JSONObject:
    address = _address("1 Main St", "Springfield", "IL", "62701")
    fulfillments: list[JSON] = (
        [] if status == "pending" else [{"tracking_id": ["123456789012"], "item_ids": list[JSON](items)}]
    )
    return {
        "order_id": order_id,
        "user_id": user,
        "address": address,
        "items": [_item(i) for i in items],
        "status": status,
        "fulfillments": fulfillments,
        "payment_history": [{"transaction_type": "payment", "amount": amount, "payment_method_id": method}],
    }


def mini_shop_data() -> ShopData:
    """Ana (credit card, gift card with 10.0, PayPal) and Bo (PayPal), with pending and delivered orders."""
    products: dict[str, JSONObject] = {
        p["product_id"]: {**p, "variants": {k: v for k, v in _VARIANTS.items() if (k[0] == "1") == (p is _SHIRT)}}
        for p in (_SHIRT, _BOTTLE)
    }
    users: dict[str, JSONObject] = {
        ANA: {
            "user_id": ANA,
            "name": {"first_name": "Ana", "last_name": "Lee"},
            "address": _address("1 Main St", "Springfield", "IL", "62701"),
            "email": "ana.lee@example.com",
            "payment_methods": {
                "credit_card_1111": {
                    "source": "credit_card",
                    "id": "credit_card_1111",
                    "brand": "visa",
                    "last_four": "1111",
                },
                "gift_card_1111": {"source": "gift_card", "id": "gift_card_1111", "balance": 10.0},
                "paypal_1111": {"source": "paypal", "id": "paypal_1111"},
            },
            "orders": [ANA_PENDING, ANA_DELIVERED, ANA_GIFT_PENDING],
        },
        BO: {
            "user_id": BO,
            "name": {"first_name": "Bo", "last_name": "Chen"},
            "address": _address("9 Oak Ave", "Portland", "OR", "97201"),
            "email": "bo.chen@example.cn",
            "payment_methods": {"paypal_2222": {"source": "paypal", "id": "paypal_2222"}},
            "orders": [BO_PENDING, BO_DELIVERED],
        },
    }
    orders = [
        _order(ANA_PENDING, ANA, "pending", [SHIRT_RED, BOTTLE_SMALL], 70.0, "credit_card_1111"),
        _order(ANA_DELIVERED, ANA, "delivered", [SHIRT_BLUE, SHIRT_BLUE, BOTTLE_SMALL], 131.0, "credit_card_1111"),
        _order(BO_PENDING, BO, "pending", [SHIRT_RED], 50.0, "paypal_2222"),
        _order(BO_DELIVERED, BO, "delivered", [BOTTLE_SMALL], 20.0, "paypal_2222"),
        _order(ANA_GIFT_PENDING, ANA, "pending", [BOTTLE_SMALL], 20.0, "gift_card_1111"),
    ]
    return ShopData(products=products, users=users, orders={str(o["order_id"]): o for o in orders})


def open_mini_shop(path: Path) -> SqliteShop:
    """A SqliteShop at `path` filled with mini_shop_data()."""
    shop = SqliteShop(path)
    shop.load(mini_shop_data())
    return shop
