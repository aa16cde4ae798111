"""Test helpers shipped with the channels: sign deliveries as each platform does, and a stand-in send API."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.types import WebhookRequest
from connectors.channels.feishu import feishu_encrypt, feishu_signature
from connectors.channels.line import line_signature
from connectors.channels.meta import hub_signature
from connectors.channels.slack import slack_signature
from connectors.channels.wecom_crypto import aes_key, encrypt, msg_signature

#: One set of made-up credentials for every platform (the WeCom key is a valid 43-character one).
SECRETS: dict[str, str] = {
    "telegram_bot_token": "123456:TEST-bot-token",
    "telegram_secret_token": "tg-secret-token_1",
    "slack_signing_secret": "8f742231b10e8888abcd99yyyzzz85a5",
    "slack_bot_token": "xoxb-test-token",
    "meta_app_secret": "meta-app-secret",
    "meta_verify_token": "meta-verify-token",
    "whatsapp_access_token": "wa-access-token",
    "whatsapp_phone_number_id": "106540352242922",
    "messenger_page_access_token": "page-access-token",
    "line_channel_secret": "line-channel-secret",
    "line_channel_access_token": "line-access-token",
    "feishu_app_id": "cli_9f5343c580712544",
    "feishu_app_secret": "feishu-app-secret",
    "feishu_verification_token": "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV",
    "feishu_encrypt_key": "test key",
    "wecom_corp_id": "ww1234567890abcdef",
    "wecom_corp_secret": "wecom-corp-secret",
    "wecom_agent_id": "1000002",
    "wecom_token": "QDG6eK",
    "wecom_encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
}

API_BASES = ("telegram", "slack", "whatsapp", "messenger", "line", "feishu", "wecom")


def settings_env(api_base: str = "") -> dict[str, str]:
    """SHOPKEEPER_* variables enabling every platform, their APIs pointed at api_base when given."""
    env = {f"SHOPKEEPER_{k.upper()}": v for k, v in SECRETS.items()}
    if api_base:
        env.update({f"SHOPKEEPER_{p.upper()}_API_BASE": api_base.rstrip("/") + f"/{p}" for p in API_BASES})
    return env


def telegram(body: bytes) -> WebhookRequest:
    return WebhookRequest("POST", body, {"x-telegram-bot-api-secret-token": SECRETS["telegram_secret_token"]})


def slack(body: bytes, timestamp: float | None = None) -> WebhookRequest:
    ts = str(int(timestamp if timestamp is not None else time.time()))
    signature = slack_signature(SECRETS["slack_signing_secret"], ts, body)
    return WebhookRequest("POST", body, {"x-slack-request-timestamp": ts, "x-slack-signature": signature})


def meta(body: bytes) -> WebhookRequest:
    return WebhookRequest("POST", body, {"x-hub-signature-256": hub_signature(SECRETS["meta_app_secret"], body)})


def line(body: bytes) -> WebhookRequest:
    return WebhookRequest("POST", body, {"x-line-signature": line_signature(SECRETS["line_channel_secret"], body)})


def feishu(event: dict[str, Any], timestamp: float | None = None, signed: bool = True) -> WebhookRequest:
    """The event encrypted with the test encrypt key, signed like Feishu signs (unless signed=False)."""
    plain = json.dumps(event, ensure_ascii=False)
    body = json.dumps({"encrypt": feishu_encrypt(SECRETS["feishu_encrypt_key"], plain, b"0123456789abcdef")}).encode()
    if not signed:
        return WebhookRequest("POST", body, {})
    ts, nonce = str(int(timestamp if timestamp is not None else time.time())), "13579"
    signature = feishu_signature(ts, nonce, SECRETS["feishu_encrypt_key"], body)
    headers = {"x-lark-request-timestamp": ts, "x-lark-request-nonce": nonce, "x-lark-signature": signature}
    return WebhookRequest("POST", body, headers)


def wecom(xml: str, timestamp: float | None = None, echo: bool = False) -> WebhookRequest:
    """The XML (or, with echo=True, an echostr) encrypted for the test corp and signed into the query."""
    key = aes_key(SECRETS["wecom_encoding_aes_key"])
    encrypted = encrypt(key, xml, SECRETS["wecom_corp_id"])
    ts, nonce = str(int(timestamp if timestamp is not None else time.time())), "1372623149"
    query = {
        "msg_signature": msg_signature(SECRETS["wecom_token"], ts, nonce, encrypted),
        "timestamp": ts,
        "nonce": nonce,
    }
    if echo:
        return WebhookRequest("GET", b"", {}, {**query, "echostr": encrypted})
    body = (
        f"<xml><ToUserName><![CDATA[{SECRETS['wecom_corp_id']}]]></ToUserName>"
        f"<AgentID><![CDATA[{SECRETS['wecom_agent_id']}]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    ).encode()
    return WebhookRequest("POST", body, {}, query)


# --------------------------------------------------------------------------- a stand-in send API


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class StandIn:
    """A local HTTP server answering every platform's send calls as the real APIs do, recording each call."""

    calls: list[Recorded] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "StandIn":
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                stand_in.calls.append(
                    Recorded(self.command, parts.path, dict(parse_qsl(parts.query)), dict(self.headers), body)
                )
                data = json.dumps(answer_for(parts.path)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def wait_for(self, path_part: str, timeout_s: float = 30.0) -> Recorded:
        """The first call whose path contains path_part, waiting for it to arrive."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for call in list(self.calls):
                if path_part in call.path:
                    return call
            time.sleep(0.05)
        raise AssertionError(f"no call to {path_part} within {timeout_s} s; got {[c.path for c in self.calls]}")


def answer_for(path: str) -> dict[str, Any]:
    """What each platform's API answers on success."""
    if "tenant_access_token" in path:
        return {"code": 0, "msg": "ok", "tenant_access_token": "t-test", "expire": 7200}
    if path.endswith("/open-apis/im/v1/messages"):
        return {"code": 0, "msg": "success", "data": {"message_id": "om_test"}}
    if path.endswith("/cgi-bin/gettoken"):
        return {"errcode": 0, "errmsg": "ok", "access_token": "wecom-token", "expires_in": 7200}
    if path.endswith("/cgi-bin/message/send"):
        return {"errcode": 0, "errmsg": "ok", "msgid": "msg-test"}
    if path.endswith("/sendMessage"):
        return {"ok": True, "result": {"message_id": 1}}
    if path.endswith("/chat.postMessage"):
        return {"ok": True, "channel": "D024BE91L", "ts": "1503435956.000247"}
    if path.endswith("/messages") and "/v2/bot/" not in path:
        return {"messaging_product": "whatsapp", "contacts": [], "messages": [{"id": "wamid.test"}]}
    if path.endswith("/me/messages"):
        return {"recipient_id": "6912345678901234", "message_id": "m_test"}
    return {}
