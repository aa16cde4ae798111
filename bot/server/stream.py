"""The conversation websocket: state, the missed transcript, then live events; shoppers send messages on it."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Coroutine

import anyio
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from bot.errors import ShopkeeperError
from bot.server.deps import ServiceApi, service_of
from bot.server.errors import error_code
from bot.server.limits import check_text
from bot.server.metrics import Metrics
from bot.server.turns import public_message, run_turn
from bot.stores.subscription import close as close_events
from bot.stores.subscription import wait_ready
from bot.types import JSON, Conversation

logger = logging.getLogger(__name__)

router = APIRouter()

#: Close codes: 4000 + the HTTP status the same failure gets on the REST API.
_CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404, 503: 4503}


class _Socket:
    """Serialises sends: the event pump and the frame reader both write to one socket."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self._lock = asyncio.Lock()

    async def send(self, frame: dict[str, JSON]) -> None:
        async with self._lock:
            await self.ws.send_text(json.dumps(frame, ensure_ascii=False))

    async def error(self, message: str, code: str = "bad_frame") -> None:
        await self.send({"type": "error", "code": code, "message": message})


@router.websocket("/v1/conversations/{conversation_id}/stream")
async def stream(websocket: WebSocket, conversation_id: str, token: str | None = None, after: int = 0) -> None:
    # Accept first: a close before the handshake completes loses its code (the client sees 403).
    await websocket.accept()
    try:
        service = service_of(websocket)
        conversation = service.authorize(conversation_id, token)
    except ShopkeeperError as exc:
        await websocket.close(code=_CLOSE_CODES.get(exc.status, 4400), reason=exc.message[:120])
        return
    metrics: Metrics = websocket.app.state.metrics
    socket = _Socket(websocket)
    metrics.websocket(+1)
    # Subscribe before reading the transcript so a message stored in between is not lost;
    # the pump drops what the backlog already sent (by seq).
    events = service.bus.subscribe(conversation_id)
    try:
        await wait_ready(events)
        last_seq = await _send_backlog(socket, service, conversation, max(after, 0))
        # Whichever side ends first (client gone, bus closed) ends the other.
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_until_done, tasks.cancel_scope, _pump(socket, events, last_seq))
            tasks.start_soon(_until_done, tasks.cancel_scope, _read(socket, service, metrics, conversation_id))
    except WebSocketDisconnect:
        pass
    finally:
        metrics.websocket(-1)
        await close_events(events)
        if websocket.client_state == WebSocketState.CONNECTED:
            try:
                await websocket.close(code=1000)
            except RuntimeError:
                pass  # already closed from the other side


async def _until_done(scope: anyio.CancelScope, work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except WebSocketDisconnect:
        pass
    except Exception as exc:  # logged by type only: frames may carry shopper text
        logger.error("websocket task failed: %s", type(exc).__name__)
    finally:
        scope.cancel()


async def _send_backlog(socket: _Socket, service: ServiceApi, conversation: Conversation, after: int) -> int:
    await socket.send({"type": "state", "conversation_id": conversation.id, "state": conversation.state})
    last_seq = after
    for message in service.transcript(conversation.id, after):
        await socket.send({"type": "message", "conversation_id": conversation.id, "message": public_message(message)})
        last_seq = max(last_seq, message.seq)
    return last_seq


async def _pump(socket: _Socket, events: Any, last_seq: int) -> None:
    async for event in events:
        if event.type == "message":
            message = event.data.get("message")
            seq = message.get("seq") if isinstance(message, dict) else None
            if isinstance(seq, int):
                if seq <= last_seq:
                    continue  # already sent with the backlog
                last_seq = seq
        await socket.send(event.to_json())


async def _read(socket: _Socket, service: ServiceApi, metrics: Metrics, conversation_id: str) -> None:
    """Client frames; a bad frame gets an error frame, never a disconnect."""
    limit = service.settings.max_body_bytes
    while True:
        received = await socket.ws.receive()
        if received["type"] == "websocket.disconnect":
            return
        raw = received.get("text")
        if raw is None:
            await socket.error("send JSON text frames, not binary")
            continue
        if len(raw.encode()) > limit:
            await socket.error(f"frame is larger than {limit} bytes", code="too_large")
            continue
        try:
            frame = json.loads(raw)
        except ValueError:
            await socket.error("frame is not valid JSON")
            continue
        if not isinstance(frame, dict):
            await socket.error('frame must be a JSON object like {"type": "message", "text": "..."}')
            continue
        kind = frame.get("type")
        if kind == "ping":
            await socket.send({"type": "pong"})
            continue
        if kind != "message":
            await socket.error(f"unknown frame type {kind!r}; expected 'message' or 'ping'")
            continue
        text = frame.get("text")
        if not isinstance(text, str):
            await socket.error("a message frame needs a string 'text'")
            continue
        try:
            # Re-read the conversation: its state may have changed since the socket opened.
            conversation = service.store.get(conversation_id)
            if conversation is None:
                await socket.error("conversation not found", code="not_found")
                continue
            await run_turn(service, metrics, conversation, check_text(text, service.settings.max_message_chars))
        except ShopkeeperError as exc:
            await socket.error(exc.message, code=error_code(exc))
        except Exception as exc:  # the turn failed; keep the socket, tell the shopper
            logger.error("turn over websocket failed: %s", type(exc).__name__)
            await socket.error("something went wrong handling that message", code="internal")
