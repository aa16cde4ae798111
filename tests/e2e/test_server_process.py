"""The real server process over real sockets: HTTP and websocket conversations in English and Chinese."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.e2e.conftest import Server

pytestmark = pytest.mark.timeout(900)

#: Per language: a policy question, a "where is my order" opener, the order-number prompt, a
#: delivered order's status, a request for a person, what the bot says when nobody can answer, and a
#: message for the team.
PHRASES = {
    "en": {
        "policy": "What is your return policy?",
        "where": "Where is my order?",
        "asks": "order number",
        "delivered": "delivered",
        "human": "I want to talk to a human",
        "nobody": "no one from our team",
        "message": "My parcel arrived damaged, the box was crushed. Please write to",
    },
    "zh": {
        "policy": "你们的退货政策是什么？",
        "where": "我的订单到哪了？",
        "asks": "订单号",
        "delivered": "已送达",
        "human": "我要转人工客服",
        "nobody": "没有人工客服",
        "message": "包裹送到时外箱被压坏了，请发邮件到",
    },
}


def start(client: httpx.Client, locale: str) -> tuple[str, str]:
    response = client.post("/v1/conversations", json={"channel": "web", "locale": locale, "identity": None})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["conversation_id"], body["token"]


def say(client: httpx.Client, cid: str, token: str, text: str, trace: bool = False) -> dict[str, Any]:
    response = client.post(
        f"/v1/conversations/{cid}/messages" + ("?trace=1" if trace else ""),
        json={"text": text},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def text_of(body: dict[str, Any]) -> str:
    return "\n".join(r["text"] for r in body["replies"])


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_http_conversation(server: Server, real_order: tuple[str, str], locale: str) -> None:
    words = PHRASES[locale]
    order_id, email = real_order
    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        cid, token = start(client, locale)

        policy = say(client, cid, token, words["policy"])
        assert policy["state"] == "bot"
        citations = [c for r in policy["replies"] for c in r["citations"]]
        assert citations, policy
        assert all(c["source"] and c["title"] and c["snippet"] for c in citations)
        assert any("return" in c["source"].lower() for c in citations), citations

        asks = say(client, cid, token, words["where"])
        assert words["asks"] in text_of(asks), asks

        # Traced with the admin token: the model saw the email as a placeholder, never the address.
        status = say(client, cid, server.admin_token, f"{order_id} {email}", trace=True)
        assert order_id in text_of(status) and words["delivered"] in text_of(status), status
        assert email not in status["trace"]["model_input"]
        assert any(call["name"] for call in status["trace"]["tool_calls"]), status["trace"]

        # No agent account on this server (the default): nobody can answer, so the bot says so at once,
        # takes a message for the team, and the conversation stays with it.
        handoff = say(client, cid, token, words["human"])
        assert handoff["state"] == "bot" and words["nobody"] in text_of(handoff), handoff
        left = say(client, cid, token, f"{words['message']} {email}")
        assert left["state"] == "bot" and email in text_of(left), left

        transcript = client.get(f"/v1/conversations/{cid}/messages", headers={"Authorization": f"Bearer {token}"})
        body = transcript.json()
        assert body["state"] == "bot"
        roles = [m["role"] for m in body["messages"]]
        assert roles.count("shopper") == 5 and "bot" in roles
        assert [m["seq"] for m in body["messages"]] == list(range(1, len(roles) + 1))


async def _turn(ws: Any, text: str) -> tuple[list[dict[str, Any]], str | None]:
    """Send one message; frames until the bot has answered (and the state event, when there is one)."""
    await ws.send(json.dumps({"type": "message", "text": text}))
    frames: list[dict[str, Any]] = []
    state: str | None = None
    saw_bot = False
    while True:
        try:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=2.0 if saw_bot else 120))
        except asyncio.TimeoutError:
            if saw_bot:
                return frames, state
            raise
        frames.append(frame)
        if frame["type"] == "error":
            raise AssertionError(frame)
        if frame["type"] == "state":
            state = frame["state"]
        if frame["type"] == "message" and frame["message"]["role"] == "bot":
            saw_bot = True


def _bot_text(frames: list[dict[str, Any]]) -> str:
    return "\n".join(f["message"]["text"] for f in frames if f["type"] == "message" and f["message"]["role"] == "bot")


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_websocket_conversation_and_resume(server: Server, real_order: tuple[str, str], locale: str) -> None:
    words = PHRASES[locale]
    order_id, email = real_order
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        cid, token = start(client, locale)
    stream = f"{server.ws_url}/v1/conversations/{cid}/stream?token={token}"

    async def scenario() -> None:
        async with websockets.connect(stream) as ws:
            assert json.loads(await ws.recv()) == {"type": "state", "conversation_id": cid, "state": "bot"}

            frames, _ = await _turn(ws, words["policy"])
            kinds = [f["type"] for f in frames]
            assert "typing" in kinds and kinds.count("message") >= 2, kinds
            shopper = next(f for f in frames if f["type"] == "message")
            assert shopper["message"]["role"] == "shopper" and shopper["message"]["text"] == words["policy"]
            bot = [f["message"] for f in frames if f["type"] == "message" and f["message"]["role"] == "bot"]
            assert any(m["citations"] for m in bot), bot

            await ws.send("this is not json")  # a bad frame is answered, the socket stays open
            assert json.loads(await ws.recv())["type"] == "error"

            frames, _ = await _turn(ws, words["where"])
            assert words["asks"] in _bot_text(frames)
            frames, _ = await _turn(ws, f"{order_id} {email}")
            assert order_id in _bot_text(frames) and words["delivered"] in _bot_text(frames)
            last_seq = max(f["message"]["seq"] for f in frames if f["type"] == "message")

        # Disconnected: the next turn goes over HTTP, then the socket resumes after last_seq.
        with httpx.Client(base_url=server.base_url, timeout=120) as client:
            assert say(client, cid, token, words["human"])["state"] == "bot", "no agent account: nobody to wait for"
        async with websockets.connect(f"{stream}&after={last_seq}") as ws:
            first = json.loads(await ws.recv())
            assert first == {"type": "state", "conversation_id": cid, "state": "bot"}
            missed = []
            while True:
                try:
                    missed.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=2)))
                except asyncio.TimeoutError:
                    break
            seqs = [f["message"]["seq"] for f in missed]
            assert seqs and seqs == list(range(last_seq + 1, last_seq + 1 + len(seqs)))
            assert missed[0]["message"]["text"] == words["human"]

    asyncio.run(scenario())


def test_websocket_rejects_a_wrong_token(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        cid, _ = start(client, "en")

    async def scenario() -> int | None:
        async with websockets.connect(f"{server.ws_url}/v1/conversations/{cid}/stream?token=wrong") as ws:
            try:
                await asyncio.wait_for(ws.recv(), timeout=10)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
        return None

    assert asyncio.run(scenario()) == 4403


def test_operations_endpoints(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200 and all(ready.json()["components"].values())
        metrics = client.get("/metrics").text
        assert "shopkeeper_turns_total" in metrics
        bad = client.post("/v1/conversations", content=b"{oops", headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "malformed_json"
        assert '<script src="/widget.js"' in client.get("/").text
