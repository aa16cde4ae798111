"""The embedded engine: intent-driven dialogue flows with slot filling, tools and retrieved answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from bot.agent import tools
from bot.agent.answer import MIN_PASSAGE_SCORE, compose_answer
from bot.agent.phrases import say, status_text
from bot.agent.tools import ToolContext
from bot.handoff_policy import FAILURES_KEY, failure_count, should_hand_off
from bot.ports import InventoryBackend, OrderBackend, Retriever
from bot.types import (
    Conversation,
    Customer,
    Decision,
    Handoff,
    Language,
    Message,
    Order,
    Passage,
    Product,
    Reply,
    Understanding,
)

#: Memory keys (all values are strings).
FLOW, ORDER_ID, EMAIL = "flow", "order_id", "email"
ORDER_FLOW = "order_status"

_PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
_KNOWLEDGE_INTENTS = ("policy_question", "product_question", "complaint", "out_of_scope", "inform")


@dataclass
class _Turn:
    """The working state of one decide() call."""

    ctx: ToolContext
    u: Understanding
    text: str
    memory: dict[str, str]
    replies: list[Reply] = field(default_factory=list)
    customer: Customer | None = None
    handoff: Handoff | None = None

    @property
    def lang(self) -> Language:
        return self.u.language

    def say(self, key: str, **values: object) -> None:
        self.replies.append(Reply(say(key, self.lang, **values)))

    def failed(self) -> None:
        self.memory[FAILURES_KEY] = str(failure_count(self.memory) + 1)

    def succeeded(self) -> None:
        self.memory[FAILURES_KEY] = "0"


class EmbeddedEngine:
    """The default engine (no API key): order status with in-chat verification, policy answers
    with citations, handoff to a human, small talk, in the shopper's language."""

    name = "embedded"

    def __init__(
        self, orders: OrderBackend, inventory: InventoryBackend, retriever: Retriever, *, max_listed_orders: int = 5
    ) -> None:
        self.orders = orders
        self.inventory = inventory
        self.retriever = retriever
        self.max_listed_orders = max_listed_orders

    def decide(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        history: Sequence[Message],
    ) -> Decision:
        ctx = ToolContext(
            orders=self.orders,
            inventory=self.inventory,
            retriever=self.retriever,
            customer=conversation.customer,
            vault=conversation.vault,
        )
        turn = _Turn(ctx=ctx, u=understanding, text=scrubbed_text, memory=dict(conversation.memory))
        handoff = should_hand_off(understanding, turn.memory)
        if handoff is not None:
            self._hand_off(turn, handoff)
        else:
            self._route(turn)
            # A turn that failed once too often goes to a human rather than failing again.
            late = should_hand_off(understanding, turn.memory)
            if late is not None and late.reason == "repeated_failure":
                self._hand_off(turn, late)
        turn.memory["last_intent"] = understanding.intent.label
        return Decision(
            replies=tuple(turn.replies),
            tool_calls=tuple(ctx.calls),
            handoff=turn.handoff,
            memory=turn.memory,
            customer=turn.customer,
        )

    # ------------------------------------------------------------------ routing

    def _route(self, turn: _Turn) -> None:
        label = turn.u.intent.label
        slots = turn.u.slots
        in_order_flow = turn.memory.get(FLOW) == ORDER_FLOW
        gives_order_details = bool(slots.get("order_id") or slots.get("email"))
        if label == "order_status" or (gives_order_details and label in ("inform", "out_of_scope")):
            self._order_status(turn)
        elif in_order_flow and label in ("inform", "out_of_scope") and not turn.ctx.customer:
            # The shopper answered our question without what we asked for: ask again.
            turn.failed()
            turn.say(
                "ask_order_and_email" if not turn.memory.get(ORDER_ID) else "ask_email",
                order_id=turn.memory.get(ORDER_ID, ""),
            )
        elif label in ("greeting", "thanks", "goodbye"):
            turn.say(label)
        else:
            turn.memory.pop(FLOW, None)
            self._knowledge(turn)

    def _hand_off(self, turn: _Turn, handoff: Handoff) -> None:
        details = [handoff.summary, f"Language: {turn.lang}."]
        if turn.memory.get(ORDER_ID):
            details.append(f"Order mentioned: {turn.memory[ORDER_ID]}.")
        customer = turn.customer or turn.ctx.customer
        details.append("The shopper is verified." if customer else "The shopper is not verified.")
        turn.handoff = Handoff(reason=handoff.reason, summary=" ".join(d for d in details if d))
        turn.replies = [Reply(say(f"handoff_{handoff.reason}", turn.lang))]
        # A human takes over; when the conversation comes back to the bot it starts afresh.
        for key in (FLOW, EMAIL, FAILURES_KEY):
            turn.memory.pop(key, None)

    # ------------------------------------------------------------------ order status

    def _order_status(self, turn: _Turn) -> None:
        slots, memory = turn.u.slots, turn.memory
        if "order_id" in slots:
            memory[ORDER_ID] = slots["order_id"]
        if "email" in slots:
            memory[EMAIL] = slots["email"]
        elif "zip" in slots and (slots.get("order_id") or memory.get(ORDER_ID)):
            # The zip code the order ships to is proof too (kept in the same slot as an email).
            memory[EMAIL] = slots["zip"]
        if turn.ctx.customer is not None:
            self._order_for_verified(turn, turn.ctx)
            return
        order_id, email = memory.get(ORDER_ID), memory.get(EMAIL)
        memory[FLOW] = ORDER_FLOW
        if not order_id and not email:
            turn.say("ask_order_and_email")
            return
        if not email:
            turn.say("ask_email", order_id=order_id)
            return
        if not order_id:
            turn.say("ask_order_id")
            return
        customer = tools.verify_order_owner(turn.ctx, order_id, email)
        if customer is None:
            # Forget both so the retry is judged on what the shopper sends next.
            for key in (ORDER_ID, EMAIL):
                memory.pop(key, None)
            turn.failed()
            turn.say("verify_failed")
            return
        turn.customer = customer
        self._order_for_verified(turn, turn.ctx.with_customer(customer))

    def _order_for_verified(self, turn: _Turn, ctx: ToolContext) -> None:
        memory = turn.memory
        memory.pop(EMAIL, None)
        order_id = turn.u.slots.get("order_id") or memory.get(ORDER_ID)
        if order_id:
            order = tools.get_order_status(ctx, order_id)
            if order is not None:
                turn.replies.append(Reply(_describe(order, turn.lang)))
                memory.pop(FLOW, None)
                memory.pop(ORDER_ID, None)
                turn.succeeded()
                return
            turn.say("order_not_yours", order_id=order_id)
            memory.pop(ORDER_ID, None)
        orders = tools.list_customer_orders(ctx, limit=self.max_listed_orders)
        if not orders:
            memory.pop(FLOW, None)
            turn.say("no_orders")
        elif len(orders) == 1 and not order_id:
            memory.pop(FLOW, None)
            turn.replies.append(Reply(_describe(orders[0], turn.lang)))
            turn.succeeded()
        else:
            memory[FLOW] = ORDER_FLOW
            lines = "\n".join(
                say("order_line", turn.lang, order_id=o.order_id, status=status_text(o.status, turn.lang))
                for o in orders
            )
            turn.say("which_order", orders=lines)

    # ------------------------------------------------------------------ knowledge

    def _knowledge(self, turn: _Turn) -> None:
        query = _PLACEHOLDER.sub(" ", turn.text).strip()
        label = turn.u.intent.label
        product_lines = self._products(turn, query) if label in ("product_question", "out_of_scope") else []
        passages = _search(turn.ctx, query, turn.lang)
        answer = compose_answer(query, passages)
        if label == "complaint":
            turn.say("complaint")
        if answer is None and not product_lines:
            if label != "complaint":
                turn.failed()
                turn.say("no_answer")
            return
        turn.succeeded()
        if product_lines:
            turn.replies.append(Reply(" ".join(product_lines)))
        if answer is not None:
            text = answer.text
            if answer.language != turn.lang:
                text = say("other_language", turn.lang) + "\n" + text
            turn.replies.append(Reply(text, citations=answer.citations))

    def _products(self, turn: _Turn, query: str) -> list[str]:
        return [_product_line(p, turn.lang) for p in tools.find_products(turn.ctx, query)]


