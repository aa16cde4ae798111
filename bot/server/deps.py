"""What routes need from the app: the service (once built), the metrics, the caller's bearer token."""

from __future__ import annotations

from typing import Protocol

from fastapi import Request
from starlette.requests import HTTPConnection

from bot.ports import ConversationStore, EventBus
from bot.server.errors import ApiError
from bot.server.metrics import Metrics
from bot.service import SignedIdentity
from bot.settings import Settings
from bot.types import Conversation, Language, Message, TurnResult


class ServiceApi(Protocol):
    """The part of bot.service.Service the server drives; FakeService implements it for tests."""

    settings: Settings
    store: ConversationStore
    bus: EventBus

    def start_conversation(
        self, channel: str = "web", locale: Language | None = None, identity: SignedIdentity | None = None
    ) -> tuple[Conversation, str]: ...

    def authorize(self, conversation_id: str, token: str | None) -> Conversation: ...

    def is_admin(self, token: str | None) -> bool: ...

    def post_message(self, conversation_id: str, text: str) -> TurnResult: ...

    def transcript(self, conversation_id: str, after_seq: int = 0) -> list[Message]: ...

    def readiness(self) -> dict[str, bool]: ...

    def close(self) -> None: ...


def service_of(conn: HTTPConnection) -> ServiceApi:
    """The built service; 503 while create_app_from_settings is still building it."""
    service: ServiceApi | None = getattr(conn.app.state, "service", None)
    if service is None:
        failure = getattr(conn.app.state, "startup_error", None)
        if failure:
            raise ApiError(503, "startup_failed", f"the service failed to start: {failure}")
        raise ApiError(503, "starting", "the service is still starting; retry in a few seconds")
    return service


def get_service(request: Request) -> ServiceApi:
    return service_of(request)


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def bearer_token(request: Request) -> str | None:
    """The token of `Authorization: Bearer <token>`; None when absent or not a bearer header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
