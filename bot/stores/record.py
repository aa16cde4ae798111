"""Store a transcript message and tell every watcher about it: the one store-and-publish."""

from __future__ import annotations

from bot.ports import ConversationStore, EventBus
from bot.stores.codec import message_event
from bot.types import Message


def record(store: ConversationStore, bus: EventBus, message: Message) -> Message:
    """Append the message (the store gives it its seq) and publish it to the conversation's watchers."""
    stored = store.append(message)
    bus.publish(message_event(stored))
    return stored
