"""Two app replicas over one Redis: a shopper on replica A sees what happens through replica B."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.server.app import create_app
from bot.stores.redis import RedisBus, RedisStore
from bot.testing.service import FakeService

pytestmark = pytest.mark.timeout(60)


def replica(url: str) -> FakeService:
    service = FakeService()
    service.store = RedisStore.from_url(url)  # type: ignore[assignment]
    service.bus = RedisBus(url)  # type: ignore[assignment]
    return service


def test_websocket_on_one_replica_sees_turns_and_agents_of_another(redis_url: str) -> None:
    a, b = replica(redis_url), replica(redis_url)
    with TestClient(create_app(a)) as on_a, TestClient(create_app(b)) as on_b:
        started = on_a.post("/v1/conversations", json={"locale": "en"}).json()
        cid, token = started["conversation_id"], started["token"]
        on_b.post(
            f"/v1/conversations/{cid}/messages", json={"text": "first"}, headers={"Authorization": f"Bearer {token}"}
        )
        with on_a.websocket_connect(f"/v1/conversations/{cid}/stream?token={token}&after=1") as ws:
            assert ws.receive_json()["state"] == "bot"
            assert ws.receive_json()["message"]["text"] == "You said: first"  # the backlog after seq 1
            on_b.post(
                f"/v1/conversations/{cid}/messages",
                json={"text": "a human please"},
                headers={"Authorization": f"Bearer {token}"},
            )
            frames = [ws.receive_json() for _ in range(4)]
            assert [f["type"] for f in frames] == ["message", "typing", "message", "state"]
            assert [f["message"]["seq"] for f in frames if f["type"] == "message"] == [3, 4]
            assert frames[-1]["state"] == "waiting_for_agent"
            b.agent_says(cid, "Hi, Ana here")
            agent = ws.receive_json()
            assert agent["message"]["role"] == "agent" and agent["message"]["seq"] == 5
        transcript = on_a.get(f"/v1/conversations/{cid}/messages", headers={"Authorization": f"Bearer {token}"}).json()
        assert transcript["state"] == "waiting_for_agent" and len(transcript["messages"]) == 5
