"""ShopifyShop: the commerce ports over the Shopify Admin REST API (reads, cancel, and refunds as returns).

Payload shapes follow Shopify's Admin REST reference (customer, order, product, variant, refund
resources). The visible order number ("#1001", the order's `name`) is the order id shoppers give;
a customer's id is Shopify's numeric id as a string; an item id is a variant id. Shopify keeps no
saved payment methods for us to show, so users have none and write tools that need one are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import httpx

from bot.errors import ActionRefused
from bot.types import (
    Address,
    Fulfillment,
    Order,
    OrderItem,
    PaymentRecord,
    Product,
    ShopUser,
    Variant,
)
from connectors.commerce.hosted import HostedShop, check_cancel, returned_lines
from connectors.commerce.hosted import as_money as _money
from connectors.commerce.hosted import as_text as _s


def address_from_shopify(a: dict[str, Any] | None) -> Address:
    a = a or {}
    return Address(
        address1=_s(a.get("address1")),
        address2=_s(a.get("address2")),
        city=_s(a.get("city")),
        state=_s(a.get("province_code") or a.get("province")),
        country=_s(a.get("country_code") or a.get("country")),
        zip=_s(a.get("zip")),
    )


def user_from_shopify(c: dict[str, Any]) -> ShopUser:
    return ShopUser(
        user_id=_s(c.get("id")),
        first_name=_s(c.get("first_name")),
        last_name=_s(c.get("last_name")),
        email=_s(c.get("email")),
        address=address_from_shopify(c.get("default_address")),
    )


def _status(o: dict[str, Any]) -> str:
    if o.get("cancelled_at"):
        return "cancelled"
    if o.get("financial_status") in ("refunded", "partially_refunded"):
        return "refunded"
    fulfillment = o.get("fulfillment_status")
    if fulfillment in (None, "unfulfilled"):
        return "pending"
    shipments = [f.get("shipment_status") for f in o.get("fulfillments") or []]
    if fulfillment == "fulfilled" and shipments and all(s == "delivered" for s in shipments):
        return "delivered"
    return "processed"  # shipped or partly fulfilled, not yet delivered


def order_from_shopify(o: dict[str, Any]) -> Order:
    items: list[OrderItem] = []
    for line in o.get("line_items") or []:
        options = {"variant": _s(line.get("variant_title"))} if line.get("variant_title") else {}
        item = OrderItem(
            _s(line.get("variant_id")),
            _s(line.get("product_id")),
            _s(line.get("title")),
            _money(line.get("price")),
            options,
        )
        # tau2's model has one entry per unit; Shopify has a quantity per line.
        items.extend([item] * max(1, int(line.get("quantity") or 1)))
    line_variants = {line.get("id"): _s(line.get("variant_id")) for line in o.get("line_items") or []}
    fulfillments = tuple(
        Fulfillment(
            tracking_ids=tuple(_s(t) for t in f.get("tracking_numbers") or [f.get("tracking_number")] if t),
            item_ids=tuple(
                line_variants.get(li.get("id"), _s(li.get("variant_id"))) for li in f.get("line_items") or []
            ),
        )
        for f in o.get("fulfillments") or []
    )
    gateway = (o.get("payment_gateway_names") or ["shopify"])[0]
    payments = [PaymentRecord("payment", _money(o.get("total_price")), _s(gateway))]
    for refund in o.get("refunds") or []:
        for t in refund.get("transactions") or []:
            if t.get("kind") == "refund" and t.get("status", "success") == "success":
                payments.append(PaymentRecord("refund", _money(t.get("amount")), _s(t.get("gateway") or gateway)))
    customer = o.get("customer") or {}
    return Order(
        order_id=_s(o.get("name")),
        user_id=_s(customer.get("id")),
        status=_status(o),
        address=address_from_shopify(o.get("shipping_address")),
        items=tuple(items),
        fulfillments=fulfillments,
        payment_history=tuple(payments),
        created_at=_s(o.get("created_at"))[:10],
        cancel_reason=o.get("cancel_reason") if o.get("cancelled_at") else None,
    )


def product_from_shopify(p: dict[str, Any]) -> Product:
    names = [opt.get("name", f"option{i + 1}") for i, opt in enumerate(p.get("options") or [])]
    variants = []
    for v in p.get("variants") or []:
        values = [v.get(f"option{i + 1}") for i in range(len(names))]
        options = {n: _s(val) for n, val in zip(names, values) if val is not None and val != "Default Title"}
        stock = v.get("inventory_quantity")
        untracked = v.get("inventory_management") is None or v.get("inventory_policy") == "continue"
        available = untracked or (isinstance(stock, int) and stock > 0)
        stock_count = stock if isinstance(stock, int) else None
        variants.append(Variant(_s(v.get("id")), options, available, _money(v.get("price")), stock_count))
    return Product(_s(p.get("id")), _s(p.get("title")), tuple(variants), category=_s(p.get("product_type")))


def _error_text(response: httpx.Response) -> str:
    """Shopify's errors: {"errors": "..."}, {"errors": {"field": ["..."]}} or {"error": "..."}."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    errors = body.get("errors", body.get("error")) if isinstance(body, dict) else body
    if isinstance(errors, dict):
        return "; ".join(f"{k} {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items())
    return _s(errors)


class ShopifyShop(HostedShop):
    """OrderBackend + InventoryBackend + OrderActions (cancel, refund-as-return) over Shopify."""

    platform = "Shopify"
    refused_status = 422
    error_text = staticmethod(_error_text)

    def __init__(
        self,
        shop_domain: str,
        access_token: str,
        *,
        api_version: str = "2024-10",
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(f"https://{shop_domain}/admin/api/{api_version}", client, sleep)
        self._client.headers.update({"X-Shopify-Access-Token": access_token, "Accept": "application/json"})

    # ------------------------------------------------------------------ OrderBackend

    def get_user(self, user_id: str) -> ShopUser | None:
        if not user_id.isdigit():
            return None
        body = self._call("GET", f"/customers/{user_id}.json")
        return None if body is None else user_from_shopify(body["customer"])

    def _search(self, query: str) -> list[dict[str, Any]]:
        body = self._call("GET", "/customers/search.json", params={"query": query})
        return list((body or {}).get("customers") or [])

    def find_user_by_email(self, email: str) -> str | None:
        wanted = email.strip().lower()
        found = [c for c in self._search(f"email:{wanted}") if _s(c.get("email")).lower() == wanted]
        return _s(found[0]["id"]) if found else None

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None:
        for c in self._search(f"first_name:{first_name.strip()} last_name:{last_name.strip()}"):
            user = user_from_shopify(c)
            same_name = (user.first_name.lower(), user.last_name.lower()) == (
                first_name.strip().lower(),
                last_name.strip().lower(),
            )
            if same_name and user.address.zip.strip() == zip_code.strip():
                return user.user_id
        return None

    def _raw_order(self, order_id: str) -> dict[str, Any] | None:
        number = re.sub(r"^#", "", order_id.strip())
        if not number:
            return None
        body = self._call("GET", "/orders.json", params={"name": number, "status": "any"})
        # The name filter is a prefix match on some stores: keep only the exact order.
        return next((o for o in (body or {}).get("orders") or [] if _s(o.get("name")).lstrip("#") == number), None)

    def get_order(self, order_id: str) -> Order | None:
        raw = self._raw_order(order_id)
        return None if raw is None else order_from_shopify(raw)

    def list_orders(self, user_id: str) -> list[Order]:
        if not user_id.isdigit():
            return []
        body = self._call("GET", f"/customers/{user_id}/orders.json", params={"status": "any"})
        return [order_from_shopify(o) for o in (body or {}).get("orders") or []]

    # ------------------------------------------------------------------ InventoryBackend

    def get_product(self, product_id: str) -> Product | None:
        if not product_id.isdigit():
            return None
        body = self._call("GET", f"/products/{product_id}.json")
        return None if body is None else product_from_shopify(body["product"])

    def list_products(self) -> list[Product]:
        body = self._call("GET", "/products.json", params={"limit": "250"})
        return [product_from_shopify(p) for p in (body or {}).get("products") or []]

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        if not item_id.isdigit():
            return None
        body = self._call("GET", f"/variants/{item_id}.json")
        product = self.get_product(_s(body["variant"]["product_id"])) if body else None
        return None if product is None else (product, item_id)

    # ------------------------------------------------------------------ OrderActions

    def _order_for(self, order_id: str) -> dict[str, Any]:
        raw = self._raw_order(order_id)
        if raw is None:
            raise ActionRefused("Order not found")
        return raw

    def cancel_pending_order(self, order_id: str, reason: str, *, preview: bool = False) -> Order:
        raw = self._order_for(order_id)
        order = order_from_shopify(raw)
        check_cancel(order, reason)
        if preview:
            refunds = tuple(PaymentRecord("refund", p.amount, p.payment_method_id) for p in order.payment_history)
            return replace(
                order, status="cancelled", cancel_reason=reason, payment_history=order.payment_history + refunds
            )
        # Shopify's reasons are customer/fraud/inventory/declined/other; both of ours are "customer".
        body = self._call(
            "POST", f"/orders/{raw['id']}/cancel.json", json={"reason": "customer", "email": True, "restock": True}
        )
        cancelled = order_from_shopify((body or {}).get("order") or raw)
        return replace(cancelled, status="cancelled", cancel_reason=reason)

    def return_delivered_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
    ) -> Order:
        """A return is a Shopify refund of those line items (restocked), to the original gateway."""
        raw = self._order_for(order_id)
        order = order_from_shopify(raw)
        taken = returned_lines(order, raw.get("line_items") or [], item_ids, lambda line: _s(line.get("variant_id")))
        refund_lines = [
            {"line_item_id": line["id"], "quantity": wanted, "restock_type": "return"} for line, wanted in taken
        ]
        calc = self._call(
            "POST", f"/orders/{raw['id']}/refunds/calculate.json", json={"refund": {"refund_line_items": refund_lines}}
        )
        suggested = ((calc or {}).get("refund") or {}).get("transactions") or []
        transactions = [
            {"parent_id": t.get("parent_id"), "amount": t.get("amount"), "kind": "refund", "gateway": t.get("gateway")}
            for t in suggested
        ]
        if preview:
            refunds = tuple(PaymentRecord("refund", _money(t["amount"]), _s(t["gateway"])) for t in transactions)
            return replace(
                order,
                status="return requested",
                return_items=tuple(sorted(item_ids)),
                return_payment_method_id=payment_method_id,
                payment_history=order.payment_history + refunds,
            )
        self._call(
            "POST",
            f"/orders/{raw['id']}/refunds.json",
            json={"refund": {"notify": True, "refund_line_items": refund_lines, "transactions": transactions}},
        )
        refreshed = self._raw_order(order_id) or raw
        return replace(
            order_from_shopify(refreshed),
            return_items=tuple(sorted(item_ids)),
            return_payment_method_id=payment_method_id,
        )
