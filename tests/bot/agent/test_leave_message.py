"""Taking a message when nobody can answer a handoff: which step each shopper message leads to (no models)."""

from __future__ import annotations

import pytest

from bot.agent.leave_message import KEY, Offer, keep, next_step, pending
from bot.types import Intent, Sentiment, Understanding

OFFER = Offer("requested")


def understood(label: str = "other", confidence: float = 0.9, language: str = "en") -> Understanding:
    return Understanding(language, Intent(label, confidence), Sentiment("neutral", 0.0))  # type: ignore[arg-type]


def test_the_offer_round_trips_through_memory_and_a_garbled_one_is_none() -> None:
    memory: dict[str, str] = {}
    taken = Offer("sensitive_safety", email="<EMAIL_1>", lines=("my lamp caught fire",))
    keep(memory, taken)
    assert pending(memory) == taken
    keep(memory, None)
    assert KEY not in memory and pending(memory) is None
    assert pending({KEY: "not json"}) is None and pending({KEY: "[]"}) is None


def test_an_email_with_a_message_files_it_at_once() -> None:
    text = "<EMAIL_1> my parcel arrived broken, please call me back"
    step = next_step(OFFER, text, understood("complaint"))
    assert step.step == "file"
    assert step.offer == Offer("requested", email="<EMAIL_1>", lines=(text,))


@pytest.mark.parametrize(
    "text", ["<EMAIL_1>", "my email is <EMAIL_1>", "sure, it's <EMAIL_1> thanks", "我的邮箱是<EMAIL_1>"]
)
def test_an_email_alone_asks_for_the_message_then_any_text_is_it(text: str) -> None:
    step = next_step(OFFER, text, understood("account"))
    assert step.step == "ask_message" and step.offer == Offer("requested", email="<EMAIL_1>")
    assert step.offer is not None
    # Asked what to tell the team: whatever comes next is the message, even a question.
    then = next_step(step.offer, "Why was I charged twice?", understood("payment"))
    assert then.step == "file" and then.offer == Offer("requested", "<EMAIL_1>", ("Why was I charged twice?",))


def test_a_message_without_an_email_is_kept_and_the_email_asked_for() -> None:
    step = next_step(OFFER, "The courier left my parcel at the wrong house", understood("complaint"))
    assert step.step == "ask_email" and step.offer is not None
    assert step.offer.lines == ("The courier left my parcel at the wrong house",)
    filed = next_step(step.offer, "<EMAIL_1>", understood("account"))
    assert filed.step == "file" and filed.offer is not None
    assert filed.offer.email == "<EMAIL_1>" and filed.offer.lines == step.offer.lines


@pytest.mark.parametrize(
    ("text", "u"),
    [
        ("fine. how much is the Harbor Table Lamp in brass?", understood("product_question")),
        ("what is your return window", understood("policy_question", 0.3)),
        ("算了，卵石陶瓷花瓶多少钱？", understood("product_question", 0.3, "zh")),
        ("那海风鞋架这款什么价格", understood("other", 0.2, "zh")),
        ("where is order #W1234567", understood("order_status")),
    ],
)
def test_another_question_goes_to_the_engine_and_drops_the_offer(text: str, u: Understanding) -> None:
    assert next_step(OFFER, text, u).step == "answer"
    assert next_step(OFFER, text, u).offer is None


def test_a_sensitive_topic_is_a_message_for_the_team_not_another_question() -> None:
    step = next_step(OFFER, "I was charged twice for my order, why?", understood("payment"))
    assert step.step == "ask_email" and step.offer is not None
    assert step.offer.lines == ("I was charged twice for my order, why?",)


@pytest.mark.parametrize("text", ["no thanks", "Never mind.", "nvm", "不用了", "算了"])
def test_no_thanks_drops_the_offer(text: str) -> None:
    step = next_step(OFFER, text, understood("other"))
    assert step.step == "declined" and step.offer is None


@pytest.mark.parametrize("text", ["yes please", "ok", "好的"])
def test_yes_asks_for_both_and_keeps_the_offer(text: str) -> None:
    step = next_step(OFFER, text, understood("thanks"))
    assert step.step == "ask_both" and step.offer == OFFER
