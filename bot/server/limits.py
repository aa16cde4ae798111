"""Request size limits and the one JSON body reader every route uses."""

from __future__ import annotations

import json
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.server.errors import ApiError, describe_validation, error_response

Model = TypeVar("Model", bound=BaseModel)


class BodyLimit:
    """Refuses request bodies over max_bytes with 413 before any route parses them.

    Content-Length is checked first; chunked bodies are buffered up to the limit and replayed.
    Multipart uploads (admin knowledge files) are left to their own routes' limits.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if headers.get("content-type", "").startswith("multipart/form-data"):
            await self.app(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the app see the disconnect
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "body_too_large", f"the request body is larger than {self.max_bytes} bytes")
        await response(scope, receive, send)


async def read_json(request: Request, model: type[Model], *, empty_ok: bool = False) -> Model:
    """Parse and validate a JSON body: 400 when it is not JSON, 422 when it does not fit the model."""
    raw = await request.body()
    if not raw.strip():
        if empty_ok:
            return model()
        raise ApiError(400, "malformed_json", "the request body must be a JSON object")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", describe_validation(exc.errors())) from None


def check_text(text: str, max_chars: int) -> str:
    """The shopper's text, stripped: 400 when empty, 413 when longer than the limit."""
    stripped = text.strip()
    if not stripped:
        raise ApiError(400, "empty_message", "text must not be empty")
    if len(stripped) > max_chars:
        raise ApiError(413, "message_too_long", f"text is longer than {max_chars} characters")
    return stripped
