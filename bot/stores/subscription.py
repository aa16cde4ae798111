"""The handle a bus returns from subscribe(): an async iterator of events you can wait on and close."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import AsyncIterator

from bot.types import Event


class Subscription(ABC):
    """Events of one conversation ("*" for all) from the moment `ready()` returns.

    The EventBus port only promises an AsyncIterator; these two extra methods let a caller
    subscribe *before* reading a transcript, so nothing published in between is lost.
    """

    def __aiter__(self) -> "Subscription":
        return self

    @abstractmethod
    async def __anext__(self) -> Event: ...

    @abstractmethod
    async def ready(self) -> None:
        """Returns once events published from now on will be delivered."""

    @abstractmethod
    async def aclose(self) -> None:
        """Stops delivery and frees the resources; idempotent."""


async def wait_ready(events: AsyncIterator[Event]) -> None:
    """`ready()` when the bus offers it; a foreign EventBus is taken to be ready at once."""
    ready = getattr(events, "ready", None)
    if ready is not None:
        await ready()


async def close(events: AsyncIterator[Event]) -> None:
    aclose = getattr(events, "aclose", None)
    if aclose is not None:
        await aclose()
