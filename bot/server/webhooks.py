"""The one webhook flow for every IM platform: verify, answer fast, deduplicate, run the turn (the outbox replies)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.errors import BadPayload
from bot.ports import Channel, Pulls
from bot.server.deps import ServiceApi, service_of
from bot.server.errors import ApiError
from bot.server.im_hub import ImHub
from bot.server.im_outbox import run_outbox
from bot.server.metrics import Metrics
from bot.server.turns import run_turn
from bot.server.webhook_state import open_channel_state
from bot.settings import Settings
from bot.types import Conversation, Inbound, WebhookRequest

logger = logging.getLogger(__name__)

router = APIRouter()


#: How long a turn waits for the outbox (the one sender of its replies) to listen before it runs anyway.
SENDER_WAIT_S = 30.0


def hub_of(request: Request) -> ImHub:
    hub: ImHub = request.app.state.webhooks
    return hub


# Two routes, one flow: GET carries the URL checks of Meta and WeCom, POST every delivery.
@router.get("/v1/webhooks/{platform}", summary="An IM platform's URL verification")
@router.post("/v1/webhooks/{platform}", summary="An IM platform's webhook delivery")
async def webhook(platform: str, request: Request, background: BackgroundTasks) -> Response:
    hub = hub_of(request)
    channel = hub.channels.get(platform)
    if channel is None:
        raise ApiError(404, "not_found", f"the {platform} channel is not enabled on this shop")
    service = service_of(request)  # 503 while starting: every platform retries later
    delivery = WebhookRequest(
        method=request.method,
        body=await request.body(),
        headers={k.lower(): v for k, v in request.headers.items()},
        query=dict(request.query_params),
    )
    if not channel.verify(delivery, hub.clock()):
        # Neither the body nor the headers are logged: an unverified payload is not ours to keep.
        logger.warning("%s webhook rejected: signature or token did not verify", platform)
        request.app.state.metrics.error("webhook_rejected")
        raise ApiError(401, "bad_signature", "the webhook signature does not verify")
    try:
        handshake = channel.handshake(delivery)
        if handshake is not None:
            return Response(handshake.body, media_type=handshake.media_type)
        inbound = channel.parse(delivery)
    except BadPayload as exc:
        raise ApiError(400, "bad_payload", exc.message) from None
    fresh = [m for m in inbound if await run_in_threadpool(hub.state.claim, f"in:{platform}:{m.event_id}")]
    if len(fresh) < len(inbound):
        logger.info("%s: %d repeated deliveries ignored", platform, len(inbound) - len(fresh))
    if fresh:
        # Runs after the response is sent: platforms want their 200 within a few seconds.
        background.add_task(process, hub, service, request.app.state.metrics, channel, fresh)
    return Response(channel.ack_body, media_type="text/plain")


async def _pulled(hub: ImHub, channel: Pulls, platform: str, notices: list[Inbound]) -> list[Inbound]:
    """The announced messages, each deduplicated on its own id like a pushed one."""
    fetched: list[Inbound] = []
    for notice in notices:
        try:
            batch = await channel.pull(notice)
        except Exception as exc:  # logged without content; the next callback syncs from the same cursor
            reason = getattr(exc, "message", None) or type(exc).__name__
            logger.error("%s fetch for %s failed: %s", platform, notice.event_id, reason)
            continue
        for message in batch:
            if message is notice or await run_in_threadpool(hub.state.claim, f"in:{platform}:{message.event_id}"):
                fetched.append(message)
    return fetched


async def process(hub: ImHub, service: ServiceApi, metrics: Metrics, channel: Channel, messages: list[Inbound]) -> None:
    if isinstance(channel, Pulls):
        messages = await _pulled(hub, channel, channel.name, messages)
    if messages and not hub.sending.is_set():
        try:
            await asyncio.wait_for(hub.sending.wait(), SENDER_WAIT_S)
        except TimeoutError:
            logger.error(
                "%s: the IM outbox is not listening; %d turns run without a sender", channel.name, len(messages)
            )
    for message in messages:
        try:
            async with hub.chats.hold((channel.name, message.chat_id)):
                await _one(hub, service, metrics, channel, message)
        except Exception as exc:  # one bad message must not stop the others; logged without its text
            logger.error("%s message %s failed: %s", channel.name, message.event_id, type(exc).__name__)


async def _one(hub: ImHub, service: ServiceApi, metrics: Metrics, channel: Channel, inbound: Inbound) -> None:
    conversation = await run_in_threadpool(_conversation, hub, service, channel.name, inbound.chat_id)
    text = inbound.text.strip()[: service.settings.max_message_chars]
    if not text:
        return
    if inbound.reply_token:
        await run_in_threadpool(hub.state.keep_reply_token, conversation.id, inbound.reply_token)
    # The turn stores and publishes its replies; the outbox sends them like every other message of the chat.
    await run_turn(service, metrics, conversation, text)


def _conversation(hub: ImHub, service: ServiceApi, platform: str, chat_id: str) -> Conversation:
    """The chat's conversation; a new one the first time, or after the last one was closed."""
    known = hub.state.conversation_for(platform, chat_id)
    conversation = service.store.get(known) if known else None
    if conversation is None or conversation.state == "closed":
        conversation, _token = service.start_conversation(channel=platform)
        hub.state.link(platform, chat_id, conversation.id)
    return conversation


_VERIFY_TOKEN = re.compile(r"(hub\.verify_token=)[^&\s\"']+")


class RedactVerifyToken(logging.Filter):
    """Meta's subscription GET carries our verify token in the query string that uvicorn logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_VERIFY_TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
        return True


def install(
    app: FastAPI, settings: Settings, channels: Mapping[str, Channel], aclose: Callable[[], Awaitable[None]]
) -> None:
    """Mount the webhook route for the given (built) channels and start the outbox; aclose runs on shutdown."""
    app.state.webhooks = ImHub(channels, open_channel_state(settings.redis_url))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactVerifyToken) for f in access.filters):
        access.addFilter(RedactVerifyToken())
    app.include_router(router)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with previous(application) as state:
            hub: ImHub = application.state.webhooks
            outbox = asyncio.create_task(run_outbox(application, hub)) if hub.channels else None
            try:
                yield state
            finally:
                if outbox is not None:
                    outbox.cancel()
                    await asyncio.gather(outbox, return_exceptions=True)
                await aclose()

    app.router.lifespan_context = lifespan
