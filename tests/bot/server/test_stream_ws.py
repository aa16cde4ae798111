"""The conversation websocket: auth close codes, resume with after=, live events, bad frames."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from bot.testing.service import FakeService

pytestmark = pytest.mark.timeout(60)

ADMIN = "admin-secret"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def url(cid: str, token: str | None = None, after: int | None = None) -> str:
    query = []
    if token is not None:
        query.append(f"token={token}")
    if after is not None:
        query.append(f"after={after}")
    return f"/v1/conversations/{cid}/stream" + ("?" + "&".join(query) if query else "")


def until_message(ws: Any, role: str) -> dict[str, Any]:
    """Frames up to and including the next message frame of `role`."""
    while True:
        frame = ws.receive_json()
        if frame["type"] == "message" and frame["message"]["role"] == role:
            return frame


@pytest.mark.parametrize(("which", "code"), [("no_token", 4401), ("wrong_token", 4403), ("unknown", 4404)])
def test_bad_credentials_close_with_code(
    client: TestClient, conversation: tuple[str, str], which: str, code: int
) -> None:
    cid, token = conversation
    target = {
        "no_token": url(cid),
        "wrong_token": url(cid, "not-the-token"),
        "unknown": url("c_unknown", token),
    }[which]
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect(target) as ws:
            ws.receive_json()
    assert closed.value.code == code


def test_connect_sends_state_then_live_turn(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    with client.websocket_connect(url(cid, token)) as ws:
        assert ws.receive_json() == {"type": "state", "conversation_id": cid, "state": "bot"}
        ws.send_json({"type": "message", "text": "What is your return policy?"})
        frames = [ws.receive_json() for _ in range(3)]
        assert [f["type"] for f in frames] == ["message", "typing", "message"]
        shopper, typing, bot = frames
        assert shopper["message"]["role"] == "shopper" and shopper["message"]["seq"] == 1
        assert typing == {"type": "typing", "conversation_id": cid, "role": "bot"}
        assert bot["message"]["text"] == "You said: What is your return policy?"
        assert bot["message"]["citations"][0]["source"] == "policies/returns.md"
        ws.send_json({"type": "message", "text": "get me a human"})
        handoff = until_message(ws, "bot")
        assert handoff["message"]["seq"] == 4
        assert ws.receive_json() == {"type": "state", "conversation_id": cid, "state": "waiting_for_agent"}
    assert "shopkeeper_turns_total 2" in client.get("/metrics").text


def test_resume_with_after_sends_only_missed_messages(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    for text in ("one", "two"):
        client.post(f"/v1/conversations/{cid}/messages", json={"text": text}, headers=auth(token))
    with client.websocket_connect(url(cid, token, after=2)) as ws:
        assert ws.receive_json()["type"] == "state"
        missed = [ws.receive_json() for _ in range(2)]
        assert [(f["message"]["seq"], f["message"]["text"]) for f in missed] == [(3, "two"), (4, "You said: two")]
        ws.send_json({"type": "message", "text": "three"})
        shopper = ws.receive_json()
        assert shopper["message"]["seq"] == 5  # nothing before it was repeated
    with client.websocket_connect(url(cid, token, after=0)) as ws:
        ws.receive_json()
        assert [ws.receive_json()["message"]["seq"] for _ in range(6)] == [1, 2, 3, 4, 5, 6]


def test_events_published_from_another_thread_reach_the_socket(
    client: TestClient, service: FakeService, conversation: tuple[str, str]
) -> None:
    cid, token = conversation
    with client.websocket_connect(url(cid, ADMIN)) as ws:  # the admin token may watch any conversation
        assert ws.receive_json()["type"] == "state"
        agent = threading.Thread(target=service.agent_says, args=(cid, "Hi, Ana here"))
        agent.start()
        agent.join()
        frame = ws.receive_json()
        assert frame["message"]["role"] == "agent" and frame["message"]["author"] == "Ana"


@pytest.mark.parametrize(
    ("frame", "kind"),
    [
        (b"\x00binary", "bytes"),
        ("not json", "text"),
        ("[1, 2]", "text"),
        ('{"type": "dance"}', "text"),
        ('{"type": "message"}', "text"),
        ('{"type": "message", "text": 5}', "text"),
        ('{"type": "message", "text": "   "}', "text"),
        ('{"type": "message", "text": "' + "x" * 300 + '"}', "text"),
        ('{"type": "message", "text": "' + "y" * 3000 + '"}', "text"),
    ],
)
def test_bad_frames_get_an_error_frame_and_the_socket_stays(
    client: TestClient, conversation: tuple[str, str], frame: str | bytes, kind: str
) -> None:
    cid, token = conversation
    with client.websocket_connect(url(cid, token)) as ws:
        ws.receive_json()
        if kind == "bytes":
            ws.send_bytes(frame)  # type: ignore[arg-type]
        else:
            ws.send_text(frame)  # type: ignore[arg-type]
        error = ws.receive_json()
        assert error["type"] == "error" and error["message"]
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        ws.send_json({"type": "message", "text": "still here?"})
        assert until_message(ws, "bot")["message"]["text"] == "You said: still here?"


def test_a_failing_turn_reports_an_error_frame(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    with client.websocket_connect(url(cid, token)) as ws:
        ws.receive_json()
        ws.send_json({"type": "message", "text": "boom"})
        frame = ws.receive_json()
        while frame["type"] != "error":
            frame = ws.receive_json()
        assert frame["code"] == "internal" and "boom" not in frame["message"]


def test_closing_the_socket_unsubscribes(
    client: TestClient, service: FakeService, conversation: tuple[str, str]
) -> None:
    cid, token = conversation
    with client.websocket_connect(url(cid, token)) as ws:
        ws.receive_json()
        assert service.bus.subscriber_count(cid) == 1
    for _ in range(100):
        if service.bus.subscriber_count(cid) == 0:
            break
        threading.Event().wait(0.02)
    assert service.bus.subscriber_count(cid) == 0
    assert "shopkeeper_websockets 0" in client.get("/metrics").text
