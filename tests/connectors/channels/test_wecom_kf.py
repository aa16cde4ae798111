"""WeChat customer service over WeCom: the announced callback, kf/sync_msg with its cursor, kf/send_msg."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.app import ImChannels
from bot.ports import Pulls
from bot.server.im_hub import ImHub
from bot.server.webhook_state import MemoryChannelState
from bot.server.webhooks import _pulled
from bot.testing import channels as testing
from connectors.channels import (
    DeliveryError,
    Inbound,
    Outbound,
    Outgoing,
    WebhookChannel,
    WebhookRequest,
    build_channels,
)
from connectors.channels.wecom import WeComChannel
from connectors.channels.wecom_kf import KfNotice
from tests.connectors.channels.conftest import channel_settings, fixture_bytes, fixture_json

NOW = 1764353700.0
KFID = "wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw"
CUSTOMER = "wmAJ2GCAAAme1XQRC-NI-q0_ZM9ukoAw"
CALLBACK_TOKEN = "ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR"


class KfApi:
    """A stand-in of the WeCom API: gettoken, then sync_msg pages as scripted, send_msg accepted."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.pages: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/cgi-bin/kf/sync_msg"):
            page = self.pages.pop(0) if self.pages else {"errcode": 0, "next_cursor": "", "has_more": 0, "msg_list": []}
            return httpx.Response(200, json=page)
        return httpx.Response(200, json=testing.answer_for(request.url.path) or {"errcode": 0, "errmsg": "ok"})

    def to(self, path: str) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.url.path == path]


@pytest.fixture
def api() -> KfApi:
    return KfApi()


@pytest.fixture
def wecom(api: KfApi) -> WeComChannel:
    channel = build_channels(channel_settings(), Outbound(transport=httpx.MockTransport(api)))["wecom"]
    assert isinstance(channel, WeComChannel)
    channel.kf.clock = lambda: NOW
    return channel


def _notice(wecom: WeComChannel) -> KfNotice:
    request = testing.wecom(fixture_bytes("wecom", "kf_msg_or_event.xml").decode(), NOW)
    assert wecom.verify(request, NOW)
    [notice] = wecom.parse(request)
    assert isinstance(notice, KfNotice)
    return notice


def _run(coro: Callable[[], Any]) -> Any:
    return asyncio.run(coro())


