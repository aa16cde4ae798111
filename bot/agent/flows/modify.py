"""Change items of a pending order to other variants of the same products (paid by the order's method)."""

from __future__ import annotations

from bot.agent.flows.items import variant_swap
from bot.agent.flows.writes import WriteFlow
from bot.types import Order


def _wrong_status(order: Order) -> str:
    # Items can be changed once: a modified order is still pending, but that is spent.
    return "flow_modified_once" if order.status == "pending (item modified)" else "flow_wrong_status_pending_only"


MODIFY = WriteFlow(
    "modify", "modify_pending_order_items", ("pending",), variant_swap("modify"), _wrong_status, sibling="exchange"
)
