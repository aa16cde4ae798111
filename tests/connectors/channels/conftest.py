"""Shared pieces of the channel tests: the fixtures folder, every channel built over a recording transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from bot.settings import Settings
from bot.testing.channels import SECRETS, answer_for
from connectors.channels import Outbound, WebhookChannel, build_channels
from connectors.channels.outbound import Sleep

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "webhooks"


def fixture_bytes(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / name).read_bytes()


def fixture_json(platform: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture_bytes(platform, name))
    return data


def channel_settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, data_dir="/nonexistent", **{**SECRETS, **overrides})  # type: ignore[call-arg]


class Recorder:
    """An httpx.MockTransport handler: records requests, answers like the platform (or as scripted)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.script: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            return self.script.pop(0)
        return httpx.Response(200, json=answer_for(request.url.path))

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def outbound(recorder: Recorder, sleeps: list[float]) -> Outbound:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    record: Sleep = sleep
    return Outbound(transport=httpx.MockTransport(recorder), sleep=record)


@pytest.fixture
def channels(outbound: Outbound) -> dict[str, WebhookChannel]:
    return build_channels(channel_settings(), outbound)


ChannelFactory = Callable[[str], WebhookChannel]