def test_the_kf_event_is_verified_decrypted_and_becomes_a_notice(wecom: WeComChannel) -> None:
    notice = _notice(wecom)
    assert (notice.open_kfid, notice.sync_token, notice.text) == (KFID, CALLBACK_TOKEN, "")
    tampered = testing.wecom(fixture_bytes("wecom", "kf_msg_or_event.xml").decode(), NOW)
    bad = WebhookRequest(
        "POST", tampered.body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[x"), {}, tampered.query
    )
    assert not wecom.verify(bad, NOW)


def test_a_kf_event_without_token_or_account_is_ignored(wecom: WeComChannel) -> None:
    xml = fixture_bytes("wecom", "kf_msg_or_event.xml").decode().replace("OpenKfId", "Other")
    assert wecom.parse(testing.wecom(xml, NOW)) == []


def test_sync_msg_is_called_with_the_documented_body_and_yields_customer_messages(
    wecom: WeComChannel, api: KfApi
) -> None:
    api.pages.append(fixture_json("wecom", "kf_sync_msg.json"))
    notice = _notice(wecom)
    messages = _run(lambda: wecom.pull(notice))
    [sync] = [r for r in api.requests if r.url.path == "/cgi-bin/kf/sync_msg"]
    assert sync.method == "POST" and sync.url.params["access_token"] == "wecom-token"
    assert json.loads(sync.content) == {"cursor": "", "token": CALLBACK_TOKEN, "limit": 1000, "open_kfid": KFID}
    chat = f"kf:{KFID}:{CUSTOMER}"
    # The servicer's reply (origin 5) and the enter_session event (origin 4) are not shopper turns.
    assert messages == [
        Inbound("kf:from_msgid_4622416642169452483", chat, CUSTOMER, "退货要多久到账？"),
        Inbound("kf:from_msgid_4622416642169452484", chat, CUSTOMER, "[image]"),
        Inbound(
            "kf:from_msgid_4622416642169452487",
            chat,
            CUSTOMER,
            "[location 23.1060218811035, 113.320503234863 广州国际媒体港(广州市海珠区)]",
        ),
    ]
    assert wecom.kf.cursor(KFID) == "4gw7MepFLfgF2VC5npN"


def test_the_next_sync_starts_at_the_kept_cursor_and_follows_has_more(wecom: WeComChannel, api: KfApi) -> None:
    page = fixture_json("wecom", "kf_sync_msg.json")
    api.pages += [{**page, "has_more": 1, "next_cursor": "c1"}, {**page, "msg_list": [], "next_cursor": "c2"}]
    _run(lambda: wecom.pull(_notice(wecom)))
    _run(lambda: wecom.pull(_notice(wecom)))
    cursors = [body["cursor"] for body in api.to("/cgi-bin/kf/sync_msg")]
    assert cursors == ["", "c1", "c2"]


def test_stale_messages_are_not_answered(wecom: WeComChannel, api: KfApi) -> None:
    page = fixture_json("wecom", "kf_sync_msg.json")
    wecom.kf.clock = lambda: NOW + 2 * 24 * 3600  # a restart replays days of history without a cursor
    api.pages.append(page)
    assert _run(lambda: wecom.pull(_notice(wecom))) == []


def test_the_flow_deduplicates_fetched_messages_on_msgid(wecom: WeComChannel, api: KfApi) -> None:
    page = fixture_json("wecom", "kf_sync_msg.json")
    api.pages += [page, page]  # a second callback whose sync returns the same messages again
    channels: dict[str, WebhookChannel] = {"wecom": wecom}
    hub = ImHub(channels, MemoryChannelState())
    assert isinstance(wecom, Pulls)
    first = _run(lambda: _pulled(hub, wecom, "wecom", [_notice(wecom)]))
    again = _run(lambda: _pulled(hub, wecom, "wecom", [_notice(wecom)]))
    assert len(first) == 3 and again == []


def test_app_messages_pass_through_pull_unchanged(wecom: WeComChannel, api: KfApi) -> None:
    [message] = wecom.parse(testing.wecom(fixture_bytes("wecom", "text_message.xml").decode(), NOW))
    assert _run(lambda: wecom.pull(message)) == [message]
    assert api.requests == []


def test_a_failed_sync_is_logged_and_yields_nothing(wecom: WeComChannel, api: KfApi) -> None:
    api.pages.append({"errcode": 95007, "errmsg": "invalid msg token"})
    hub = ImHub({"wecom": wecom}, MemoryChannelState())
    assert _run(lambda: _pulled(hub, wecom, "wecom", [_notice(wecom)])) == []
    assert wecom.kf.cursor(KFID) == ""


def test_a_kf_reply_goes_out_through_send_msg(wecom: WeComChannel, api: KfApi) -> None:
    _run(lambda: wecom.send(Outgoing(f"kf:{KFID}:{CUSTOMER}", "退款3-5个工作日到账。", buttons=("好的",))))
    token, send = api.requests
    assert token.url.path == "/cgi-bin/gettoken"
    assert send.method == "POST" and send.url.path == "/cgi-bin/kf/send_msg"
    assert send.url.params["access_token"] == "wecom-token"
    assert json.loads(send.content) == {
        "touser": CUSTOMER,
        "open_kfid": KFID,
        "msgtype": "text",
        "text": {"content": "退款3-5个工作日到账。\n好的"},
    }


def test_long_replies_are_cut_to_2048_bytes_on_a_character_boundary(wecom: WeComChannel, api: KfApi) -> None:
    _run(lambda: wecom.send(Outgoing(f"kf:{KFID}:{CUSTOMER}", "退" * 1000)))
    [body] = api.to("/cgi-bin/kf/send_msg")
    assert body["text"]["content"] == "退" * 682  # 3 bytes each: 2046 bytes


def test_a_send_msg_errcode_is_a_delivery_error(wecom: WeComChannel, api: KfApi) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/kf/send_msg"):
            return httpx.Response(200, json={"errcode": 95018, "errmsg": "send msg not allowed"})
        return api(request)

    channel = build_channels(channel_settings(), Outbound(transport=httpx.MockTransport(refuse)))["wecom"]
    with pytest.raises(DeliveryError, match="95018"):
        _run(lambda: channel.send(Outgoing(f"kf:{KFID}:{CUSTOMER}", "hi")))


def test_the_webhook_flow_fetches_answers_and_replies_once(api: KfApi) -> None:
    import time

    from fastapi.testclient import TestClient

    from bot.server.app import create_app
    from bot.testing.service import FakeService

    service = FakeService(channel_settings())
    outbound = Outbound(transport=httpx.MockTransport(api))
    channels = build_channels(service.settings, outbound)
    assert isinstance(channels["wecom"], WeComChannel)
    channels["wecom"].kf.clock = time.time
    page = fixture_json("wecom", "kf_sync_msg.json")
    for msg in page["msg_list"]:
        msg["send_time"] = int(time.time())
    page["msg_list"] = page["msg_list"][:1]
    api.pages += [page, page]  # the retried callback's sync returns the same message again
    app = create_app(service, ImChannels(channels, outbound.aclose))
    callback = fixture_bytes("wecom", "kf_msg_or_event.xml").decode().replace(CALLBACK_TOKEN, "token-1")
    retry = callback.replace("token-1", "token-2")
    with TestClient(app, raise_server_exceptions=False) as client:
        for xml in (callback, callback, retry):
            request = testing.wecom(xml)
            response = client.post("/v1/webhooks/wecom", content=request.body, params=dict(request.query))
            assert response.status_code == 200 and response.text == ""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (
            len(api.to("/cgi-bin/kf/sync_msg")) < 2 or not api.to("/cgi-bin/kf/send_msg")
        ):
            time.sleep(0.02)
    # Two distinct callbacks synced (the repeated token-1 was deduplicated before any fetch); one turn, one reply.
    assert len(api.to("/cgi-bin/kf/sync_msg")) == 2
    assert [text for _conversation, text in service.turns] == ["退货要多久到账？"]
    [sent] = api.to("/cgi-bin/kf/send_msg")
    assert sent["touser"] == CUSTOMER and sent["open_kfid"] == KFID and sent["msgtype"] == "text"
    assert sent["text"]["content"].startswith("You said: 退货要多久到账？")
