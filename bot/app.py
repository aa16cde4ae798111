"""The composition root: reads settings and wires the adapters into a running Service (the one place bot/
meets knowledge/ and connectors/)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.agent.catalogue import CatalogueIndex
from bot.agent.embedded import EmbeddedEngine
from bot.agent.guardrails import guard_output
from bot.agent.llm.choose import choose_engine
from bot.agent.turn import TurnHandler
from bot.agent.turn_slots import TurnSlots
from bot.desk.handoff import open_desk
from bot.ports import Channel, IngestReport
from bot.privacy.scrubber import PiiScrubber
from bot.progress import ProgressFn, no_progress
from bot.service import Service
from bot.settings import Settings
from bot.stores import open_store
from bot.timing import timed_proxy
from bot.types import DocKind
from bot.understanding.understander import Understander
from connectors.channels import Outbound, build_channels, check_channel_settings
from connectors.commerce import open_shop, sample_order
from connectors.commerce.catalogue import catalogue_documents
from knowledge import CombinedInventory, KnowledgeBase

log = logging.getLogger(__name__)


def model_threads(settings: Settings) -> int:
    """BLAS/torch threads per model call: the cores shared out among the turn slots, at most torch_threads.

    Two turns each running the embedder on two threads oversubscribe two cores, and OpenBLAS then spins:
    a query took 260-870 ms instead of 15-35 ms on one thread here (docs/performance.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(settings.torch_threads, cores // max(1, settings.turn_slots)))


def build_service(settings: Settings, progress: ProgressFn | None = None) -> Service:
    """Open (and on first start, build) everything the service needs. Heavy: models load here."""
    check_channel_settings(settings)  # an enabled IM platform without its secret stops here, before the heavy work
    report = progress or no_progress
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    shop = open_shop(settings, progress=lambda done, total: report("Building the shop", done, total))
    kb = KnowledgeBase.open(settings.model_copy(update={"torch_threads": model_threads(settings)}))
    kb.ingest_paths(
        [kb.policies_dir], kind="policy", progress=lambda done, total, label: report("Indexing policies", done, total)
    )
    kb.ingest_documents(
        catalogue_documents(shop),
        progress=lambda done, total, label: report("Indexing the catalogue", done, total),
        prune_kind="product",
    )

    scrubber = PiiScrubber()
    understander = Understander(cache_dir=settings.data_dir / "models")
    # Warm the models now so the first shopper does not wait for them and /readyz means ready.
    report("Loading models", 0, 1)
    kb.search("warm up", k=1)
    scrubber.scrub("warm up me@example.com", {})
    understander.warm_up()
    # The sentiment models load on their language's first message (SnowNLP took ~10 s here): load them now.
    understander.understand("Thanks, that was really helpful!", None)
    understander.understand("谢谢，这次的快递很快，包装也很好，非常满意，下次还会再来买的。", None)
    report("Loading models", 1, 1)

    store, bus = open_store(settings)
    # Everything reaches the index and the shop through timing proxies (forwarding all else), so a turn's trace
    # shows its retrieval and tool time as decide.retrieval / decide.tools (bot/timing.py).
    kb, shop = timed_proxy(kb, "retrieval"), timed_proxy(shop, "tools")
    inventory = CombinedInventory([shop, kb.catalogue])  # the shop's products, then ingested catalogue files
    index = CatalogueIndex(inventory)  # one catalogue index for both engines; it notices catalogue changes
    embedded = EmbeddedEngine(orders=shop, inventory=inventory, retriever=kb, actions=shop, catalogue=index)
    engine = choose_engine(
        settings, embedded, shop, inventory, kb, bus, actions=shop, scrubber=scrubber, catalogue=index
    )  # the LLM engine when one is configured
    desk = open_desk(settings, store, bus)
    turns = TurnHandler(
        store=store,
        bus=bus,
        scrubber=scrubber,
        understand=lambda text, locale: understander.understand(text, locale=locale),
        engine=engine,
        guard=guard_output,
        slots=TurnSlots(settings.turn_slots),
        desk=desk,  # a handoff nobody can answer becomes an offer to take a message
    )

    if settings.admin_token is not None:
        admin_token = settings.admin_token.get_secret_value()
    else:
        admin_token = secrets.token_urlsafe(24)
        log.warning("SHOPKEEPER_ADMIN_TOKEN is unset; this run's admin token is %s", admin_token)

    return Service(
        settings=settings,
        store=store,
        bus=bus,
        turns=turns,
        orders=shop,
        inventory=inventory,
        retriever=kb,
        admin_token=admin_token,
        handoff=desk,
        checks={
            "shop": lambda: not shop.is_empty(),
            "knowledge": lambda: kb.count() > 0,
            "store": lambda: store.get("__readyz__") is None,  # a round trip to Redis when configured
        },
    )


@dataclass(frozen=True)
class ImChannels:
    """The IM channels the settings enable, ready to verify, parse and send, and the close hook of their client."""

    channels: Mapping[str, Channel]
    aclose: Callable[[], Awaitable[None]]
    """Closes the HTTP client the channels share (the server calls it on shutdown)."""


def open_channels(settings: Settings, outbound: Outbound | None = None) -> ImChannels:
    """Every enabled platform's channel over one shared client; ConfigError when an enabled one lacks a secret.

    Light (no models): the server builds these at start-up, before the service."""
    check_channel_settings(settings)  # before the client exists, so a refused start leaves nothing open
    client = outbound or Outbound()
    return ImChannels(build_channels(settings, client), client.aclose)


def ingest(
    settings: Settings, paths: list[Path], kind: DocKind, fields: str = "", progress: ProgressFn = no_progress
) -> IngestReport:
    """`shopkeeper ingest`: add or update documents in the shop's index (no models warmed, no shop built).

    fields: a catalogue field mapping ("id=sku,title=name"), for csv/json files; a bad one is a BadInput."""
    label = f"Ingesting {kind}"

    def report(done: int, total: int, name: str = "") -> None:
        progress(label, done, total)

    return KnowledgeBase.open(settings).ingest_paths(paths, kind=kind, progress=report, mapping=fields or None)


def demo_order(settings: Settings, status: str, progress: ProgressFn = no_progress) -> tuple[str, str]:
    """`shopkeeper demo-order`: a real order number of this status and its owner's email, from the shop."""
    shop = open_shop(settings, progress=lambda done, total: progress("Building the shop", done, total))
    try:
        return sample_order(shop, status)
    finally:
        shop.close()
