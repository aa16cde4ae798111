"""First-come-first-served slots for the CPU-bound part of turns: more turns at once than cores only slows each down.

A turn is mostly Python holding the GIL (scrubbing, intent features, composing) with short stretches in
numpy or native code that let it go. Sixteen turns on the thread pool at once then take turns on the GIL
every few milliseconds: each runs ~16x longer and throughput drops too (measured 1.5 vs 4-6 turns/s on
2 cores, docs/performance.md). Queueing them, in arrival order, keeps each turn fast and the tail short.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType


class TurnSlots:
    """At most `size` holders at once, served in arrival order; size 0 means no limit."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self._cond = threading.Condition()
        self._running = 0
        self._queue: deque[object] = deque()

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def acquire(self) -> None:
        if self.size == 0:
            return
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            while self._queue[0] is not ticket or self._running >= self.size:
                self._cond.wait()
            self._queue.popleft()
            self._running += 1
            self._cond.notify_all()  # the next in line may fit too

    def release(self) -> None:
        if self.size == 0:
            return
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Gives the slot up for a stretch of waiting on the network (an LLM call), then queues for it again."""
        self.release()
        try:
            yield
        finally:
            self.acquire()

    def __enter__(self) -> TurnSlots:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
