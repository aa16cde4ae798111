"""What the IM side remembers: claimed ids (TTL), which conversation a platform chat is, pending reply tokens."""

from __future__ import annotations

import threading
import time
from typing import Protocol

#: Platforms retry for minutes to a day (Meta); a day of remembered ids covers every documented retry.
DEDUPE_TTL_S = 24 * 3600
#: LINE takes a reply token for about a minute after its webhook; a reply sent later is pushed instead.
REPLY_TOKEN_TTL_S = 60.0


class ChannelState(Protocol):
    def claim(self, key: str, ttl_s: float = DEDUPE_TTL_S) -> bool:
        """True the first time a key is claimed within ttl_s; False for a repeat (a retried delivery)."""
        ...

    def conversation_for(self, platform: str, chat_id: str) -> str | None: ...

    def link(self, platform: str, chat_id: str, conversation_id: str) -> None:
        """Remember both ways: the chat's conversation, and the conversation's (platform, chat)."""
        ...

    def address_of(self, conversation_id: str) -> tuple[str, str] | None:
        """(platform, chat id) of an IM conversation; None for web conversations."""
        ...

    def keep_reply_token(self, conversation_id: str, token: str, ttl_s: float = REPLY_TOKEN_TTL_S) -> None:
        """Hold the token of the shopper's latest message for the next message sent to the conversation."""
        ...

    def take_reply_token(self, conversation_id: str) -> str:
        """The kept token, once (whoever takes it first, on any replica); "" when none is kept or it expired."""
        ...


class MemoryChannelState:
    """One replica: dicts behind a lock; expired claims are pruned as new ones arrive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claims: dict[str, float] = {}
        self._chats: dict[tuple[str, str], str] = {}
        self._addresses: dict[str, tuple[str, str]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._clock = time.monotonic

    def claim(self, key: str, ttl_s: float = DEDUPE_TTL_S) -> bool:
        now = self._clock()
        with self._lock:
            if len(self._claims) > 10_000:
                self._claims = {k: t for k, t in self._claims.items() if t > now}
            expires = self._claims.get(key)
            if expires is not None and expires > now:
                return False
            self._claims[key] = now + ttl_s
            return True

    def conversation_for(self, platform: str, chat_id: str) -> str | None:
        with self._lock:
            return self._chats.get((platform, chat_id))

    def link(self, platform: str, chat_id: str, conversation_id: str) -> None:
        with self._lock:
            self._chats[(platform, chat_id)] = conversation_id
            self._addresses[conversation_id] = (platform, chat_id)

    def address_of(self, conversation_id: str) -> tuple[str, str] | None:
        with self._lock:
            return self._addresses.get(conversation_id)

    def keep_reply_token(self, conversation_id: str, token: str, ttl_s: float = REPLY_TOKEN_TTL_S) -> None:
        now = self._clock()
        with self._lock:
            if len(self._tokens) > 10_000:
                self._tokens = {k: v for k, v in self._tokens.items() if v[1] > now}
            self._tokens[conversation_id] = (token, now + ttl_s)

    def take_reply_token(self, conversation_id: str) -> str:
        with self._lock:
            token, expires = self._tokens.pop(conversation_id, ("", 0.0))
        return token if expires > self._clock() else ""


class RedisChannelState:
    """Across replicas: SET NX EX for claims (atomic, so two replicas never both win), plain keys for links."""

    def __init__(self, url: str, prefix: str = "shopkeeper:im") -> None:
        import redis

        self._r = redis.Redis.from_url(url, decode_responses=True)
        self._prefix = prefix

    def claim(self, key: str, ttl_s: float = DEDUPE_TTL_S) -> bool:
        return bool(self._r.set(f"{self._prefix}:seen:{key}", "1", nx=True, ex=max(1, int(ttl_s))))

    def conversation_for(self, platform: str, chat_id: str) -> str | None:
        value = self._r.get(f"{self._prefix}:chat:{platform}:{chat_id}")
        return str(value) if value else None

    def link(self, platform: str, chat_id: str, conversation_id: str) -> None:
        pipe = self._r.pipeline()
        pipe.set(f"{self._prefix}:chat:{platform}:{chat_id}", conversation_id)
        pipe.set(f"{self._prefix}:conv:{conversation_id}", f"{platform}\n{chat_id}")
        pipe.execute()

    def address_of(self, conversation_id: str) -> tuple[str, str] | None:
        value = self._r.get(f"{self._prefix}:conv:{conversation_id}")
        if not value:
            return None
        platform, _, chat_id = str(value).partition("\n")
        return platform, chat_id

    def keep_reply_token(self, conversation_id: str, token: str, ttl_s: float = REPLY_TOKEN_TTL_S) -> None:
        self._r.set(f"{self._prefix}:reply:{conversation_id}", token, ex=max(1, int(ttl_s)))

    def take_reply_token(self, conversation_id: str) -> str:
        # GET and DEL in one transaction: of two replicas taking at once, one gets the token and one "".
        pipe = self._r.pipeline(transaction=True)
        pipe.get(f"{self._prefix}:reply:{conversation_id}")
        pipe.delete(f"{self._prefix}:reply:{conversation_id}")
        value, _deleted = pipe.execute()
        return str(value) if value else ""

    def close(self) -> None:
        self._r.close()


def open_channel_state(redis_url: str | None) -> ChannelState:
    return RedisChannelState(redis_url) if redis_url else MemoryChannelState()
