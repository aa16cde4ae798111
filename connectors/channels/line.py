"""LINE Messaging API: X-Line-Signature (base64 HMAC-SHA256 of the body), reply token first, push after."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from bot.errors import DeliveryError
from bot.types import Inbound, Outgoing, WebhookRequest
from connectors.channels.base import WebhookChannel, bearer, items, load_json, obj, same, text_of
from connectors.channels.outbound import Outbound

#: Quick reply: at most 13 items, labels at most 20 characters.
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20


def line_signature(channel_secret: str, body: bytes) -> str:
    """The X-Line-Signature value: base64 of HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()).decode()


def describe(message: dict[str, Any]) -> str:
    kind = text_of(message.get("type"))
    if kind == "text":
        return text_of(message.get("text"))
    if kind == "sticker":
        keywords = (
            [k for k in message.get("keywords", []) if isinstance(k, str)][:3]
            if isinstance(message.get("keywords"), list)
            else []
        )
        return f"[sticker{' ' + ', '.join(keywords) if keywords else ''}]"
    if kind == "location":
        address = text_of(message.get("address"))
        return f"[location {message.get('latitude')}, {message.get('longitude')}{' ' + address if address else ''}]"
    if kind == "file":
        return f"[file {text_of(message.get('fileName')) or 'attachment'}]"
    if kind in ("image", "video", "audio"):
        return f"[{kind}]"
    return ""


class LineChannel(WebhookChannel):
    name = "line"

    def __init__(self, channel_secret: str, access_token: str, api_base: str, outbound: Outbound) -> None:
        self._channel_secret = channel_secret
        self._access_token = access_token
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound

    def verify(self, request: WebhookRequest, now: float) -> bool:
        # LINE signs no timestamp; webhookEventId deduplicates redeliveries.
        return same(line_signature(self._channel_secret, request.body), request.header("x-line-signature"))

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        data = load_json(request.body)
        found: list[Inbound] = []
        # The console's "Verify" button sends {"events": []}: a verified, empty delivery.
        for event in items(data.get("events")):
            if event.get("type") != "message" or event.get("mode", "active") != "active":
                continue
            source = obj(event.get("source"))
            # Replies go to the group or room when the shopper wrote there, else to the user.
            chat = text_of(source.get("groupId")) or text_of(source.get("roomId")) or text_of(source.get("userId"))
            message = obj(event.get("message"))
            text = describe(message)
            event_id = text_of(event.get("webhookEventId")) or text_of(message.get("id"))
            if chat and text and event_id:
                found.append(
                    Inbound(
                        event_id=event_id,
                        chat_id=chat,
                        user_id=text_of(source.get("userId")),
                        text=text,
                        reply_token=text_of(event.get("replyToken")),
                    )
                )
        return found

    async def send(self, out: Outgoing) -> None:
        message: dict[str, Any] = {"type": "text", "text": out.text}
        if out.buttons:
            message["quickReply"] = {
                "items": [
                    {"type": "action", "action": {"type": "message", "label": b[:MAX_LABEL], "text": b}}
                    for b in out.buttons[:MAX_QUICK_REPLIES]
                ]
            }
        if out.reply_token:
            try:
                await self._post("/v2/bot/message/reply", {"replyToken": out.reply_token, "messages": [message]})
                return
            except DeliveryError:
                pass  # reply tokens expire within a minute and work once: fall back to a push
        await self._post("/v2/bot/message/push", {"to": out.recipient, "messages": [message]})

    async def _post(self, path: str, payload: dict[str, Any]) -> None:
        await self._outbound.request(
            self.name, "POST", self._api_base + path, json=payload, headers=bearer(self._access_token)
        )
