"""Facebook Messenger: page webhooks (verified as Meta's), replies through the Send API with quick replies."""

from __future__ import annotations

from typing import Any

from bot.types import Inbound, Outgoing, WebhookRequest
from connectors.channels.base import items, obj, text_of
from connectors.channels.meta import MetaChannel
from connectors.channels.outbound import Outbound

#: Send API limits: 13 quick replies, titles of 20 characters.
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20


def describe(message: dict[str, Any]) -> str:
    text = text_of(message.get("text"))
    if text:
        return text
    parts: list[str] = []
    for attachment in items(message.get("attachments")):
        kind = text_of(attachment.get("type")) or "attachment"
        payload = obj(attachment.get("payload"))
        coordinates = obj(payload.get("coordinates"))
        if kind == "location" and coordinates:
            parts.append(f"[location {coordinates.get('lat')}, {coordinates.get('long')}]")
        elif payload.get("sticker_id") is not None:
            parts.append("[sticker]")
        else:
            parts.append(f"[{'file' if kind == 'file' else kind}]")
    return " ".join(parts)


class MessengerChannel(MetaChannel):
    name = "messenger"
    webhook_object = "page"

    def __init__(
        self, app_secret: str, verify_token: str, page_access_token: str, api_base: str, outbound: Outbound
    ) -> None:
        super().__init__(app_secret, verify_token, api_base, outbound)
        self._page_access_token = page_access_token

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        found: list[Inbound] = []
        for entry in self.entries(request):
            for event in items(entry.get("messaging")):
                message = obj(event.get("message"))
                # is_echo: Messenger reports the page's own sends back to the webhook.
                if not message or message.get("is_echo") is True:
                    continue
                sender = text_of(obj(event.get("sender")).get("id"))
                quick = text_of(obj(message.get("quick_reply")).get("payload"))
                text = text_of(message.get("text")) or quick or describe(message)
                mid = text_of(message.get("mid"))
                if sender and text and mid:
                    found.append(Inbound(event_id=mid, chat_id=sender, user_id=sender, text=text))
        return found

    async def send(self, out: Outgoing) -> None:
        message: dict[str, Any] = {"text": out.text}
        buttons = [b[:MAX_TITLE] for b in out.buttons[:MAX_QUICK_REPLIES]]
        if buttons:
            message["quick_replies"] = [{"content_type": "text", "title": b, "payload": b} for b in buttons]
        await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/me/messages",
            params={"access_token": self._page_access_token},
            json={"recipient": {"id": out.recipient}, "messaging_type": "RESPONSE", "message": message},
        )
