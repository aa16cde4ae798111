"""Change the shipping address of a pending order, or the shopper's default (account) address."""

from __future__ import annotations

import json

from bot.agent.flows.addresses import parse_address
from bot.agent.flows.state import ADDRESS, Turn
from bot.agent.flows.writes import WriteFlow
from bot.types import JSON, Order


def _address(turn: Turn) -> dict[str, JSON] | None:
    # Addresses are scrubbed into placeholders piecemeal ("55 <LOCATION_1>, <LOCATION_2>, FL"): parse
    # the shopper's own words, which the shop needs anyway.
    parsed = parse_address(turn.raw)
    if parsed is not None:
        found: dict[str, JSON] = {
            "address1": parsed.address1, "address2": parsed.address2, "city": parsed.city,
            "state": parsed.state, "country": parsed.country, "zip": parsed.zip,
        }  # fmt: skip
        turn.memory[ADDRESS] = json.dumps(found, ensure_ascii=False)
        return found
    raw = turn.memory.get(ADDRESS)
    if raw:
        return dict(json.loads(raw))
    turn.ask("flow_ask_address")
    return None


def _order_details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    address = _address(turn)
    return None if address is None else {"order_id": order.order_id, **address}


def _user_details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    return _address(turn)


ORDER_ADDRESS = WriteFlow(
    "address", "modify_pending_order_address", ("pending", "pending (item modified)"), _order_details,
    lambda o: "flow_wrong_status_pending_only",
)  # fmt: skip
USER_ADDRESS = WriteFlow("user_address", "modify_user_address", (), _user_details, lambda o: "")
