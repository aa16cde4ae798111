"""What the webhook flow and the IM outbox share: the enabled channels, the IM state, and whether replies can go out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.ports import Channel
from bot.server.webhook_state import ChannelState


class Lanes:
    """One lock per key: work on one key runs one piece at a time, in the order it asked (asyncio locks are fair).

    A key's lock is dropped once nobody holds or waits for it, so a lane per chat costs nothing after the chat."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


@dataclass
class ImHub:
    """The enabled channels (built by the composition root) and what the flow and the outbox share between requests."""

    channels: Mapping[str, Channel]
    state: ChannelState
    clock: Callable[[], float] = time.time
    sending: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while the outbox, the one sender of IM replies, listens on the bus: a turn waits for it."""
    chats: Lanes = field(default_factory=Lanes)
    """One chat's messages run one after another, so its turns (and so its replies) keep their order."""
