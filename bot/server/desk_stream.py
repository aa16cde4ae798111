"""The agents' websocket: a queue snapshot, the missed transcript of an open conversation, then every live event."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from bot.desk.handoff import HandoffDesk
from bot.errors import ShopkeeperError
from bot.server.deps import service_of
from bot.server.desk_api import desk_of
from bot.stores.codec import message_to_json
from bot.stores.subscription import close as close_events
from bot.stores.subscription import wait_ready
from bot.types import JSON

logger = logging.getLogger(__name__)

router = APIRouter()

#: Presence is refreshed this often while the socket is open (the directory's window is 90 s).
HEARTBEAT_S = 30.0


@router.websocket("/v1/agent/stream")
async def agent_stream(
    websocket: WebSocket, token: str | None = None, conversation: str | None = None, after: int = 0
) -> None:
    """Resuming: reconnect with ?conversation=ID&after=LAST_SEQ; subscribing happens before the
    snapshot and the backlog are read, so nothing published in between is lost (the console
    drops duplicates by message id)."""
    await websocket.accept()
    try:
        desk = desk_of(service_of(websocket))
        agent = await run_in_threadpool(desk.directory.authenticate, token)
    except ShopkeeperError as exc:
        await websocket.close(code=4000 + exc.status, reason=exc.message[:120])
        return
    lock = asyncio.Lock()

    async def send(frame: dict[str, JSON]) -> None:
        async with lock:
            await websocket.send_text(json.dumps(frame, ensure_ascii=False))

    events = desk.bus.subscribe("*")
    tasks: list[asyncio.Task[None]] = []
    try:
        await wait_ready(events)
        await send(await run_in_threadpool(_snapshot, desk, agent, conversation, max(after, 0)))
        tasks = [
            asyncio.create_task(_pump(send, events)),
            asyncio.create_task(_read(websocket, send)),
            asyncio.create_task(_heartbeat(desk, agent)),
        ]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is not None and not isinstance(task.exception(), WebSocketDisconnect):
                logger.error("agent websocket task failed: %s", type(task.exception()).__name__)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
        await close_events(events)
        if websocket.client_state == WebSocketState.CONNECTED:
            try:
                await websocket.close(code=1000)
            except RuntimeError:
                pass


def _snapshot(desk: HandoffDesk, agent: str, conversation: str | None, after: int) -> dict[str, JSON]:
    entries: list[JSON] = list(desk.queue())
    frame: dict[str, JSON] = {
        "type": "snapshot",
        "agent": agent,
        "entries": entries,
        "online": list(desk.directory.online()),
    }
    if conversation and desk.store.get(conversation) is not None:
        frame["conversation_id"] = conversation
        frame["messages"] = [message_to_json(m) for m in desk.store.messages(conversation, after)]
    return frame


async def _pump(send: Any, events: Any) -> None:
    async for event in events:
        await send(event.to_json())


async def _read(websocket: WebSocket, send: Any) -> None:
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            return
        try:
            frame = json.loads(received.get("text") or "")
        except ValueError:
            continue
        if isinstance(frame, dict) and frame.get("type") == "ping":
            await send({"type": "pong"})


async def _heartbeat(desk: HandoffDesk, agent: str) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        await run_in_threadpool(desk.directory.seen, agent)
