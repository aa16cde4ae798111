"""Exchange items of a delivered order for other variants of the same products."""

from __future__ import annotations

from bot.agent.flows.items import variant_swap
from bot.agent.flows.writes import WriteFlow

EXCHANGE = WriteFlow(
    "exchange", "exchange_delivered_order_items", ("delivered",), variant_swap("exchange"),
    lambda o: "flow_wrong_status_delivered_only",
    sibling="modify",
)  # fmt: skip
