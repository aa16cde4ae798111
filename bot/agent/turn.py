"""One shopper turn: scrub -> understand -> decide -> guard -> restore -> store + publish.

Handoff is decided here and nowhere else (decide_turn): the handoff policy judges before the engine and after it,
the engine only composes the handoff (its words, its summary for the agent, the dialogue state it leaves). The
turn applies it, or, when the desk says no person can answer, turns it into an offer to take a message
(bot/agent/leave_message.py): the conversation then stays with the bot."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace

from bot import timing
from bot.agent import handoff_policy, leave_message
from bot.agent.handoff_policy import Failure
from bot.agent.leave_message import Next, Offer
from bot.agent.replies import say
from bot.agent.turn_slots import TurnSlots
from bot.errors import NotFound
from bot.ports import ConversationStore, DeskAvailability, Engine, EventBus, Scrubber
from bot.stores.codec import state_event
from bot.stores.record import record
from bot.timing import Timings
from bot.types import (
    Conversation,
    ConversationState,
    Decision,
    EngineName,
    Event,
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
#: Dialogue-state keys that would let a preview carry out a write the shopper is asked to confirm.
_UNSAFE_MEMORY = ("confirm", "pending")


Understand = Callable[[str, Language | None], Understanding]
Guard = Callable[[Decision, Mapping[str, str]], Decision]


@dataclass(eq=False)
class TurnHandler:
    """Runs one turn for a conversation. Orchestration only: every step is delegated."""

    store: ConversationStore
    bus: EventBus
    scrubber: Scrubber
    understand: Understand
    engine: Engine
    guard: Guard
    slots: TurnSlots = field(default_factory=lambda: TurnSlots(0))
    """How many turns do their CPU-bound work at once (bot/agent/turn_slots.py); no limit unless given."""
    desk: DeskAvailability | None = None
    """Asked before a handoff is applied: when nobody can answer, the bot offers to take a message instead.
    None: every handoff is applied (the conversation waits for an agent)."""
    # Turns of one conversation run one at a time (the widget may post over HTTP and the socket at
    # once); striped locks keep that true without a lock object per conversation.
    _locks: tuple[threading.Lock, ...] = field(
        init=False, repr=False, default_factory=lambda: tuple(threading.Lock() for _ in range(_LOCK_STRIPES))
    )

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

    def preview(self, conversation_id: str) -> TurnResult | None:
        """What the bot would answer to the conversation's last shopper message if it held the conversation,
        with nothing stored or published. None when the shopper has not written yet.

        A write awaiting the shopper's yes is left out of the dialogue state first, so a preview never
        carries one out. The result's handed_off stays None: a preview applies nothing.
        """
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        history = self.store.messages(conversation_id)[-HISTORY_TURNS:]
        asked = [i for i, m in enumerate(history) if m.role == "shopper"]
        if not asked:
            return None
        clock = Timings()
        with clock.stage("scrub"):
            scrubbed, vault = self.scrubber.scrub(history[asked[-1]].text, dict(conversation.vault))
        memory = {k: v for k, v in conversation.memory.items() if not any(word in k for word in _UNSAFE_MEMORY)}
        conversation = replace(conversation, vault=vault, memory=memory, state="bot")
        # Not a turn: it holds no turn slot, so it has none to give up while a model answers.
        answer = self._answer(conversation, scrubbed, history[: asked[-1]], clock, holds_slot=False)
        state: ConversationState = "waiting_for_agent" if answer.decision.handoff else "bot"
        return TurnResult(replies=answer.replies, state=state, trace=answer.trace(scrubbed, self.engine.name, clock))

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
        # A pending offer to take a message is the turn's, never the engine's dialogue state.
        offer = leave_message.pending(conversation.memory) if self.desk is not None else None
        engine_memory = {k: v for k, v in conversation.memory.items() if k != leave_message.KEY}
        conversation = replace(conversation, memory=engine_memory)
        answer = self._answer(conversation, scrubbed, history, clock, holds_slot=True, offer=offer)
        decision = answer.decision
        memory = dict(decision.memory)
        replies = answer.replies
        # The turn applies the handoff decide_turn decided: the state changes here, and only here.
        handoff = decision.handoff
        nobody = self.desk.nobody(now()) if handoff and self.desk is not None else None
        if handoff and nobody:
            # No person can answer: say so at once and offer to take a message; the shopper goes on with the bot.
            replies = (Reply(say(f"nobody_{nobody.reason}", answer.understanding.language, hours=nobody.hours)),)
            leave_message.keep(memory, Offer(handoff.reason))
            handoff = None
        elif answer.taking is not None:
            leave_message.keep(memory, answer.taking.kept)
        conversation = replace(
            conversation,
            memory=memory,
            customer=decision.customer or conversation.customer,
            locale=conversation.locale or answer.understanding.language,
            state="waiting_for_agent" if handoff else conversation.state,
            handoff_reason=handoff.reason if handoff else conversation.handoff_reason,
            updated_at=now(),
        )
        with clock.stage("store"):
            conversation = self._save(conversation, started_in="bot")
            if answer.taking is not None and answer.taking.step == "file":
                self._file(conversation, answer.taking)
            for reply in replies:
                self._record(
                    Message(
                        conversation_id=conversation_id,
                        role="bot",
                        text=reply.text,
                        citations=reply.citations,
                        products=reply.products,
                    )
                )
            # An agent's claim made meanwhile stands (see _save): then this turn handed nothing off.
            handed_off = handoff if handoff and conversation.state == "waiting_for_agent" else None
            if handed_off:
                self.bus.publish(state_event(conversation_id, conversation.state))
                log.info("conversation %s handed off: %s", conversation_id, handed_off.reason)
        return TurnResult(
            replies=replies,
            state=conversation.state,
            trace=answer.trace(scrubbed, self.engine.name, clock),
            handed_off=handed_off,
        )

    def _answer(
        self,
        conversation: Conversation,
        scrubbed: str,
        history: Sequence[Message],
        clock: Timings,
        *,
        holds_slot: bool,
        offer: Offer | None = None,
    ) -> _Answer:
        """understand -> decide -> guard -> restore: what the bot answers, changing nothing.

        While an offer to take a message stands, the message may be for the team (then the bot takes it
        instead of the engine deciding), or another question, which the engine answers as usual."""
        with clock.stage("understand"):
            understanding = self.understand(scrubbed, conversation.locale)
        taking = leave_message.next_step(offer, scrubbed, understanding) if offer is not None else None
        with clock.stage("decide"), timing.recording() as inside:  # retrieval/tools time themselves
            if taking is not None and taking.step != "answer":
                decision = _taking_decision(taking, understanding.language, conversation.memory)
            else:
                taking = None
                decision = self._decide(conversation, scrubbed, understanding, history, holds_slot)
        with clock.stage("guard"):
            decision = self.guard(decision, conversation.vault)
        with clock.stage("restore"):
            replies = tuple(
                replace(r, text=self.scrubber.restore(r.text, conversation.vault)) for r in decision.replies
            )
        return _Answer(understanding, decision, replies, inside, taking)

    def _decide(
        self,
        conversation: Conversation,
        scrubbed: str,
        understanding: Understanding,
        history: Sequence[Message],
        holds_slot: bool,
    ) -> Decision:
        """The turn's decision (decide_turn); a failing engine fails towards a human, never towards silence."""
        try:
            # An engine that mostly waits on the network gives its slot to another turn meanwhile.
            waiting = self.slots.released() if holds_slot and self.engine.waits_on_network else nullcontext()
            return decide_turn(self.engine, conversation, scrubbed, understanding, history, waiting=waiting)
        except Exception:
            log.exception("engine %s failed on conversation %s", self.engine.name, conversation.id)
            return Decision(
                replies=(Reply(say("engine_failed", understanding.language)),),
                handoff=handoff_policy.decide(understanding, conversation.memory, scrubbed, Failure()),
                memory=conversation.memory,
            )

    def _file(self, conversation: Conversation, taking: Next) -> None:
        """The message the shopper left, with the real email address and text, to the desk."""
        assert self.desk is not None and taking.offer is not None
        offer = taking.offer
        text = self.scrubber.restore("\n".join(offer.lines), conversation.vault)
        reply_to = conversation.vault.get(offer.email, offer.email)
        self.desk.take_message(conversation.id, reply_to, text, offer.reason)
        log.info("conversation %s left a message (handoff %s found nobody)", conversation.id, offer.reason)

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


