"""A real `shopkeeper` server process running the LLM engine against the scripted OpenAI-compatible server:
deltas over the websocket, a tool-using reply, the trace over HTTP, and the fallback when the model fails."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Iterator

import httpx
import pytest
import websockets

from bot.testing import llm_server as llm
from tests.e2e.conftest import Server, copy_data_dir, running_server

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def model() -> Iterator[llm.ScriptedLlmServer]:
    with llm.ScriptedLlmServer(chunk_chars=5) as s:
        yield s


@pytest.fixture(scope="module")
def llm_server(
    server: Server, model: llm.ScriptedLlmServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    # Its own copy of the built shop and index (Chroma's files are one process's), the LLM engine switched on.
    data_dir = copy_data_dir(server.data_dir, tmp_path_factory.mktemp("llm-e2e") / "data")
    with running_server(data_dir, SHOPKEEPER_LLM_BASE_URL=model.base_url, SHOPKEEPER_LLM_MODEL="scripted") as srv:
        yield srv


def _start(srv: Server) -> tuple[str, str]:
    response = httpx.post(f"{srv.base_url}/v1/conversations", json={"channel": "web", "locale": "en"}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"], response.json()["token"]


async def _turn(ws: Any, text: str, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Sends a message and reads frames until the bot's reply message arrives."""
    await ws.send(json.dumps({"type": "message", "text": text}))
    frames: list[dict[str, Any]] = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout_s))
        frames.append(frame)
        if frame["type"] == "message" and frame["message"]["role"] == "bot":
            return frames


def test_a_tool_using_reply_streams_as_deltas_over_the_websocket(
    llm_server: Server, model: llm.ScriptedLlmServer, real_order: tuple[str, str]
) -> None:
    order_id, email = real_order
    model.reset()
    model.script(
        llm.tool_call("find_user_id_by_email", {"email": "<EMAIL_1>"}),
        llm.tool_call("get_order_details", {"order_id": order_id}),
        llm.text(f"Thanks <EMAIL_1>: your order {order_id} has been delivered."),
    )
    cid, token = _start(llm_server)

    async def scenario() -> list[dict[str, Any]]:
        async with websockets.connect(f"{llm_server.ws_url}/v1/conversations/{cid}/stream?token={token}") as ws:
            assert json.loads(await ws.recv())["type"] == "state"
            return await _turn(ws, f"Hi, I'm {email}. Where is my order {order_id}?")

    frames = asyncio.run(scenario())
    deltas = [str(f["text"]) for f in frames if f["type"] == "delta"]
    reply = frames[-1]["message"]["text"]
    assert len(deltas) >= 3, [f["type"] for f in frames]
    assert "".join(deltas).strip() == reply
    assert reply == f"Thanks {email}: your order {order_id} has been delivered."  # her own email, restored
    assert model.pending == 0
    # The model saw placeholders only, and the order through the tool, its address masked.
    seen = model.seen_text()
    assert email not in seen and "<EMAIL_1>" in seen
    tool_results = [m["content"] for m in model.requests[-1]["messages"] if m["role"] == "tool"]
    assert any('"status": "delivered"' in r for r in tool_results), tool_results


def test_the_trace_names_the_engine_that_answered(llm_server: Server, model: llm.ScriptedLlmServer) -> None:
    model.reset()
    model.script(llm.tool_call("list_all_product_types", {}), llm.text("We sell plenty of things."))
    cid, _ = _start(llm_server)
    admin = {"Authorization": f"Bearer {llm_server.admin_token}"}
    url = f"{llm_server.base_url}/v1/conversations/{cid}/messages?trace=1"
    with httpx.Client(timeout=120) as client:
        body = client.post(url, json={"text": "What do you sell?"}, headers=admin).json()
        assert body["trace"]["engine"] == "llm", body
        assert [c["name"] for c in body["trace"]["tool_calls"]][-1] == "list_all_product_types"
        assert "decide.llm" in body["trace"]["timings_ms"] and "decide.tools" in body["trace"]["timings_ms"]
        assert body["replies"][0]["text"] == "We sell plenty of things."

        # The model fails (and its one retry too): the embedded engine answers, and the trace says so.
        model.script(llm.error(500), llm.error(500))
        body = client.post(url, json={"text": "What is your return policy?"}, headers=admin).json()
        assert body["trace"]["engine"] == "embedded", body
        assert body["state"] == "bot" and any(r["citations"] for r in body["replies"])
