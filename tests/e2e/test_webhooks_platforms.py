"""End to end per platform family: a signed webhook into the real server process, the engine's reply out to a
local stand-in of the platform's send API (the server's *_API_BASE settings point there)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.testing import channels as testing
from bot.testing.channels import SECRETS, StandIn
from connectors.channels import WebhookRequest
from tests.e2e.conftest import Server, copy_data_dir, running_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
RETURNS_EN = "What is your return policy?"
RETURNS_ZH = "你们的退货政策是什么？"


@dataclass(frozen=True)
class ImServer:
    server: Server
    stand_in: StandIn


@pytest.fixture(scope="module")
def im_server(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImServer]:
    """A second server process with every channel enabled, on a copy of the session server's built data."""
    data_dir = copy_data_dir(server.data_dir, tmp_path_factory.mktemp("im-data"))
    stand_in = StandIn().start()
    try:
        with running_server(data_dir, server.admin_token, **testing.settings_env(stand_in.url)) as srv:
            yield ImServer(srv, stand_in)
    finally:
        stand_in.stop()


def _post(im: ImServer, platform: str, request: WebhookRequest) -> httpx.Response:
    return httpx.post(
        f"{im.server.base_url}/v1/webhooks/{platform}",
        content=request.body,
        headers=dict(request.headers),
        params=dict(request.query),
        timeout=10,
    )


def _text(call_body: Any, *keys: str) -> str:
    value = call_body
    for key in keys:
        value = value[int(key)] if isinstance(value, list) else value[key]
    assert isinstance(value, str)
    return value


def _fixture(platform: str, name: str, replace: dict[str, str]) -> bytes:
    raw = (FIXTURES / platform / name).read_text(encoding="utf-8")
    for old, new in replace.items():
        raw = raw.replace(old, new)
    return raw.encode()


def test_telegram(im_server: ImServer) -> None:
    body = _fixture("telegram", "text_message.json", {"Hi, what is your return policy?": RETURNS_EN})
    tampered = testing.WebhookRequest("POST", body, {"x-telegram-bot-api-secret-token": "wrong"})
    assert _post(im_server, "telegram", tampered).status_code == 401
    assert _post(im_server, "telegram", testing.telegram(body)).status_code == 200
    call = im_server.stand_in.wait_for("/sendMessage")
    assert call.path == f"/telegram/bot{SECRETS['telegram_bot_token']}/sendMessage"
    assert call.body["chat_id"] == "1111111" and "return" in call.body["text"].lower()
    # A retried delivery is answered once.
    assert _post(im_server, "telegram", testing.telegram(body)).status_code == 200
    assert len([c for c in im_server.stand_in.calls if c.path.endswith("/sendMessage")]) == 1


def test_slack(im_server: ImServer) -> None:
    challenge = _post(im_server, "slack", testing.slack((FIXTURES / "slack" / "url_verification.json").read_bytes()))
    assert challenge.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    body = _fixture("slack", "message_im.json", {"Where is my order #W2378156?": RETURNS_EN})
    assert _post(im_server, "slack", testing.slack(body, timestamp=0)).status_code == 401  # stale
    assert _post(im_server, "slack", testing.slack(body)).status_code == 200
    call = im_server.stand_in.wait_for("/chat.postMessage")
    assert call.headers["Authorization"] == f"Bearer {SECRETS['slack_bot_token']}"
    assert call.body["channel"] == "D024BE91L" and "return" in call.body["text"].lower()


def test_meta_whatsapp_and_messenger(im_server: ImServer) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": SECRETS["meta_verify_token"], "hub.challenge": "8675309"}
    assert httpx.get(f"{im_server.server.base_url}/v1/webhooks/whatsapp", params=query).text == "8675309"
    wa = _fixture("whatsapp", "text_message.json", {"Does the espresso machine come in red?": RETURNS_EN})
    assert _post(im_server, "whatsapp", testing.meta(wa)).status_code == 200
    call = im_server.stand_in.wait_for("/whatsapp/106540352242922/messages")
    assert call.body["to"] == "16505551234" and "return" in _text(call.body, "text", "body").lower()
    ms = _fixture("messenger", "text_message.json", {"Can I still change my delivery address?": RETURNS_EN})
    assert _post(im_server, "messenger", testing.meta(ms)).status_code == 200
    call = im_server.stand_in.wait_for("/messenger/me/messages")
    assert call.query["access_token"] == SECRETS["messenger_page_access_token"]
    assert call.body["recipient"] == {"id": "6912345678901234"}
    assert "return" in _text(call.body, "message", "text").lower()


def test_line(im_server: ImServer) -> None:
    body = _fixture("line", "text_message.json", {"How long does shipping to Osaka take?": RETURNS_EN})
    tampered = testing.line(body)
    assert _post(im_server, "line", WebhookRequest("POST", body + b" ", tampered.headers)).status_code == 401
    assert _post(im_server, "line", testing.line(body)).status_code == 200
    call = im_server.stand_in.wait_for("/line/v2/bot/message/reply")
    assert call.body["replyToken"] == "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
    assert "return" in _text(call.body, "messages", "0", "text").lower()


def test_feishu(im_server: ImServer) -> None:
    challenge = {
        "challenge": "ajls384kdjx98XX",
        "token": SECRETS["feishu_verification_token"],
        "type": "url_verification",
    }
    assert _post(im_server, "feishu", testing.feishu(challenge, signed=False)).json() == {
        "challenge": "ajls384kdjx98XX"
    }
    event = json.loads((FIXTURES / "feishu" / "im_message_receive_v1.json").read_text(encoding="utf-8"))
    event["event"]["message"]["content"] = json.dumps({"text": RETURNS_ZH}, ensure_ascii=False)
    assert _post(im_server, "feishu", testing.feishu(event)).status_code == 200
    call = im_server.stand_in.wait_for("/feishu/open-apis/im/v1/messages")
    assert call.query == {"receive_id_type": "chat_id"} and call.headers["Authorization"] == "Bearer t-test"
    reply = json.loads(call.body["content"])["text"]
    assert reply and "出了点问题" not in reply  # a real answer, not the engine-failure apology


def test_wecom(im_server: ImServer) -> None:
    check = testing.wecom("echo-5150", echo=True)
    echo = httpx.get(f"{im_server.server.base_url}/v1/webhooks/wecom", params=dict(check.query), timeout=10)
    assert echo.status_code == 200 and echo.text == "echo-5150"
    xml = (FIXTURES / "wecom" / "text_message.xml").read_text(encoding="utf-8").replace("退货要多久到账？", RETURNS_ZH)
    assert _post(im_server, "wecom", testing.wecom(xml)).status_code == 200
    call = im_server.stand_in.wait_for("/wecom/cgi-bin/message/send")
    assert call.query == {"access_token": "wecom-token"}
    assert call.body["touser"] == "zhangsan" and call.body["agentid"] == 1000002
    assert call.body["text"]["content"] and "出了点问题" not in call.body["text"]["content"]
