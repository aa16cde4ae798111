"""Stage timings: one Timings clock, reachable from inside the seams (retrieval, tools) without passing it along."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Timings(dict[str, float]):
    """Milliseconds per stage name; a stage timed again adds up (a turn may search twice)."""

    def add(self, stage: str, ms: float) -> None:
        self[stage] = self.get(stage, 0.0) + ms

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Times the block as `name`, also when it raises (a failed model call took its time too)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, _ms_since(started))

    @contextmanager
    def rest(self, name: str) -> Iterator[None]:
        """Times the block and books as `name` what the stages timed in it did not account for."""
        before = sum(self.values())
        started = time.perf_counter()
        try:
            yield
        finally:
            self[name] = max(0.0, _ms_since(started) - (sum(self.values()) - before))


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


#: The turn being timed on this thread (a turn runs on one worker thread from start to end).
_current: ContextVar[Timings | None] = ContextVar("shopkeeper_stage_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """Collects what `timed` and `add` record inside the block into the Timings it yields."""
    timings = Timings()
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)


def add(stage: str, ms: float) -> None:
    """Adds `ms` to `stage` in the active recording; a no-op outside one."""
    timings = _current.get()
    if timings is not None:
        timings.add(stage, ms)


@contextmanager
def timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(stage, _ms_since(started))


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
        try:
            with timed(stage):
                return method(*args, **kwargs)
        finally:
            _inside.reset(token)

    return call


def timed_proxy(target: T, stage: str) -> T:
    """`target` with each public method call timed as `stage` (e.g. the retriever as "retrieval")."""
    return cast(T, _TimedProxy(target, stage))
