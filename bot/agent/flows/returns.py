"""Return items of a delivered order, refunded to the original payment method or a gift card of the shopper's
(asked when both are possible)."""

from __future__ import annotations

from bot.agent.flows.items import choose_items, products
from bot.agent.flows.refund import refund_to
from bot.agent.flows.state import Turn
from bot.agent.flows.writes import WriteFlow
from bot.types import JSON, Order


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    items = choose_items(turn, order, "return", products(turn, order))
    if items is None:
        return None
    destination = refund_to(turn, order)
    if destination is None:
        return None
    return {"order_id": order.order_id, "item_ids": [i.item_id for i in items], "payment_method_id": destination}


def _wrong_status(order: Order) -> str:
    # Not delivered yet: a pending order can still be cancelled instead, a shipped one must arrive first.
    if order.status == "pending":
        return "flow_wrong_status_return_pending"
    if order.status == "processed":
        return "flow_wrong_status_return_processed"
    return "flow_wrong_status_delivered_only"


RETURN = WriteFlow("return", "return_delivered_order_items", ("delivered",), _details, _wrong_status)
