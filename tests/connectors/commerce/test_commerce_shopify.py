"""ShopifyShop through httpx.MockTransport, with payloads shaped as Shopify's Admin REST reference shows them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.agent.tools.context import ToolContext
from bot.agent.tools.registry import call_tool
from bot.errors import ActionRefused, BackendError
from bot.testing.fakes import FakeRetriever
from bot.types import Customer
from connectors.commerce.shopify import ShopifyShop
from tests.connectors.commerce.conftest import PlatformFake

CUSTOMER = {
    "id": 207119551,
    "email": "bob.norman@mail.example.com",
    "first_name": "Bob",
    "last_name": "Norman",
    "orders_count": 1,
    "state": "disabled",
    "total_spent": "199.65",
    "default_address": {
        "id": 207119551, "customer_id": 207119551, "first_name": None, "last_name": None, "company": None,
        "address1": "Chestnut Street 92", "address2": "", "city": "Louisville", "province": "Kentucky",
        "country": "United States", "zip": "40202", "phone": "555-625-1199", "name": "",
        "province_code": "KY", "country_code": "US", "country_name": "United States", "default": True,
    },
}  # fmt: skip


def _order(**overrides: Any) -> dict[str, Any]:
    order = {
        "id": 450789469,
        "name": "#1001",
        "order_number": 1001,
        "email": "bob.norman@mail.example.com",
        "created_at": "2008-01-10T11:00:00-05:00",
        "cancelled_at": None,
        "cancel_reason": None,
        "currency": "USD",
        "financial_status": "paid",
        "fulfillment_status": None,
        "total_price": "598.94",
        "payment_gateway_names": ["bogus"],
        "customer": {"id": 207119551, "email": "bob.norman@mail.example.com"},
        "shipping_address": CUSTOMER["default_address"],
        "line_items": [
            {"id": 466157049, "variant_id": 39072856, "product_id": 632910392, "title": "IPod Nano - 8gb",
             "variant_title": "green", "quantity": 1, "price": "199.00", "sku": "IPOD2008GREEN"},
            {"id": 518995019, "variant_id": 49148385, "product_id": 632910392, "title": "IPod Nano - 8gb",
             "variant_title": "red", "quantity": 2, "price": "199.00", "sku": "IPOD2008RED"},
        ],
        "fulfillments": [],
        "refunds": [],
    }  # fmt: skip
    order.update(overrides)
    return order


PRODUCT = {
    "id": 632910392,
    "title": "IPod Nano - 8GB",
    "product_type": "Cult Products",
    "options": [{"id": 594680422, "product_id": 632910392, "name": "Color", "position": 1}],
    "variants": [
        {"id": 39072856, "product_id": 632910392, "title": "Green", "price": "199.00", "option1": "Green",
         "option2": None, "option3": None, "inventory_quantity": 30, "inventory_management": "shopify",
         "inventory_policy": "deny"},
        {"id": 49148385, "product_id": 632910392, "title": "Red", "price": "199.00", "option1": "Red",
         "option2": None, "option3": None, "inventory_quantity": 0, "inventory_management": "shopify",
         "inventory_policy": "deny"},
    ],
}  # fmt: skip


class FakeShopify(PlatformFake):
    """Answers like the Admin REST API for one customer, one order and one product; records requests."""

    def check_auth(self, request: httpx.Request) -> httpx.Response | None:
        assert request.headers["X-Shopify-Access-Token"] == "shpat_test"
        return None

    def answer(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path.removeprefix("/admin/api/2024-10"), request.url.params
        if path == "/customers/207119551.json":
            return httpx.Response(200, json={"customer": CUSTOMER})
        if path == "/customers/search.json":
            hit = "bob" in params["query"].lower()
            return httpx.Response(200, json={"customers": [CUSTOMER] if hit else []})
        if path == "/orders.json":
            hit = params.get("name") == "1001" and params.get("status") == "any"
            return httpx.Response(200, json={"orders": [self.order] if hit else []})
        if path == "/customers/207119551/orders.json":
            return httpx.Response(200, json={"orders": [self.order]})
        if path == "/products/632910392.json":
            return httpx.Response(200, json={"product": PRODUCT})
        if path == "/variants/39072856.json":
            return httpx.Response(200, json={"variant": PRODUCT["variants"][0]})
        if path == "/orders/450789469/cancel.json" and request.method == "POST":
            assert json.loads(request.content) == {"reason": "customer", "email": True, "restock": True}
            self.order = {**self.order, "cancelled_at": "2008-01-10T11:00:00-05:00", "cancel_reason": "customer"}
            return httpx.Response(200, json={"order": self.order})
        if path == "/orders/450789469/refunds/calculate.json":
            return httpx.Response(200, json={"refund": {"transactions": [
                {"order_id": 450789469, "kind": "suggested_refund", "gateway": "bogus", "parent_id": 801038806,
                 "amount": "199.00", "currency": "USD", "maximum_refundable": "598.94"}]}})  # fmt: skip
        if path == "/orders/450789469/refunds.json":
            body = json.loads(request.content)["refund"]
            assert body["transactions"][0]["kind"] == "refund" and body["notify"] is True
            refund = {
                "id": 509562969,
                "transactions": [{"kind": "refund", "status": "success", "amount": "199.00", "gateway": "bogus"}],
            }
            self.order = {**self.order, "financial_status": "partially_refunded", "refunds": [refund]}
            return httpx.Response(201, json={"refund": refund})
        return httpx.Response(404, json={"errors": "Not Found"})


def _shop(fake: FakeShopify, sleeps: list[float] | None = None) -> ShopifyShop:
    client = httpx.Client(transport=httpx.MockTransport(fake))
    return ShopifyShop(
        "example.myshopify.com", "shpat_test", client=client, sleep=(sleeps if sleeps is not None else []).append
    )


def test_reads_map_into_our_types() -> None:
    shop = _shop(FakeShopify(_order()))
    user = shop.get_user("207119551")
    assert user is not None and (user.first_name, user.email, user.address.state, user.address.zip) == (
        "Bob", "bob.norman@mail.example.com", "KY", "40202")  # fmt: skip
    assert shop.find_user_by_email("BOB.NORMAN@mail.example.com") == "207119551"
    assert shop.find_user_by_name_zip("bob", "norman", "40202") == "207119551"
    assert shop.find_user_by_name_zip("bob", "norman", "99999") is None
    order = shop.get_order("#1001")
    assert order is not None and order.order_id == "#1001" and order.user_id == "207119551"
    assert order.status == "pending" and len(order.items) == 3  # one entry per unit
    assert order.payment_history[0].amount == 598.94 and order.created_at == "2008-01-10"
    assert shop.get_order("#1002") is None and shop.get_user("999") is None
    assert [o.order_id for o in shop.list_orders("207119551")] == ["#1001"]
    product = shop.get_product("632910392")
    assert product is not None and [(v.options, v.available, v.stock) for v in product.variants] == [
        ({"Color": "Green"}, True, 30), ({"Color": "Red"}, False, 0)]  # fmt: skip
    found = shop.find_variant("39072856")
    assert found is not None and found[0].product_id == "632910392"


def test_statuses_follow_fulfillment_and_delivery() -> None:
    shipped = _order(fulfillment_status="fulfilled", fulfillments=[
        {"id": 255858046, "status": "success", "shipment_status": "in_transit", "tracking_number": "1Z2345",
         "tracking_numbers": ["1Z2345"], "line_items": [{"id": 466157049, "variant_id": 39072856}]}])  # fmt: skip
    order = _shop(FakeShopify(shipped)).get_order("1001")
    assert order is not None and order.status == "processed" and order.fulfillments[0].tracking_ids == ("1Z2345",)
    shipped["fulfillments"][0]["shipment_status"] = "delivered"
    delivered = _shop(FakeShopify(shipped)).get_order("1001")
    assert delivered is not None and delivered.status == "delivered"


def test_cancel_previews_then_posts_shopifys_cancel() -> None:
    fake = FakeShopify(_order())
    shop = _shop(fake)
    preview = shop.cancel_pending_order("#1001", "ordered by mistake", preview=True)
    assert preview.status == "cancelled" and not any(r.method == "POST" for r in fake.requests)
    order = shop.cancel_pending_order("#1001", "ordered by mistake")
    assert order.status == "cancelled" and order.cancel_reason == "ordered by mistake"
    with pytest.raises(ActionRefused, match="Non-pending order cannot be cancelled"):
        shop.cancel_pending_order("#1001", "ordered by mistake")


def test_a_shopify_refusal_is_the_shops_sentence() -> None:
    fake = FakeShopify(_order())
    shop = _shop(fake)
    fake.script = [
        httpx.Response(200, json={"orders": [fake.order]}),
        httpx.Response(422, json={"errors": {"base": ["Cannot cancel an order that has already been cancelled"]}}),
    ]
    with pytest.raises(ActionRefused, match="base Cannot cancel an order that has already been cancelled"):
        shop.cancel_pending_order("#1001", "no longer needed")


def test_return_is_a_refund_of_those_line_items() -> None:
    fulfillment = {
        "id": 1,
        "shipment_status": "delivered",
        "tracking_numbers": ["1Z"],
        "line_items": [{"id": 466157049}],
    }
    delivered = _order(fulfillment_status="fulfilled", fulfillments=[fulfillment])
    fake = FakeShopify(delivered)
    shop = _shop(fake)
    with pytest.raises(ActionRefused, match="Some item not found"):
        shop.return_delivered_order_items("#1001", ["39072856", "39072856"], "bogus")
    order = shop.return_delivered_order_items("#1001", ["39072856"], "bogus")
    assert order.status == "refunded" and order.payment_history[-1].amount == 199.0
    posted = json.loads(fake.requests[-2].content)["refund"]
    assert posted["refund_line_items"] == [{"line_item_id": 466157049, "quantity": 1, "restock_type": "return"}]


def test_rate_limits_are_retried_after_the_time_shopify_asks() -> None:
    fake = FakeShopify(_order())
    sleeps: list[float] = []
    shop = _shop(fake, sleeps)
    limited = httpx.Response(
        429,
        headers={"Retry-After": "2.0", "X-Shopify-Shop-Api-Call-Limit": "40/40"},
        json={
            "errors": "Exceeded 2 calls per second for api client. "
            + "Reduce request rates to resume uninterrupted service."
        },
    )
    fake.script = [limited, httpx.Response(503, json={"errors": "Unavailable Shop"})]
    assert shop.get_user("207119551") is not None
    assert sleeps == [2.0, 1.0]  # Retry-After, then exponential backoff (0.5 * 2**1)


def test_outages_are_backend_errors_and_writes_are_not_blindly_retried() -> None:
    fake = FakeShopify(_order())
    shop = _shop(fake)
    fake.script = [httpx.Response(503, json={"errors": "Unavailable Shop"})] * 4
    with pytest.raises(BackendError, match="503"):
        shop.get_order("#1001")
    fake.script = [httpx.Response(200, json={"orders": [fake.order]}), httpx.Response(502, text="Bad gateway")]
    with pytest.raises(BackendError, match="502"):
        shop.cancel_pending_order("#1001", "no longer needed")
    assert sum(r.method == "POST" for r in fake.requests) == 1


def test_tools_over_shopify_keep_the_identity_rules() -> None:
    shop = _shop(FakeShopify(_order()))
    bob = ToolContext(shop, shop, FakeRetriever(), Customer("207119551"), {}, actions=shop)
    assert call_tool(bob, "get_order_details", {"order_id": "#1001"}).call.ok
    eve = ToolContext(shop, shop, FakeRetriever(), Customer("111"), {}, actions=shop)
    assert call_tool(eve, "get_order_details", {"order_id": "#1001"}).call.result == "Order not found"
    exchange = {"order_id": "#1001", "item_ids": ["39072856"], "new_item_ids": ["49148385"], "payment_method_id": "x"}
    assert "human agent" in str(call_tool(bob, "exchange_delivered_order_items", exchange).call.result)
