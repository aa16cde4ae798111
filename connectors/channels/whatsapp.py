"""WhatsApp Cloud API: message webhooks (verified as Meta's), replies through the Graph API /messages."""

from __future__ import annotations

from typing import Any

from bot.types import Inbound, Outgoing, WebhookRequest
from connectors.channels.base import bearer, items, obj, text_of
from connectors.channels.meta import MetaChannel
from connectors.channels.outbound import Outbound

#: Reply buttons: at most three, titles at most 20 characters (Cloud API limits); else plain text.
MAX_BUTTONS = 3
MAX_TITLE = 20


def describe(message: dict[str, Any]) -> str:
    kind = text_of(message.get("type"))
    if kind == "text":
        return text_of(obj(message.get("text")).get("body"))
    if kind == "interactive":
        interactive = obj(message.get("interactive"))
        reply = obj(interactive.get("button_reply")) or obj(interactive.get("list_reply"))
        return text_of(reply.get("title"))
    if kind == "button":
        return text_of(obj(message.get("button")).get("text"))
    if kind == "location":
        place = obj(message.get("location"))
        name = text_of(place.get("name"))
        return f"[location {place.get('latitude')}, {place.get('longitude')}{' ' + name if name else ''}]"
    if kind in ("image", "video", "audio", "sticker", "document"):
        media = obj(message.get(kind))
        label = text_of(media.get("filename")) if kind == "document" else ""
        caption = text_of(media.get("caption"))
        head = f"[{'file ' + label if label else kind}]"
        return f"{head} {caption}" if caption else head
    return ""


class WhatsAppChannel(MetaChannel):
    name = "whatsapp"
    webhook_object = "whatsapp_business_account"

    def __init__(
        self,
        app_secret: str,
        verify_token: str,
        access_token: str,
        phone_number_id: str,
        api_base: str,
        outbound: Outbound,
    ) -> None:
        super().__init__(app_secret, verify_token, api_base, outbound)
        self._access_token = access_token
        self._phone_number_id = phone_number_id

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        found: list[Inbound] = []
        for entry in self.entries(request):
            for change in items(entry.get("changes")):
                value = obj(change.get("value"))
                # Status callbacks (sent/delivered/read of our own replies) carry no "messages".
                for message in items(value.get("messages")):
                    sender = text_of(message.get("from"))
                    text = describe(message)
                    message_id = text_of(message.get("id"))
                    if sender and text and message_id:
                        found.append(Inbound(event_id=message_id, chat_id=sender, user_id=sender, text=text))
        return found

    async def send(self, out: Outgoing) -> None:
        payload: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": out.recipient}
        usable = 0 < len(out.buttons) <= MAX_BUTTONS and all(len(b) <= MAX_TITLE for b in out.buttons)
        if usable:
            payload["type"] = "interactive"
            payload["interactive"] = {
                "type": "button",
                "body": {"text": out.text},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": f"b{i}", "title": b}} for i, b in enumerate(out.buttons)
                    ]
                },
            }
        else:
            text = out.text if not out.buttons else out.text + "\n" + " / ".join(out.buttons)
            payload["type"] = "text"
            payload["text"] = {"preview_url": False, "body": text}
        await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/{self._phone_number_id}/messages",
            json=payload,
            headers=bearer(self._access_token),
        )
