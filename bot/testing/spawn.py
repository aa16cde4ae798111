"""What every child server a test starts needs: a free local port to listen on, and a stop that cannot hang."""

from __future__ import annotations

import socket
import subprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Asks the process to exit (SIGTERM); kills it when it has not within timeout_s, and reaps it either way."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
