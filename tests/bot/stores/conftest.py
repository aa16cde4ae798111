"""Runs the store/bus contract against MemoryStore/MemoryBus and a real redis-server."""

from __future__ import annotations

from typing import Iterator

import pytest
import redis

from bot.stores.memory import MemoryBus, MemoryStore
from bot.stores.redis import RedisBus, RedisStore
from bot.testing.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if not RedisServer.available():
        pytest.skip("redis-server is not installed (apt-get install -y redis-server); Redis cases skipped")
    with RedisServer() as url:
        yield url


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
