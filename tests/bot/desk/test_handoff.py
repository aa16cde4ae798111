"""The handoff desk: queue order, atomic claim, reply/release/close, CSAT, availability notices, whether anyone
can answer, and the messages left when nobody can (memory and Redis)."""

# ruff: noqa: F811  (the store fixtures are imported, and test arguments then "redefine" them)
from __future__ import annotations

import threading

import pytest

from bot.desk.handoff import AGENTS_CHANNEL, HandoffDesk
from bot.desk.staff import AgentDirectory, OpeningHours, hash_password
from bot.errors import Conflict, Forbidden, NotFound
from bot.ports import DeskAvailability, Nobody
from bot.stores.memory import MemoryStore
from bot.testing.fakes import RecordingBus
from bot.types import Conversation, Message
from tests.bot.stores.conftest import backend  # noqa: F401  (memory and Redis, one suite)

ACCOUNTS = {"ana": hash_password("pw-ana", iterations=1000), "bo": hash_password("pw-bo", iterations=1000)}


def make_desk(
    store: MemoryStore, hours: OpeningHours | None = None, accounts: dict[str, str] | None = None
) -> HandoffDesk:
    directory = AgentDirectory(store, ACCOUNTS if accounts is None else accounts)
    return HandoffDesk(store, RecordingBus(), directory, hours)


def waiting(
    store: MemoryStore, desk: HandoffDesk, cid: str, text: str, reason: str = "requested", sentiment: float = 0.0
) -> None:
    store.create(Conversation(id=cid, locale="en"))
    store.append(Message(cid, "shopper", text))
    desk.open(cid, reason, intent="order_status", sentiment=sentiment)


def test_queue_orders_by_sensitivity_and_anger(backend: tuple[MemoryStore, object]) -> None:
    store, _ = backend
    desk = make_desk(store)
    waiting(store, desk, "calm", "a human please")
    waiting(store, desk, "angry", "this is terrible!!", reason="negative_sentiment", sentiment=-0.9)
    waiting(store, desk, "legal", "I will call my lawyer", reason="sensitive")
    queue = desk.queue()
    assert [e["conversation_id"] for e in queue] == ["legal", "angry", "calm"]
    top = queue[0]
    assert top["reason"] == "sensitive" and top["sensitive"] is True and top["state"] == "waiting_for_agent"
    assert top["last_messages"][-1]["text"] == "I will call my lawyer"  # type: ignore[index,call-overload]
    assert "lawyer" in str(top["summary"])


def test_claim_reply_release_close_and_csat(backend: tuple[MemoryStore, object]) -> None:
    store, _ = backend
    desk = make_desk(store)
    waiting(store, desk, "c1", "where is my parcel? human please")
    desk.claim("c1", "ana")
    with pytest.raises(Conflict):
        desk.claim("c1", "bo")
    with pytest.raises(Forbidden):
        desk.reply("c1", "bo", "hi")
    sent = desk.reply("c1", "ana", "Hi, Ana here")
    assert sent.role == "agent" and sent.author == "ana"
    note = desk.note("c1", "ana", "customer is a VIP")
    assert desk.notes("c1") == [note]
    assert all(m.text != "customer is a VIP" for m in store.messages("c1")), "notes never reach the transcript"
    assert store.get("c1").state == "agent"  # type: ignore[union-attr]
    desk.release("c1", "ana")
    assert store.get("c1").state == "bot" and desk.holder("c1") == ""  # type: ignore[union-attr]

    desk.open("c1", "requested")
    desk.claim("c1", "bo")
    desk.close("c1", "bo")
    assert store.get("c1").state == "closed"  # type: ignore[union-attr]
    assert "1 (poor) to 5" in store.messages("c1")[-1].text
    desk.rate("c1", 4)
    assert desk.csat("c1") == 4


def test_every_change_is_an_event_and_notes_go_to_agents_only() -> None:
    store = MemoryStore()
    desk = make_desk(store)
    waiting(store, desk, "c1", "human")
    desk.claim("c1", "ana")
    desk.reply("c1", "ana", "hello")
    desk.note("c1", "ana", "internal")
    bus = desk.bus
    assert isinstance(bus, RecordingBus)
    states = [e.data["state"] for e in bus.events if e.type == "state"]
    assert states == ["waiting_for_agent", "agent"]
    replies = [e for e in bus.events if e.type == "message" and e.data["message"]["role"] == "agent"]  # type: ignore[index,call-overload]
    assert len(replies) == 1 and replies[0].conversation_id == "c1"
    notes = [e for e in bus.events if e.type == "note"]
    assert notes and all(e.conversation_id == AGENTS_CHANNEL for e in notes)
    assert notes[0].to_json()["conversation_id"] == "c1"
    assert any(e.type == "queue" for e in bus.events)


