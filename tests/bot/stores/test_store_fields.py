"""The named-field part of the store contract (claims, tickets, sessions), on memory and Redis."""

from __future__ import annotations

import threading

from bot.ports import EventBus
from bot.stores.memory import MemoryStore


def test_field_roundtrip_and_scopes(backend: tuple[MemoryStore, EventBus]) -> None:
    store, _ = backend
    assert store.field_get("conv:c1", "agent") is None
    store.field_set("conv:c1", "ticket", '{"reason": "requested", "中文": "好"}')
    store.field_set("conv:c2", "ticket", "other")
    assert store.field_get("conv:c1", "ticket") == '{"reason": "requested", "中文": "好"}'
    assert store.fields("conv:c2") == {"ticket": "other"}
    assert store.fields("nothing") == {}


def test_set_if_absent_and_compare_and_delete(backend: tuple[MemoryStore, EventBus]) -> None:
    store, _ = backend
    assert store.field_set_if_absent("conv:c1", "agent", "ana")
    assert not store.field_set_if_absent("conv:c1", "agent", "bo")
    assert store.field_get("conv:c1", "agent") == "ana"
    assert not store.field_delete("conv:c1", "agent", expected="bo"), "only the holder releases"
    assert store.field_delete("conv:c1", "agent", expected="ana")
    assert not store.field_delete("conv:c1", "agent")
    store.field_set("conv:c1", "agent", "bo")
    assert store.field_delete("conv:c1", "agent")


def test_set_if_absent_has_one_winner_under_contention(backend: tuple[MemoryStore, EventBus]) -> None:
    store, _ = backend
    wins: list[str] = []
    start = threading.Barrier(8)

    def claim(name: str) -> None:
        start.wait()
        if store.field_set_if_absent("conv:race", "agent", name):
            wins.append(name)

    threads = [threading.Thread(target=claim, args=(f"agent{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and store.field_get("conv:race", "agent") == wins[0]
