"""Fuzzing every parse with random and truncated payloads: a BadPayload (400) or nothing, never a crash (500)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.testing import channels as testing
from connectors.channels import BadPayload, WebhookChannel, WebhookRequest
from tests.connectors.channels.conftest import fixture_bytes, fixture_json

JSON_FIXTURES = {
    "telegram": ["text_message.json", "photo_message.json", "edited_message.json"],
    "slack": ["message_im.json", "bot_message.json", "url_verification.json"],
    "whatsapp": ["text_message.json", "status_delivered.json", "location_message.json"],
    "messenger": ["text_message.json", "echo.json", "image_message.json"],
    "line": ["text_message.json", "sticker_message.json"],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """Replace one nested value (chosen by path indexes) so payloads keep their documented shape around it."""
    if not path or not isinstance(value, (dict, list)) or not value:
        return replacement
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _mutate(copy[key], path[1:], replacement)
    return copy


def _parse_or_reject(channel: WebhookChannel, request: WebhookRequest) -> None:
    try:
        found = channel.parse(request)
        channel.handshake(request)
    except BadPayload:
        return
    for message in found:
        assert isinstance(message.text, str) and message.chat_id and message.event_id


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("platform", sorted(JSON_FIXTURES))
@FUZZ
@given(data=st.data())
def test_mutated_documented_payloads(channels: dict[str, WebhookChannel], platform: str, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(JSON_FIXTURES[platform]))
    payload = fixture_json(platform, name)
    path = data.draw(st.lists(st.integers(min_value=0, max_value=50), max_size=6))
    body = json.dumps(_mutate(payload, path, data.draw(json_values))).encode()
    _parse_or_reject(channels[platform], WebhookRequest("POST", body))


@pytest.mark.parametrize("platform", sorted(JSON_FIXTURES))
@FUZZ
@given(cut=st.integers(min_value=0, max_value=2000), noise=st.binary(max_size=40))
def test_truncated_and_random_bytes(channels: dict[str, WebhookChannel], platform: str, cut: int, noise: bytes) -> None:
    body = fixture_bytes(platform, JSON_FIXTURES[platform][0])
    _parse_or_reject(channels[platform], WebhookRequest("POST", body[:cut]))
    _parse_or_reject(channels[platform], WebhookRequest("POST", noise))


@FUZZ
@given(data=st.data())
def test_feishu_decrypted_events(channels: dict[str, WebhookChannel], data: st.DataObject) -> None:
    event = fixture_json("feishu", "im_message_receive_v1.json")
    path = data.draw(st.lists(st.integers(min_value=0, max_value=50), max_size=5))
    mutated = _mutate(event, path, data.draw(json_values))
    if not isinstance(mutated, dict):
        mutated = {"value": mutated}
    _parse_or_reject(channels["feishu"], testing.feishu(mutated))
    raw = data.draw(st.binary(max_size=80))
    _parse_or_reject(channels["feishu"], WebhookRequest("POST", raw))
    _parse_or_reject(channels["feishu"], WebhookRequest("POST", json.dumps({"encrypt": raw.hex()}).encode()))


@FUZZ
@given(xml=st.text(max_size=200), cut=st.integers(min_value=0, max_value=400))
def test_wecom_decrypted_xml(channels: dict[str, WebhookChannel], xml: str, cut: int) -> None:
    _parse_or_reject(channels["wecom"], testing.wecom(xml))
    documented = fixture_bytes("wecom", "text_message.xml").decode()
    _parse_or_reject(channels["wecom"], testing.wecom(documented[:cut]))
    signed = testing.wecom(documented)
    _parse_or_reject(channels["wecom"], WebhookRequest("POST", signed.body[:cut], {}, signed.query))
