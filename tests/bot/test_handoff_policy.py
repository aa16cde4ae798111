"""When to hand off: explicit request, very negative sentiment, repeated failure."""

from __future__ import annotations

from bot.handoff_policy import should_hand_off
from bot.nlu import Understander
from bot.types import Intent, Sentiment, Understanding

nlu = Understander()


def _u(label: str = "policy_question", score: float = 0.0) -> Understanding:
    return Understanding("en", Intent(label, 0.9), Sentiment("neutral", score))


def test_explicit_requests_in_both_languages() -> None:
    for text in (
        "Can I talk to a human?",
        "let me speak to an agent",
        "I need a real person",
        "转人工",
        "人工",
        "真人",
        "客服",
    ):
        handoff = should_hand_off(nlu.understand(text), {})
        assert handoff is not None and handoff.reason == "requested", text


def test_very_negative_sentiment() -> None:
    assert should_hand_off(_u(score=-0.8), {}).reason == "negative_sentiment"  # type: ignore[union-attr]
    assert should_hand_off(_u(score=-0.79), {}) is None
    angry = nlu.understand("This is the worst service ever, absolutely ridiculous!")
    assert should_hand_off(angry, {}).reason == "negative_sentiment"  # type: ignore[union-attr]


def test_repeated_failures() -> None:
    assert should_hand_off(_u(), {"failures": "1"}) is None
    assert should_hand_off(_u(), {"failures": "2"}).reason == "repeated_failure"  # type: ignore[union-attr]
    assert should_hand_off(_u(), {"failures": "garbled"}) is None


def test_request_wins_over_other_reasons() -> None:
    assert should_hand_off(_u("human_agent", -1.0), {"failures": "5"}).reason == "requested"  # type: ignore[union-attr]


def test_ordinary_questions_stay_with_the_bot() -> None:
    assert should_hand_off(nlu.understand("What is your return policy?"), {}) is None
    assert should_hand_off(nlu.understand("客服电话是多少？"), {}) is None
