"""The write flows' common path: verify, pick the order, collect the details, preview, wait for a yes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.agent import tools
from bot.agent.flows.detect import choice, refers_to_order, wants_other
from bot.agent.flows.state import (
    ASKED,
    CHOICES,
    FLOW,
    FLOW_ORDER,
    ITEMS,
    NEW_ITEMS,
    OFFER,
    ORDER_ID,
    PROPOSED,
    REQUEST,
    Turn,
    load_list,
    store_list,
)
from bot.agent.flows.verify import verify
from bot.agent.replies import FLOW_WORDS, say, status_text
from bot.agent.tools.confirm import propose
from bot.agent.tools.item_names import product_name
from bot.agent.tools.registry import BACKEND_DOWN
from bot.types import JSON, Order

#: Orders listed when asking which one.
MAX_LISTED = 8
#: The ASKED key meaning "a statement awaits a yes" (a detour shows it again).
PROPOSAL = "__proposal__"

Details = Callable[[Turn, "Order | None"], "dict[str, JSON] | None"]


@dataclass(frozen=True)
class WriteFlow:
    """One write the shopper can ask for."""

    name: str
    tool: str
    """The write tool it proposes (bot.agent.tools.registry)."""
    statuses: tuple[str, ...]
    """Order statuses it applies to; () for an account-level change (no order)."""
    details: Details
    """The tool's arguments for this order, or None after asking the shopper for what is missing."""
    wrong_status: Callable[[Order], str]
    """The phrase key explaining why an order in another status cannot be handled."""
    sibling: str = ""
    """The flow that does the same for orders in its statuses (modify <-> exchange)."""
    answers: Callable[[Turn], bool] | None = None
    """Answers a question about this write that needs no order, before anything is verified (the payment
    flow: "can I split the payment?"); True when it did."""


#: What we offer instead when a flow does not fit the order's status (and the phrase says so).
_INSTEAD = {("cancel", "delivered"): "return", ("return", "pending"): "cancel"}

#: Every write flow by name, filled by bot.agent.flows (siblings are looked up here).
REGISTRY: dict[str, WriteFlow] = {}


def run(turn: Turn, flow: WriteFlow) -> None:
    """One step of `flow` with what this message brings; ends with a question, a statement awaiting
    a yes, or an explanation of why the shop cannot do it."""
    memory = turn.memory
    if answered(turn, flow):
        return
    if memory.get(FLOW) != flow.name:
        memory[REQUEST] = turn.text
    memory[FLOW] = flow.name
    what = FLOW_WORDS[flow.name][turn.lang].action
    if verify(turn, "flow_verify", "flow_verify_proof", what=what) is None:
        return
    turn.consumed = True
    order = None
    if flow.statuses:
        order = _pick_order(turn, flow)
        if order is None:
            return
        if order.status not in flow.statuses:
            sibling = REGISTRY.get(flow.sibling)
            if sibling is None or order.status not in sibling.statuses:
                status = status_text(order.status, turn.lang)
                turn.say(flow.wrong_status(order), order_id=order.order_id, status=status)
                turn.end_flow()
                turn.succeeded()  # a clear answer, not a failure to help
                instead = _INSTEAD.get((flow.name, order.status))
                if instead:
                    # "then cancel it" / "yes" goes on with the alternative we offered, for this order.
                    memory[OFFER], memory[ORDER_ID] = instead, order.order_id
                return
            # "换成白色的" is a modification while the order is pending and an exchange once delivered.
            flow = sibling
            memory[FLOW] = flow.name
    args = flow.details(turn, order)
    if args is None:
        return
    offer(turn, flow.tool, args)


def answered(turn: Turn, flow: WriteFlow) -> bool:
    """The flow answered this message itself (a question about the write that needs no order); when the flow
    was open, its question (or the statement awaiting a yes) follows again. False when it did not."""
    if flow.answers is None or not flow.answers(turn):
        return False
    turn.consumed = True
    turn.succeeded()
    if turn.memory.get(FLOW) == flow.name:
        turn.say("flow_back_to")
        if not offer_again(turn):
            turn.ask_again()
    return True


def offer(turn: Turn, tool: str, args: dict[str, JSON]) -> None:
    """Preview the write and show its statement; it runs only on an explicit yes next turn."""
    with turn.stage("tools"):
        proposal = propose(turn.tools_ctx(), tool, args, turn.lang)
    if proposal.pending:
        turn.say_text(proposal.statement)
        turn.memory[ASKED] = json.dumps({"key": PROPOSAL, "values": {}})
        turn.memory[PROPOSED] = json.dumps({"tool": tool, "args": args}, ensure_ascii=False)
        turn.succeeded()
        return
    refused(turn, proposal.call.result)
    turn.end_flow()


