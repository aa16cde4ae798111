"""Runs the store/bus contract against MemoryStore/MemoryBus and a real redis-server."""

from __future__ import annotations

from typing import Iterator

import pytest
import redis

from bot.stores.memory import MemoryBus, MemoryStore
from bot.stores.redis import RedisBus, RedisStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[object, object]]:
    if request.param == "memory":
        yield MemoryStore(), MemoryBus()
        return
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    store, bus = RedisStore.from_url(url), RedisBus(url)
    yield store, bus
    store.close()
    bus.close()
