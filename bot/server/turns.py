"""One shopper turn as the HTTP and websocket routes both run it: off the event loop, counted."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from bot.errors import ShopkeeperError
from bot.server.deps import ServiceApi
from bot.server.metrics import Metrics
from bot.stores.codec import citation_to_json, message_to_json, product_to_json
from bot.types import JSON, Conversation, Message, Reply, TurnResult


async def run_turn(service: ServiceApi, metrics: Metrics, conversation: Conversation, text: str) -> TurnResult:
    """post_message is CPU-bound (models), so it runs in the thread pool; it stores and publishes itself."""
    try:
        result = await run_in_threadpool(service.post_message, conversation.id, text)
    except ShopkeeperError as exc:
        if exc.status >= 500:
            metrics.error("turn")
        raise
    except Exception:
        metrics.error("turn")
        raise
    metrics.turn(handed_off=result.handed_off is not None)
    return result


def reply_json(reply: Reply) -> dict[str, JSON]:
    """A turn's reply in the HTTP response: its text, sources and product cards (the same shapes as a message's)."""
    return {
        "text": reply.text,
        "citations": [citation_to_json(c) for c in reply.citations],
        "products": [product_to_json(p) for p in reply.products],
    }


def public_message(message: Message) -> dict[str, JSON]:
    return message_to_json(message)
