"""Slack Events API: v0 signing secret with a 5-minute window, url_verification, replies by chat.postMessage."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from bot.errors import DeliveryError
from bot.types import Handshake, Inbound, Outgoing, WebhookRequest
from connectors.channels.base import (
    WebhookChannel,
    bearer,
    button_fallback,
    fresh,
    items,
    load_json,
    obj,
    same,
    text_of,
)
from connectors.channels.outbound import Outbound, json_body


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """The X-Slack-Signature value Slack computes: v0= + hex HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def _describe(event: dict[str, Any]) -> str:
    text = text_of(event.get("text"))
    files = [text_of(f.get("name")) or "attachment" for f in items(event.get("files"))]
    if files:
        return (text + " " if text else "") + " ".join(f"[file {name}]" for name in files)
    return text


class SlackChannel(WebhookChannel):
    name = "slack"

    def __init__(self, signing_secret: str, bot_token: str, api_base: str, outbound: Outbound) -> None:
        self._signing_secret = signing_secret
        self._bot_token = bot_token
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound

    def verify(self, request: WebhookRequest, now: float) -> bool:
        timestamp = request.header("x-slack-request-timestamp")
        if not fresh(timestamp, now):
            return False
        expected = slack_signature(self._signing_secret, timestamp, request.body)
        return same(expected, request.header("x-slack-signature"))

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        data = load_json(request.body)
        if data.get("type") != "url_verification":
            return None
        return Handshake(json.dumps({"challenge": text_of(data.get("challenge"))}), "application/json")

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        data = load_json(request.body)
        if data.get("type") != "event_callback":
            return []
        event = obj(data.get("event"))
        # bot_id marks our own (and other bots') posts; subtypes are edits, joins, deletions ...
        if event.get("type") not in ("message", "app_mention") or event.get("bot_id"):
            return []
        if event.get("subtype") not in (None, "file_share"):
            return []
        channel = text_of(event.get("channel"))
        text = _describe(event)
        event_id = text_of(data.get("event_id"))
        if not channel or not text or not event_id:
            return []
        return [Inbound(event_id=event_id, chat_id=channel, user_id=text_of(event.get("user")), text=text)]

    async def send(self, out: Outgoing) -> None:
        # Slack's buttons post to an interactivity URL, not the Events API: list them as text instead.
        response = await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/chat.postMessage",
            json={"channel": out.recipient, "text": button_fallback(out)},
            headers=bearer(self._bot_token),
        )
        answer = json_body(self.name, response)
        if answer.get("ok") is not True:
            raise DeliveryError(f"slack: chat.postMessage failed ({text_of(answer.get('error')) or 'no reason'})")
