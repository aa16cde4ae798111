"""The order status flow: verify, pick the order (the one named, picked from a list, or the one in focus),
and answer what was asked about it from what the shop says: status, items, tracking, arrival."""

from __future__ import annotations

from collections.abc import Mapping

from bot.agent import tools
from bot.agent.flows.detect import OrderAspect, choice, is_order_followup, order_aspect, wants_order_list
from bot.agent.flows.state import EMAIL, FLOW, FOCUS, LISTED, ORDER_ID, Turn, load_list, store_list
from bot.agent.flows.verify import verify
from bot.agent.replies import say, status_text
from bot.agent.tools.item_names import item_text
from bot.ports import InventoryBackend
from bot.types import Language, Order

NAME = "order_status"


def follows_up(turn: Turn) -> bool:
    """This message asks about an order already in the conversation, whatever the intent model made of it:
    a follow-up on the order in focus ("has it shipped?", 快递单号是多少), or a pick from the list the
    status flow showed ("the second one")."""
    if turn.focus() and is_order_followup(turn.text):
        return True
    listed = load_list(turn.memory, LISTED)
    return turn.memory.get(FLOW) == NAME and bool(listed) and choice(turn.text, len(listed)) is not None


def order_status(turn: Turn, max_listed: int) -> None:
    """Answer "where is my order?" (or "when will it arrive?", "what was in it?") for the verified
    shopper, verifying them first when needed; asks which order when it cannot tell."""
    turn.memory[FLOW] = NAME
    customer = verify(turn, "ask_order_and_email", "ask_email")
    if customer is None:
        return
    turn.consumed = True
    memory = turn.memory
    memory.pop(EMAIL, None)
    ctx = turn.tools_ctx()
    named = turn.u.slots.get("order_id") or memory.get(ORDER_ID) or _picked(turn)
    order_id = named or ("" if wants_order_list(turn.text) else turn.focus())
    if order_id:
        with turn.stage("tools"):
            order = tools.get_order_status(ctx, order_id)
        if order is not None:
            _answer(turn, order)
            return
        if named:
            turn.say("order_not_yours", order_id=order_id)
        else:
            memory.pop(FOCUS, None)  # the focus no longer resolves: forget it, say nothing about it
        memory.pop(ORDER_ID, None)
    with turn.stage("tools"):
        orders = _focus_first(turn, tools.list_customer_orders(ctx, limit=max_listed), max_listed)
    if not orders:
        memory.pop(FLOW, None)
        turn.say("no_orders")
    elif len(orders) == 1 and not order_id:
        _answer(turn, orders[0])
    else:
        lines = "\n".join(
            say("order_line", turn.lang, order_id=o.order_id, status=status_text(o.status, turn.lang)) for o in orders
        )
        store_list(memory, LISTED, [o.order_id for o in orders])
        turn.ask("which_order", orders=lines)


def _picked(turn: Turn) -> str:
    """The order chosen by its place in the list we showed ("the second one"), or ""."""
    listed = load_list(turn.memory, LISTED)
    if turn.memory.get(FLOW) != NAME or not listed:
        return ""
    index = choice(turn.text, len(listed))
    return listed[index] if index is not None else ""


def _focus_first(turn: Turn, orders: list[Order], max_listed: int) -> list[Order]:
    """The recent orders with the one just discussed at the top (fetched when it is older than the rest)."""
    focus = turn.focus()
    if not focus:
        return orders
    focused = next((o for o in orders if o.order_id == focus), None)
    if focused is None:
        focused = tools.get_order_status(turn.tools_ctx(), focus)
    if focused is None:
        return orders
    rest = [o for o in orders if o.order_id != focus]
    return [focused, *rest][: max(max_listed, 1)]


def _answer(turn: Turn, order: Order) -> None:
    """Say what the message asked about this order; it is the order in focus from now on."""
    turn.say_text(describe_aspect(turn.ctx.inventory, order, order_aspect(turn.text), turn.lang))
    turn.set_focus(order.order_id)
    for key in (FLOW, ORDER_ID, LISTED):
        turn.memory.pop(key, None)
    turn.succeeded()


def describe_aspect(inventory: InventoryBackend, order: Order, aspect: OrderAspect, lang: Language) -> str:
    """One aspect of an order, from what the shop returned; the status with items and tracking by default.
    The shop gives no delivery dates, so "when will it arrive?" is answered from the status and tracking.
    Items are named in the reply's language where the catalogue has the name (`inventory`)."""
    tracking = ", ".join(tools.tracking_ids(order))
    values = {"order_id": order.order_id, "status": status_text(order.status, lang)}
    if aspect == "tracking":
        if tracking:
            return say("order_tracking_of", lang, tracking=tracking, **values)
        return say(_no_tracking(order.status), lang, **values)
    if aspect == "items" and order.items:
        return say("order_items_of", lang, items=_item_names(inventory, order, lang), **values)
    if aspect == "arrival":
        return _arrival(inventory, order, tracking, values, lang)
    return describe_order(inventory, order, lang)


def _no_tracking(status: str) -> str:
    if status.startswith("pending"):
        return "order_no_tracking_pending"
    if status == "cancelled":
        return "order_no_tracking_cancelled"
    return "order_no_tracking_other"


def _arrival(
    inventory: InventoryBackend, order: Order, tracking: str, values: Mapping[str, str], lang: Language
) -> str:
    status = order.status
    if status == "delivered":
        parts = [say("order_arrival_delivered", lang, **values)]
        if tracking:
            parts.append(say("order_tracking", lang, tracking=tracking))
        return "\n".join(parts)
    if status == "processed":
        key = "order_arrival_shipped" if tracking else "order_arrival_shipped_untracked"
        return say(key, lang, tracking=tracking, **values)
    if status.startswith("pending"):
        return say("order_arrival_pending", lang, **values)
    if status == "cancelled":
        return say("order_arrival_cancelled", lang, **values)
    return describe_order(inventory, order, lang)


def describe_order(inventory: InventoryBackend, order: Order, lang: Language) -> str:
    """Status, items and tracking of one order, exactly as the shop returned them."""
    parts = [say("order_status", lang, order_id=order.order_id, status=status_text(order.status, lang))]
    if order.items:
        parts.append(say("order_items", lang, items=_item_names(inventory, order, lang)))
    tracking = tools.tracking_ids(order)
    if tracking:
        parts.append(say("order_tracking", lang, tracking=", ".join(tracking)))
    elif order.status.startswith("pending"):
        parts.append(say("order_no_tracking", lang))
    return "\n".join(parts)


def _item_names(inventory: InventoryBackend, order: Order, lang: Language) -> str:
    return say("list_sep", lang).join(item_text(inventory, i.product_id, i.name, i.options, lang) for i in order.items)
