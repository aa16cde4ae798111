"""WeCom (WeChat Work) callbacks: msg_signature, AES-encrypted XML, the echostr GET; app and customer service."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.errors import BadPayload
from bot.types import Handshake, Inbound, Outgoing, WebhookRequest
from connectors.channels.base import WebhookChannel, button_fallback, fresh, same, text_of
from connectors.channels.outbound import Outbound, TokenCache, coded_json
from connectors.channels.wecom_crypto import aes_key, decrypt, msg_signature
from connectors.channels.wecom_kf import KF_EVENT, KfClient, KfNotice, kf_address, notice_of


def xml_fields(data: bytes | str) -> dict[str, str]:
    """The child elements of a flat <xml> document; DTDs are refused (no entity tricks)."""
    raw = data.encode() if isinstance(data, str) else data
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise BadPayload("XML with a DTD is not accepted")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise BadPayload("the body is not valid XML") from exc
    return {child.tag: (child.text or "") for child in root}


def describe(fields: dict[str, str]) -> str:
    kind = fields.get("MsgType", "")
    if kind == "text":
        return fields.get("Content", "")
    if kind == "location":
        label = fields.get("Label", "")
        return (
            f"[location {fields.get('Location_X', '')}, {fields.get('Location_Y', '')}{' ' + label if label else ''}]"
        )
    if kind == "link":
        return f"[link {fields.get('Title', '')}]".replace(" ]", "]")
    if kind in ("image", "voice", "video", "file"):
        return f"[{kind}]"
    return ""  # events (enter_agent, subscribe ...) are not shopper turns


class WeComChannel(WebhookChannel):
    name = "wecom"
    ack_body = ""  # an empty 200 tells WeCom "received, no passive reply"

    def __init__(
        self,
        corp_id: str,
        corp_secret: str,
        agent_id: str,
        token: str,
        encoding_aes_key: str,
        api_base: str,
        outbound: Outbound,
    ) -> None:
        self._corp_id = corp_id
        self._corp_secret = corp_secret
        self._agent_id = agent_id
        self._callback_token = token
        self._key = aes_key(encoding_aes_key)
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound
        self._access_token = TokenCache()
        self.kf = KfClient(self._api_base, outbound, self._token, platform=self.name)

    def _encrypted(self, request: WebhookRequest) -> str:
        if request.method == "GET":
            return request.query.get("echostr", "")
        return xml_fields(request.body).get("Encrypt", "")

    def verify(self, request: WebhookRequest, now: float) -> bool:
        timestamp = request.query.get("timestamp", "")
        try:
            encrypted = self._encrypted(request)
        except BadPayload:
            return False
        if not encrypted or not fresh(timestamp, now):
            return False
        expected = msg_signature(self._callback_token, timestamp, request.query.get("nonce", ""), encrypted)
        return same(expected, request.query.get("msg_signature", ""))

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        if request.method != "GET":
            return None
        # The callback URL check: answer the decrypted echostr, bare.
        return Handshake(decrypt(self._key, self._encrypted(request), self._corp_id))

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        fields = xml_fields(decrypt(self._key, self._encrypted(request), self._corp_id))
        if fields.get("MsgType") == "event" and fields.get("Event") == KF_EVENT:
            return notice_of(fields)  # customer service: the messages are fetched by pull, after the ack
        user = fields.get("FromUserName", "")
        text = describe(fields)
        # Text messages carry MsgId; fall back to sender + time for kinds that may not.
        event_id = fields.get("MsgId") or f"{user}:{fields.get('CreateTime', '')}"
        if not user or not text:
            return []
        return [Inbound(event_id=event_id, chat_id=user, user_id=user, text=text)]

    async def pull(self, notice: Inbound) -> list[Inbound]:
        """The messages a customer-service notice announces (kf/sync_msg); any other inbound is itself."""
        return await self.kf.pull(notice) if isinstance(notice, KfNotice) else [notice]

    async def _token(self) -> str:
        return await self._access_token.get(self._fetch_token)

    async def _fetch_token(self) -> tuple[str, object]:
        response = await self._outbound.request(
            self.name,
            "GET",
            f"{self._api_base}/cgi-bin/gettoken",
            params={"corpid": self._corp_id, "corpsecret": self._corp_secret},
        )
        answer = coded_json(self.name, response, "no access token", needs="access_token")
        return text_of(answer.get("access_token")), answer.get("expires_in")

    async def send(self, out: Outgoing) -> None:
        kf = kf_address(out.recipient)
        if kf is not None:
            await self.kf.send(out, *kf)
            return
        token = await self._token()
        agent: int | str = int(self._agent_id) if self._agent_id.isdigit() else self._agent_id
        response = await self._outbound.request(
            self.name,
            "POST",
            f"{self._api_base}/cgi-bin/message/send",
            params={"access_token": token},
            json={
                "touser": out.recipient,
                "msgtype": "text",
                "agentid": agent,
                "text": {"content": button_fallback(out)},
            },
        )
        coded_json(self.name, response, "message/send failed")
