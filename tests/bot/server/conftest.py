"""A FakeService behind the real app, driven through Starlette's TestClient."""

from __future__ import annotations

from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.server.app import create_app
from bot.settings import Settings
from bot.testing.service import FakeService

ADMIN = "admin-secret"


@pytest.fixture
def service() -> FakeService:
    return FakeService(Settings(max_message_chars=200, max_body_bytes=2_000), admin_token=ADMIN)


@pytest.fixture
def client(service: FakeService) -> Iterator[TestClient]:
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def conversation(client: TestClient) -> tuple[str, str]:
    response = client.post("/v1/conversations", json={"channel": "web", "locale": "en"})
    assert response.status_code == 201
    body = response.json()
    return body["conversation_id"], body["token"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
