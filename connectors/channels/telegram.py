"""Telegram Bot API: webhook updates checked by X-Telegram-Bot-Api-Secret-Token, replies by sendMessage."""

from __future__ import annotations

from typing import Any

from bot.errors import DeliveryError
from bot.types import Inbound, Outgoing, WebhookRequest
from connectors.channels.base import WebhookChannel, load_json, obj, same, text_of
from connectors.channels.outbound import Outbound, json_body


def describe(message: dict[str, Any]) -> str:
    """Text, or a readable stand-in for what Telegram sent instead of text."""
    text = text_of(message.get("text"))
    if text:
        return text
    caption = text_of(message.get("caption"))
    suffix = f" {caption}" if caption else ""
    if "photo" in message:
        return f"[photo]{suffix}"
    sticker = obj(message.get("sticker"))
    if sticker:
        return f"[sticker {text_of(sticker.get('emoji'))}]".replace(" ]", "]")
    document = obj(message.get("document"))
    if document:
        return f"[file {text_of(document.get('file_name')) or 'attachment'}]{suffix}"
    location = obj(message.get("location"))
    if location:
        return f"[location {location.get('latitude')}, {location.get('longitude')}]"
    contact = obj(message.get("contact"))
    if contact:
        return f"[contact {text_of(contact.get('phone_number'))}]"
    return ""


class TelegramChannel(WebhookChannel):
    name = "telegram"

    def __init__(self, bot_token: str, secret_token: str, api_base: str, outbound: Outbound) -> None:
        self._bot_token = bot_token
        self._secret_token = secret_token
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound

    def verify(self, request: WebhookRequest, now: float) -> bool:
        # Telegram signs nothing and has no timestamp: the secret header set by setWebhook is the proof.
        return same(self._secret_token, request.header("x-telegram-bot-api-secret-token"))

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        update = load_json(request.body)
        message = obj(update.get("message"))  # edits, channel posts, callbacks: not shopper turns
        sender = obj(message.get("from"))
        chat = obj(message.get("chat"))
        if not message or sender.get("is_bot") is True:
            return []
        chat_id = text_of(chat.get("id"))
        text = describe(message)
        update_id = text_of(update.get("update_id"))
        if not chat_id or not text or not update_id:
            return []
        return [Inbound(event_id=update_id, chat_id=chat_id, user_id=text_of(sender.get("id")), text=text)]

    async def send(self, out: Outgoing) -> None:
        payload: dict[str, Any] = {"chat_id": out.recipient, "text": out.text}
        if out.buttons:
            payload["reply_markup"] = {
                "keyboard": [[{"text": b}] for b in out.buttons],
                "one_time_keyboard": True,
                "resize_keyboard": True,
            }
        response = await self._outbound.request(
            self.name, "POST", f"{self._api_base}/bot{self._bot_token}/sendMessage", json=payload
        )
        if json_body(self.name, response).get("ok") is not True:
            raise DeliveryError("telegram: sendMessage did not answer ok")
