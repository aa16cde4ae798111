"""Stage timings: the Timings clock, and recordings from inside seams (proxies time public calls only inside one)."""

from __future__ import annotations

import time

from bot import timing


class _Backend:
    def __init__(self) -> None:
        self.calls = 0
        self.label = "shop"

    def slow(self) -> int:
        self.calls += 1
        time.sleep(0.01)
        return 7

    def outer(self, inner: "_Backend") -> int:
        return inner.slow() + self.slow()


def test_proxy_forwards_and_times_inside_a_recording() -> None:
    backend = _Backend()
    proxy = timing.timed_proxy(backend, "tools")
    assert proxy.slow() == 7  # outside a recording: forwarded, nothing recorded, no error
    with timing.recording() as timings:
        assert proxy.slow() == 7
        assert proxy.label == "shop"
    assert backend.calls == 2
    assert set(timings) == {"tools"}
    assert timings["tools"] >= 9.0


def test_nested_proxied_calls_count_once_in_the_outer_stage() -> None:
    inner = timing.timed_proxy(_Backend(), "retrieval")
    outer = timing.timed_proxy(_Backend(), "tools")
    with timing.recording() as timings:
        outer.outer(inner)
    assert "retrieval" not in timings
    assert timings["tools"] >= 18.0


def test_recordings_nest_and_add_accumulates() -> None:
    with timing.recording() as outer:
        timing.add("a", 1.0)
        with timing.recording() as inner:
            timing.add("a", 2.0)
            with timing.timed("b"):
                pass
        timing.add("a", 1.5)
    assert outer == {"a": 2.5}
    assert inner["a"] == 2.0 and "b" in inner
    timing.add("a", 1.0)  # no recording: a no-op


def test_a_clock_adds_up_repeated_stages_and_books_the_rest() -> None:
    clock = timing.Timings()
    with clock.rest("composition"):
        for _ in range(2):
            with clock.stage("tools"):
                time.sleep(0.005)
        time.sleep(0.005)
        try:
            with clock.stage("llm"):
                raise TimeoutError
        except TimeoutError:
            pass
    assert list(clock) == ["tools", "llm", "composition"]
    assert clock["tools"] >= 9.0 and clock["composition"] >= 4.0
