"""When to hand off: explicit request, sensitive topics, very negative sentiment, frustration, repeated failure,
low confidence."""

from __future__ import annotations

from bot.agent.handoff_policy import (
    Attempt,
    Failure,
    decide,
    forget,
    low_confidence_handoff,
    remember_turn,
    should_hand_off,
)
from bot.types import Handoff, Intent, Sentiment, Understanding
from bot.understanding.understander import Understander

nlu = Understander()


def _u(label: str = "policy_question", score: float = 0.0, frustration: float = 0.0) -> Understanding:
    return Understanding("en", Intent(label, 0.9), Sentiment("neutral", score, frustration))


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
    assert should_hand_off(_u(score=-0.8, frustration=0.5), {}).reason == "negative_sentiment"  # type: ignore[union-attr]
    assert should_hand_off(_u("complaint", score=-0.8), {}).reason == "negative_sentiment"  # type: ignore[union-attr]
    assert should_hand_off(_u(score=-0.79, frustration=0.5), {}) is None
    # A very negative score on a calm question (sentiment models read 退货 as negative) is not enough.
    assert should_hand_off(_u(score=-1.0, frustration=0.3), {}) is None
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


def _felt(frustration: float, confidence: float = 0.9) -> Understanding:
    return Understanding("en", Intent("order_status", confidence), Sentiment("negative", -0.3, frustration))


def test_sensitive_topics_hand_off_in_both_languages() -> None:
    cases = {
        "If I don't get my refund today I will sue you, my lawyer will call.": "sensitive_legal",
        "再不退款我就去法院起诉你们": "sensitive_legal",
        "The lamp caught fire and I burned my hand": "sensitive_safety",
        "充电提灯充电的时候爆炸了，孩子受伤了": "sensitive_safety",
        "There is a charge on my card that I never made": "sensitive_fraud",
        "我的信用卡被盗刷了，不是我下的单": "sensitive_fraud",
    }
    for text, reason in cases.items():
        handoff = should_hand_off(_u(), {}, text)
        assert handoff is not None and handoff.reason == reason, text
    calm = ("Can I return a lamp?", "How do I pay with a gift card?", "台灯可以退货吗？", "What is your refund policy?")
    for text in calm:
        assert should_hand_off(_u(), {}, text) is None, text


def test_frustration_that_stays_high_or_rises() -> None:
    memory: dict[str, str] = {}
    for value in (0.1, 0.3):
        assert should_hand_off(_felt(value), memory) is None
        remember_turn(_felt(value), memory, understood=True)
    # 0.1 -> 0.3 -> 0.55: climbing past the bar.
    assert should_hand_off(_felt(0.55), memory).reason == "frustration"  # type: ignore[union-attr]
    high = {"frustration": "0.65"}
    assert should_hand_off(_felt(0.62), high).reason == "frustration"  # type: ignore[union-attr]
    # One exasperated message after calm ones is the sentiment's business, not a trend.
    assert should_hand_off(_felt(0.62), {"frustration": "0.00,0.40,0.20"}) is None
    assert should_hand_off(_felt(0.7), {"frustration": "garbled"}) is None


def test_low_confidence_twice_in_a_row() -> None:
    memory: dict[str, str] = {}
    remember_turn(_felt(0.0, confidence=0.3), memory, understood=False)
    assert low_confidence_handoff(_felt(0.0), memory) is None
    # A guess the engine could use (an answer to its own question) breaks the streak.
    remember_turn(_felt(0.0, confidence=0.3), memory, understood=True)
    remember_turn(_felt(0.0, confidence=0.3), memory, understood=False)
    assert low_confidence_handoff(_felt(0.0), memory) is None
    remember_turn(_felt(0.0, confidence=0.2), memory, understood=False)
    assert low_confidence_handoff(_felt(0.0), memory).reason == "low_confidence"  # type: ignore[union-attr]
    forget(memory)
    assert low_confidence_handoff(_felt(0.0), memory) is None


def test_a_shopper_correcting_their_own_slip_is_not_angry() -> None:
    harsh = _u(score=-0.95, frustration=0.5)
    assert should_hand_off(harsh, {}, "等一下，说错了，不是这个，是另一个订单") is None
    assert should_hand_off(harsh, {}, "Sorry, wrong one. I meant the other order") is None
    assert should_hand_off(harsh, {}, "You are useless").reason == "negative_sentiment"  # type: ignore[union-attr]


def test_one_decision_before_and_after_the_engine_with_every_reason_in_its_place() -> None:
    u = _u()
    # Before the engine: the message and the memory alone.
    assert decide(_u("human_agent"), {"failures": "5"}).reason == "requested"  # type: ignore[union-attr]
    assert decide(u, {"failures": "2"}).reason == "repeated_failure"  # type: ignore[union-attr]
    assert decide(u, {}) is None
    # A failure always hands off, whatever else holds; then the model's own transfer.
    assert decide(u, {}, "", Failure()) == Handoff("engine_error")
    assert decide(u, {"failures": "5"}, "", Failure("The model failed.")).summary == "The model failed."
    transfer = Attempt(counted=True, transfers=("wants an exception", ""))
    assert decide(u, {"failures": "5"}, "", transfer) == Handoff("model_transfer", "wants an exception ")
    assert decide(u, {}, "", Attempt(transfers=("",))) == Handoff("model_transfer", "")
    # The counters, only where the engine kept them.
    assert decide(u, {"failures": "2"}, "", Attempt()) is None
    assert decide(u, {"failures": "2"}, "", Attempt(counted=True)).reason == "repeated_failure"  # type: ignore[union-attr]
    streak = {"low_confidence": "2"}
    assert decide(u, streak, "", Attempt(counted=True)).reason == "low_confidence"  # type: ignore[union-attr]
    # After the engine, a frustration trend that holds first leaves only the low-confidence streak to judge.
    frustrated = {"failures": "2", "frustration": "0.70,0.70"}
    assert decide(_felt(0.7), frustrated, "", Attempt(counted=True)) is None


def test_questions_about_the_team_and_fact_questions_are_answered() -> None:
    # Asking when the people work is no request for one; asking for them is.
    assert should_hand_off(nlu.understand("人工客服几点上班"), {}, "人工客服几点上班") is None
    asked = should_hand_off(nlu.understand("转人工"), {}, "转人工")
    assert asked is not None and asked.reason == "requested"
    # A very negative question for a fact is answered unless the shopper is exasperated too.
    upset = Understanding("zh", Intent("complaint", 0.9), Sentiment("negative", -0.9, 0.2))
    assert should_hand_off(upset, {}, "收到的东西坏了，几天内要反馈") is None
    exasperated = Understanding("zh", Intent("complaint", 0.9), Sentiment("negative", -0.9, 0.7))
    assert should_hand_off(exasperated, {}, "收到的东西坏了，几天内要反馈") is not None
