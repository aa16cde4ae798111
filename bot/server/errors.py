"""Every failure becomes a JSON body {"error": {"code", "message"}} with the right status, never a traceback."""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.errors import ShopkeeperError

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal",
    502: "backend_error",
    503: "not_ready",
}


class ApiError(ShopkeeperError):
    """A ShopkeeperError with an explicit status and a machine-readable code for the HTTP edge."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def error_code(exc: ShopkeeperError) -> str:
    explicit = getattr(exc, "code", None)
    if isinstance(explicit, str):
        return explicit
    # BadInput -> bad_input, TooLarge -> too_large: stable codes from the class names.
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def describe_validation(errors: Sequence[Any]) -> str:
    """Pydantic's error list as one readable sentence: "text: Field required; locale: ..."."""
    parts: list[str] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        parts.append(f"{'.'.join(loc) or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is invalid"


async def _shopkeeper_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShopkeeperError)
    if exc.status >= 500:
        logger.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc.message)
    return error_response(exc.status, error_code(exc), exc.message)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, (RequestValidationError, ValidationError))
    return error_response(422, "invalid_request", describe_validation(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ShopkeeperError, _shopkeeper_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


class CatchAll:
    """Turns an unexpected exception into a 500 JSON body.

    Starlette's own Exception handler re-raises after answering (so the server logs a second
    traceback carrying request details); this middleware answers and logs once, with the stack
    frames only: neither the request body nor the exception message, which may quote shopper text.
    """

    def __init__(self, app: ASGIApp, on_error: "object | None" = None) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            logger.error(
                "unhandled %s on %s %s\n%s", type(exc).__name__, scope.get("method"), scope.get("path"), frames
            )
            if callable(self.on_error):
                self.on_error()
            if started:
                raise
            response = error_response(500, "internal", "an internal error occurred; it has been logged")
            await response(scope, receive, send)
