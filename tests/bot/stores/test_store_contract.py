"""The ConversationStore and EventBus contract, run against every implementation."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest

from bot.errors import Conflict, NotFound
from bot.ports import ConversationStore, EventBus
from bot.settings import Settings
from bot.stores import open_store
from bot.stores.memory import MemoryBus, MemoryStore
from bot.stores.subscription import close, wait_ready
from bot.types import Citation, Conversation, Customer, Event, Message


def _conversation(cid: str = "c1", **kw: object) -> Conversation:
    return Conversation(id=cid, **kw)  # type: ignore[arg-type]


def test_create_get_roundtrip(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    conv = Conversation(
        id="c1",
        locale="zh",
        customer=Customer("u1", name="Li Lei", email="li@example.com", verified_by="signed_identity"),
        token_hash="abc",
        memory={"flow": "order_status", "order_id": "#W1"},
        vault={"<EMAIL_1>": "li@example.com"},
        handoff_reason="",
    )
    store.create(conv)
    assert store.get("c1") == conv
    assert store.get("missing") is None


def test_create_twice_conflicts_and_save_unknown_is_not_found(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    store.create(_conversation())
    with pytest.raises(Conflict):
        store.create(_conversation())
    with pytest.raises(NotFound):
        store.save(_conversation("nope"))


def test_save_replaces_state_and_moves_state_index(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    a, b = _conversation("a", created_at=1.0), _conversation("b", created_at=2.0)
    store.create(a)
    store.create(b)
    assert store.list_ids() == ["a", "b"]
    assert store.list_ids("bot") == ["a", "b"]
    store.save(dataclasses.replace(a, state="waiting_for_agent", handoff_reason="requested"))
    assert store.get("a").state == "waiting_for_agent"  # type: ignore[union-attr]
    assert store.get("a").handoff_reason == "requested"  # type: ignore[union-attr]
    assert store.list_ids("bot") == ["b"]
    assert store.list_ids("waiting_for_agent") == ["a"]
    assert store.list_ids("closed") == []
    assert store.list_ids() == ["a", "b"]


def test_append_assigns_seq_and_messages_after(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    store.create(_conversation())
    cite = Citation("policies/returns.md", "Returns", "30 days")
    first = store.append(Message("c1", "shopper", "你好, where is my order?"))
    second = store.append(Message("c1", "bot", "Which order?", citations=(cite,)))
    third = store.append(Message("c1", "agent", "Hi, Ana here", author="Ana"))
    assert [m.seq for m in (first, second, third)] == [1, 2, 3]
    assert store.messages("c1") == [first, second, third]
    assert store.messages("c1", after_seq=1) == [second, third]
    assert store.messages("c1", after_seq=3) == []
    assert store.messages("c1", after_seq=99) == []
    assert store.messages("unknown") == []


def test_append_to_unknown_conversation_is_not_found(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    with pytest.raises(NotFound):
        store.append(Message("ghost", "shopper", "hello"))


def test_concurrent_appends_get_unique_ordered_seqs(backend: tuple[ConversationStore, EventBus]) -> None:
    store, _ = backend
    store.create(_conversation())

    def writer(n: int) -> None:
        for i in range(25):
            store.append(Message("c1", "shopper", f"{n}-{i}"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = store.messages("c1")
    assert [m.seq for m in stored] == list(range(1, 101))
    for n in range(4):  # each writer's own messages keep their order
        mine = [m.text for m in stored if m.text.startswith(f"{n}-")]
        assert mine == [f"{n}-{i}" for i in range(25)]


async def _collect(events: object, count: int) -> list[Event]:
    got: list[Event] = []
    async for event in events:  # type: ignore[attr-defined]
        got.append(event)
        if len(got) == count:
            break
    return got


def test_bus_delivers_to_conversation_and_wildcard_subscribers(backend: tuple[ConversationStore, EventBus]) -> None:
    _, bus = backend

    async def scenario() -> tuple[list[Event], list[Event]]:
        mine, other, everything = bus.subscribe("c1"), bus.subscribe("c2"), bus.subscribe("*")
        for sub in (mine, other, everything):
            await wait_ready(sub)
        # Published from worker threads, as the engine does.
        events = [
            Event("typing", "c1", {"role": "bot"}),
            Event("message", "c1", {"message": {"seq": 1, "text": "你好", "citations": []}}),
            Event("state", "c3", {"state": "waiting_for_agent"}),
        ]
        for event in events:
            await asyncio.to_thread(bus.publish, event)
        got = await asyncio.wait_for(asyncio.gather(_collect(mine, 2), _collect(everything, 3)), timeout=10)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(_collect(other, 1), timeout=0.3)
        for sub in (mine, other, everything):
            await close(sub)
        return got[0], got[1]

    mine, everything = asyncio.run(scenario())
    assert [e.type for e in mine] == ["typing", "message"]
    assert mine[1].data == {"message": {"seq": 1, "text": "你好", "citations": []}}
    assert [e.conversation_id for e in everything] == ["c1", "c1", "c3"]


def test_bus_subscribers_on_different_loops_each_get_events(backend: tuple[ConversationStore, EventBus]) -> None:
    _, bus = backend
    results: dict[int, list[Event]] = {}
    ready = threading.Barrier(3)

    def consumer(n: int) -> None:
        async def run() -> None:
            sub = bus.subscribe("c1")
            await wait_ready(sub)
            await asyncio.to_thread(ready.wait)
            results[n] = await asyncio.wait_for(_collect(sub, 1), timeout=10)
            await close(sub)

        asyncio.run(run())

    threads = [threading.Thread(target=consumer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    ready.wait()
    bus.publish(Event("state", "c1", {"state": "agent"}))
    for t in threads:
        t.join(timeout=15)
    assert results[0] == results[1] == [Event("state", "c1", {"state": "agent"})]


def test_closed_subscription_stops_receiving() -> None:
    bus = MemoryBus()

    async def scenario() -> None:
        sub = bus.subscribe("c1")
        assert bus.subscriber_count("c1") == 1
        await close(sub)
        assert bus.subscriber_count() == 0
        bus.publish(Event("typing", "c1"))  # nobody listening: no error

    asyncio.run(scenario())


def test_open_store_picks_memory_or_redis(redis_url: str) -> None:
    store, bus = open_store(Settings(redis_url=None))
    assert isinstance(store, MemoryStore) and isinstance(bus, MemoryBus)
    store, bus = open_store(Settings(redis_url=redis_url))
    assert type(store).__name__ == "RedisStore" and type(bus).__name__ == "RedisBus"
    assert store.ping()  # type: ignore[attr-defined]
