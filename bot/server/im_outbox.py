"""Agent replies to IM shoppers: watch the bus and send each agent message of an IM conversation to its platform."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool

from bot.server.deps import ServiceApi
from bot.server.webhooks import WebhookHub, deliver
from bot.stores.subscription import close, wait_ready
from bot.types import Event
from connectors.channels import Outgoing

logger = logging.getLogger(__name__)

#: Only human agents' messages: bot replies of IM turns are sent by the webhook flow itself.
ROLES = ("agent",)


async def run_outbox(app: Any, hub: WebhookHub, poll_s: float = 0.2) -> None:
    """Runs for the app's lifetime; waits for the service (built in the background) first."""
    while getattr(app.state, "service", None) is None:
        await asyncio.sleep(poll_s)
    service: ServiceApi = app.state.service
    events = service.bus.subscribe("*")
    try:
        await wait_ready(events)
        app.state.outbox_ready = True
        async for event in events:
            try:
                await handle(hub, service, event)
            except Exception as exc:  # keep watching; logged without the message text
                logger.error("outbox failed on an event of %s: %s", event.conversation_id, type(exc).__name__)
    finally:
        await close(events)


async def handle(hub: WebhookHub, service: ServiceApi, event: Event) -> bool:
    """True when the event was an agent message of an IM conversation and has been sent."""
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
    return await deliver(service, channel, event.conversation_id, Outgoing(chat_id, text))
