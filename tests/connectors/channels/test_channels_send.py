"""Sending: the exact request each platform's API documents, retries on 429/5xx with Retry-After, clear failures."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from connectors.channels import DeliveryError, Outgoing, WebhookChannel
from connectors.channels.outbound import coded_json, retry_after
from tests.connectors.channels.conftest import Recorder


def _send(channel: WebhookChannel, out: Outgoing) -> None:
    asyncio.run(channel.send(out))


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_telegram_send_message(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    _send(channels["telegram"], Outgoing("1111111", "Returns are free within 30 days.", buttons=("Yes", "No")))
    [request] = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.telegram.org/bot123456:TEST-bot-token/sendMessage"
    assert _body(request) == {
        "chat_id": "1111111",
        "text": "Returns are free within 30 days.",
        "reply_markup": {
            "keyboard": [[{"text": "Yes"}], [{"text": "No"}]],
            "one_time_keyboard": True,
            "resize_keyboard": True,
        },
    }


def test_slack_chat_post_message(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    _send(channels["slack"], Outgoing("D024BE91L", "Your order shipped.", buttons=("Track it", "Talk to a human")))
    [request] = recorder.requests
    assert str(request.url) == "https://slack.com/api/chat.postMessage"
    assert request.headers["authorization"] == "Bearer xoxb-test-token"
    assert _body(request) == {"channel": "D024BE91L", "text": "Your order shipped.\nTrack it / Talk to a human"}


def test_slack_ok_false_is_a_delivery_error(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    recorder.script.append(httpx.Response(200, json={"ok": False, "error": "channel_not_found"}))
    with pytest.raises(DeliveryError, match="channel_not_found"):
        _send(channels["slack"], Outgoing("D0", "hi"))


def test_whatsapp_text_and_reply_buttons(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    wa = channels["whatsapp"]
    _send(wa, Outgoing("16505551234", "It comes in red and black."))
    _send(wa, Outgoing("16505551234", "Cancel order #W1?", buttons=("Yes", "No")))
    first, second = recorder.requests
    assert str(first.url) == "https://graph.facebook.com/v21.0/106540352242922/messages"
    assert first.headers["authorization"] == "Bearer wa-access-token"
    assert _body(first) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "16505551234",
        "type": "text",
        "text": {"preview_url": False, "body": "It comes in red and black."},
    }
    assert _body(second)["interactive"] == {
        "type": "button",
        "body": {"text": "Cancel order #W1?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "b0", "title": "Yes"}},
                {"type": "reply", "reply": {"id": "b1", "title": "No"}},
            ]
        },
    }


def test_messenger_send_api_with_quick_replies(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    _send(channels["messenger"], Outgoing("6912345678901234", "Which size?", buttons=("S", "M")))
    [request] = recorder.requests
    assert request.url.path == "/v21.0/me/messages"
    assert request.url.params["access_token"] == "page-access-token"
    assert _body(request) == {
        "recipient": {"id": "6912345678901234"},
        "messaging_type": "RESPONSE",
        "message": {
            "text": "Which size?",
            "quick_replies": [
                {"content_type": "text", "title": "S", "payload": "S"},
                {"content_type": "text", "title": "M", "payload": "M"},
            ],
        },
    }


def test_line_replies_with_the_token_and_falls_back_to_push(
    channels: dict[str, WebhookChannel], recorder: Recorder
) -> None:
    line = channels["line"]
    _send(line, Outgoing("U4af49806", "Two days.", buttons=("Thanks",), reply_token="nHuyWiB7"))
    [reply] = recorder.requests
    assert str(reply.url) == "https://api.line.me/v2/bot/message/reply"
    assert reply.headers["authorization"] == "Bearer line-access-token"
    assert _body(reply) == {
        "replyToken": "nHuyWiB7",
        "messages": [
            {
                "type": "text",
                "text": "Two days.",
                "quickReply": {
                    "items": [{"type": "action", "action": {"type": "message", "label": "Thanks", "text": "Thanks"}}]
                },
            }
        ],
    }
    recorder.script.append(httpx.Response(400, json={"message": "Invalid reply token"}))
    _send(line, Outgoing("U4af49806", "Later.", reply_token="expired"))
    assert str(recorder.requests[-1].url) == "https://api.line.me/v2/bot/message/push"
    assert _body(recorder.requests[-1]) == {"to": "U4af49806", "messages": [{"type": "text", "text": "Later."}]}


def test_feishu_gets_a_tenant_token_once_then_sends(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    feishu = channels["feishu"]
    _send(feishu, Outgoing("oc_5ce6", "已发货"))
    _send(feishu, Outgoing("oc_5ce6", "还有别的吗？"))
    token, first, second = recorder.requests
    assert str(token.url) == "https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal"
    assert _body(token) == {"app_id": "cli_9f5343c580712544", "app_secret": "feishu-app-secret"}
    assert str(first.url) == "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id"
    assert first.headers["authorization"] == "Bearer t-test"
    assert _body(first) == {
        "receive_id": "oc_5ce6",
        "msg_type": "text",
        "content": json.dumps({"text": "已发货"}, ensure_ascii=False),
    }
    assert second.url.path.endswith("/im/v1/messages")


def test_wecom_gets_an_access_token_then_message_send(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    _send(channels["wecom"], Outgoing("zhangsan", "退款3-5个工作日到账。"))
    token, send = recorder.requests
    assert token.method == "GET" and token.url.path == "/cgi-bin/gettoken"
    assert dict(token.url.params) == {"corpid": "ww1234567890abcdef", "corpsecret": "wecom-corp-secret"}
    assert send.url.path == "/cgi-bin/message/send" and send.url.params["access_token"] == "wecom-token"
    assert _body(send) == {
        "touser": "zhangsan",
        "msgtype": "text",
        "agentid": 1000002,
        "text": {"content": "退款3-5个工作日到账。"},
    }


def test_wecom_errcode_is_a_delivery_error(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    recorder.script += [
        httpx.Response(200, json={"errcode": 0, "access_token": "t", "expires_in": 7200}),
        httpx.Response(200, json={"errcode": 81013, "errmsg": "user invalid"}),
    ]
    with pytest.raises(DeliveryError, match="81013"):
        _send(channels["wecom"], Outgoing("nobody", "hi"))


def test_429_waits_as_long_as_retry_after_says(
    channels: dict[str, WebhookChannel], recorder: Recorder, sleeps: list[float]
) -> None:
    recorder.script += [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(503)]
    _send(channels["telegram"], Outgoing("1", "hi"))
    assert len(recorder.requests) == 3
    assert sleeps == [7.0, 1.0]  # Retry-After, then exponential backoff (0.5 * 2**1)


def test_retries_give_up_with_a_delivery_error(
    channels: dict[str, WebhookChannel], recorder: Recorder, sleeps: list[float]
) -> None:
    recorder.script += [httpx.Response(500)] * 4
    with pytest.raises(DeliveryError, match="500 after retries"):
        _send(channels["slack"], Outgoing("D0", "hi"))
    assert len(recorder.requests) == 4 and sleeps == [0.5, 1.0, 2.0]


def test_a_4xx_is_not_retried(channels: dict[str, WebhookChannel], recorder: Recorder) -> None:
    recorder.script.append(httpx.Response(403, json={"ok": False}))
    with pytest.raises(DeliveryError, match="403"):
        _send(channels["telegram"], Outgoing("1", "hi"))
    assert len(recorder.requests) == 1


def test_retry_after_accepts_an_http_date() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert retry_after(response, now=1445412480.0) == pytest.approx(10.0)
    assert retry_after(httpx.Response(429)) is None


def test_telegram_retry_after_in_the_body_is_honoured(
    channels: dict[str, WebhookChannel], recorder: Recorder, sleeps: list[float]
) -> None:
    too_many = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    recorder.script.append(httpx.Response(429, json=too_many))
    _send(channels["telegram"], Outgoing("1", "hi"))
    assert sleeps == [3.0] and len(recorder.requests) == 2


def test_graph_rate_limit_errors_are_retried(
    channels: dict[str, WebhookChannel], recorder: Recorder, sleeps: list[float]
) -> None:
    pair_rate = {"error": {"message": "(#131056) pair rate limit hit", "type": "OAuthException", "code": 131056}}
    recorder.script.append(httpx.Response(400, json=pair_rate))
    _send(channels["whatsapp"], Outgoing("16505551234", "hi"))
    assert len(recorder.requests) == 2 and sleeps == [0.5]
    recorder.script.append(httpx.Response(400, json={"error": {"message": "Invalid parameter", "code": 100}}))
    with pytest.raises(DeliveryError, match="400"):
        _send(channels["whatsapp"], Outgoing("16505551234", "hi"))


def test_coded_answers_name_the_failure_and_its_code() -> None:
    ok = httpx.Response(200, json={"errcode": 0, "access_token": "t"})
    assert coded_json("wecom", ok, "no access token", needs="access_token")["access_token"] == "t"
    assert coded_json("wecom", httpx.Response(200, json={}), "send failed") == {}  # WeCom may leave errcode out
    with pytest.raises(DeliveryError, match=r"^wecom: send failed \(errcode 81013\)$"):
        coded_json("wecom", httpx.Response(200, json={"errcode": 81013}), "send failed")
    with pytest.raises(DeliveryError, match=r"^feishu: no token \(code \)$"):
        coded_json("feishu", httpx.Response(200, json={}), "no token", code="code", absent_ok=False)
    with pytest.raises(DeliveryError, match=r"^feishu: no token \(code 0\)$"):
        coded_json("feishu", httpx.Response(200, json={"code": 0}), "no token", code="code", needs="token")
