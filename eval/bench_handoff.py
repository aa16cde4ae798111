"""Delivery latency agent -> shopper across two real replicas over one redis-server (eval bench-handoff)."""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bot.desk.staff import hash_password
from bot.testing.processes import ServerProcess
from bot.testing.redis_server import RedisServer
from eval.harness import SuiteOptions, SuiteResult, suite

FULL_MESSAGES = 200
SMOKE_MESSAGES = 20
PASSWORD = "bench-password"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_bench(data_dir: Path, messages: int, progress: object = None) -> tuple[dict[str, float], list[str]]:
    """Replica A builds (or reuses) data_dir, B runs on a copy; the shopper listens on A, the agent writes on B."""
    from websockets.sync.client import connect

    accounts = f"ana:{hash_password(PASSWORD, iterations=20_000)}"
    with RedisServer() as redis_url, tempfile.TemporaryDirectory(prefix="bench-handoff-") as scratch:
        settings = {"SHOPKEEPER_REDIS_URL": redis_url, "SHOPKEEPER_AGENTS": accounts}
        a = ServerProcess(data_dir, settings).start()
        try:
            a.wait_ready(timeout_s=900)
            copy = Path(scratch) / "b"
            shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("server-*.log"))
            with ServerProcess(copy, settings) as b:
                b.wait_ready(timeout_s=900)
                return _measure(a, b, messages, connect)
        finally:
            a.stop()


def _measure(a: ServerProcess, b: ServerProcess, messages: int, connect: object) -> tuple[dict[str, float], list[str]]:
    with httpx.Client(timeout=60) as http:
        started = http.post(f"{a.base_url}/v1/conversations", json={"locale": "en"}).json()
        cid, token = started["conversation_id"], started["token"]
        shopper = {"Authorization": f"Bearer {token}"}
        http.post(f"{a.base_url}/v1/conversations/{cid}/messages", json={"text": "a human please"}, headers=shopper)
        signed = http.post(f"{b.base_url}/v1/agent/sessions", json={"name": "ana", "password": PASSWORD}).json()
        agent = {"Authorization": f"Bearer {signed['token']}"}
        claimed = http.post(f"{b.base_url}/v1/agent/conversations/{cid}/claim", headers=agent)
        if claimed.status_code != 200:
            raise RuntimeError(f"claim failed: {claimed.text}")
        latencies: list[float] = []
        lost = 0
        with connect(f"{a.ws_url}/v1/conversations/{cid}/stream?token={token}") as ws:  # type: ignore[operator]
            # Drain the backlog first so every later frame is live.
            while json.loads(ws.recv(timeout=10)).get("type") != "state":
                pass
            for i in range(messages):
                text = f"agent message {i}"
                t0 = time.perf_counter()
                http.post(f"{b.base_url}/v1/agent/conversations/{cid}/messages", json={"text": text}, headers=agent)
                try:
                    while True:
                        frame = json.loads(ws.recv(timeout=5))
                        if frame.get("type") == "message" and frame["message"]["text"] == text:
                            break
                    latencies.append((time.perf_counter() - t0) * 1000)
                except TimeoutError:
                    lost += 1
    metrics = {
        "messages": float(messages),
        "delivered": float(len(latencies)),
        "lost": float(lost),
        "latency_p50_ms": round(statistics.median(latencies), 2) if latencies else -1.0,
        "latency_p95_ms": round(_percentile(latencies, 0.95), 2) if latencies else -1.0,
        "latency_max_ms": round(max(latencies), 2) if latencies else -1.0,
    }
    notes = [
        f"{messages} agent replies sent one after another through replica B's /v1/agent API; each timed from the "
        "start of the POST until the shopper's websocket on replica A received it (one redis-server, two uvicorn "
        "processes on one machine).",
    ]
    return metrics, notes


@suite("bench-handoff")
def bench_handoff_suite(options: SuiteOptions) -> SuiteResult:
    messages = SMOKE_MESSAGES if options.smoke else FULL_MESSAGES
    if not RedisServer.available():
        return SuiteResult(
            name="bench-handoff",
            metrics={},
            notes=["skipped: redis-server is not installed (apt-get install -y redis-server)"],
        )
    with tempfile.TemporaryDirectory(prefix="bench-handoff-data-") as fresh:
        data_dir = options.data_dir or Path(fresh)
        options.progress("Starting two replicas (the first start builds the shop and the index)", 0, 1)
        metrics, notes = run_bench(data_dir, messages)
        options.progress("Starting two replicas (the first start builds the shop and the index)", 1, 1)
    result = SuiteResult(name="bench-handoff", metrics=metrics, notes=notes)
    if options.smoke:
        result.ceilings = {"latency_p95_ms": 1000.0, "lost": 0.0}
    return result
