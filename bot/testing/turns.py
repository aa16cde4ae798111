"""A real TurnHandler, and the real Service over it, wired on in-memory fakes as bot/app.py wires the product."""

from __future__ import annotations

from typing import Callable, Protocol

from bot.agent.guardrails import guard_output
from bot.agent.turn import TurnHandler, Understand
from bot.agent.turn_slots import TurnSlots
from bot.desk.handoff import HandoffDesk
from bot.ports import ConversationStore, Engine, EventBus, InventoryBackend, OrderBackend, Retriever, Scrubber
from bot.service import Service
from bot.settings import Settings
from bot.stores.memory import MemoryBus, MemoryStore
from bot.testing.fakes import FakeRetriever, FakeShop


class Shop(OrderBackend, InventoryBackend, Protocol):
    """One backend that answers both orders and stock, as FakeShop and the SQLite shop do."""


def turn_handler(
    engine: Engine,
    scrubber: Scrubber,
    understand: Understand,
    *,
    store: ConversationStore | None = None,
    bus: EventBus | None = None,
    slots: int = 0,
) -> TurnHandler:
    """The real TurnHandler with the real output guard; an in-memory store and bus unless the test brings its own.

    slots: how many turns do their CPU-bound work at once (0: no limit)."""
    return TurnHandler(
        store=MemoryStore() if store is None else store,
        bus=MemoryBus() if bus is None else bus,
        scrubber=scrubber,
        understand=understand,
        engine=engine,
        guard=guard_output,
        slots=TurnSlots(slots),
    )


def service_over(
    turns: TurnHandler,
    settings: Settings,
    *,
    shop: Shop | None = None,
    retriever: Retriever | None = None,
    admin_token: str = "admin",
    checks: dict[str, Callable[[], bool]] | None = None,
    handoff: HandoffDesk | None = None,
) -> Service:
    """The real Service on the turn handler's own store and bus; a FakeShop and a FakeRetriever unless given."""
    shop = FakeShop() if shop is None else shop
    return Service(
        settings=settings,
        store=turns.store,
        bus=turns.bus,
        turns=turns,
        orders=shop,
        inventory=shop,
        retriever=FakeRetriever() if retriever is None else retriever,
        admin_token=admin_token,
        checks=checks,
        handoff=handoff,
    )