def decide_turn(
    engine: Engine,
    conversation: Conversation,
    scrubbed: str,
    understanding: Understanding,
    history: Sequence[Message],
    *,
    waiting: AbstractContextManager[object] | None = None,
) -> Decision:
    """The one place that decides handoff: the policy judges, the engine composes what the policy decided.

    Before the engine: a request for a person (or a sensitive topic, strong upset, the failures so far) hands
    off without the engine trying the message, so no flow or pending write runs on it. After it: the policy
    reads what the engine's decision reports (the counters it kept, the model's transfers, a failure it had
    nothing to answer with). `waiting` is held while the engine decides (the turn slot given up meanwhile).
    """
    u = understanding
    handoff = handoff_policy.decide(u, conversation.memory, scrubbed)
    if handoff is not None:
        return engine.hand_off(conversation, scrubbed, u, handoff)
    with waiting or nullcontext():
        decision = engine.decide(conversation, scrubbed, u, history)
    handoff = handoff_policy.decide(u, decision.memory, scrubbed, handoff_policy.outcome(decision))
    if handoff is not None:
        return engine.hand_off(conversation, scrubbed, u, handoff, decision)
    return decision


@dataclass(frozen=True)
class _Answer:
    """What the bot answers to one message: the guarded decision, and its replies as the shopper reads them."""

    understanding: Understanding
    decision: Decision
    replies: tuple[Reply, ...]
    decide_timings: Mapping[str, float]
    """What the seams recorded inside decide() (bot.timing.recording)."""
    taking: Next | None = None
    """The step of a pending offer to take a message, when the bot took this message instead of the engine."""

    def trace(self, scrubbed: str, engine: EngineName, clock: Mapping[str, float]) -> Trace:
        u, decision = self.understanding, self.decision
        inside = {**self.decide_timings, **decision.timings_ms}  # the engine's own figures win
        return Trace(
            language=u.language,
            intent=u.intent,
            sentiment=u.sentiment,
            model_input=scrubbed,
            tool_calls=decision.tool_calls,
            handoff=decision.handoff,
            engine=decision.engine or engine,
            timings_ms={**clock, **{f"decide.{k}": v for k, v in inside.items()}},
        )


def _taking_decision(taking: Next, language: Language, memory: Mapping[str, str]) -> Decision:
    """The bot's own reply while it takes a message (the engine's dialogue state is left as it was)."""
    email = taking.offer.email if taking.offer is not None else ""
    key = "leave_message_taken" if taking.step == "file" else f"leave_message_{taking.step}"
    return Decision(replies=(Reply(say(key, language, email=email)),), memory=memory)


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
