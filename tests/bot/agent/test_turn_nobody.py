"""A handoff that finds nobody to answer: the turn says so at once, stays with the bot and takes a message.

Over the real TurnHandler and desk on the in-process store, a scripted engine and keyword nlu (no models)."""

from __future__ import annotations

from dataclasses import replace

from bot.agent.leave_message import KEY
from bot.agent.turn import TurnHandler
from bot.desk.handoff import HandoffDesk
from bot.desk.staff import AgentDirectory, hash_password
from bot.privacy.scrubber import PiiScrubber
from bot.stores.memory import MemoryStore
from bot.testing.fakes import RecordingBus, ScriptedEngine
from bot.testing.turns import turn_handler
from bot.text import detect_language
from bot.types import Conversation, Decision, Handoff, Intent, Language, Reply, Sentiment, Understanding

ACCOUNTS = {"ana": hash_password("pw-ana", iterations=1000)}
HANDOFF = Decision(replies=(Reply("Passing you to a colleague."),), handoff=Handoff("requested", "Asked for a human."))


def understand(text: str, locale: Language | None) -> Understanding:
    lowered = text.lower()
    intent = "human_agent" if "human" in lowered or "人工" in text else "other"
    if "price" in lowered or "多少钱" in text:
        intent = "product_question"
    return Understanding(detect_language(text, locale), Intent(intent, 0.9), Sentiment("neutral", 0.0))


def handler(engine: ScriptedEngine, accounts: dict[str, str]) -> tuple[TurnHandler, HandoffDesk]:
    store = MemoryStore()
    desk = HandoffDesk(store, RecordingBus(), AgentDirectory(store, accounts))
    turns = replace(turn_handler(engine, PiiScrubber(use_ner=False), understand, store=store), desk=desk)
    store.create(Conversation(id="c1"))
    return turns, desk


def test_no_accounts_the_shopper_is_told_at_once_and_stays_with_the_bot() -> None:
    turns, desk = handler(ScriptedEngine([HANDOFF]), accounts={})
    result = turns.handle("c1", "I want to talk to a human")
    text = result.replies[0].text
    assert result.state == "bot" and result.handed_off is None
    assert "no one" in text and "email" in text and "message" in text
    assert result.trace.handoff == HANDOFF.handoff, "the trace still shows the handoff the engine decided"
    stored = turns.store.get("c1")
    assert stored is not None and stored.state == "bot" and KEY in stored.memory
    assert desk.queue() == []


def test_the_message_and_email_become_a_ticket_with_the_real_values() -> None:
    engine = ScriptedEngine([HANDOFF])
    turns, desk = handler(engine, accounts={})
    turns.handle("c1", "I want to talk to a human")
    asked = turns.handle("c1", "My parcel arrived broken, I need a replacement")
    assert "email" in asked.replies[0].text.lower() and asked.state == "bot"
    taken = turns.handle("c1", "jane.doe@example.com")
    assert "jane.doe@example.com" in taken.replies[0].text and taken.state == "bot"
    assert len(engine.seen) == 1, "the bot took the message itself: the engine ran for the handoff only"
    [ticket] = desk.messages()
    assert ticket["kind"] == "message" and ticket["reply_to"] == "jane.doe@example.com"
    assert ticket["message"] == "My parcel arrived broken, I need a replacement" and ticket["reason"] == "requested"
    stored = turns.store.get("c1")
    assert stored is not None and KEY not in stored.memory, "the offer ends once the message is taken"


def test_another_question_is_answered_and_the_offer_dropped() -> None:
    answer = Decision(replies=(Reply("The lamp is $45.00."),), memory={"last_intent": "product_question"})
    engine = ScriptedEngine([HANDOFF, answer])
    turns, desk = handler(engine, accounts={})
    turns.handle("c1", "人工！")
    first = turns.store.messages("c1")[-1].text
    assert "留言" in first and "邮箱" in first, "the offer is in the shopper's language"
    result = turns.handle("c1", "fine. what is the price of the lamp?")
    assert result.replies[0].text == "The lamp is $45.00." and result.state == "bot"
    stored = turns.store.get("c1")
    assert stored is not None and KEY not in stored.memory and desk.messages() == []
    assert KEY not in engine.seen[1][0].memory, "the offer is the turn's, never the engine's dialogue state"


def test_an_agent_signed_in_gets_the_handoff_as_before() -> None:
    turns, desk = handler(ScriptedEngine([HANDOFF]), accounts=ACCOUNTS)
    desk.directory.seen("ana")
    result = turns.handle("c1", "I want to talk to a human")
    assert result.state == "waiting_for_agent" and result.handed_off == HANDOFF.handoff
    assert result.replies[0].text == "Passing you to a colleague."


def test_accounts_but_nobody_signed_in_is_nobody_too() -> None:
    turns, _ = handler(ScriptedEngine([HANDOFF]), accounts=ACCOUNTS)
    result = turns.handle("c1", "I want to talk to a human")
    assert result.state == "bot" and "online" in result.replies[0].text
