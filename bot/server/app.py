"""The FastAPI app factory: routes, error handling, limits, static files, and the lazy-building variant."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from bot.app import ImChannels, build_service, open_channels
from bot.server import admin as knowledge_admin
from bot.server import conversations, desk_api, desk_stream, health, pages, stream
from bot.server.deps import ServiceApi
from bot.server.errors import CatchAll, install_error_handlers
from bot.server.limits import BodyLimit
from bot.server.logs import install_token_redaction
from bot.server.metrics import Metrics
from bot.server.webhooks import install as install_webhooks
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def _app(settings: Settings, channels: ImChannels, lifespan: object | None = None) -> FastAPI:
    app = FastAPI(
        title="shopkeeper",
        summary="A self-hosted AI customer-service agent for online shops.",
        version="0.1.0",
        lifespan=lifespan,  # type: ignore[arg-type]
    )
    install_token_redaction()
    app.state.service = None
    app.state.startup_error = None
    app.state.metrics = Metrics()
    install_error_handlers(app)
    # add_middleware wraps: the last added is outermost. CORS outermost so even 413/500 carry its
    # headers; the catch-all innermost of ours, so it sees route exceptions first.
    app.add_middleware(CatchAll, on_error=lambda: app.state.metrics.error("internal"))
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # The widget lives on the shop's own domain; bearer tokens (not cookies) authorise, so any origin may call.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )
    for module in (conversations, stream, health, pages):
        app.include_router(module.router)
    app.include_router(desk_api.router)
    app.include_router(desk_stream.router)
    app.include_router(knowledge_admin.router)  # /v1/admin/knowledge: uploads and re-index
    # IM platforms: /v1/webhooks/{platform} and the outbox that sends every reply to them.
    install_webhooks(app, settings, channels.channels, channels.aclose)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


def create_app(service: ServiceApi, channels: ImChannels | None = None) -> FastAPI:
    """The app around a built service; the caller owns (and closes) the service.

    `channels`: the IM channels to serve; by default those the service's settings enable (ConfigError when
    an enabled one lacks a secret)."""
    app = _app(service.settings, channels or open_channels(service.settings))
    app.state.service = service
    return app


def create_app_from_settings(settings: Settings | None = None) -> FastAPI:
    """For `uvicorn --factory`: the app answers /healthz at once and builds the service in the background.

    Building (shop DB, index, models) takes from seconds to minutes on a first start; until it is
    done /readyz and the API answer 503, so an orchestrator routes no shopper here too early.
    """
    settings = settings or get_settings()
    channels = open_channels(settings)  # a half-configured IM platform stops the start here, with its sentence

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def build() -> None:
            def progress(label: str, done: int, total: int) -> None:
                if done in (0, total):
                    logger.info("%s: %d/%d", label, done, total)

            try:
                app.state.service = build_service(settings, progress=progress)
                logger.info("shopkeeper is ready")
            except Exception as exc:  # a broken start shows on /readyz, the process stays inspectable
                app.state.startup_error = getattr(exc, "message", None) or type(exc).__name__
                logger.exception("building the service failed")

        builder = threading.Thread(target=build, name="shopkeeper-build", daemon=True)
        builder.start()
        try:
            yield
        finally:
            builder.join(timeout=0)
            if app.state.service is not None:
                app.state.service.close()

    return _app(settings, channels, lifespan)
