"""One shopper turn: scrub -> understand -> decide -> guard -> restore -> store + publish."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace

from bot import timing
from bot.agent.turn_slots import TurnSlots
from bot.errors import NotFound
from bot.ports import ConversationStore, Engine, EventBus, Scrubber
from bot.stores.codec import state_event
from bot.stores.record import record
from bot.timing import Timings
from bot.types import (
    Conversation,
    ConversationState,
    Decision,
    Event,
    Handoff,
    Intent,
    Language,
    Message,
    Reply,
    Sentiment,
    Trace,
    TurnResult,
    Understanding,
    now,
)

log = logging.getLogger(__name__)

HISTORY_TURNS = 20
_LOCK_STRIPES = 64


_FAILURE_REPLY = {
    "en": "Sorry, something went wrong on my side. I'm passing you to a human colleague who will reply here.",
    "zh": "抱歉，我这边出了点问题。我已为您转接人工客服，他们会在这里回复您。",
}


Understand = Callable[[str, Language | None], Understanding]
Guard = Callable[[Decision, dict[str, str]], Decision]


class TurnHandler:
    """Runs one turn for a conversation. Orchestration only: every step is delegated."""

    def __init__(
        self,
        store: ConversationStore,
        bus: EventBus,
        scrubber: Scrubber,
        understand: Understand,
        engine: Engine,
        guard: Guard,
        slots: TurnSlots | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.scrubber = scrubber
        self.understand = understand
        self.engine = engine
        self.guard = guard
        # Turns of one conversation run one at a time (the widget may post over HTTP and the socket at
        # once); striped locks keep that true without a lock object per conversation.
        self._locks = tuple(threading.Lock() for _ in range(_LOCK_STRIPES))
        # How many turns do their CPU-bound work at once (bot/agent/turn_slots.py); no limit unless given.
        self.slots = slots or TurnSlots(0)

    def handle(self, conversation_id: str, text: str) -> TurnResult:
        clock = Timings()
        with self._locks[zlib.crc32(conversation_id.encode()) % _LOCK_STRIPES]:
            # The wait for a slot is part of what the shopper waits for: the trace shows it as "queue".
            with clock.stage("queue"):
                self.slots.acquire()
            try:
                return self._handle(conversation_id, text, clock)
            finally:
                self.slots.release()

    def _handle(self, conversation_id: str, text: str, clock: Timings) -> TurnResult:
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        history = self.store.messages(conversation_id)[-HISTORY_TURNS:]
        self._record(Message(conversation_id=conversation_id, role="shopper", text=text))

        with clock.stage("scrub"):
            scrubbed, vault = self.scrubber.scrub(text, dict(conversation.vault))
        conversation = replace(conversation, vault=vault)

        if conversation.state != "bot":
            # A human holds (or is about to hold) the conversation: the bot stays silent.
            saved = self._save(replace(conversation, updated_at=now()), started_in=conversation.state)
            return TurnResult(replies=(), state=saved.state, trace=_silent_trace(scrubbed, dict(clock)))

        self.bus.publish(Event(type="typing", conversation_id=conversation_id, data={"role": "bot"}))
        with clock.stage("understand"):
            understanding = self.understand(scrubbed, conversation.locale)
        with clock.stage("decide"), timing.recording() as inside:  # retrieval/tools time themselves
            try:
                # An LLM engine mostly waits on the network: its slot goes to another turn meanwhile.
                with self.slots.released() if self.engine.waits_on_network else nullcontext():
                    decision = self.engine.decide(conversation, scrubbed, understanding, history)
            except Exception:
                # A failing engine fails towards a human, never towards silence.
                log.exception("engine %s failed on conversation %s", self.engine.name, conversation_id)
                decision = Decision(
                    replies=(Reply(_FAILURE_REPLY[understanding.language]),),
                    handoff=Handoff(reason="engine_error"),
                    memory=conversation.memory,
                )
        with clock.stage("guard"):
            decision = self.guard(decision, vault)
        with clock.stage("restore"):
            replies = tuple(
                Reply(text=self.scrubber.restore(r.text, vault), citations=r.citations) for r in decision.replies
            )

        state: ConversationState = "waiting_for_agent" if decision.handoff else conversation.state
        conversation = replace(
            conversation,
            memory=dict(decision.memory),
            customer=decision.customer or conversation.customer,
            locale=conversation.locale or understanding.language,
            state=state,
            handoff_reason=decision.handoff.reason if decision.handoff else conversation.handoff_reason,
            updated_at=now(),
        )
        with clock.stage("store"):
            conversation = self._save(conversation, started_in="bot")
            state = conversation.state
            for reply in replies:
                self._record(
                    Message(conversation_id=conversation_id, role="bot", text=reply.text, citations=reply.citations)
                )
            if decision.handoff and state == "waiting_for_agent":
                self.bus.publish(state_event(conversation_id, state))
                log.info("conversation %s handed off: %s", conversation_id, decision.handoff.reason)

        trace = Trace(
            language=understanding.language,
            intent=understanding.intent,
            sentiment=understanding.sentiment,
            model_input=scrubbed,
            tool_calls=decision.tool_calls,
            handoff=decision.handoff,
            engine=decision.engine or self.engine.name,
            timings_ms={**clock, **{f"decide.{k}": v for k, v in {**inside, **decision.timings_ms}.items()}},
        )
        return TurnResult(replies=replies, state=state, trace=trace)

    def _save(self, conversation: Conversation, started_in: ConversationState) -> Conversation:
        """Store the turn's state; a state change someone else made meanwhile (an agent's claim or
        release on any replica) wins over the state this turn started from."""
        current = self.store.get(conversation.id)
        if current is not None and current.state != started_in:
            conversation = replace(conversation, state=current.state, handoff_reason=current.handoff_reason)
        self.store.save(conversation)
        return conversation

    def _record(self, message: Message) -> Message:
        return record(self.store, self.bus, message)


def _silent_trace(scrubbed: str, timings: dict[str, float]) -> Trace:
    return Trace(
        language="en",
        intent=Intent("none", 0.0),
        sentiment=Sentiment("neutral", 0.0),
        model_input=scrubbed,
        tool_calls=(),
        handoff=None,
        engine="embedded",
        timings_ms=timings,
    )
