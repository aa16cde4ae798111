"""Cancel a pending order, for one of the shop's two reasons."""

from __future__ import annotations

from bot.agent.flows.detect import cancel_reason
from bot.agent.flows.state import REASON, Turn
from bot.agent.flows.writes import WriteFlow
from bot.types import JSON, Order


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    reason = next((r for text in turn.detail_texts() if (r := cancel_reason(text))), None) or turn.memory.get(REASON)
    if not reason:
        turn.ask("flow_ask_reason", order_id=order.order_id)
        return None
    turn.memory[REASON] = reason
    return {"order_id": order.order_id, "reason": reason}


def _wrong_status(order: Order) -> str:
    # A delivered order cannot be cancelled but can be returned: say so.
    return "flow_wrong_status_cancel_delivered" if order.status == "delivered" else "flow_wrong_status_cancel"


CANCEL = WriteFlow("cancel", "cancel_pending_order", ("pending",), _details, _wrong_status)
