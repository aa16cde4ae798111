"""One real shopkeeper server process for the whole e2e session (the model and index work happens once)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot.testing.spawn import free_port, stop

ADMIN_TOKEN = "e2e-admin-token"
STARTUP_TIMEOUT_S = float(os.environ.get("SHOPKEEPER_E2E_STARTUP_TIMEOUT", "300"))


@dataclass(frozen=True)
class Server:
    base_url: str
    ws_url: str
    admin_token: str
    data_dir: Path
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def copy_data_dir(source: Path, target: Path) -> Path:
    """A copy of a built data dir (shop, index) for another server process: Chroma's files belong to one process.
    The logs of the source's servers stay behind."""
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("server-*.log"))
    return target


def server_env(data_dir: Path, admin_token: str = ADMIN_TOKEN, **extra: str) -> dict[str, str]:
    """The environment of a server process: offline, on data_dir, with no SHOPKEEPER_ setting from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPER_")}
    env.update(
        SHOPKEEPER_DATA_DIR=str(data_dir),
        SHOPKEEPER_ADMIN_TOKEN=admin_token,
        SHOPKEEPER_LOG_LEVEL="INFO",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="",
        TOKENIZERS_PARALLELISM="false",
        OMP_NUM_THREADS="2",
        ANONYMIZED_TELEMETRY="False",
        **extra,
    )
    return env


@contextmanager
def running_server(data_dir: Path, admin_token: str = ADMIN_TOKEN, **extra_env: str) -> Iterator[Server]:
    """A real `uvicorn` process of the app on a free port, ready (/readyz 200) on entry, stopped on exit.

    extra_env adds settings (SHOPKEEPER_LLM_BASE_URL=..., channel secrets ...) to server_env()."""
    port = free_port()
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bot.server.app:create_app_from_settings",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=server_env(data_dir, admin_token, **extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        srv = Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", admin_token, data_dir, log_path)
        try:
            _wait_ready(srv, proc)
            yield srv
        finally:
            stop(proc, timeout_s=20)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # SHOPKEEPER_E2E_DATA_DIR reuses a built data dir across runs (the first build takes minutes).
    reused = os.environ.get("SHOPKEEPER_E2E_DATA_DIR")
    data_dir = Path(reused) if reused else tmp_path_factory.mktemp("e2e-data")
    data_dir.mkdir(parents=True, exist_ok=True)
    with running_server(data_dir) as srv:
        yield srv


def _wait_ready(srv: Server, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{srv.log_tail()}")
        try:
            response = httpx.get(f"{srv.base_url}/readyz", timeout=5)
            if response.status_code == 200:
                return
            last = response.text
            if "startup failed" in last:
                pytest.fail(f"the server failed to build: {last}\n{srv.log_tail()}")
        except httpx.TransportError as exc:
            last = repr(exc)
        time.sleep(1)
    pytest.fail(f"the server was not ready within {STARTUP_TIMEOUT_S:.0f} s ({last}):\n{srv.log_tail()}")


@pytest.fixture(scope="session")
def real_order(server: Server) -> tuple[str, str]:
    """(order id, the owner's email) of a delivered order in the shop the server built."""
    from bot.settings import Settings
    from connectors.commerce import SqliteShop, sample_order

    shop = SqliteShop(Settings(data_dir=server.data_dir).shop_db_path)
    return sample_order(shop, "delivered")
