"""The one sender of IM replies: every bot and agent message of an IM conversation, from the bus, in order, once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.server.deps import ServiceApi
from bot.server.im_hub import ImHub, Lanes
from bot.server.metrics import Metrics
from bot.stores.codec import message_from_json
from bot.stores.record import record
from bot.stores.subscription import close, wait_ready
from bot.text import has_cjk
from bot.types import Citation, Event, Message, Outgoing, ProductCard

logger = logging.getLogger(__name__)

#: The bot's replies (a turn's answers, a handoff notice, a survey ...) and the agents' messages.
#: System notes (failed deliveries, audit lines) stay in the console.
ROLES = ("agent", "bot")


async def run_outbox(app: Any, hub: ImHub, poll_s: float = 0.2) -> None:
    """Runs for the app's lifetime; waits for the service (built in the background) first.

    Each message is sent in its conversation's lane, so one chat's messages leave in the order the bus carried
    them while a slow platform holds up only its own chats."""
    while getattr(app.state, "service", None) is None:
        await asyncio.sleep(poll_s)
    service: ServiceApi = app.state.service
    metrics: Metrics | None = getattr(app.state, "metrics", None)
    events = service.bus.subscribe("*")
    lanes = Lanes()
    pending: set[asyncio.Task[bool]] = set()
    try:
        await wait_ready(events)
        hub.sending.set()
        async for event in events:
            message = outgoing_message(event)
            if message is None:
                continue
            task = asyncio.create_task(_in_lane(lanes, hub, service, message, metrics))
            pending.add(task)
            task.add_done_callback(pending.discard)
    finally:
        hub.sending.clear()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await close(events)


def outgoing_message(event: Event) -> Message | None:
    """The bot or agent message with text that an event carries; None for every other event."""
    data = event.data.get("message") if event.type == "message" else None
    if not isinstance(data, dict) or data.get("role") not in ROLES:
        return None
    try:
        message = message_from_json(data)
    except (KeyError, TypeError, ValueError):
        return None
    return message if message.text.strip() else None


async def _in_lane(lanes: Lanes, hub: ImHub, service: ServiceApi, message: Message, metrics: Metrics | None) -> bool:
    async with lanes.hold(message.conversation_id):
        try:
            return await send(hub, service, message, metrics)
        except Exception as exc:  # keep sending the others; logged without the message text
            logger.error("outbox failed on a message of %s: %s", message.conversation_id, type(exc).__name__)
            return False


async def send(hub: ImHub, service: ServiceApi, message: Message, metrics: Metrics | None = None) -> bool:
    """True when the message belongs to an IM conversation, was not sent yet, and is now sent."""
    address = await run_in_threadpool(hub.state.address_of, message.conversation_id)
    if address is None:
        return False  # a web conversation: the widget shows it
    platform, chat_id = address
    channel = hub.channels.get(platform)
    if channel is None:
        logger.warning("reply for %s not sent: the %s channel is no longer enabled", message.conversation_id, platform)
        return False
    # With several replicas each one sees the event: the first to claim the message id sends it.
    if not await run_in_threadpool(hub.state.claim, f"out:{message.id}"):
        return False
    # The shopper's latest reply token (LINE) goes with the first message after it; later ones are pushed.
    token = await run_in_threadpool(hub.state.take_reply_token, message.conversation_id)
    text = with_products(with_sources(message.text, message.citations), message.products)
    out = Outgoing(chat_id, text, reply_token=token)
    try:
        await channel.send(out)
        return True
    except Exception as exc:
        await _record_failure(service, channel.name, message.conversation_id, exc, metrics)
        return False


def with_sources(text: str, citations: Sequence[Citation] = ()) -> str:
    """IM replies carry no citation cards: the sources become one short line under the text."""
    titles = list(dict.fromkeys(c.title for c in citations if c.title))
    return text + ("\n\nSources: " + "; ".join(titles[:3]) if titles else "")


#: The one word a card line adds of its own, in the language of the message it goes under.
OUT_OF_STOCK = {"en": "out of stock", "zh": "缺货"}


def with_products(text: str, products: Sequence[ProductCard] = ()) -> str:
    """IM platforms render no cards: each product becomes one plain line under the text (name, options, price, link)."""
    language = "zh" if has_cjk(text) else "en"
    lines = [product_line(p, language) for p in products]
    return text + ("\n\n" + "\n".join(lines) if lines else "")


def product_line(card: ProductCard, language: str = "en") -> str:
    """ "- Name (blue, 1 L): $24.00 - reason <url>": the card's own words, language-neutral punctuation."""
    options = ", ".join(v for v in card.options.values() if v)
    line = f"- {card.name}" + (f" ({options})" if options else "") + f": ${card.price:.2f}"
    if not card.available:
        line += f" ({OUT_OF_STOCK.get(language, OUT_OF_STOCK['en'])})"
    if card.reason:
        line += f" - {card.reason}"
    if card.url:
        line += f" {card.url}"
    return line


async def _record_failure(
    service: ServiceApi, platform: str, conversation_id: str, exc: Exception, metrics: Metrics | None
) -> None:
    """A failed delivery is logged and put in the transcript for the agents, never dropped silently."""
    reason = getattr(exc, "message", None) or type(exc).__name__
    logger.warning("delivery to %s failed for conversation %s: %s", platform, conversation_id, reason)
    if metrics is not None:
        metrics.error("im_delivery")
    note = Message(conversation_id=conversation_id, role="system", text=f"Delivery to {platform} failed: {reason}")
    try:
        await run_in_threadpool(record, service.store, service.bus, note)
    except Exception as inner:
        logger.error("could not record the failed delivery: %s", type(inner).__name__)
