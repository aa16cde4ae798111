"""The turn orchestration over the real scrubber and nlu, a scripted engine and the in-process store."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.agent.turn import TurnHandler
from bot.errors import NotFound
from bot.privacy.scrubber import PiiScrubber
from bot.stores.memory import MemoryBus, MemoryStore
from bot.testing.fakes import RecordingBus, ScriptedEngine
from bot.testing.turns import turn_handler
from bot.types import Conversation, Decision, Event, Handoff, Message, Reply, Understanding
from bot.understanding.understander import Understander

SCRUBBER = PiiScrubber()
UNDERSTANDER = Understander()


def make_handler(engine: object, store: MemoryStore | None = None, bus: MemoryBus | None = None) -> TurnHandler:
    return turn_handler(engine, SCRUBBER, UNDERSTANDER.understand, store=store, bus=bus)  # type: ignore[arg-type]


def new_conversation(handler: TurnHandler, **kwargs: object) -> Conversation:
    conversation = Conversation(id="c_test", **kwargs)  # type: ignore[arg-type]
    handler.store.create(conversation)
    return conversation


def test_turn_stores_both_sides_and_the_model_sees_placeholders_only() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("I will write to <EMAIL_1> shortly."),), memory={"flow": "x"})])
    handler = make_handler(engine)
    new_conversation(handler)

    result = handler.handle("c_test", "Please email me at jane.doe@example.com about my order")

    seen_text = engine.seen[0][1]
    assert "jane.doe@example.com" not in seen_text and "<EMAIL_1>" in seen_text
    assert result.trace.model_input == seen_text
    assert "jane.doe@example.com" not in str(result.trace.to_json())
    # The shopper gets their own address back.
    assert result.replies[0].text == "I will write to jane.doe@example.com shortly."
    transcript = handler.store.messages("c_test")
    assert [(m.seq, m.role) for m in transcript] == [(1, "shopper"), (2, "bot")]
    stored = handler.store.get("c_test")
    assert (
        stored is not None and stored.memory == {"flow": "x"} and stored.vault == {"<EMAIL_1>": "jane.doe@example.com"}
    )
    assert set(result.trace.timings_ms) >= {"scrub", "understand", "decide", "guard", "restore", "store"}


def test_history_is_passed_to_the_engine() -> None:
    engine = ScriptedEngine()
    handler = make_handler(engine)
    new_conversation(handler)
    handler.handle("c_test", "hello")
    handler.handle("c_test", "where is my order")
    history: Sequence[Message] = engine.seen[1][3]
    assert [m.role for m in history] == ["shopper", "bot"]


def test_handoff_moves_to_waiting_and_the_bot_then_stays_silent() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("A human will join."),), handoff=Handoff("requested"))])
    handler = make_handler(engine)
    new_conversation(handler)

    first = handler.handle("c_test", "I want a human")
    assert first.state == "waiting_for_agent" and first.trace.handoff == Handoff("requested")
    second = handler.handle("c_test", "hello? are you there")
    assert second.replies == () and second.state == "waiting_for_agent"
    assert len(engine.seen) == 1, "the engine must not run while a human holds the conversation"
    # Nothing the shopper writes is lost.
    assert [m.text for m in handler.store.messages("c_test") if m.role == "shopper"] == [
        "I want a human",
        "hello? are you there",
    ]


class ExplodingEngine:
    name = "embedded"
    waits_on_network = False

    def decide(self, conversation: Conversation, text: str, u: Understanding, history: Sequence[Message]) -> Decision:
        raise RuntimeError("boom")


@pytest.mark.parametrize(("text", "marker"), [("where is my parcel", "human"), ("我的快递到哪了", "人工")])
def test_a_failing_engine_fails_towards_a_human(text: str, marker: str) -> None:
    handler = make_handler(ExplodingEngine())
    new_conversation(handler)
    result = handler.handle("c_test", text)
    assert result.state == "waiting_for_agent"
    assert result.trace.handoff == Handoff("engine_error")
    assert marker in result.replies[0].text


def test_unknown_conversation_is_not_found() -> None:
    with pytest.raises(NotFound):
        make_handler(ScriptedEngine()).handle("c_missing", "hi")


def test_events_reach_a_watcher_in_order() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("hand-off"),), handoff=Handoff("requested"))])
    bus = MemoryBus()
    handler = make_handler(engine, bus=bus)
    new_conversation(handler)

    async def watch() -> list[Event]:
        events = bus.subscribe("c_test")
        await asyncio.to_thread(handler.handle, "c_test", "human please")
        got: list[Event] = []
        while len(got) < 4:
            got.append(await asyncio.wait_for(events.__anext__(), 5))
        return got

    events = asyncio.run(watch())
    assert [e.type for e in events] == ["message", "typing", "message", "state"]
    assert events[0].data["message"]["role"] == "shopper"  # type: ignore[index,call-overload]
    assert events[3].data == {"state": "waiting_for_agent"}


def test_turns_of_one_conversation_do_not_interleave() -> None:
    handler = make_handler(ScriptedEngine())
    new_conversation(handler)
    threads = [threading.Thread(target=handler.handle, args=("c_test", f"message {i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    roles = [m.role for m in handler.store.messages("c_test")]
    assert roles == ["shopper", "bot"] * 8, "each shopper message is followed by its own reply"


class ClaimDuringTurn:
    """An engine during whose turn an agent (on any replica) claims the conversation."""

    name = "embedded"
    waits_on_network = False

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def decide(self, conversation: Conversation, text: str, u: Understanding, history: Sequence[Message]) -> Decision:
        stored = self.store.get(conversation.id)
        assert stored is not None
        self.store.save(replace(stored, state="agent"))
        return Decision(replies=(Reply("one moment"),), memory={"flow": "y"})


def test_a_claim_made_during_a_turn_is_not_undone_by_it() -> None:
    store = MemoryStore()
    handler = make_handler(ClaimDuringTurn(store), store=store)
    new_conversation(handler)
    result = handler.handle("c_test", "hello")
    stored = store.get("c_test")
    assert stored is not None and stored.state == "agent" and result.state == "agent"
    assert stored.memory == {"flow": "y"}, "the turn's own changes are still kept"


def test_the_turn_reports_the_handoff_it_applied() -> None:
    engine = ScriptedEngine([Decision(replies=(Reply("ok"),)), Decision(replies=(Reply("bye"),), handoff=Handoff("x"))])
    handler = make_handler(engine)
    new_conversation(handler)
    assert handler.handle("c_test", "hello").handed_off is None
    assert handler.handle("c_test", "hello again").handed_off == Handoff("x")
    store = MemoryStore()
    claimed = make_handler(ClaimDuringTurn(store), store=store)
    new_conversation(claimed)
    result = claimed.handle("c_test", "hello")
    assert result.handed_off is None and result.state == "agent"


def test_a_preview_answers_the_last_message_and_changes_nothing() -> None:
    store, bus = MemoryStore(), RecordingBus()
    engine = ScriptedEngine(
        [Decision(replies=(Reply("Sent to <EMAIL_1>."),), memory={"flow": "z"}), Decision(replies=(Reply("again"),))]
    )
    handler = make_handler(engine, store=store, bus=bus)
    new_conversation(handler, memory={"pending_action": "{}", "confirm_by": "1", "flow": "x"})
    assert handler.preview("c_test") is None, "nothing to answer before the shopper writes"
    handler.store.append(Message("c_test", "shopper", "mail jane.doe@example.com please"))
    before, published = store.get("c_test"), len(bus.events)

    preview = handler.preview("c_test")

    assert preview is not None and preview.replies[0].text == "Sent to jane.doe@example.com."
    assert preview.handed_off is None and preview.trace.model_input == "mail <EMAIL_1> please"
    conversation, text, _, history = engine.seen[-1]
    assert conversation.memory == {"flow": "x"}, "a write awaiting a yes is left out"
    assert text == "mail <EMAIL_1> please" and history == ()
    assert store.get("c_test") == before and len(store.messages("c_test")) == 1 and len(bus.events) == published
    with pytest.raises(NotFound):
        handler.preview("c_missing")


class Composer:
    """An engine that says which of its two jobs the turn gave it: deciding a message or composing a handoff."""

    name = "embedded"
    waits_on_network = False

    def __init__(self, decision: Decision | None = None) -> None:
        self.decision = decision or Decision(replies=(Reply("an answer"),))
        self.asked: list[str] = []

    def decide(self, conversation: Conversation, text: str, u: Understanding, history: Sequence[Message]) -> Decision:
        self.asked.append("decide")
        return self.decision

    def hand_off(
        self, conversation: Conversation, text: str, u: Understanding, handoff: Handoff, decided: Decision | None = None
    ) -> Decision:
        self.asked.append("hand_off" if decided is None else "hand_off after decide")
        return Decision(replies=(Reply("a person will answer"),), handoff=handoff)


def test_the_turn_decides_a_handoff_before_the_engine_tries_the_message() -> None:
    engine = Composer()
    handler = make_handler(engine)
    new_conversation(handler)
    result = handler.handle("c_test", "I want to talk to a human agent")
    assert engine.asked == ["hand_off"], "the engine only composes the handoff the turn decided"
    assert result.handed_off is not None and result.handed_off.reason == "requested"
    assert result.state == "waiting_for_agent" and result.replies[0].text == "a person will answer"


@pytest.mark.parametrize(
    ("reported", "handoff"),
    [
        ({"transfers": ("wants a refund exception",)}, Handoff("model_transfer", "wants a refund exception")),
        ({"failed": "The language model failed."}, Handoff("engine_error", "The language model failed.")),
        ({"counted": True, "memory": {"failures": "2"}}, "repeated_failure"),
        ({"counted": False, "memory": {"failures": "2"}}, None),
    ],
)
def test_the_turn_decides_a_handoff_on_what_the_engine_reports(reported: dict[str, object], handoff: object) -> None:
    engine = Composer(Decision(replies=(Reply("an answer"),), **reported))  # type: ignore[arg-type]
    handler = make_handler(engine)
    new_conversation(handler)
    result = handler.handle("c_test", "hello there")
    if handoff is None:
        assert engine.asked == ["decide"] and result.handed_off is None and result.state == "bot"
        return
    assert engine.asked == ["decide", "hand_off after decide"]
    assert result.handed_off is not None and result.state == "waiting_for_agent"
    assert result.handed_off == handoff or result.handed_off.reason == handoff
