"""A few process-wide counters, exposed in the Prometheus text format at /metrics."""

from __future__ import annotations

import threading


class Metrics:
    """Thread-safe counters; turns run in a thread pool, so increments come from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.turns = 0
        self.handoffs = 0
        self.errors: dict[str, int] = {}
        self.websockets = 0

    def turn(self, handed_off: bool) -> None:
        with self._lock:
            self.turns += 1
            if handed_off:
                self.handoffs += 1

    def error(self, kind: str) -> None:
        with self._lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def websocket(self, delta: int) -> None:
        with self._lock:
            self.websockets += delta

    def render(self) -> str:
        with self._lock:
            lines = [
                "# HELP shopkeeper_turns_total Shopper turns handled.",
                "# TYPE shopkeeper_turns_total counter",
                f"shopkeeper_turns_total {self.turns}",
                "# HELP shopkeeper_handoffs_total Turns that handed the conversation to a human.",
                "# TYPE shopkeeper_handoffs_total counter",
                f"shopkeeper_handoffs_total {self.handoffs}",
                "# HELP shopkeeper_errors_total Failed turns and unexpected server errors, by kind.",
                "# TYPE shopkeeper_errors_total counter",
            ]
            lines += [f'shopkeeper_errors_total{{kind="{k}"}} {v}' for k, v in sorted(self.errors.items())]
            if not self.errors:
                lines.append('shopkeeper_errors_total{kind="internal"} 0')
            lines += [
                "# HELP shopkeeper_websockets Open conversation websockets.",
                "# TYPE shopkeeper_websockets gauge",
                f"shopkeeper_websockets {self.websockets}",
            ]
        return "\n".join(lines) + "\n"
