"""The agent API and websocket over the real Service (fake shop, scripted engine) through the real app."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.desk.handoff import open_desk
from bot.desk.staff import hash_password
from bot.privacy.scrubber import PiiScrubber
from bot.server.app import create_app
from bot.service import Service, SignedIdentity, sign_identity
from bot.settings import Settings
from bot.testing.fakes import ScriptedEngine
from bot.testing.turns import service_over, turn_handler
from bot.types import Decision, Handoff, Intent, Language, Reply, Sentiment, Understanding

pytestmark = pytest.mark.timeout(120)

SECRET = "shop-secret"
AGENTS = f"ana:{hash_password('pw-ana', iterations=1000)},bo:{hash_password('pw-bo', iterations=1000)}"


def understand(text: str, locale: Language | None) -> Understanding:
    """A keyword stand-in for bot.understanding.understander: the scripted engine decides anyway, and no model loads."""
    intent = "human_agent" if "human" in text.lower() else "other"
    return Understanding(locale or "en", Intent(intent, 0.9), Sentiment("neutral", 0.0))


HANDOFF = Decision(replies=(Reply("Passing you to a colleague."),), handoff=Handoff("requested", "Asked for a human."))


def make_service(agents: str = AGENTS, handoffs: int = 1) -> tuple[Service, ScriptedEngine]:
    """Wired as bot/app.py wires it: the turn asks the desk whether anyone can answer before it hands off."""
    settings = Settings.model_validate({"identity_secret": SECRET, "agents": agents, "redis_url": None})
    engine = ScriptedEngine([HANDOFF] * handoffs)
    turns = turn_handler(engine, PiiScrubber(use_ner=False), understand)
    desk = open_desk(settings, turns.store, turns.bus)
    return service_over(replace(turns, desk=desk), settings, handoff=desk), engine


@pytest.fixture
def app() -> Iterator[tuple[TestClient, Service]]:
    service, _ = make_service()
    with TestClient(create_app(service), raise_server_exceptions=False) as client:
        yield client, service


def sign_in(client: TestClient, name: str) -> dict[str, str]:
    response = client.post("/v1/agent/sessions", json={"name": name, "password": f"pw-{name}"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def handed_off(client: TestClient, service: Service) -> tuple[str, str]:
    identity = SignedIdentity("jane_doe_1001", sign_identity(SECRET, "jane_doe_1001"))
    conversation, token = service.start_conversation(locale="en", identity=identity)
    reply = client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"text": "I want to talk to a human"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.json()["state"] == "waiting_for_agent"
    return conversation.id, token


def test_sign_in_is_checked(app: tuple[TestClient, Service]) -> None:
    client, _ = app
    assert client.post("/v1/agent/sessions", json={"name": "ana", "password": "wrong"}).status_code == 401
    assert client.post("/v1/agent/sessions", json={"name": "eve", "password": "pw-eve"}).status_code == 401
    assert client.post("/v1/agent/sessions", json={"name": "ana"}).status_code == 422
    assert client.get("/v1/agent/queue").status_code == 401
    assert client.get("/v1/agent/queue", headers={"Authorization": "Bearer nope"}).status_code == 401
    headers = sign_in(client, "ana")
    assert client.get("/v1/agent/queue", headers=headers).json()["online"] == ["ana"]
    assert client.post("/v1/agent/sessions/end", headers=headers).status_code == 204
    assert client.get("/v1/agent/queue", headers=headers).status_code == 401


def test_full_handoff_over_http(app: tuple[TestClient, Service]) -> None:
    client, service = app
    ana, bo = sign_in(client, "ana"), sign_in(client, "bo")
    cid, token = handed_off(client, service)
    shopper = {"Authorization": f"Bearer {token}"}

    entries = client.get("/v1/agent/queue", headers=ana).json()["entries"]
    assert [e["conversation_id"] for e in entries] == [cid]
    assert entries[0]["reason"] == "requested" and "human" in entries[0]["summary"]

    detail = client.get(f"/v1/agent/conversations/{cid}", headers=ana).json()
    assert detail["customer"]["customer_id"] == "jane_doe_1001"
    assert detail["customer"]["orders"] and detail["customer"]["orders"][0]["order_id"].startswith("#W")
    assert [m["role"] for m in detail["messages"]][:2] == ["shopper", "bot"]

    assert client.post(f"/v1/agent/conversations/{cid}/claim", headers=ana).status_code == 200
    second = client.post(f"/v1/agent/conversations/{cid}/claim", headers=bo)
    assert second.status_code == 409 and "ana" in second.json()["error"]["message"]
    assert client.post(f"/v1/agent/conversations/{cid}/messages", json={"text": "hi"}, headers=bo).status_code == 403

    # While a human holds it the bot is silent, and the shopper's words are kept.
    silent = client.post(f"/v1/conversations/{cid}/messages", json={"text": "hello?"}, headers=shopper).json()
    assert silent == {"replies": [], "state": "agent"}
    sent = client.post(f"/v1/agent/conversations/{cid}/messages", json={"text": "Hi Jane, Ana here"}, headers=ana)
    assert sent.status_code == 201 and sent.json()["message"]["role"] == "agent"
    assert client.post(f"/v1/agent/conversations/{cid}/notes", json={"text": "VIP"}, headers=ana).status_code == 201
    transcript = client.get(f"/v1/conversations/{cid}/messages", headers=shopper).json()["messages"]
    assert "Hi Jane, Ana here" in [m["text"] for m in transcript] and "VIP" not in [m["text"] for m in transcript]

    canned = client.get("/v1/agent/canned?locale=zh", headers=ana).json()["responses"]
    assert any("ana" in c for c in canned)
    assert client.get(f"/v1/agent/conversations/{cid}/suggestions", headers=ana).status_code == 200

    assert client.post(f"/v1/agent/conversations/{cid}/release", headers=ana).json()["state"] == "bot"
    again = client.post(f"/v1/conversations/{cid}/messages", json={"text": "thanks, one more thing"}, headers=shopper)
    assert again.json()["replies"], "the bot answers again after release"


def test_close_asks_for_a_rating_and_stores_it(app: tuple[TestClient, Service]) -> None:
    client, service = app
    ana = sign_in(client, "ana")
    cid, token = handed_off(client, service)
    client.post(f"/v1/agent/conversations/{cid}/claim", headers=ana)
    assert client.post(f"/v1/agent/conversations/{cid}/close", headers=ana).json()["state"] == "closed"
    client.post(f"/v1/conversations/{cid}/messages", json={"text": "5"}, headers={"Authorization": f"Bearer {token}"})
    assert client.get(f"/v1/agent/conversations/{cid}", headers=ana).json()["csat"] == 5


def test_agent_websocket_sends_snapshot_backlog_and_live_events(app: tuple[TestClient, Service]) -> None:
    client, service = app
    ana = sign_in(client, "ana")
    token = ana["Authorization"].split()[1]
    cid, _ = handed_off(client, service)
    with client.websocket_connect(f"/v1/agent/stream?token={token}&conversation={cid}&after=1") as ws:
        snapshot = ws.receive_json()
        assert snapshot["type"] == "snapshot" and snapshot["entries"][0]["conversation_id"] == cid
        assert [m["seq"] for m in snapshot["messages"]][0] == 2, "the backlog resumes after the given seq"
        client.post(f"/v1/agent/conversations/{cid}/claim", headers=ana)
        kinds = set()
        for _ in range(3):  # state, queue, the system line "ana joined"
            frame = ws.receive_json()
            kinds.add(frame["type"])
            assert frame["conversation_id"] == cid
        assert {"state", "queue", "message"} <= kinds


def test_agent_websocket_refuses_a_bad_token(app: tuple[TestClient, Service]) -> None:
    client, _ = app
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect("/v1/agent/stream?token=nope") as ws:
            ws.receive_json()
    assert closed.value.code == 4401


def test_nobody_signed_in_the_shopper_leaves_a_message_that_agents_list_and_answer() -> None:
    service, _ = make_service(handoffs=2)
    with TestClient(create_app(service), raise_server_exceptions=False) as client:
        conversation, token = service.start_conversation(locale="en")
        cid, shopper = conversation.id, {"Authorization": f"Bearer {token}"}
        url = f"/v1/conversations/{cid}/messages"

        offer = client.post(url, json={"text": "I want to talk to a human"}, headers=shopper).json()
        assert offer["state"] == "bot", "nobody is signed in: no one to wait for"
        assert "no one" in offer["replies"][0]["text"] and "email" in offer["replies"][0]["text"]
        left = client.post(url, json={"text": "My lamp flickers, write to jane@example.com"}, headers=shopper).json()
        assert left["state"] == "bot" and "jane@example.com" in left["replies"][0]["text"]

        ana = sign_in(client, "ana")
        assert client.get("/v1/agent/queue", headers=ana).json()["entries"] == []
        [message] = client.get("/v1/agent/messages", headers=ana).json()["messages"]
        assert message["conversation_id"] == cid and message["reply_to"] == "jane@example.com"
        assert message["message"] == "My lamp flickers, write to jane@example.com"
        assert client.get(f"/v1/agent/conversations/{cid}", headers=ana).json()["conversation"]["state"] == "bot"
        done = client.post(f"/v1/agent/messages/{message['id']}/answered", headers=ana)
        assert done.status_code == 200 and done.json()["message"]["answered_by"] == "ana"
        assert client.get("/v1/agent/messages", headers=ana).json()["messages"] == []
        assert client.post(f"/v1/agent/messages/{message['id']}/answered", headers=ana).status_code == 404
        assert client.get("/v1/agent/messages").status_code == 401

        # Now an agent is signed in: asking for a person hands off as before.
        again = client.post(url, json={"text": "I want to talk to a human"}, headers=shopper).json()
        assert again["state"] == "waiting_for_agent"


def test_openapi_documents_the_agent_api(app: tuple[TestClient, Service]) -> None:
    client, _ = app
    paths = client.get("/openapi.json").json()["paths"]
    documented = (
        "/v1/agent/sessions",
        "/v1/agent/queue",
        "/v1/agent/messages",
        "/v1/agent/conversations/{conversation_id}/claim",
    )
    for path in documented:
        assert path in paths
