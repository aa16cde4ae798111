"""Per-turn stage timings recorded from inside the seams (retrieval, tools) without threading a clock through them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

T = TypeVar("T")

#: The turn being timed on this thread (a turn runs on one worker thread from start to end).
_current: ContextVar[dict[str, float] | None] = ContextVar("shopkeeper_stage_timings", default=None)


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Collects what `timed` and `add` record inside the block into the dict it yields (ms per stage)."""
    timings: dict[str, float] = {}
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)


def add(stage: str, ms: float) -> None:
    """Adds `ms` to `stage` in the active recording; a no-op outside one."""
    timings = _current.get()
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + ms


@contextmanager
def timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(stage, (time.perf_counter() - started) * 1000)


#: True while a timed proxy call runs on this thread: a proxied call made inside it counts once, in the outer stage.
_inside: ContextVar[bool] = ContextVar("shopkeeper_stage_inside", default=False)


class _TimedProxy:
    """Forwards every attribute; calls to public methods are timed under one stage name."""

    def __init__(self, target: object, stage: str) -> None:
        self._target = target
        self._stage = stage
        self._wrapped: dict[str, Callable[..., Any]] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name.startswith("_") or not callable(value):
            return value
        wrapped = self._wrapped.get(name)
        if wrapped is None:
            wrapped = self._wrapped[name] = _timed_call(cast(Callable[..., Any], value), self._stage)
        return wrapped


def _timed_call(method: Callable[..., Any], stage: str) -> Callable[..., Any]:
    @wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        if _inside.get():
            return method(*args, **kwargs)
        token = _inside.set(True)
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            _inside.reset(token)
            add(stage, (time.perf_counter() - started) * 1000)

    return call


def timed_proxy(target: T, stage: str) -> T:
    """`target` with each public method call timed as `stage` (e.g. the retriever as "retrieval")."""
    return cast(T, _TimedProxy(target, stage))
