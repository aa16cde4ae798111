"""WooShop: the commerce ports over the WooCommerce REST API v3 (reads, cancel, and refunds as returns).

Payload shapes follow WooCommerce's REST API reference (orders, customers, products, product
variations, order refunds). Order ids are WooCommerce's order numbers ("#123" or "123"); an item id
is a variation id (or the product id of a simple product). Errors arrive as
{"code", "message", "data": {"status"}}.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import httpx

from bot.errors import ActionRefused
from bot.types import Address, Fulfillment, Order, OrderItem, PaymentRecord, Product, ShopUser, Variant
from connectors.commerce.hosted import HostedShop, check_cancel, returned_lines
from connectors.commerce.hosted import as_money as _money
from connectors.commerce.hosted import as_text as _s

# WooCommerce has no "shipped" status: processing means paid and waiting to be fulfilled.
_STATUS = {
    "pending": "pending",
    "on-hold": "pending",
    "processing": "pending",
    "completed": "delivered",
    "cancelled": "cancelled",
    "refunded": "refunded",
    "failed": "failed",
}


def address_from_woo(a: dict[str, Any] | None) -> Address:
    a = a or {}
    return Address(
        _s(a.get("address_1")), _s(a.get("address_2")), _s(a.get("city")), _s(a.get("state")),
        _s(a.get("country")), _s(a.get("postcode")),
    )  # fmt: skip


def user_from_woo(c: dict[str, Any]) -> ShopUser:
    shipping = c.get("shipping") or {}
    address = shipping if shipping.get("address_1") else c.get("billing")
    return ShopUser(_s(c.get("id")), _s(c.get("first_name")), _s(c.get("last_name")), _s(c.get("email")),
                    address_from_woo(address))  # fmt: skip


def _item_id(line: dict[str, Any]) -> str:
    return _s(line.get("variation_id") or line.get("product_id"))


def order_from_woo(o: dict[str, Any]) -> Order:
    items: list[OrderItem] = []
    for line in o.get("line_items") or []:
        options = {_s(m.get("display_key")): _s(m.get("display_value")) for m in line.get("meta_data") or []
                   if not _s(m.get("key")).startswith("_")}  # fmt: skip
        item = OrderItem(
            _item_id(line), _s(line.get("product_id")), _s(line.get("name")), _money(line.get("price")), options
        )
        items.extend([item] * max(1, int(line.get("quantity") or 1)))
    method = _s(o.get("payment_method")) or "woocommerce"
    payments = [PaymentRecord("payment", _money(o.get("total")), method)]
    # Refunds are listed with negative totals ("-10.00").
    payments += [PaymentRecord("refund", abs(_money(r.get("total"))), method) for r in o.get("refunds") or []]
    tracking = [
        _s(m.get("value")) for m in o.get("meta_data") or [] if m.get("key") in ("_tracking_number", "tracking_number")
    ]
    status = _STATUS.get(_s(o.get("status")), _s(o.get("status")))
    fulfillments = (Fulfillment(tuple(tracking), tuple(i.item_id for i in items)),) if tracking else ()
    return Order(
        order_id="#" + _s(o.get("number") or o.get("id")),
        user_id=_s(o.get("customer_id")),
        status=status,
        address=address_from_woo(o.get("shipping") if (o.get("shipping") or {}).get("address_1") else o.get("billing")),
        items=tuple(items),
        fulfillments=fulfillments,
        payment_history=tuple(payments),
        created_at=_s(o.get("date_created"))[:10],
    )


def variant_from_woo(v: dict[str, Any]) -> Variant:
    options = {_s(a.get("name")): _s(a.get("option")) for a in v.get("attributes") or [] if "option" in a}
    stock = v.get("stock_quantity")
    return Variant(_s(v.get("id")), options, v.get("stock_status") in ("instock", "onbackorder"),
                   _money(v.get("price")), stock if isinstance(stock, int) else None)  # fmt: skip


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return _s(body.get("message")) if isinstance(body, dict) else _s(body)


class WooShop(HostedShop):
    """OrderBackend + InventoryBackend + OrderActions (cancel, refund-as-return) over WooCommerce."""

    platform = "WooCommerce"
    refused_status = 400
    error_text = staticmethod(_error_text)

    def __init__(
        self,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(base_url.rstrip("/") + "/wp-json/wc/v3", client, sleep)
        # WooCommerce over HTTPS takes the key and secret as HTTP Basic credentials.
        self._client.auth = httpx.BasicAuth(consumer_key, consumer_secret)

    # ------------------------------------------------------------------ OrderBackend

    def get_user(self, user_id: str) -> ShopUser | None:
        body = self._call("GET", f"/customers/{user_id}") if user_id.isdigit() else None
        return None if body is None else user_from_woo(body)

    def find_user_by_email(self, email: str) -> str | None:
        wanted = email.strip().lower()
        found = [c for c in self._call("GET", "/customers", params={"email": wanted}) or []
                 if _s(c.get("email")).lower() == wanted]  # fmt: skip
        return _s(found[0]["id"]) if found else None

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None:
        for c in self._call("GET", "/customers", params={"search": last_name.strip()}) or []:
            user = user_from_woo(c)
            names = (user.first_name.lower(), user.last_name.lower())
            if (
                names == (first_name.strip().lower(), last_name.strip().lower())
                and user.address.zip == zip_code.strip()
            ):
                return user.user_id
        return None

    def _raw_order(self, order_id: str) -> dict[str, Any] | None:
        number = order_id.strip().lstrip("#").strip()
        if not number.isdigit():
            return None
        raw = self._call("GET", f"/orders/{number}")
        return raw if isinstance(raw, dict) else None

    def get_order(self, order_id: str) -> Order | None:
        raw = self._raw_order(order_id)
        return None if raw is None else order_from_woo(raw)

    def list_orders(self, user_id: str) -> list[Order]:
        if not user_id.isdigit():
            return []
        return [order_from_woo(o) for o in self._call("GET", "/orders", params={"customer": user_id}) or []]

    # ------------------------------------------------------------------ InventoryBackend

    def _product(self, raw: dict[str, Any]) -> Product:
        if raw.get("type") == "variable":
            variations = self._call("GET", f"/products/{raw['id']}/variations", params={"per_page": "100"}) or []
            variants = tuple(variant_from_woo(v) for v in variations)
        else:
            variants = (variant_from_woo(raw),)
        categories = raw.get("categories") or [{}]
        return Product(_s(raw.get("id")), _s(raw.get("name")), variants, category=_s(categories[0].get("name")))

    def get_product(self, product_id: str) -> Product | None:
        raw = self._call("GET", f"/products/{product_id}") if product_id.isdigit() else None
        return None if raw is None else self._product(raw)

    def list_products(self) -> list[Product]:
        return [self._product(p) for p in self._call("GET", "/products", params={"per_page": "100"}) or []]

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        raw = self._call("GET", f"/products/{item_id}") if item_id.isdigit() else None
        if raw is None:
            return None
        # A variation is a product of type "variation" whose parent is the variable product.
        product = self.get_product(_s(raw.get("parent_id"))) if raw.get("type") == "variation" else self._product(raw)
        return None if product is None else (product, item_id)

    # ------------------------------------------------------------------ OrderActions

    def cancel_pending_order(self, order_id: str, reason: str, *, preview: bool = False) -> Order:
        raw = self._raw_order(order_id)
        if raw is None:
            raise ActionRefused("Order not found")
        order = order_from_woo(raw)
        check_cancel(order, reason)
        if preview:
            return replace(order, status="cancelled", cancel_reason=reason)
        body = self._call("PUT", f"/orders/{raw['id']}", json={"status": "cancelled"})
        return replace(order_from_woo(body or raw), cancel_reason=reason)

    def return_delivered_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
    ) -> Order:
        """A return is a WooCommerce refund of those line items, through the payment gateway."""
        raw = self._raw_order(order_id)
        if raw is None:
            raise ActionRefused("Order not found")
        order = order_from_woo(raw)
        lines, amount = [], 0.0
        for line, wanted in returned_lines(order, raw.get("line_items") or [], item_ids, _item_id):
            total = round(_money(line.get("price")) * wanted, 2)
            lines.append({"id": line["id"], "quantity": wanted, "refund_total": f"{total:.2f}"})
            amount += total
        returned = replace(order, status="return requested", return_items=tuple(sorted(item_ids)),
                           return_payment_method_id=payment_method_id)  # fmt: skip
        if preview:
            refund = PaymentRecord("refund", round(amount, 2), order.payment_history[0].payment_method_id)
            return replace(returned, payment_history=order.payment_history + (refund,))
        self._call(
            "POST",
            f"/orders/{raw['id']}/refunds",
            json={
                "amount": f"{amount:.2f}",
                "reason": "Return requested in chat",
                "line_items": lines,
                "api_refund": True,
            },
        )
        refreshed = self._raw_order(order_id) or raw
        return replace(order_from_woo(refreshed), return_items=returned.return_items,
                       return_payment_method_id=payment_method_id)  # fmt: skip
