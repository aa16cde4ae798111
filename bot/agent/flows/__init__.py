"""The embedded engine's dialogue flows: order status and the writes (cancel, modify, address, payment,
return, exchange), each verifying the shopper, filling its slots and confirming before it acts."""

from __future__ import annotations

from bot.agent.flows.address import ORDER_ADDRESS, USER_ADDRESS
from bot.agent.flows.cancel import CANCEL
from bot.agent.flows.exchange import EXCHANGE
from bot.agent.flows.modify import MODIFY
from bot.agent.flows.payment import PAYMENT_FLOW
from bot.agent.flows.returns import RETURN
from bot.agent.flows.writes import REGISTRY, WriteFlow

#: Every write flow by name (the names bot.agent.flows.detect.action_of returns).
WRITE_FLOWS: dict[str, WriteFlow] = {
    f.name: f for f in (CANCEL, MODIFY, ORDER_ADDRESS, USER_ADDRESS, PAYMENT_FLOW, RETURN, EXCHANGE)
}
REGISTRY.update(WRITE_FLOWS)

__all__ = ["WRITE_FLOWS", "WriteFlow"]
