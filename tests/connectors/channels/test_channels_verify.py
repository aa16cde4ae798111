"""Every platform's verification: a valid delivery passes, a tampered one fails, a stale one fails where signed."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from bot.testing import channels as testing
from connectors.channels import WebhookChannel, WebhookRequest
from tests.connectors.channels.conftest import fixture_bytes, fixture_json

NOW = time.time()


def _signed(platform: str, timestamp: float = NOW) -> WebhookRequest:
    if platform == "telegram":
        return testing.telegram(fixture_bytes("telegram", "text_message.json"))
    if platform == "slack":
        return testing.slack(fixture_bytes("slack", "message_im.json"), timestamp)
    if platform in ("whatsapp", "messenger"):
        return testing.meta(fixture_bytes(platform, "text_message.json"))
    if platform == "line":
        return testing.line(fixture_bytes("line", "text_message.json"))
    if platform == "feishu":
        return testing.feishu(fixture_json("feishu", "im_message_receive_v1.json"), timestamp)
    return testing.wecom(fixture_bytes("wecom", "text_message.xml").decode(), timestamp)


def _tampered(request: WebhookRequest) -> WebhookRequest:
    if request.body.startswith(b"<xml>"):
        # WeCom signs the Encrypt element: change one character of it.
        return replace(request, body=request.body.replace(b"<![CDATA[", b"<![CDATA[A", 3).replace(b"[A", b"[", 2))
    return replace(request, body=request.body.replace(b'"', b' "', 1))


ALL = ["telegram", "slack", "whatsapp", "messenger", "line", "feishu", "wecom"]
TIMESTAMPED = ["slack", "feishu", "wecom"]


@pytest.mark.parametrize("platform", ALL)
def test_a_correctly_signed_delivery_verifies(channels: dict[str, WebhookChannel], platform: str) -> None:
    assert channels[platform].verify(_signed(platform), NOW)


@pytest.mark.parametrize("platform", [p for p in ALL if p != "telegram"])
def test_a_tampered_body_is_rejected(channels: dict[str, WebhookChannel], platform: str) -> None:
    tampered = _tampered(_signed(platform))
    assert tampered.body != _signed(platform).body
    assert not channels[platform].verify(tampered, NOW)


@pytest.mark.parametrize("platform", ALL)
def test_a_missing_or_wrong_signature_is_rejected(channels: dict[str, WebhookChannel], platform: str) -> None:
    request = _signed(platform)
    assert not channels[platform].verify(replace(request, headers={}, query={}), NOW)
    wrong_headers = {k: v[:-2] + ("00" if not v.endswith("00") else "11") for k, v in request.headers.items()}
    wrong_query = {k: (v[:-2] + "00" if k == "msg_signature" else v) for k, v in request.query.items()}
    assert not channels[platform].verify(replace(request, headers=wrong_headers, query=wrong_query), NOW)


def test_telegram_checks_the_secret_token_header(channels: dict[str, WebhookChannel]) -> None:
    request = _signed("telegram")
    assert not channels["telegram"].verify(replace(request, headers={"x-telegram-bot-api-secret-token": "nope"}), NOW)


@pytest.mark.parametrize("platform", TIMESTAMPED)
def test_a_stale_timestamp_is_rejected_even_when_correctly_signed(
    channels: dict[str, WebhookChannel], platform: str
) -> None:
    stale = _signed(platform, NOW - 301)
    assert not channels[platform].verify(stale, NOW)
    assert channels[platform].verify(_signed(platform, NOW - 290), NOW)
    assert not channels[platform].verify(_signed(platform, NOW + 600), NOW)


def test_slack_url_verification_is_answered_with_the_challenge(channels: dict[str, WebhookChannel]) -> None:
    request = testing.slack(fixture_bytes("slack", "url_verification.json"), NOW)
    slack = channels["slack"]
    assert slack.verify(request, NOW)
    handshake = slack.handshake(request)
    assert handshake is not None and json.loads(handshake.body) == {
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    }


@pytest.mark.parametrize("platform", ["whatsapp", "messenger"])
def test_meta_subscription_get_echoes_the_challenge_only_with_our_verify_token(
    channels: dict[str, WebhookChannel], platform: str
) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": testing.SECRETS["meta_verify_token"],
        "hub.challenge": "1158201444",
    }
    request = WebhookRequest("GET", b"", {}, query)
    assert channels[platform].verify(request, NOW)
    handshake = channels[platform].handshake(request)
    assert handshake is not None and handshake.body == "1158201444"
    assert not channels[platform].verify(replace(request, query={**query, "hub.verify_token": "guess"}), NOW)


def test_feishu_challenge_comes_unsigned_and_is_accepted_only_with_our_token(
    channels: dict[str, WebhookChannel],
) -> None:
    feishu = channels["feishu"]
    challenge = {
        **fixture_json("feishu", "url_verification.json"),
        "token": testing.SECRETS["feishu_verification_token"],
    }
    request = testing.feishu(challenge, signed=False)
    assert feishu.verify(request, NOW)
    handshake = feishu.handshake(request)
    assert handshake is not None and json.loads(handshake.body) == {"challenge": "ajls384kdjx98XX"}
    assert not feishu.verify(testing.feishu({**challenge, "token": "xxxxxx"}, signed=False), NOW)
    # An unsigned message event is not a challenge: rejected.
    assert not feishu.verify(testing.feishu(fixture_json("feishu", "im_message_receive_v1.json"), signed=False), NOW)


def test_wecom_echostr_check_answers_the_decrypted_echostr(channels: dict[str, WebhookChannel]) -> None:
    wecom = channels["wecom"]
    request = testing.wecom("8231098021370", NOW, echo=True)
    assert wecom.verify(request, NOW)
    handshake = wecom.handshake(request)
    assert handshake is not None and handshake.body == "8231098021370"
    assert not wecom.verify(replace(request, query={**request.query, "echostr": request.query["echostr"][1:]}), NOW)
