"""The one webhook flow for every IM platform: verify, answer fast, deduplicate, run the turn, send the replies."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter, BackgroundTasks, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.server.deps import ServiceApi, service_of
from bot.server.errors import ApiError
from bot.server.metrics import Metrics
from bot.server.turns import run_turn
from bot.server.webhook_state import ChannelState, open_channel_state
from bot.settings import Settings
from bot.stores.record import record
from bot.types import Citation, Conversation, Message
from connectors.channels import (
    BadPayload,
    Inbound,
    Outbound,
    Outgoing,
    WebhookChannel,
    WebhookRequest,
    build_channels,
)

logger = logging.getLogger(__name__)

router = APIRouter()


@dataclass
class WebhookHub:
    """The enabled channels and what the flow shares between requests (and with the outbox)."""

    channels: dict[str, WebhookChannel]
    state: ChannelState
    outbound: Outbound
    clock: Callable[[], float] = time.time
    bot_grace_s: float = 2.0
    """How long the outbox leaves a bot message to the webhook flow before sending it itself."""
    _chat_locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> "WebhookHub":
        outbound = Outbound()
        return cls(build_channels(settings, outbound), open_channel_state(settings.redis_url), outbound)

    def lock_for(self, platform: str, chat_id: str) -> asyncio.Lock:
        # One chat's messages run one after another so replies keep their order.
        return self._chat_locks.setdefault((platform, chat_id), asyncio.Lock())


def hub_of(request: Request) -> WebhookHub:
    hub: WebhookHub = request.app.state.webhooks
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


@runtime_checkable
class Pulls(Protocol):
    """A channel whose callback only announces messages (WeCom customer service): they are fetched after the ack."""

    async def pull(self, notice: Inbound) -> list[Inbound]: ...


async def _pulled(hub: WebhookHub, channel: Pulls, platform: str, notices: list[Inbound]) -> list[Inbound]:
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


async def process(
    hub: WebhookHub, service: ServiceApi, metrics: Metrics, channel: WebhookChannel, messages: list[Inbound]
) -> None:
    if isinstance(channel, Pulls):
        messages = await _pulled(hub, channel, channel.name, messages)
    for message in messages:
        try:
            async with hub.lock_for(channel.name, message.chat_id):
                await _one(hub, service, metrics, channel, message)
        except Exception as exc:  # one bad message must not stop the others; logged without its text
            logger.error("%s message %s failed: %s", channel.name, message.event_id, type(exc).__name__)


async def _one(
    hub: WebhookHub, service: ServiceApi, metrics: Metrics, channel: WebhookChannel, inbound: Inbound
) -> None:
    conversation = await run_in_threadpool(_conversation, hub, service, channel.name, inbound.chat_id)
    text = inbound.text.strip()[: service.settings.max_message_chars]
    if not text:
        return
    before = await run_in_threadpool(_last_seq, service, conversation.id)
    await run_turn(service, metrics, conversation, text)
    # The turn stored its replies; claiming their ids tells the outbox (on any replica) they are sent here.
    stored = await run_in_threadpool(service.store.messages, conversation.id, before)
    replies = [m for m in stored if m.role == "bot"]
    first = True
    for reply in replies:
        if not await run_in_threadpool(hub.state.claim, f"out:{reply.id}"):
            continue
        token, first = (inbound.reply_token if first else ""), False
        out = Outgoing(inbound.chat_id, with_sources(reply.text, reply.citations), reply_token=token)
        await deliver(service, channel, conversation.id, out, metrics)


def _last_seq(service: ServiceApi, conversation_id: str) -> int:
    transcript = service.store.messages(conversation_id)
    return transcript[-1].seq if transcript else 0


def with_sources(text: str, citations: Sequence[Citation] = ()) -> str:
    """IM replies carry no citation cards: the sources become one short line under the text."""
    titles = list(dict.fromkeys(c.title for c in citations if c.title))
    return text + ("\n\nSources: " + "; ".join(titles[:3]) if titles else "")


def _conversation(hub: WebhookHub, service: ServiceApi, platform: str, chat_id: str) -> Conversation:
    """The chat's conversation; a new one the first time, or after the last one was closed."""
    known = hub.state.conversation_for(platform, chat_id)
    conversation = service.store.get(known) if known else None
    if conversation is None or conversation.state == "closed":
        conversation, _token = service.start_conversation(channel=platform)
        hub.state.link(platform, chat_id, conversation.id)
    return conversation


async def deliver(
    service: ServiceApi, channel: WebhookChannel, conversation_id: str, out: Outgoing, metrics: Metrics | None = None
) -> bool:
    """Send one reply; a failure is logged and put in the transcript for the agents, never dropped silently."""
    try:
        await channel.send(out)
        return True
    except Exception as exc:
        reason = getattr(exc, "message", None) or type(exc).__name__
        logger.warning("delivery to %s failed for conversation %s: %s", channel.name, conversation_id, reason)
        if metrics is not None:
            metrics.error("im_delivery")
        note = Message(
            conversation_id=conversation_id, role="system", text=f"Delivery to {channel.name} failed: {reason}"
        )
        try:
            await run_in_threadpool(record, service.store, service.bus, note)
        except Exception as inner:
            logger.error("could not record the failed delivery: %s", type(inner).__name__)
        return False


_VERIFY_TOKEN = re.compile(r"(hub\.verify_token=)[^&\s\"']+")


class RedactVerifyToken(logging.Filter):
    """Meta's subscription GET carries our verify token in the query string that uvicorn logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_VERIFY_TOKEN.sub(r"\1[redacted]", a) if isinstance(a, str) else a for a in record.args)
        return True


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the webhook route, build the enabled channels (ConfigError if one lacks a secret), start the outbox."""
    from bot.server.im_outbox import run_outbox

    app.state.webhooks = WebhookHub.from_settings(settings)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactVerifyToken) for f in access.filters):
        access.addFilter(RedactVerifyToken())
    app.include_router(router)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[Any]:
        async with previous(application) as state:
            hub: WebhookHub = application.state.webhooks
            outbox = asyncio.create_task(run_outbox(application, hub)) if hub.channels else None
            try:
                yield state
            finally:
                if outbox is not None:
                    outbox.cancel()
                    await asyncio.gather(outbox, return_exceptions=True)
                await hub.outbound.aclose()

    app.router.lifespan_context = lifespan
