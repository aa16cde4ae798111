"""Parsing documented payloads into shopper messages: text, readable stand-ins, and what is ignored."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.testing import channels as testing
from connectors.channels import BadPayload, Inbound, WebhookChannel, WebhookRequest
from tests.connectors.channels.conftest import fixture_bytes, fixture_json

_REQUESTS: dict[str, Callable[[bytes], WebhookRequest]] = {
    "telegram": testing.telegram,
    "slack": testing.slack,
    "whatsapp": testing.meta,
    "messenger": testing.meta,
    "line": testing.line,
    "wecom": lambda body: testing.wecom(body.decode()),
}
"""How each platform delivers a recorded body: its headers, signature and (WeCom) XML envelope."""


def _parse(channels: dict[str, WebhookChannel], platform: str, fixture: str) -> list[Inbound]:
    """What the platform's channel makes of one of its recorded webhook bodies."""
    return channels[platform].parse(_REQUESTS[platform](fixture_bytes(platform, fixture)))


def test_telegram(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "telegram", "text_message.json")
    assert message == Inbound("10000", "1111111", "1111111", "Hi, what is your return policy?")
    [photo] = _parse(channels, "telegram", "photo_message.json")
    assert photo.text == "[photo] this arrived broken"
    assert _parse(channels, "telegram", "edited_message.json") == []


def test_slack(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "slack", "message_im.json")
    assert message == Inbound("Ev0PV52K21", "D024BE91L", "U2147483697", "Where is my order #W2378156?")
    assert _parse(channels, "slack", "bot_message.json") == []  # our own echo


def test_whatsapp(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "whatsapp", "text_message.json")
    assert message.chat_id == "16505551234" and message.text == "Does the espresso machine come in red?"
    assert message.event_id.startswith("wamid.")
    assert _parse(channels, "whatsapp", "status_delivered.json") == []
    [place] = _parse(channels, "whatsapp", "location_message.json")
    assert place.text == "[location 37.483307, -122.148981 Philz Coffee]"


def test_messenger(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "messenger", "text_message.json")
    assert message == Inbound(
        "m_1457764197618:41d102a3e1ae206a38",
        "6912345678901234",
        "6912345678901234",
        "Can I still change my delivery address?",
    )
    assert _parse(channels, "messenger", "echo.json") == []
    [image] = _parse(channels, "messenger", "image_message.json")
    assert image.text == "[image]"


def test_line(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "line", "text_message.json")
    assert message.event_id == "01FZ74A0TDDPYRVKNK77XKC3ZR"
    assert message.chat_id == "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"
    assert message.reply_token == "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
    assert message.text == "How long does shipping to Osaka take?"
    [sticker] = _parse(channels, "line", "sticker_message.json")
    assert sticker.text == "[sticker happy, smile]"
    assert _parse(channels, "line", "verify_empty.json") == []


def test_feishu(channels: dict[str, WebhookChannel]) -> None:
    feishu = channels["feishu"]
    [message] = feishu.parse(testing.feishu(fixture_json("feishu", "im_message_receive_v1.json")))
    assert message == Inbound(
        "5e3702a84e847582be8db7fb73283c02",
        "oc_5ce6d572455d361153b7xx51da133945",
        "ou_84aad35d084aa403a838cf73ee18467",
        "我的订单什么时候发货？",
    )
    from_app = fixture_json("feishu", "im_message_receive_v1.json")
    from_app["event"]["sender"]["sender_type"] = "app"
    assert feishu.parse(testing.feishu(from_app)) == []
    wrong_token = fixture_json("feishu", "im_message_receive_v1.json")
    wrong_token["header"]["token"] = "someone-else"
    with pytest.raises(BadPayload):
        feishu.parse(testing.feishu(wrong_token))


def test_wecom(channels: dict[str, WebhookChannel]) -> None:
    [message] = _parse(channels, "wecom", "text_message.xml")
    assert message == Inbound("1234567890123456", "zhangsan", "zhangsan", "退货要多久到账？")
    assert _parse(channels, "wecom", "enter_agent_event.xml") == []


def test_wecom_refuses_messages_encrypted_for_another_corp(channels: dict[str, WebhookChannel]) -> None:
    from connectors.channels.wecom_crypto import aes_key, decrypt, encrypt

    key = aes_key(testing.SECRETS["wecom_encoding_aes_key"])
    assert decrypt(key, encrypt(key, "<xml/>", "ww1234567890abcdef"), "ww1234567890abcdef") == "<xml/>"
    with pytest.raises(BadPayload):
        decrypt(key, encrypt(key, "<xml/>", "wwOTHER"), "ww1234567890abcdef")


def test_wecom_refuses_xml_with_a_dtd() -> None:
    from connectors.channels.wecom import xml_fields

    with pytest.raises(BadPayload):
        xml_fields('<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>')


@pytest.mark.parametrize("platform", ["telegram", "slack", "line"])
def test_a_body_that_is_not_json_is_a_bad_payload(channels: dict[str, WebhookChannel], platform: str) -> None:
    with pytest.raises(BadPayload):
        channels[platform].parse(WebhookRequest("POST", b"{not json"))
