"""Liveness, readiness and metrics for orchestrators and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from bot.server.metrics import Metrics

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process answers; says nothing about its dependencies."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 only when every component check passes; 503 with the failing ones otherwise."""
    service = getattr(request.app.state, "service", None)
    if service is None:
        failure = getattr(request.app.state, "startup_error", None)
        body: dict[str, object] = {"ready": False, "components": {"service": False}}
        body["detail"] = f"startup failed: {failure}" if failure else "starting"
        return JSONResponse(body, status_code=503)
    # Checks may touch Redis or the shop DB: keep them off the event loop.
    components: dict[str, bool] = await run_in_threadpool(service.readiness)
    ready = all(components.values())
    return JSONResponse({"ready": ready, "components": components}, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics(request: Request) -> PlainTextResponse:
    counters: Metrics = request.app.state.metrics
    return PlainTextResponse(counters.render(), media_type="text/plain; version=0.0.4")
