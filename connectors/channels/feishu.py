"""Feishu / Lark event subscription: signed and AES-encrypted events, the challenge, replies by im/v1/messages."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.errors import BadPayload
from bot.types import Handshake, Inbound, Outgoing, WebhookRequest
from connectors.channels.base import WebhookChannel, bearer, button_fallback, fresh, load_json, obj, same, text_of
from connectors.channels.outbound import Outbound, TokenCache, coded_json


def feishu_signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """X-Lark-Signature: hex sha256 of timestamp + nonce + encrypt key + raw body."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def _key(encrypt_key: str) -> bytes:
    return hashlib.sha256(encrypt_key.encode()).digest()


def feishu_decrypt(encrypt_key: str, encrypted: str) -> str:
    """AES-256-CBC with key sha256(encrypt key); the first 16 bytes of the base64 blob are the IV."""
    try:
        blob = base64.b64decode(encrypted, validate=True)
        if len(blob) < 32 or len(blob) % 16:
            raise ValueError("bad length")
        decryptor = Cipher(algorithms.AES(_key(encrypt_key)), modes.CBC(blob[:16])).decryptor()
        padded = decryptor.update(blob[16:]) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload("the encrypted event does not decrypt with the configured encrypt key") from exc


def feishu_encrypt(encrypt_key: str, plaintext: str, iv: bytes) -> str:
    """The inverse of feishu_decrypt: what Feishu puts in {"encrypt": ...} (tests and stand-ins use it)."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_key(encrypt_key)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode()


def describe(message: dict[str, Any]) -> str:
    kind = text_of(message.get("message_type"))
    try:
        content = json.loads(text_of(message.get("content")) or "{}")
    except ValueError:
        content = {}
    content = obj(content)
    if kind == "text":
        return text_of(content.get("text"))
    if kind == "file":
        return f"[file {text_of(content.get('file_name')) or 'attachment'}]"
    if kind == "location":
        return f"[location {text_of(content.get('latitude'))}, {text_of(content.get('longitude'))}]"
    if kind in ("image", "sticker", "audio", "media", "post"):
        return f"[{'video' if kind == 'media' else kind}]"
    return ""


def _checked(response: httpx.Response, failure: str, needs: str = "") -> dict[str, Any]:
    # Feishu always sends its code: an answer without one is no success.
    return coded_json("feishu", response, failure, code="code", absent_ok=False, needs=needs)


class FeishuChannel(WebhookChannel):
    name = "feishu"

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        verification_token: str,
        encrypt_key: str,
        api_base: str,
        outbound: Outbound,
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._token = verification_token
        self._encrypt_key = encrypt_key
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound
        self._tenant_token = TokenCache()

    def _event(self, request: WebhookRequest) -> dict[str, Any]:
        outer = load_json(request.body)
        encrypted = outer.get("encrypt")
        if not isinstance(encrypted, str):
            raise BadPayload("Feishu events must be encrypted: set an Encrypt Key in the developer console")
        return load_json(feishu_decrypt(self._encrypt_key, encrypted))

    def _token_of(self, event: dict[str, Any]) -> str:
        # Schema 2.0 carries the token in its header; the challenge and 1.0 events at the top.
        return text_of(obj(event.get("header")).get("token")) or text_of(event.get("token"))

    def verify(self, request: WebhookRequest, now: float) -> bool:
        timestamp = request.header("x-lark-request-timestamp")
        signature = request.header("x-lark-signature")
        if signature:
            expected = feishu_signature(
                timestamp, request.header("x-lark-request-nonce"), self._encrypt_key, request.body
            )
            return fresh(timestamp, now) and same(expected, signature)
        # The URL-verification request comes unsigned; it is accepted only as that request, holding our
        # verification token inside a body encrypted with our key. Nothing but the challenge is answered.
        try:
            event = self._event(request)
        except BadPayload:
            return False
        return event.get("type") == "url_verification" and same(self._token, self._token_of(event))

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        event = self._event(request)
        if event.get("type") != "url_verification":
            return None
        return Handshake(json.dumps({"challenge": text_of(event.get("challenge"))}), "application/json")

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        event = self._event(request)
        if not same(self._token, self._token_of(event)):
            raise BadPayload("the event's verification token does not match SHOPKEEPER_FEISHU_VERIFICATION_TOKEN")
        header = obj(event.get("header"))
        if header.get("event_type") != "im.message.receive_v1":
            return []
        body = obj(event.get("event"))
        sender = obj(body.get("sender"))
        if sender.get("sender_type") != "user":
            return []  # the app's own messages
        message = obj(body.get("message"))
        chat_id = text_of(message.get("chat_id"))
        text = describe(message)
        event_id = text_of(header.get("event_id")) or text_of(message.get("message_id"))
        if not chat_id or not text or not event_id:
            return []
        user = text_of(obj(sender.get("sender_id")).get("open_id"))
        return [Inbound(event_id=event_id, chat_id=chat_id, user_id=user, text=text)]

    async def _access_token(self) -> str:
        return await self._tenant_token.get(self._fetch_token)

    async def _fetch_token(self) -> tuple[str, object]:
        response = await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/open-apis/auth/v3/tenant_access_token/internal",
            json={"app_id": self._app_id, "app_secret": self._app_secret},
        )
        answer = _checked(response, "no tenant access token", needs="tenant_access_token")
        return text_of(answer.get("tenant_access_token")), answer.get("expire")

    async def send(self, out: Outgoing) -> None:
        # Interactive cards need a card callback URL of their own: buttons are listed as text.
        token = await self._access_token()
        response = await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/open-apis/im/v1/messages",
            params={"receive_id_type": "chat_id"},
            json={
                "receive_id": out.recipient,
                "msg_type": "text",
                "content": json.dumps({"text": button_fallback(out)}, ensure_ascii=False),
            },
            headers=bearer(token),
        )
        _checked(response, "sending failed")
