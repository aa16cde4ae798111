"""Agent replies to IM shoppers: watch the bus and send each agent message of an IM conversation to its platform."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.server.deps import ServiceApi
from bot.server.metrics import Metrics
from bot.server.webhooks import WebhookHub, deliver, with_sources
from bot.stores.subscription import close, wait_ready
from bot.types import Citation, Event
from connectors.channels import Outgoing

logger = logging.getLogger(__name__)

#: Agents' messages, and bot messages the webhook flow did not send (a handoff notice, a survey ...).
#: System notes (failed deliveries, audit lines) stay in the console.
ROLES = ("agent", "bot")


async def run_outbox(app: Any, hub: WebhookHub, poll_s: float = 0.2) -> None:
    """Runs for the app's lifetime; waits for the service (built in the background) first."""
    while getattr(app.state, "service", None) is None:
        await asyncio.sleep(poll_s)
    service: ServiceApi = app.state.service
    metrics: Metrics | None = getattr(app.state, "metrics", None)
    events = service.bus.subscribe("*")
    try:
        await wait_ready(events)
        app.state.outbox_ready = True
        delayed: set[asyncio.Task[bool]] = set()
        async for event in events:
            if _role(event) == "bot":
                # Give the webhook flow the first claim on its own turn's replies (it may hold a reply token).
                task = asyncio.create_task(_later(hub, service, event, metrics))
                delayed.add(task)
                task.add_done_callback(delayed.discard)
                continue
            await _safely(hub, service, event, metrics)
    finally:
        await close(events)


def _role(event: Event) -> object:
    message = event.data.get("message") if event.type == "message" else None
    return message.get("role") if isinstance(message, dict) else None


async def _later(hub: WebhookHub, service: ServiceApi, event: Event, metrics: Metrics | None) -> bool:
    await asyncio.sleep(hub.bot_grace_s)
    return await _safely(hub, service, event, metrics)


async def _safely(hub: WebhookHub, service: ServiceApi, event: Event, metrics: Metrics | None) -> bool:
    try:
        return await handle(hub, service, event, metrics)
    except Exception as exc:  # keep watching; logged without the message text
        logger.error("outbox failed on an event of %s: %s", event.conversation_id, type(exc).__name__)
        return False


async def handle(hub: WebhookHub, service: ServiceApi, event: Event, metrics: Metrics | None = None) -> bool:
    """True when the event was an agent or bot message of an IM conversation, not sent yet, and is now sent."""
    if event.type != "message":
        return False
    message = event.data.get("message")
    if not isinstance(message, dict) or message.get("role") not in ROLES:
        return False
    text, message_id = message.get("text"), message.get("id")
    if not isinstance(text, str) or not text.strip() or not isinstance(message_id, str):
        return False
    address = await run_in_threadpool(hub.state.address_of, event.conversation_id)
    if address is None:
        return False  # a web conversation: the widget shows it
    platform, chat_id = address
    channel = hub.channels.get(platform)
    if channel is None:
        logger.warning(
            "agent reply for %s not sent: the %s channel is no longer enabled", event.conversation_id, platform
        )
        return False
    # With several replicas each one sees the event: the first to claim the message id sends it.
    if not await run_in_threadpool(hub.state.claim, f"out:{message_id}"):
        return False
    out = Outgoing(chat_id, with_sources(text, _citations(message.get("citations"))))
    return await deliver(service, channel, event.conversation_id, out, metrics)


def _citations(value: object) -> list[Citation]:
    found: list[Citation] = []
    for item in value if isinstance(value, list) else []:
        title = item.get("title") if isinstance(item, dict) else None
        if isinstance(title, str):
            found.append(Citation(source="", title=title, snippet=""))
    return found
