"""The working state of one embedded-engine turn: context, understanding, memory, replies, stage timings."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from bot.agent.handoff_policy import FAILURES_KEY, failure_count
from bot.agent.replies import say
from bot.agent.tools import ToolContext
from bot.timing import Timings
from bot.types import JSON, Customer, Handoff, Language, Reply, Understanding

#: Memory keys (all values are strings).
FLOW, ORDER_ID, EMAIL = "flow", "order_id", "email"
FLOW_ORDER, CHOICES, ITEMS, NEW_ITEMS = "flow_order", "flow_choices", "flow_items", "flow_new_items"
REASON, ADDRESS, PAYMENT, ASKED, OFFER = "flow_reason", "flow_address", "flow_payment", "flow_asked", "flow_offer"
PROPOSED, REQUEST = "flow_proposed", "flow_request"
#: The refund destination the shopper chose (a payment method id) in the return flow.
REFUND = "flow_refund"
#: The order in focus (JSON [customer id, order id]): the one "it" and "that order" mean, kept across flows.
FOCUS = "order_focus"
#: The orders the status flow listed when it asked which one (JSON list), for "the second one".
LISTED = "status_listed"
#: Every key a write flow owns: dropped together when the flow ends.
FLOW_KEYS = (FLOW, FLOW_ORDER, CHOICES, ITEMS, NEW_ITEMS, REASON, ADDRESS, PAYMENT, ASKED, PROPOSED, REQUEST, REFUND)


@dataclass
class Turn:
    """What one decide() call works on and produces."""

    ctx: ToolContext
    u: Understanding
    text: str
    """The scrubbed message."""
    raw: str
    """The message with this conversation's placeholders put back (addresses need real values)."""
    memory: dict[str, str]
    replies: list[Reply] = field(default_factory=list)
    customer: Customer | None = None
    """Set when this turn verified the shopper."""
    handoff: Handoff | None = None
    consumed: bool = False
    """The engine used this message: a flow took it as an answer to its question, or the catalogue answered it
    (it is not a low-confidence miss)."""
    timings: Timings = field(default_factory=Timings)
    picked_order: bool = False
    """This message chose the order by its position ("the first one"): not an item's position too."""

    @property
    def lang(self) -> Language:
        return self.u.language

    @property
    def verified(self) -> Customer | None:
        return self.customer or self.ctx.customer

    def detail_texts(self) -> list[str]:
        """Where a flow looks for its details: this message, then the one that started the flow
        ("change the bottle to 1000ml" before we had to ask which order)."""
        request = self.memory.get(REQUEST, "")
        return [self.text] + ([request] if request and request != self.text else [])

    def tools_ctx(self) -> ToolContext:
        """The tool context with the shopper verified this turn, when they were."""
        return self.ctx.with_customer(self.customer) if self.customer and not self.ctx.customer else self.ctx

    def say(self, key: str, **values: object) -> None:
        self.replies.append(Reply(say(key, self.lang, **values)))

    def say_text(self, text: str) -> None:
        self.replies.append(Reply(text))

    def ask(self, key: str, **values: JSON) -> None:
        """Say a flow question and remember it, so it can be asked again after a detour."""
        self.say(key, **values)
        self.memory[ASKED] = json.dumps({"key": key, "values": values}, ensure_ascii=False)

    def asked(self) -> str:
        """The key of the question the flow is waiting on ("" when none)."""
        raw = self.memory.get(ASKED)
        return str(json.loads(raw).get("key", "")) if raw else ""

    def ask_again(self) -> bool:
        """Repeat the flow's open question; False when there is none."""
        raw = self.memory.get(ASKED)
        if not raw:
            return False
        asked = json.loads(raw)
        self.say(str(asked["key"]), **dict(asked.get("values", {})))
        return True

    def focus(self) -> str:
        """The order in focus, only for the customer it was found for ("" when none): the focus never
        reaches an order the verified shopper does not own, even if the conversation's customer changes."""
        raw, customer = self.memory.get(FOCUS), self.verified
        if not raw or customer is None:
            return ""
        try:
            owner, order_id = json.loads(raw)
        except (ValueError, TypeError):
            return ""
        return str(order_id) if owner == customer.customer_id else ""

    def set_focus(self, order_id: str) -> None:
        """Put one of the verified shopper's orders (as a tool returned it) in focus."""
        customer = self.verified
        if customer is not None and order_id:
            self.memory[FOCUS] = json.dumps([customer.customer_id, order_id])

    def end_flow(self) -> None:
        for key in FLOW_KEYS:
            self.memory.pop(key, None)

    def failed(self) -> None:
        self.memory[FAILURES_KEY] = str(failure_count(self.memory) + 1)

    def succeeded(self) -> None:
        self.memory[FAILURES_KEY] = "0"

    def stage(self, name: str) -> AbstractContextManager[None]:
        """Time a stage of decide() (retrieval, tools); stages that repeat add up."""
        return self.timings.stage(name)


def load_list(memory: dict[str, str], key: str) -> list[str]:
    raw = memory.get(key)
    value = json.loads(raw) if raw else []
    return [str(v) for v in value] if isinstance(value, list) else []


def store_list(memory: dict[str, str], key: str, values: list[str]) -> None:
    memory[key] = json.dumps(values)
