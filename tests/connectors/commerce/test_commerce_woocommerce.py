"""WooShop through httpx.MockTransport, with payloads shaped as the WooCommerce REST API v3 reference shows them."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from bot.errors import ActionRefused, BackendError
from connectors.commerce.woocommerce import WooShop
from tests.connectors.commerce.conftest import PlatformFake

BILLING = {
    "first_name": "John", "last_name": "Doe", "company": "", "address_1": "969 Market", "address_2": "",
    "city": "San Francisco", "state": "CA", "postcode": "94103", "country": "US",
    "email": "john.doe@example.com", "phone": "(555) 555-5555",
}  # fmt: skip
CUSTOMER = {
    "id": 25, "email": "john.doe@example.com", "first_name": "John", "last_name": "Doe", "role": "customer",
    "username": "john.doe", "billing": BILLING, "shipping": {**BILLING, "address_1": "", "postcode": ""},
}  # fmt: skip


def _order(status: str = "processing") -> dict[str, Any]:
    return {
        "id": 727, "parent_id": 0, "number": "727", "status": status, "currency": "USD",
        "date_created": "2017-03-22T16:28:02", "total": "29.35", "customer_id": 25,
        "billing": BILLING, "shipping": BILLING, "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer",
        "line_items": [
            {"id": 315, "name": "Woo Single #1", "product_id": 93, "variation_id": 0, "quantity": 2,
             "subtotal": "6.00", "total": "6.00", "sku": "", "price": 3, "meta_data": []},
            {"id": 316, "name": "Ship Your Idea - Color: Black", "product_id": 22, "variation_id": 23, "quantity": 1,
             "subtotal": "12.00", "total": "12.00", "sku": "", "price": 12,
             "meta_data": [{"id": 2095, "key": "pa_color", "value": "black", "display_key": "Color",
                            "display_value": "Black"}]},
        ],
        "refunds": [],
        "meta_data": [{"id": 13106, "key": "_tracking_number", "value": "9400111899223197428490"}],
    }  # fmt: skip


VARIABLE = {"id": 22, "name": "Ship Your Idea", "type": "variable", "categories": [{"id": 9, "name": "Clothing"}],
            "variations": [23, 24]}  # fmt: skip
VARIATIONS = [
    {"id": 23, "price": "12.00", "stock_status": "instock", "stock_quantity": 5,
     "attributes": [{"id": 6, "name": "Color", "option": "Black"}]},
    {"id": 24, "price": "12.00", "stock_status": "outofstock", "stock_quantity": 0,
     "attributes": [{"id": 6, "name": "Color", "option": "Green"}]},
]  # fmt: skip


class FakeWoo(PlatformFake):
    """Answers like the WooCommerce REST API for one customer, one order and one variable product."""

    def check_auth(self, request: httpx.Request) -> httpx.Response | None:
        expected = "Basic " + base64.b64encode(b"ck_test:cs_test").decode()
        if request.headers.get("Authorization") != expected:
            return httpx.Response(401, json={"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": {"status": 401}})  # fmt: skip  # noqa: E501
        return None

    def answer(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path.removeprefix("/wp-json/wc/v3"), request.url.params
        if path == "/customers/25":
            return httpx.Response(200, json=CUSTOMER)
        if path == "/customers":
            hit = params.get("email") == "john.doe@example.com" or params.get("search") == "Doe"
            return httpx.Response(200, json=[CUSTOMER] if hit else [])
        if path == "/orders/727" and request.method == "GET":
            return httpx.Response(200, json=self.order)
        if path == "/orders/727" and request.method == "PUT":
            self.order = {**self.order, **json.loads(request.content)}
            return httpx.Response(200, json=self.order)
        if path == "/orders/727/refunds":
            body = json.loads(request.content)
            refund = {"id": 726, "date_created": "2017-03-21T17:07:11", "amount": body["amount"],
                      "reason": body["reason"], "refunded_by": 1, "line_items": body["line_items"]}  # fmt: skip
            self.order = {**self.order, "status": "refunded", "refunds": [{"id": 726, "reason": body["reason"], "total": "-" + body["amount"]}]}  # fmt: skip  # noqa: E501
            return httpx.Response(201, json=refund)
        if path == "/orders":
            return httpx.Response(200, json=[self.order] if params.get("customer") == "25" else [])
        if path == "/products/22":
            return httpx.Response(200, json=VARIABLE)
        if path == "/products/22/variations":
            return httpx.Response(200, json=VARIATIONS)
        if path == "/products/23":
            return httpx.Response(200, json={**VARIATIONS[0], "type": "variation", "parent_id": 22})
        return httpx.Response(404, json={"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.", "data": {"status": 404}})  # fmt: skip  # noqa: E501


def _shop(fake: FakeWoo, sleeps: list[float] | None = None, secret: str = "cs_test") -> WooShop:
    client = httpx.Client(transport=httpx.MockTransport(fake))
    sink = sleeps if sleeps is not None else []
    return WooShop("https://shop.example.com", "ck_test", secret, client=client, sleep=sink.append)


def test_reads_map_into_our_types() -> None:
    shop = _shop(FakeWoo(_order()))
    user = shop.get_user("25")
    assert user is not None and (user.email, user.address.zip, user.address.state) == (
        "john.doe@example.com",
        "94103",
        "CA",
    )
    assert shop.find_user_by_email("John.Doe@example.com") == "25"
    assert shop.find_user_by_name_zip("john", "Doe", "94103") == "25"
    order = shop.get_order("#727")
    assert order is not None and (order.order_id, order.user_id, order.status) == ("#727", "25", "pending")
    assert [i.item_id for i in order.items] == ["93", "93", "23"] and dict(order.items[2].options) == {"Color": "Black"}
    assert order.payment_history[0].amount == 29.35 and order.fulfillments[0].tracking_ids == (
        "9400111899223197428490",
    )
    assert shop.get_order("#728") is None and shop.get_order("W727") is None
    assert [o.order_id for o in shop.list_orders("25")] == ["#727"]
    product = shop.get_product("22")
    assert product is not None and product.category == "Clothing"
    assert [(v.item_id, v.available, v.stock) for v in product.variants] == [("23", True, 5), ("24", False, 0)]
    found = shop.find_variant("23")
    assert found is not None and found[0].product_id == "22"


def test_cancel_puts_the_cancelled_status() -> None:
    fake = FakeWoo(_order())
    shop = _shop(fake)
    assert shop.cancel_pending_order("#727", "no longer needed", preview=True).status == "cancelled"
    assert all(r.method == "GET" for r in fake.requests)
    order = shop.cancel_pending_order("#727", "no longer needed")
    assert order.status == "cancelled" and json.loads(fake.requests[-1].content) == {"status": "cancelled"}
    with pytest.raises(ActionRefused, match="Non-pending order cannot be cancelled"):
        shop.cancel_pending_order("#727", "no longer needed")


def test_return_refunds_the_line_items() -> None:
    fake = FakeWoo(_order("completed"))
    shop = _shop(fake)
    with pytest.raises(ActionRefused, match="Some item not found"):
        shop.return_delivered_order_items("#727", ["23", "23"], "bacs")
    preview = shop.return_delivered_order_items("#727", ["93", "23"], "bacs", preview=True)
    assert preview.payment_history[-1].amount == 15.0 and preview.return_items == ("23", "93")
    order = shop.return_delivered_order_items("#727", ["93", "23"], "bacs")
    posted = json.loads(fake.requests[-2].content)
    assert posted["amount"] == "15.00" and posted["api_refund"] is True
    assert posted["line_items"] == [{"id": 315, "quantity": 1, "refund_total": "3.00"}, {"id": 316, "quantity": 1, "refund_total": "12.00"}]  # fmt: skip  # noqa: E501
    assert order.status == "refunded" and order.payment_history[-1].amount == 15.0


def test_a_woocommerce_refusal_is_its_message() -> None:
    fake = FakeWoo(_order("completed"))
    shop = _shop(fake)
    fake.script = [
        httpx.Response(200, json=fake.order),
        httpx.Response(
            400,
            json={
                "code": "woocommerce_rest_cannot_create_order_refund",
                "message": "Refund amount must be greater than zero.",
                "data": {"status": 400},
            },
        ),  # fmt: skip  # noqa: E501
    ]
    with pytest.raises(ActionRefused, match="^Refund amount must be greater than zero.$"):
        shop.return_delivered_order_items("#727", ["93"], "bacs")


def test_rate_limits_retry_and_bad_credentials_fail_clearly() -> None:
    fake = FakeWoo(_order())
    sleeps: list[float] = []
    shop = _shop(fake, sleeps)
    fake.script = [httpx.Response(429, headers={"Retry-After": "1"}, json={"code": "rest_too_many_requests", "message": "Too many requests.", "data": {"status": 429}})]  # fmt: skip  # noqa: E501
    assert shop.get_user("25") is not None and sleeps == [1.0]
    fake.script = [httpx.Response(429, headers={"Retry-After": "60"}, json={})]
    with pytest.raises(BackendError, match="wait 60s"):
        shop.get_user("25")
    with pytest.raises(BackendError, match="401"):
        _shop(FakeWoo(_order()), secret="wrong").get_order("#727")
