"""The webhook flow over the real app with a FakeService: verify first, answer, dedupe, reply, agent replies out."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import open_channels
from bot.server.app import create_app
from bot.settings import Settings
from bot.testing import channels as testing
from bot.testing.channels import SECRETS, answer_for
from bot.testing.service import FakeService
from bot.types import Conversation, ConversationState, Message, Reply
from connectors.channels import Outbound

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[2] / "fixtures" / "webhooks"


class Platforms:
    """The MockTransport handler standing in for every platform's API."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.fail = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail:
            return httpx.Response(403, json={"ok": False, "description": "Forbidden: bot was blocked by the user"})
        return httpx.Response(200, json=answer_for(request.url.path))

    def sent(self, path_end: str) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(path_end)]

    def wait(self, path_end: str, count: int = 1, timeout_s: float = 5.0) -> list[Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and len(self.sent(path_end)) < count:
            time.sleep(0.02)
        return self.sent(path_end)


@pytest.fixture
def platforms() -> Platforms:
    return Platforms()


@pytest.fixture
def service() -> FakeService:
    settings = Settings(_env_file=None, data_dir="/nonexistent", **SECRETS)  # type: ignore[call-arg]
    return FakeService(settings)


@pytest.fixture
def client(service: FakeService, platforms: Platforms) -> Iterator[TestClient]:
    outbound = Outbound(transport=httpx.MockTransport(platforms), sleep=_no_sleep)
    app = create_app(service, open_channels(service.settings, outbound))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


async def _no_sleep(seconds: float) -> None:
    return None


def _post(client: TestClient, platform: str, request: testing.WebhookRequest) -> httpx.Response:
    return client.post(
        f"/v1/webhooks/{platform}", content=request.body, headers=dict(request.headers), params=dict(request.query)
    )


def _telegram_update() -> bytes:
    return (FIXTURES / "telegram" / "text_message.json").read_bytes()


def test_a_verified_message_gets_the_engine_reply_on_its_platform(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    response = _post(client, "telegram", testing.telegram(_telegram_update()))
    assert response.status_code == 200 and response.text == "ok"
    [sent] = platforms.wait("/sendMessage")
    assert sent == {
        "chat_id": "1111111",
        "text": "You said: Hi, what is your return policy?\n\nSources: Returns and refunds",
    }
    [(conversation_id, text)] = service.turns
    conversation = service.store.get(conversation_id)
    assert conversation is not None and conversation.channel == "telegram"


def test_a_retried_delivery_is_answered_once(client: TestClient, service: FakeService, platforms: Platforms) -> None:
    for _ in range(3):
        assert _post(client, "telegram", testing.telegram(_telegram_update())).status_code == 200
    assert len(service.turns) == 1
    assert len(platforms.wait("/sendMessage")) == 1


def test_one_chat_is_one_conversation(client: TestClient, service: FakeService, platforms: Platforms) -> None:
    first = json.loads(_telegram_update())
    second = {
        **first,
        "update_id": 10009,
        "message": {**first["message"], "message_id": 1399, "text": "and exchanges?"},
    }
    for update in (first, second):
        _post(client, "telegram", testing.telegram(json.dumps(update).encode()))
    assert len(service.turns) == 2 and service.turns[0][0] == service.turns[1][0]


def test_a_bad_signature_is_401_with_nothing_processed_or_logged(
    client: TestClient, service: FakeService, platforms: Platforms, caplog: pytest.LogCaptureFixture
) -> None:
    body = (FIXTURES / "slack" / "message_im.json").read_bytes()
    signed = testing.slack(body)
    forged = testing.WebhookRequest("POST", body.replace(b"W2378156", b"W0000000"), signed.headers)
    with caplog.at_level(logging.DEBUG):
        response = _post(client, "slack", forged)
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_signature"
    assert service.turns == [] and service.store.list_ids() == [] and platforms.requests == []
    assert "W0000000" not in caplog.text and "Where is my order" not in caplog.text
    assert 'shopkeeper_errors_total{kind="webhook_rejected"} 1' in client.get("/metrics").text


def test_a_stale_slack_delivery_is_401(client: TestClient, service: FakeService) -> None:
    body = (FIXTURES / "slack" / "message_im.json").read_bytes()
    assert _post(client, "slack", testing.slack(body, time.time() - 600)).status_code == 401
    assert service.turns == []


def test_handshakes_answer_the_challenge(client: TestClient, service: FakeService) -> None:
    slack = _post(client, "slack", testing.slack((FIXTURES / "slack" / "url_verification.json").read_bytes()))
    assert slack.status_code == 200
    assert slack.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    query = {"hub.mode": "subscribe", "hub.verify_token": SECRETS["meta_verify_token"], "hub.challenge": "1158201444"}
    meta = client.get("/v1/webhooks/whatsapp", params=query)
    assert meta.status_code == 200 and meta.text == "1158201444"
    assert client.get("/v1/webhooks/whatsapp", params={**query, "hub.verify_token": "x"}).status_code == 401
    wecom = client.get("/v1/webhooks/wecom", params=dict(testing.wecom("echo-123", echo=True).query))
    assert wecom.status_code == 200 and wecom.text == "echo-123"
    assert service.turns == []


def test_echoes_and_receipts_are_acknowledged_and_ignored(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    echo = _post(client, "messenger", testing.meta((FIXTURES / "messenger" / "echo.json").read_bytes()))
    receipt = _post(client, "whatsapp", testing.meta((FIXTURES / "whatsapp" / "status_delivered.json").read_bytes()))
    bot = _post(client, "slack", testing.slack((FIXTURES / "slack" / "bot_message.json").read_bytes()))
    assert [echo.status_code, receipt.status_code, bot.status_code] == [200, 200, 200]
    assert echo.text == "EVENT_RECEIVED"
    assert service.turns == [] and platforms.requests == []


def test_a_verified_but_malformed_body_is_400(client: TestClient, service: FakeService) -> None:
    assert _post(client, "line", testing.line(b"[1, 2")).status_code == 400
    assert service.turns == []


def test_a_platform_that_is_not_enabled_is_404(service: FakeService) -> None:
    with TestClient(create_app(FakeService())) as plain:
        assert plain.post("/v1/webhooks/telegram", content=b"{}").status_code == 404
        assert plain.post("/v1/webhooks/icq", content=b"{}").status_code == 404


def test_an_agent_reply_reaches_the_shopper_on_their_platform(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    _post(client, "line", testing.line((FIXTURES / "line" / "text_message.json").read_bytes()))
    assert len(platforms.wait("/v2/bot/message/reply")) == 1
    [(conversation_id, _)] = service.turns
    _wait_outbox(client)
    service.agent_says(conversation_id, "Hi, this is Ana from the shop.")
    [push] = platforms.wait("/v2/bot/message/push")
    assert push == {
        "to": "U4af4980629a1b2c3d4e5f6a7b8c9d0e1",
        "messages": [{"type": "text", "text": "Hi, this is Ana from the shop."}],
    }
    # Web conversations are left to the widget.
    web, _token = service.start_conversation()
    service.agent_says(web.id, "not for LINE")
    time.sleep(0.2)
    assert len(platforms.sent("/v2/bot/message/push")) == 1


def test_a_failed_delivery_is_shown_to_the_agents(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    platforms.fail = True
    _post(client, "telegram", testing.telegram(_telegram_update()))
    [(conversation_id, _)] = service.turns
    notes = _wait_for_notes(service, conversation_id)
    assert len(notes) == 1 and "Delivery to telegram failed" in notes[0].text and "403" in notes[0].text
    assert 'shopkeeper_errors_total{kind="im_delivery"} 1' in client.get("/metrics").text


def _wait_outbox(client: TestClient) -> None:
    deadline = time.monotonic() + 5
    while not client.app.state.webhooks.sending.is_set():  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the outbox did not subscribe"
        time.sleep(0.02)


def _wait_for_notes(service: FakeService, conversation_id: str, timeout_s: float = 5.0) -> list[Message]:
    """The conversation's system notes, once there is one (the outbox sends, and records failures, on its own)."""
    deadline = time.monotonic() + timeout_s
    while True:
        notes = [m for m in service.store.messages(conversation_id) if m.role == "system"]
        if notes or time.monotonic() > deadline:
            return notes
        time.sleep(0.02)


def test_the_meta_verify_token_is_redacted_from_access_logs() -> None:
    from bot.server.webhooks import RedactVerifyToken

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s"',
        ("1.2.3.4", "GET", "/x?hub.verify_token=s3cret&a=1"),
        None,
    )
    RedactVerifyToken().filter(record)
    assert "s3cret" not in record.getMessage() and "hub.verify_token=[redacted]&a=1" in record.getMessage()


def test_bot_messages_outside_a_turn_are_sent_once_and_turn_replies_are_not_resent(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    from bot.stores.codec import message_event

    _wait_outbox(client)
    _post(client, "telegram", testing.telegram(_telegram_update()))
    [(conversation_id, _)] = service.turns
    notice = service.store.append(Message(conversation_id, "bot", "An agent will join shortly."))
    service.bus.publish(message_event(notice))
    system = service.store.append(Message(conversation_id, "system", "audit: claimed by Ana"))
    service.bus.publish(message_event(system))
    time.sleep(0.6)  # long enough for a wrongly repeated send to show
    texts = [m["text"] for m in platforms.wait("/sendMessage", count=2)]
    assert texts == [
        "You said: Hi, what is your return policy?\n\nSources: Returns and refunds",
        "An agent will join shortly.",
    ]


def test_a_turn_of_several_replies_goes_out_once_in_order_the_first_on_the_reply_token(
    client: TestClient, service: FakeService, platforms: Platforms
) -> None:
    def two_replies(conversation: Conversation, text: str) -> tuple[tuple[Reply, ...], ConversationState]:
        return (Reply("First, the short answer."), Reply("Then the details.")), conversation.state

    service.script = two_replies
    _post(client, "line", testing.line((FIXTURES / "line" / "text_message.json").read_bytes()))
    platforms.wait("/v2/bot/message/push")
    time.sleep(0.3)  # long enough for a wrongly repeated send to show
    sent = [(r.url.path.rsplit("/", 1)[-1], json.loads(r.content)) for r in platforms.requests]
    assert [(kind, body["messages"][0]["text"]) for kind, body in sent] == [
        ("reply", "First, the short answer."),
        ("push", "Then the details."),
    ]
    assert sent[0][1]["replyToken"] == "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), platform=st.sampled_from(["telegram", "slack", "whatsapp", "line"]))
def test_signed_garbage_is_400_or_ignored_never_500(client: TestClient, platform: str, body: bytes) -> None:
    sign = {"telegram": testing.telegram, "slack": testing.slack, "whatsapp": testing.meta, "line": testing.line}
    response = _post(client, platform, sign[platform](body))
    assert response.status_code in (200, 400), response.text
