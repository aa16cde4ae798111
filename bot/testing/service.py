"""FakeService: the Service facade over an in-memory store with scripted replies, for server tests."""

from __future__ import annotations

import dataclasses
from typing import Callable

from bot.errors import NotFound, Unauthorized
from bot.service import Conversations, SignedIdentity, shopper_text
from bot.settings import Settings
from bot.stores.codec import state_event
from bot.stores.memory import MemoryBus, MemoryStore
from bot.stores.record import record
from bot.types import (
    Citation,
    Conversation,
    ConversationState,
    Customer,
    Event,
    Handoff,
    Intent,
    Message,
    ProductCard,
    Reply,
    Sentiment,
    Trace,
    TurnResult,
)

Script = Callable[[Conversation, str], tuple[tuple[Reply, ...], ConversationState]]
"""Decides the fake's answer: (conversation, shopper text) -> (replies, new state)."""

RETURNS = Citation("policies/returns.md", "Returns and refunds", "You can return any item within 30 days.")


#: A product card as the engines return one: a variant with options, a reason from its data, a link.
MUG = ProductCard(
    product_id="p_mug",
    name="Stoneware mug",
    price=18.5,
    variant="v_mug_blue",
    options={"color": "blue", "size": "350 ml"},
    reason="Hand-glazed stoneware, dishwasher safe.",
    url="https://shop.example/products/mug",
)


def default_script(conversation: Conversation, text: str) -> tuple[tuple[Reply, ...], ConversationState]:
    """Asks for a human -> waiting_for_agent; "boom" -> a crash; "recommend" -> a reply with a product card;
    anything else is echoed with a citation."""
    lowered = text.lower()
    if "boom" in lowered:
        raise RuntimeError(f"scripted failure on {text!r}")  # carries the payload, as real bugs do
    if "human" in lowered or "人工" in text:
        return (Reply("I'm passing you to a colleague."),), "waiting_for_agent"
    if "recommend" in lowered or "推荐" in text:
        return (Reply("Here is one you may like:", products=(MUG,)),), conversation.state
    return (Reply(f"You said: {text}", citations=(RETURNS,)),), conversation.state


class FakeService(Conversations):
    """Behaves like bot.service.Service at its boundary: same errors, same stored messages, same events.
    Conversations, tokens and transcripts are the real code (bot.service.Conversations); the turns are scripted."""

    store: MemoryStore

    def __init__(
        self,
        settings: Settings | None = None,
        script: Script = default_script,
        admin_token: str = "admin-secret",
        ready: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(MemoryStore(), admin_token)
        self.settings = settings or Settings(data_dir="/nonexistent", redis_url=None)
        self.bus = MemoryBus()
        self.script = script
        self.admin_token = admin_token
        self.ready = ready if ready is not None else {"shop": True, "knowledge": True, "store": True}
        self.turns: list[tuple[str, str]] = []
        self.closed = False

    def _verify_identity(self, identity: SignedIdentity) -> Customer:
        if identity.signature != "good":
            raise Unauthorized("identity signature does not match")
        return Customer(identity.customer_id, verified_by="signed_identity")

    def post_message(self, conversation_id: str, text: str) -> TurnResult:
        text = shopper_text(text, self.settings.max_message_chars)
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        self.turns.append((conversation_id, text))
        self._record(Message(conversation_id, "shopper", text))
        self.bus.publish(Event("typing", conversation_id, {"role": "bot"}))
        replies, state = self.script(conversation, text)
        for reply in replies:
            self._record(
                Message(conversation_id, "bot", reply.text, citations=reply.citations, products=reply.products)
            )
        if state != conversation.state:
            self.store.save(dataclasses.replace(conversation, state=state))
            self.bus.publish(state_event(conversation_id, state))
        handoff = Handoff("requested") if state == "waiting_for_agent" != conversation.state else None
        trace = Trace(
            language="en",
            intent=Intent("scripted", 1.0),
            sentiment=Sentiment("neutral", 0.0),
            model_input=text,
            tool_calls=(),
            handoff=handoff,
            engine="embedded",
            timings_ms={"total": 0.1},
        )
        return TurnResult(replies=replies, state=state, trace=trace, handed_off=handoff)

    def agent_says(self, conversation_id: str, text: str, author: str = "Ana") -> Message:
        """What a human agent's reply looks like to the shopper's side."""
        return self._record(Message(conversation_id, "agent", text, author=author))

    def readiness(self) -> dict[str, bool]:
        return dict(self.ready)

    def close(self) -> None:
        self.closed = True

    def _record(self, message: Message) -> Message:
        return record(self.store, self.bus, message)