def test_claim_is_atomic_under_contention(backend: tuple[MemoryStore, object]) -> None:
    store, _ = backend
    desk = make_desk(store)
    waiting(store, desk, "race", "human")
    winners: list[str] = []
    barrier = threading.Barrier(6)

    def claim(name: str) -> None:
        barrier.wait()
        try:
            desk.claim("race", name)
            winners.append(name)
        except Conflict:
            pass

    threads = [threading.Thread(target=claim, args=(f"agent{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1 and desk.holder("race") == winners[0]


def test_shopper_is_told_when_nobody_is_online_or_outside_hours() -> None:
    store = MemoryStore()
    desk = make_desk(store)
    waiting(store, desk, "c1", "human")
    assert "No agent is online" in store.messages("c1")[-1].text
    desk.directory.seen("ana")
    waiting(store, desk, "c2", "human")
    assert "Expected wait" in store.messages("c2")[-1].text

    closed = OpeningHours.parse("09:00-09:01", "UTC")
    night = make_desk(store, hours=closed)
    if closed and not closed.is_open(__import__("time").time()):
        waiting(store, night, "c3", "human")
        assert "available 09:00-09:01 (utc)" in store.messages("c3")[-1].text.lower()

    silent = make_desk(MemoryStore(), accounts={})
    waiting(silent.store, silent, "c4", "human")  # type: ignore[arg-type]
    assert [m.role for m in silent.store.messages("c4")] == ["shopper"], "no desk configured: no notice"


def test_nobody_says_why_no_person_can_take_a_handoff() -> None:
    store = MemoryStore()
    # Saturday 2026-11-28 02:00 UTC, and a Monday 10:00 UTC.
    saturday, monday = 1795831200.0, 1795428000.0
    assert make_desk(store, accounts={}).nobody(monday) == Nobody("no_agents")
    desk = make_desk(store)
    assert desk.nobody(monday) == Nobody("nobody_online"), "accounts, but nobody signed in"
    desk.directory.seen("ana")
    assert desk.nobody(monday) is None
    weekdays = OpeningHours.parse("mon-fri 09:00-18:00", "UTC")
    office = make_desk(store, hours=weekdays)
    assert office.nobody(saturday) == Nobody("closed", hours="mon-fri 09:00-18:00 (UTC)")
    assert office.nobody(monday) is None
    checked: DeskAvailability = office  # the desk is what the turn asks (bot.ports)
    assert checked.nobody(saturday) is not None


def test_a_left_message_is_a_ticket_agents_list_and_answer(backend: tuple[MemoryStore, object]) -> None:
    store, _ = backend
    desk = make_desk(store, accounts={})
    store.create(Conversation(id="m1", locale="zh"))
    store.append(Message("m1", "shopper", "转人工"))
    store.append(Message("m1", "bot", "抱歉，目前没有人工客服……"))
    store.append(Message("m1", "shopper", "我的台灯坏了 li.lei@example.com"))
    desk.take_message("m1", "li.lei@example.com", "我的台灯坏了 li.lei@example.com", "requested")
    [left] = desk.messages()
    assert left["kind"] == "message" and left["reply_to"] == "li.lei@example.com"
    assert left["message"] == "我的台灯坏了 li.lei@example.com" and left["locale"] == "zh"
    assert "li.lei@example.com" in str(left["summary"]) and left["last_messages"][0]["text"] == "转人工"  # type: ignore[index,call-overload]
    conversation = store.get("m1")
    assert conversation is not None and conversation.state == "bot", "a message never puts anyone in the queue"
    assert desk.queue() == []
    done = desk.answer_message(str(left["id"]), "ana")
    assert done["answered_by"] == "ana" and desk.messages() == []
    with pytest.raises(NotFound):
        desk.answer_message(str(left["id"]), "ana")


def test_opening_hours_parse() -> None:
    hours = OpeningHours.parse("mon-fri 09:00-18:00", "Asia/Shanghai")
    assert hours is not None and hours.days == frozenset(range(5))
    assert OpeningHours.parse("") is None
    # Saturday 2026-11-28 10:00 in Shanghai is 02:00 UTC.
    assert not hours.is_open(1795831200.0)
    with pytest.raises(Exception, match="mon-fri"):
        OpeningHours.parse("whenever")


def test_a_stale_save_never_leaves_a_conversation_stuck() -> None:
    import dataclasses

    store = MemoryStore()
    desk = make_desk(store)
    waiting(store, desk, "c1", "human")
    stale = store.get("c1")
    desk.claim("c1", "ana")
    store.save(stale)  # type: ignore[arg-type]  # a shopper turn that read before the claim saves after it
    with pytest.raises(Conflict):
        desk.claim("c1", "bo")
    desk.claim("c1", "ana")  # the holder repairs the state by claiming again
    assert store.get("c1").state == "agent"  # type: ignore[union-attr]
    desk.release("c1", "ana")
    released = store.get("c1")
    assert released is not None
    store.save(dataclasses.replace(released, state="agent"))
    desk.claim("c1", "bo")  # held by nobody: anyone may take it
    assert desk.holder("c1") == "bo"
