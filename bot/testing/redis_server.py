"""A throwaway redis-server for tests: a real server on a free port, no persistence."""

from __future__ import annotations

import shutil
import subprocess
import time
from types import TracebackType

import redis

from bot.testing.spawn import free_port, stop


class RedisServer:
    """`with RedisServer() as url:` runs redis-server until the block ends; needs the binary on PATH."""

    def __init__(self, startup_timeout_s: float = 10.0) -> None:
        self.startup_timeout_s = startup_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def __enter__(self) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        port = free_port()
        self._proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + self.startup_timeout_s
        try:
            while True:
                try:
                    client.ping()
                    return url
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self._proc.poll() is not None:
                        self.__exit__(None, None, None)
                        raise RuntimeError(f"redis-server did not start within {self.startup_timeout_s} s") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._proc is not None:
            stop(self._proc, timeout_s=10)
            self._proc = None
