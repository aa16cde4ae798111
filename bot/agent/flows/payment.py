"""Pay a pending order with another of the shopper's payment methods."""

from __future__ import annotations

import re

from bot.agent.flows.state import PAYMENT, Turn
from bot.agent.flows.writes import WriteFlow
from bot.agent.replies import method_name, say
from bot.types import JSON, Order

_SOURCES = (
    ("paypal", re.compile(r"\bpay ?pal\b|贝宝", re.IGNORECASE)),
    ("gift_card", re.compile(r"\bgift ?card\b|礼品卡", re.IGNORECASE)),
    (
        "credit_card",
        re.compile(r"\b(credit|debit|bank)? ?card\b|\bvisa\b|\bmastercard\b|\bamex\b|信用卡|银行卡", re.IGNORECASE),
    ),
)


def _details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
    assert order is not None
    user = turn.ctx.orders.get_user(turn.verified.customer_id) if turn.verified else None
    methods = list(user.payment_methods) if user else []
    paid = [p.payment_method_id for p in order.payment_history if p.transaction_type == "payment"]
    candidates = [m for m in methods if m.id not in paid[:1]]
    chosen = next((m.id for m in candidates if m.id in turn.text or m.last_four and m.last_four in turn.text), "")
    if not chosen:
        for source, pattern in _SOURCES:
            if pattern.search(turn.text):
                of_source = [m for m in candidates if m.source == source]
                chosen = of_source[0].id if len(of_source) == 1 else ""
                break
    chosen = chosen or turn.memory.get(PAYMENT, "")
    if not chosen:
        if not candidates:
            turn.say("flow_refused", detail=say("no_other_payment_method", turn.lang))
            turn.end_flow()
            return None
        lines = "\n".join(say("flow_method_line", turn.lang, method=method_name(m, turn.lang)) for m in candidates)
        turn.ask("flow_ask_payment", methods=lines)
        return None
    turn.memory[PAYMENT] = chosen
    return {"order_id": order.order_id, "payment_method_id": chosen}


PAYMENT_FLOW = WriteFlow(
    "payment",
    "modify_pending_order_payment",
    ("pending", "pending (item modified)"),
    _details,
    lambda o: "flow_wrong_status_pending_only",
)