def offer_again(turn: Turn) -> bool:
    """Show the statement awaiting a yes again (after a detour); False when there is none."""
    raw = turn.memory.get(PROPOSED)
    if not raw:
        return False
    proposed = json.loads(raw)
    offer(turn, str(proposed["tool"]), dict(proposed["args"]))
    return True


def refused(turn: Turn, result: JSON) -> None:
    if result == BACKEND_DOWN:
        turn.say("flow_backend_down")
    else:
        turn.say("flow_refused", detail=str(result).removeprefix("Error: ").rstrip("."))


def _pick_order(turn: Turn, flow: WriteFlow) -> Order | None:
    memory = turn.memory
    ctx = turn.tools_ctx()
    choices = load_list(memory, CHOICES)
    current = memory.get(FLOW_ORDER, "")
    order_id = turn.u.slots.get("order_id", "")
    if not order_id and wants_other(turn.text):
        if not choices:
            choices = [o.order_id for o in _eligible(turn, flow)]
        others = [c for c in choices if c != (current or turn.focus())]
        order_id = others[0] if len(others) == 1 else ""
        if not order_id:
            memory.pop(FLOW_ORDER, None)
    if not order_id and choices and not current:
        index = choice(turn.text, len(choices))
        order_id = choices[index] if index is not None else ""
        turn.picked_order = index is not None
    order_id = order_id or current or memory.get(ORDER_ID, "")
    order = None if order_id or choices else _focused(turn, flow)
    if order is not None:
        order_id = order.order_id
    if not order_id:
        eligible = _eligible(turn, flow)
        if len(eligible) != 1:
            _ask_which(turn, flow, eligible)
            return None
        order_id = eligible[0].order_id
    if order is None:
        with turn.stage("tools"):
            order = tools.get_order_status(ctx, order_id)
    memory.pop(ORDER_ID, None)
    if order is None:
        memory.pop(FLOW_ORDER, None)
        turn.failed()
        turn.say("order_not_yours", order_id=order_id)
        _ask_which(turn, flow, _eligible(turn, flow))
        return None
    if order.order_id != current:
        # Another order: the items chosen for the previous one no longer apply (a reason still does).
        for key in (ITEMS, NEW_ITEMS, ASKED, PROPOSED):
            memory.pop(key, None)
    memory[FLOW_ORDER] = order.order_id
    turn.set_focus(order.order_id)
    return order


def _focused(turn: Turn, flow: WriteFlow) -> Order | None:
    """The order in focus when this request is about it: it fits the flow (or its sibling), or the shopper
    points at it ("cancel it" on a delivered order gets the explanation and the offer to return it)."""
    focus = turn.focus()
    if not focus:
        return None
    with turn.stage("tools"):
        order = tools.get_order_status(turn.tools_ctx(), focus)
    if order is None:
        return None
    sibling = REGISTRY.get(flow.sibling)
    fits = order.status in flow.statuses or (sibling is not None and order.status in sibling.statuses)
    return order if fits or refers_to_order(turn.text) else None


def _eligible(turn: Turn, flow: WriteFlow) -> list[Order]:
    with turn.stage("tools"):
        orders = tools.list_customer_orders(turn.tools_ctx(), limit=MAX_LISTED)
    focus = turn.focus()
    # The order just discussed comes first.
    return sorted((o for o in orders if o.status in flow.statuses), key=lambda o: o.order_id != focus)


def _ask_which(turn: Turn, flow: WriteFlow, eligible: list[Order]) -> None:
    if not eligible:
        with turn.stage("tools"):
            orders = tools.list_customer_orders(turn.tools_ctx(), limit=MAX_LISTED)
        statuses = "/".join(status_text(s, turn.lang) for s in flow.statuses)
        turn.say("flow_no_orders", statuses=statuses, orders=order_lines(turn, orders))
        turn.end_flow()
        return None
    store_list(turn.memory, CHOICES, [o.order_id for o in eligible])
    turn.ask("flow_which_order", what_short=FLOW_WORDS[flow.name][turn.lang].short, orders=order_lines(turn, eligible))
    return None


def order_lines(turn: Turn, orders: list[Order]) -> str:
    """A numbered list of orders with status and product names (in the shopper's language where the catalogue
    has them)."""
    sep = say("list_sep", turn.lang)
    inventory = turn.ctx.inventory
    lines = []
    for n, order in enumerate(orders, start=1):
        status = status_text(order.status, turn.lang)
        items = sep.join(dict.fromkeys(product_name(inventory, i.product_id, i.name, turn.lang) for i in order.items))
        lines.append(say("flow_order_line", turn.lang, n=n, order_id=order.order_id, status=status, items=items))
    return "\n".join(lines)
