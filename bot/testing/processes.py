"""A real shopkeeper server process (uvicorn) for end-to-end tests and benchmarks: start, wait ready, stop, restart."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from bot.testing.spawn import free_port, stop

ROOT = Path(__file__).resolve().parents[2]

#: Offline and thread settings every child process gets (see DESIGN.md, offline facts).
CHILD_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_NUM_THREADS": "1",
    "ANONYMIZED_TELEMETRY": "False",
}


class ServerProcess:
    """`shopkeeper` under uvicorn on a fixed port, so a restart comes back at the same address."""

    def __init__(self, data_dir: Path, settings: dict[str, str], port: int | None = None) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = data_dir / f"server-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "ServerProcess":
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPER_")}
        env.update(CHILD_ENV)
        env.update({"SHOPKEEPER_DATA_DIR": str(self.data_dir), "SHOPKEEPER_LOG_LEVEL": "INFO", **self.settings})
        command = [sys.executable, "-m", "uvicorn", "bot.server.app:create_app_from_settings", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("a") as log:
            self._proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout_s: float = 300.0) -> None:
        deadline = time.monotonic() + timeout_s
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(f"the server on port {self.port} exited:\n{self.log_tail()}")
            try:
                response = httpx.get(f"{self.base_url}/readyz", timeout=5)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.TransportError as exc:
                last = repr(exc)
            time.sleep(0.5)
        raise RuntimeError(
            f"the server on port {self.port} was not ready in {timeout_s:.0f} s ({last}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self._proc is not None:
            stop(self._proc, timeout_s=20)
            self._proc = None

    def restart(self, timeout_s: float = 300.0) -> None:
        self.stop()
        self.start()
        self.wait_ready(timeout_s)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
