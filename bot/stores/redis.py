"""Redis-backed ConversationStore and EventBus: shared state and fan-out across replicas."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import redis
import redis.asyncio as aioredis

from bot.errors import BackendError, Conflict, NotFound
from bot.stores import codec
from bot.stores.subscription import Subscription
from bot.types import Conversation, Event, Message

logger = logging.getLogger(__name__)

STATES = ("bot", "waiting_for_agent", "agent", "closed")

# The transcript is a list and a message's seq is its 1-based position, so RPUSH's return
# value *is* the seq: atomic, gap-free and in list order even with concurrent appenders.
# The script refuses to grow a transcript for a conversation that does not exist.
_APPEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('RPUSH', KEYS[2], ARGV[1])
"""

# Create and save keep the per-state index in step with the state in the same script.
_PUT = """
local exists = redis.call('EXISTS', KEYS[1])
if ARGV[1] == 'create' and exists == 1 then return -1 end
if ARGV[1] == 'save' and exists == 0 then return -2 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
for i = 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[3]) end
redis.call('ZADD', KEYS[2 + tonumber(ARGV[5])], ARGV[4], ARGV[3])
return 1
"""

# Compare-and-delete: release a claim only if it is still ours.
_FIELD_DELETE = """
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[3] then return 0 end
return redis.call('HDEL', KEYS[1], ARGV[1])
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisKeys:
    """Every key and channel name in one place, under one prefix."""

    def __init__(self, prefix: str = "shopkeeper") -> None:
        self.prefix = prefix

    def conversation(self, conversation_id: str) -> str:
        return f"{self.prefix}:conv:{conversation_id}:state"

    def transcript(self, conversation_id: str) -> str:
        return f"{self.prefix}:conv:{conversation_id}:messages"

    def all_ids(self) -> str:
        return f"{self.prefix}:ids"

    def ids_in(self, state: str) -> str:
        return f"{self.prefix}:ids:{state}"

    def channel(self, conversation_id: str) -> str:
        return f"{self.prefix}:conv:{conversation_id}"

    def fields(self, scope: str) -> str:
        return f"{self.prefix}:fields:{scope}"


class _RedisClient:
    """The sync client the store and the bus each hold: a failed call is a BackendError, a failed ping is False."""

    def __init__(self, client: redis.Redis) -> None:
        self._r = client

    def ping(self) -> bool:
        try:
            return bool(self._r.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        self._r.close()

    @staticmethod
    def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            raise BackendError(f"redis: {exc}") from exc


class RedisStore(_RedisClient):
    """Conversation as a JSON string key, transcript as a list, ids in one sorted set per state."""

    def __init__(self, client: redis.Redis, keys: RedisKeys | None = None) -> None:
        super().__init__(client)
        self._keys = keys or RedisKeys()
        self._append = client.register_script(_APPEND)
        self._put = client.register_script(_PUT)
        self._field_delete = client.register_script(_FIELD_DELETE)

    @classmethod
    def from_url(cls, url: str, prefix: str = "shopkeeper") -> "RedisStore":
        return cls(redis.Redis.from_url(url), RedisKeys(prefix))

    def create(self, conversation: Conversation) -> None:
        if self._write("create", conversation) == -1:
            raise Conflict(f"conversation {conversation.id} already exists")

    def get(self, conversation_id: str) -> Conversation | None:
        raw = self._call(self._r.get, self._keys.conversation(conversation_id))
        return None if raw is None else codec.conversation_from_json(codec.loads(raw))

    def save(self, conversation: Conversation) -> None:
        if self._write("save", conversation) == -2:
            raise NotFound(f"conversation {conversation.id} does not exist")

    def append(self, message: Message) -> Message:
        body = codec.dumps(codec.message_to_json(dataclasses.replace(message, seq=0)))
        keys = [self._keys.conversation(message.conversation_id), self._keys.transcript(message.conversation_id)]
        seq = int(self._call(self._append, keys=keys, args=[body]))
        if seq < 0:
            raise NotFound(f"conversation {message.conversation_id} does not exist")
        return dataclasses.replace(message, seq=seq)

    def messages(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        start = max(after_seq, 0)
        raw = self._call(self._r.lrange, self._keys.transcript(conversation_id), start, -1)
        return [
            dataclasses.replace(codec.message_from_json(codec.loads(item)), seq=start + i + 1)
            for i, item in enumerate(raw)
        ]

    def list_ids(self, state: str | None = None) -> list[str]:
        key = self._keys.all_ids() if state is None else self._keys.ids_in(state)
        return [i.decode() if isinstance(i, bytes) else str(i) for i in self._call(self._r.zrange, key, 0, -1)]

    # Small named string fields grouped by scope, one hash per scope (HSETNX makes claims atomic).

    def field_get(self, scope: str, name: str) -> str | None:
        raw = self._call(self._r.hget, self._keys.fields(scope), name)
        return None if raw is None else _text(raw)

    def field_set(self, scope: str, name: str, value: str) -> None:
        self._call(self._r.hset, self._keys.fields(scope), name, value)

    def field_set_if_absent(self, scope: str, name: str, value: str) -> bool:
        return bool(self._call(self._r.hsetnx, self._keys.fields(scope), name, value))

    def field_delete(self, scope: str, name: str, expected: str | None = None) -> bool:
        flag = "" if expected is None else "1"
        args = [name, flag, expected or ""]
        return int(self._call(self._field_delete, keys=[self._keys.fields(scope)], args=args)) > 0

    def fields(self, scope: str) -> dict[str, str]:
        raw = self._call(self._r.hgetall, self._keys.fields(scope))
        return {_text(k): _text(v) for k, v in raw.items()}

    def _write(self, mode: str, conversation: Conversation) -> int:
        if conversation.state not in STATES:
            raise ValueError(f"unknown conversation state {conversation.state!r}")
        keys = [self._keys.conversation(conversation.id), self._keys.all_ids()]
        keys += [self._keys.ids_in(s) for s in STATES]
        args = [
            mode,
            codec.dumps(codec.conversation_to_json(conversation)),
            conversation.id,
            repr(conversation.created_at),
            str(STATES.index(conversation.state) + 1),
        ]
        return int(self._call(self._put, keys=keys, args=args))


class _RedisSubscription(Subscription):
    """One pub/sub connection per subscriber, opened on the subscriber's loop."""

    def __init__(self, url: str, keys: RedisKeys, conversation_id: str) -> None:
        self._url = url
        self._keys = keys
        self._conversation_id = conversation_id
        self._client: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def ready(self) -> None:
        async with self._lock:
            if self._pubsub is not None or self._closed:
                return
            self._client = aioredis.Redis.from_url(self._url)
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            if self._conversation_id == "*":
                await pubsub.psubscribe(self._keys.channel("*"))
            else:
                await pubsub.subscribe(self._keys.channel(self._conversation_id))
            self._pubsub = pubsub

    async def __anext__(self) -> Event:
        await self.ready()
        while not self._closed:
            msg = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if msg is None or msg.get("type") not in ("message", "pmessage"):
                continue
            try:
                return codec.event_from_json(codec.loads(msg["data"]))
            except (ValueError, KeyError, TypeError):
                logger.warning("ignoring a malformed event on %s", msg.get("channel"))
        raise StopAsyncIteration

    async def aclose(self) -> None:
        self._closed = True
        async with self._lock:
            if self._pubsub is not None:
                try:
                    await self._pubsub.aclose()
                finally:
                    self._pubsub = None
            if self._client is not None:
                await self._client.aclose()
                self._client = None


class RedisBus(_RedisClient):
    """Publishes with a sync client (callable from worker threads); subscribes with redis.asyncio."""

    def __init__(self, url: str, prefix: str = "shopkeeper") -> None:
        super().__init__(redis.Redis.from_url(url))
        self._url = url
        self._keys = RedisKeys(prefix)

    def publish(self, event: Event) -> None:
        payload = codec.dumps(codec.event_to_json(event))
        self._call(self._r.publish, self._keys.channel(event.conversation_id), payload)

    def subscribe(self, conversation_id: str) -> Subscription:
        return _RedisSubscription(self._url, self._keys, conversation_id)
