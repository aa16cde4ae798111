"""When the bot should step aside for a human agent, from what nlu understood and the dialogue state."""

from __future__ import annotations

from typing import Mapping

from bot.types import Handoff, Understanding

#: Sentiment at or below this hands off: the shopper is past being helped by a bot.
NEGATIVE_SENTIMENT = -0.8
#: Memory key of the consecutive-failure counter the engines keep (a decimal string).
FAILURES_KEY = "failures"
#: This many turns in a row the bot could not help hands off.
MAX_FAILURES = 2


def should_hand_off(u: Understanding, memory: Mapping[str, str]) -> Handoff | None:
    """A Handoff with reason requested, negative_sentiment or repeated_failure, or None.

    The explicit request comes first: it is the shopper's own choice. The human_agent intent
    covers "talk to a human/agent/person/representative" and 人工, 转人工, 真人, 客服.
    """
    if u.intent.label == "human_agent":
        return Handoff("requested", summary="The shopper asked for a human agent.")
    if u.sentiment.score <= NEGATIVE_SENTIMENT:
        return Handoff(
            "negative_sentiment",
            summary=f"The shopper is very unhappy (sentiment {u.sentiment.score:+.2f}, intent {u.intent.label}).",
        )
    if failure_count(memory) >= MAX_FAILURES:
        return Handoff(
            "repeated_failure",
            summary=f"The bot could not help {failure_count(memory)} times in a row (last intent {u.intent.label}).",
        )
    return None


def failure_count(memory: Mapping[str, str]) -> int:
    """The consecutive-failure counter; a missing or garbled value counts as none."""
    try:
        return max(0, int(memory.get(FAILURES_KEY, "0")))
    except ValueError:
        return 0
