"""The embedded engine's shopper tools: in-chat verification, order status, knowledge and product search."""

from __future__ import annotations

from typing import Sequence

from bot.agent.tools.context import ToolContext, resolve, safe_argument
from bot.text import canonical_order_id
from bot.types import JSON, Customer, DocKind, Language, Order, Passage, Product


def verify_order_owner(ctx: ToolContext, order_id: str, email_or_placeholder: str) -> Customer | None:
    """The order's owner when the proof matches: the email on their account, or the zip code the
    order ships to (or of their account), else None.

    An unknown order and a wrong proof give the same answer, so the tool cannot be used to
    learn which order numbers exist.
    """
    order_id = canonical_order_id(order_id)
    proof = resolve(ctx, email_or_placeholder).strip().lower()
    arguments: dict[str, JSON] = {"order_id": order_id, "email": safe_argument(email_or_placeholder)}
    order = ctx.orders.get_order(order_id) if proof else None
    user = ctx.orders.get_user(order.user_id) if order else None
    by_email = "@" in proof
    matches = False
    if order is not None and user is not None and proof:
        if by_email:
            matches = user.email.strip().lower() == proof
        else:
            matches = proof in {order.address.zip.strip().lower(), user.address.zip.strip().lower()}
    if user is None or not matches:
        ctx.record("verify_order_owner", arguments, False, "no order with this number and proof")
        return None
    customer = Customer(
        customer_id=user.user_id,
        name=f"{user.first_name} {user.last_name}".strip(),
        email=user.email,
        verified_by="order_and_email" if by_email else "order_and_zip",
    )
    ctx.record("verify_order_owner", arguments, True, {"verified": True})
    return customer


def get_order_status(ctx: ToolContext, order_id: str) -> Order | None:
    """One of the verified customer's orders; anyone else's order is reported as not found."""
    order_id = canonical_order_id(order_id)
    arguments: dict[str, JSON] = {"order_id": order_id}
    if ctx.customer is None:
        ctx.record("get_order_status", arguments, False, "the shopper is not verified")
        return None
    order = ctx.orders.get_order(order_id)
    if order is None or order.user_id != ctx.customer.customer_id:
        ctx.record("get_order_status", arguments, False, "order not found")
        return None
    ctx.record("get_order_status", arguments, True, order_json(order))
    return order


def list_customer_orders(ctx: ToolContext, limit: int = 5) -> list[Order]:
    """The verified customer's most recent orders (newest first when the backend dates them)."""
    if ctx.customer is None:
        ctx.record("list_customer_orders", {"limit": limit}, False, "the shopper is not verified")
        return []
    orders = ctx.orders.list_orders(ctx.customer.customer_id)
    orders = [o for o in orders if o.user_id == ctx.customer.customer_id]
    if any(o.created_at for o in orders):
        orders.sort(key=lambda o: o.created_at, reverse=True)
    orders = orders[:limit]
    ctx.record(
        "list_customer_orders",
        {"limit": limit},
        True,
        [{"order_id": o.order_id, "status": o.status} for o in orders],
    )
    return orders


def search_knowledge(
    ctx: ToolContext, query: str, language: Language | None, *, k: int = 5, kind: DocKind | None = None
) -> list[Passage]:
    """The shop's knowledge for a query; order documents only ever for the verified customer."""
    passages = ctx.retriever.search(
        query, k=k, kind=kind, language=language, customer_id=ctx.customer.customer_id if ctx.customer else None
    )
    ctx.record(
        "search_knowledge",
        {"query": query, "language": language, "kind": kind},
        True,
        [{"source": p.source, "title": p.title, "section": p.section, "score": round(p.score, 4)} for p in passages],
    )
    return passages


def find_products(ctx: ToolContext, text: str, limit: int = 3) -> list[Product]:
    """Catalogue products the text names: through the catalogue index when the context has one, else those
    whose English or Chinese name appears in the text."""
    if ctx.catalogue is not None:
        found = list(ctx.catalogue.search(text, limit))
    else:
        lowered = text.lower()
        found = [
            p
            for p in ctx.inventory.list_products()
            if (p.name and p.name.lower() in lowered) or (p.name_zh and p.name_zh in text)
        ]
        found.sort(key=lambda p: -len(p.name))  # "Wireless Earbuds" before "Earbuds"
        found = found[:limit]
    ctx.record(
        "find_products",
        {"text": text},
        True,
        [
            {"product_id": p.product_id, "name": p.name, "available": sum(v.available for v in p.variants)}
            for p in found
        ],
    )
    return found


def order_json(order: Order) -> dict[str, JSON]:
    """What a tool result may show of an order: no address, no payment details."""
    items: list[JSON] = [{"item_id": i.item_id, "name": i.name, "options": dict(i.options)} for i in order.items]
    return {
        "order_id": order.order_id,
        "status": order.status,
        "items": items,
        "tracking_ids": list(tracking_ids(order)),
        "created_at": order.created_at,
    }


def tracking_ids(order: Order) -> Sequence[str]:
    return [t for f in order.fulfillments for t in f.tracking_ids]
