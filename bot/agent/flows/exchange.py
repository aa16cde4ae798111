"""Exchange items of a delivered order for other variants of the same products."""

from __future__ import annotations

from bot.agent.flows.items import choose_items, choose_variants, payment_for, products
from bot.agent.flows.turn import Turn
from bot.agent.flows.writes import WriteFlow
from bot.types import JSON, Order


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    catalogue = products(turn, order)
    items = choose_items(turn, order, "exchange", catalogue)
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


EXCHANGE = WriteFlow(
    "exchange", "exchange_delivered_order_items", ("delivered",), _details,
    lambda o: "flow_wrong_status_delivered_only",
    sibling="modify",
)  # fmt: skip
