"""Conversation state and event fan-out: in-process by default, Redis when SHOPKEEPER_REDIS_URL is set."""

from __future__ import annotations

from bot.ports import ConversationStore, EventBus
from bot.settings import Settings


def open_store(settings: Settings) -> tuple[ConversationStore, EventBus]:
    """The store and bus the settings ask for; Redis is imported only when used."""
    if settings.redis_url:
        from bot.stores.redis import RedisBus, RedisStore

        return RedisStore.from_url(settings.redis_url), RedisBus(settings.redis_url)
    from bot.stores.memory import MemoryBus, MemoryStore

    return MemoryStore(), MemoryBus()
