"""The IM side's memory: expiring claims, chat <-> conversation links, reply tokens, shared across replicas by Redis."""

from __future__ import annotations

from bot.server.webhook_state import ChannelState, MemoryChannelState, RedisChannelState


def _exercise(one: ChannelState, other: ChannelState) -> None:
    assert one.claim("in:telegram:1") is True
    assert other.claim("in:telegram:1") is False  # the second replica sees the first one's claim
    assert one.conversation_for("line", "U1") is None
    one.link("line", "U1", "c_1")
    assert other.conversation_for("line", "U1") == "c_1"
    assert other.address_of("c_1") == ("line", "U1")
    assert other.address_of("c_web") is None
    # A reply token (LINE) is taken once, by whichever replica sends first; an expired one is gone.
    assert other.take_reply_token("c_1") == ""
    one.keep_reply_token("c_1", "tok-1")
    assert other.take_reply_token("c_1") == "tok-1" and one.take_reply_token("c_1") == ""
    one.keep_reply_token("c_1", "tok-2")
    one.keep_reply_token("c_1", "tok-3")  # the latest message's token replaces the one before
    assert other.take_reply_token("c_1") == "tok-3"


def test_memory_state() -> None:
    state = MemoryChannelState()
    _exercise(state, state)
    assert state.claim("short", ttl_s=-1) is True and state.claim("short") is True  # an expired claim is free again
    state.keep_reply_token("c_2", "old", ttl_s=-1)
    assert state.take_reply_token("c_2") == ""


def test_redis_state_is_shared_between_replicas(redis_url: str) -> None:
    first, second = RedisChannelState(redis_url, prefix="t1"), RedisChannelState(redis_url, prefix="t1")
    try:
        _exercise(first, second)
    finally:
        first.close()
        second.close()
