"""The order status flow: verify, pick the order, state what the shop says about it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.agent import tools
from bot.agent.flows.state import EMAIL, FLOW, ORDER_ID, Turn
from bot.agent.flows.verify import verify
from bot.agent.replies import options_text, say, status_text
from bot.types import Language, Order

NAME = "order_status"


def order_status(turn: Turn, max_listed: int) -> None:
    """Answer "where is my order?" for the verified shopper, verifying them first when needed."""
    turn.memory[FLOW] = NAME
    customer = verify(turn, "ask_order_and_email", "ask_email")
    if customer is None:
        return
    turn.consumed = True
    memory = turn.memory
    memory.pop(EMAIL, None)
    ctx = turn.tools_ctx()
    order_id = turn.u.slots.get("order_id") or memory.get(ORDER_ID)
    if order_id:
        with turn.stage("tools"):
            order = tools.get_order_status(ctx, order_id)
        if order is not None:
            turn.say_text(describe_order(order, turn.lang))
            _done(turn)
            return
        turn.say("order_not_yours", order_id=order_id)
        memory.pop(ORDER_ID, None)
    with turn.stage("tools"):
        orders = tools.list_customer_orders(ctx, limit=max_listed)
    if not orders:
        memory.pop(FLOW, None)
        turn.say("no_orders")
    elif len(orders) == 1 and not order_id:
        turn.say_text(describe_order(orders[0], turn.lang))
        _done(turn)
    else:
        lines = "\n".join(
            say("order_line", turn.lang, order_id=o.order_id, status=status_text(o.status, turn.lang)) for o in orders
        )
        turn.ask("which_order", orders=lines)


def _done(turn: Turn) -> None:
    for key in (FLOW, ORDER_ID):
        turn.memory.pop(key, None)
    turn.succeeded()


def describe_order(order: Order, lang: Language) -> str:
    """Status, items and tracking of one order, exactly as the shop returned them."""
    parts = [say("order_status", lang, order_id=order.order_id, status=status_text(order.status, lang))]
    if order.items:
        names = say("list_sep", lang).join(item_name(i.name, i.options) for i in order.items)
        parts.append(say("order_items", lang, items=names))
    tracking = tools.tracking_ids(order)
    if tracking:
        parts.append(say("order_tracking", lang, tracking=", ".join(tracking)))
    elif order.status.startswith("pending"):
        parts.append(say("order_no_tracking", lang))
    return "\n".join(parts)


def item_name(name: str, options: Mapping[str, str]) -> str:
    return f"{name} ({options_text(options)})" if options else name