def _search(ctx: ToolContext, query: str, language: Language) -> list[Passage]:
    """Passages in the shopper's language; any language when those are not relevant enough."""
    passages = tools.search_knowledge(ctx, query, language)
    if not passages or passages[0].score < MIN_PASSAGE_SCORE:
        fallback = tools.search_knowledge(ctx, query, None)
        if fallback and (not passages or fallback[0].score > passages[0].score):
            return fallback
    return passages


def _describe(order: Order, lang: Language) -> str:
    parts = [say("order_status", lang, order_id=order.order_id, status=status_text(order.status, lang))]
    if order.items:
        sep = "、" if lang == "zh" else ", "
        parts.append(say("order_items", lang, items=sep.join(_item_name(i.name, i.options) for i in order.items)))
    tracking = tools.tracking_ids(order)
    if tracking:
        parts.append(say("order_tracking", lang, tracking=", ".join(tracking)))
    elif order.status.startswith("pending"):
        parts.append(say("order_no_tracking", lang))
    return "\n".join(parts)


def _item_name(name: str, options: Mapping[str, str]) -> str:
    if options:
        return f"{name} ({', '.join(f'{k}: {v}' for k, v in options.items())})"
    return name


def _product_line(product: Product, lang: Language) -> str:
    prices = [v.price for v in product.variants]
    available = sum(1 for v in product.variants if v.available)
    low, high = (min(prices), max(prices)) if prices else (0.0, 0.0)
    price = say("price_single" if low == high else "price_range", lang, low=low, high=high)
    name = product.name_zh if lang == "zh" and product.name_zh else product.name
    return say("product_line", lang, name=name, available=available, total=len(product.variants), price=price)
