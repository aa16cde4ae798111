"""Which engine a service runs: the LLM engine when an endpoint is configured, with the embedded one behind it."""

from __future__ import annotations

from bot.agent.tools.context import ProductSearch
from bot.ports import Engine, EventBus, InventoryBackend, OrderActions, OrderBackend, Retriever, Scrubber
from bot.settings import Settings


def choose_engine(
    settings: Settings,
    embedded: Engine,
    orders: OrderBackend,
    inventory: InventoryBackend,
    retriever: Retriever,
    bus: EventBus,
    actions: OrderActions | None = None,
    scrubber: Scrubber | None = None,
    catalogue: ProductSearch | None = None,
) -> Engine:
    """`embedded` unless SHOPKEEPER_LLM_BASE_URL is set; then an LlmEngine that streams its tokens
    as `delta` events on the bus and falls back to `embedded`, so the shopper always gets a reply.
    `scrubber` (the service's PiiScrubber) keeps raw PII in tool results away from the model; `catalogue`
    (the service's catalogue index, built once) serves the catalogue tools."""
    if not settings.llm_base_url:
        return embedded
    # Imported only when used: LangChain adds a second or two to every start otherwise.
    from bot.agent.llm.engine import LlmConfig, LlmEngine
    from bot.agent.llm.stream import publish_deltas

    config = LlmConfig(settings.llm_base_url, settings.llm_model, settings.llm_api_key)
    return LlmEngine(
        config,
        orders,
        inventory,
        retriever,
        actions=actions,
        fallback=embedded,
        on_delta=publish_deltas(bus),
        scrubber=scrubber,
        catalogue=catalogue,
    )
