"""Health, readiness, metrics, the pages and the lazily-built app."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from bot.server import app as app_module
from bot.server.app import create_app, create_app_from_settings
from bot.settings import Settings
from bot.testing.service import FakeService


def test_healthz_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "components": {"shop": True, "knowledge": True, "store": True}}


def test_readyz_503_names_the_failing_component() -> None:
    service = FakeService(ready={"shop": True, "knowledge": False})
    with TestClient(create_app(service)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["components"] == {"shop": True, "knowledge": False}
        assert client.get("/healthz").status_code == 200


def test_metrics_is_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    for name in (
        "shopkeeper_turns_total",
        "shopkeeper_handoffs_total",
        "shopkeeper_errors_total",
        "shopkeeper_websockets",
    ):
        assert f"# TYPE {name}" in response.text


def test_pages(client: TestClient) -> None:
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    page = client.get("/")
    assert page.status_code == 200 and "Harbor Goods" in page.text
    assert '<script src="/widget.js" data-locale="en"></script>' in page.text
    assert 'data-locale="zh"' in client.get("/?locale=zh").text
    assert client.get("/?locale=fr").status_code == 422
    console = client.get("/console")
    assert console.status_code == 200 and "Agent console" in console.text
    assert client.get("/static/widget.js").status_code == 200


def test_lazy_app_answers_healthz_while_building(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    built = FakeService()

    def slow_build(settings: Settings, progress: object = None) -> FakeService:
        release.wait(10)
        return built

    monkeypatch.setattr("bot.server.app.build_service", slow_build)
    with TestClient(create_app_from_settings(Settings()), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        starting = client.post("/v1/conversations", json={})
        assert starting.status_code == 503 and starting.json()["error"]["code"] == "starting"
        release.set()
        for _ in range(200):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.02)
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/conversations", json={}).status_code == 201
    assert built.closed


def test_lazy_app_reports_a_failed_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.errors import ConfigError

    def broken_build(settings: Settings, progress: object = None) -> FakeService:
        raise ConfigError("SHOPKEEPER_SHOP_DATA points to a missing file")

    monkeypatch.setattr("bot.server.app.build_service", broken_build)
    with TestClient(create_app_from_settings(Settings())) as client:
        for _ in range(200):
            if "failed" in client.get("/readyz").text:
                break
            time.sleep(0.02)
        response = client.get("/readyz")
        assert response.status_code == 503 and "missing file" in response.json()["detail"]
        assert client.post("/v1/conversations").json()["error"]["code"] == "startup_failed"


def test_module_exports() -> None:
    assert callable(app_module.create_app) and callable(app_module.create_app_from_settings)


def test_tokens_are_redacted_from_server_logs() -> None:
    import logging

    from bot.server.logs import RedactTokens, redact

    assert (
        redact("/v1/conversations/c1/stream?token=abc-_123&after=4")
        == "/v1/conversations/c1/stream?token=[redacted]&after=4"
    )
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" %s',
        ("1.2.3.4", "/s?after=1&token=sekret", "[accepted]"),
        None,
    )
    assert RedactTokens().filter(record) and "sekret" not in record.getMessage()
    create_app(FakeService())
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.error").filters)
