"""In-process ConversationStore and EventBus: the embedded default, one replica only."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading

from bot.errors import Conflict, NotFound
from bot.stores.subscription import Subscription
from bot.types import Conversation, Event, Message

logger = logging.getLogger(__name__)

ALL = "*"


class MemoryStore:
    """Conversations and transcripts in dicts behind one lock (the engine runs in a thread pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conversations: dict[str, Conversation] = {}
        self._messages: dict[str, list[Message]] = {}
        self._fields: dict[str, dict[str, str]] = {}

    def create(self, conversation: Conversation) -> None:
        with self._lock:
            if conversation.id in self._conversations:
                raise Conflict(f"conversation {conversation.id} already exists")
            self._conversations[conversation.id] = conversation
            self._messages[conversation.id] = []

    def get(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            return self._conversations.get(conversation_id)

    def save(self, conversation: Conversation) -> None:
        with self._lock:
            if conversation.id not in self._conversations:
                raise NotFound(f"conversation {conversation.id} does not exist")
            self._conversations[conversation.id] = conversation

    def append(self, message: Message) -> Message:
        with self._lock:
            transcript = self._messages.get(message.conversation_id)
            if transcript is None:
                raise NotFound(f"conversation {message.conversation_id} does not exist")
            stored = dataclasses.replace(message, seq=len(transcript) + 1)
            transcript.append(stored)
            return stored

    def messages(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        with self._lock:
            # seq is the 1-based list position, so "after" is a slice.
            return list(self._messages.get(conversation_id, [])[max(after_seq, 0) :])

    def list_ids(self, state: str | None = None) -> list[str]:
        with self._lock:
            found = [c for c in self._conversations.values() if state is None or c.state == state]
        return [c.id for c in sorted(found, key=lambda c: c.created_at)]

    # Small named string fields grouped by scope (handoff tickets, claims, agent sessions).

    def field_get(self, scope: str, name: str) -> str | None:
        with self._lock:
            return self._fields.get(scope, {}).get(name)

    def field_set(self, scope: str, name: str, value: str) -> None:
        with self._lock:
            self._fields.setdefault(scope, {})[name] = value

    def field_set_if_absent(self, scope: str, name: str, value: str) -> bool:
        """Atomic: True when this call set the field, False when it already had a value."""
        with self._lock:
            fields = self._fields.setdefault(scope, {})
            if name in fields:
                return False
            fields[name] = value
            return True

    def field_delete(self, scope: str, name: str, expected: str | None = None) -> bool:
        """Deletes the field (only if it holds `expected`, when given); True when something was deleted."""
        with self._lock:
            fields = self._fields.get(scope, {})
            if name not in fields or (expected is not None and fields[name] != expected):
                return False
            del fields[name]
            return True

    def fields(self, scope: str) -> dict[str, str]:
        with self._lock:
            return dict(self._fields.get(scope, {}))

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        pass


class _MemorySubscription(Subscription):
    def __init__(self, bus: "MemoryBus", conversation_id: str) -> None:
        self._bus = bus
        self.conversation_id = conversation_id
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Event] = asyncio.Queue()
        self._closed = False
        bus._add(self)

    async def __anext__(self) -> Event:
        if self._closed:
            raise StopAsyncIteration
        return await self.queue.get()

    async def ready(self) -> None:
        # Registered in __init__ already: nothing to wait for.
        return None

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._bus._remove(self)

    def deliver(self, event: Event) -> bool:
        """Called from any thread; False when the subscriber's loop is gone."""
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, event)
            return True
        except RuntimeError:
            return False


class MemoryBus:
    """Fan-out within this process; each subscriber is fed on its own event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[_MemorySubscription]] = {}

    def publish(self, event: Event) -> None:
        with self._lock:
            targets = list(self._subscribers.get(event.conversation_id, ())) + list(self._subscribers.get(ALL, ()))
        for sub in targets:
            if not sub.deliver(event):
                logger.debug("dropping subscriber of %s: its event loop is closed", sub.conversation_id)
                self._remove(sub)

    def subscribe(self, conversation_id: str) -> Subscription:
        """Must be called on the consumer's event loop; registered before it returns."""
        return _MemorySubscription(self, conversation_id)

    def subscriber_count(self, conversation_id: str | None = None) -> int:
        with self._lock:
            if conversation_id is not None:
                return len(self._subscribers.get(conversation_id, ()))
            return sum(len(s) for s in self._subscribers.values())

    def close(self) -> None:
        with self._lock:
            self._subscribers.clear()

    def _add(self, sub: _MemorySubscription) -> None:
        with self._lock:
            self._subscribers.setdefault(sub.conversation_id, set()).add(sub)

    def _remove(self, sub: _MemorySubscription) -> None:
        with self._lock:
            subs = self._subscribers.get(sub.conversation_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[sub.conversation_id]
