"""Change items of a pending order to other variants of the same products (paid by the order's method)."""

from __future__ import annotations

from bot.agent.flows.items import choose_items, choose_variants, payment_for, products
from bot.agent.flows.turn import Turn
from bot.agent.flows.writes import WriteFlow
from bot.types import JSON, Order


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    catalogue = products(turn, order)
    items = choose_items(turn, order, "modify", catalogue)
    if items is None:
        return None
    news = choose_variants(turn, items, catalogue)
    if news is None:
        return None
    return {
        "order_id": order.order_id,
        "item_ids": [i.item_id for i in items],
        "new_item_ids": list(news),
        "payment_method_id": payment_for(turn, order),
    }


def _wrong_status(order: Order) -> str:
    # Items can be changed once: a modified order is still pending, but that is spent.
    return "flow_modified_once" if order.status == "pending (item modified)" else "flow_wrong_status_pending_only"


MODIFY = WriteFlow("modify", "modify_pending_order_items", ("pending",), _details, _wrong_status, sibling="exchange")
