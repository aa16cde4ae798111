"""The smoke suite's data and its per-turn checks (the suite itself runs in `make test`)."""

from __future__ import annotations

import re

import pytest

from bot.types import Citation, Intent, Reply, Sentiment, Trace, TurnResult
from eval.public_data import percentile
from eval.smoke import Expectation, check_turn, fill, load_conversations, shop_email_domains

TRACE = Trace("en", Intent("x", 1.0), Sentiment("neutral", 0.0), "", (), None, "embedded", {})
CITE = Citation("policies/returns.en.md", "Returns Policy", "…")


def _result(text: str, state: str = "bot", cited: bool = False) -> TurnResult:
    return TurnResult((Reply(text, (CITE,) if cited else ()),), state, TRACE)  # type: ignore[arg-type]


def test_the_data_set_is_bilingual_and_covers_the_brief() -> None:
    conversations = load_conversations()
    languages = [c.language for c in conversations]

    assert len(conversations) >= 24
    assert languages.count("en") == languages.count("zh")
    assert len({c.id for c in conversations}) == len(conversations)
    for language in ("en", "zh"):
        topics = {c.topic for c in conversations if c.language == language}
        assert {
            "shipping",
            "returns",
            "exchanges",
            "warranty",
            "payment",
            "privacy",
            "contact",
            "order_status",
            "verification",
            "handoff",
            "smalltalk",
        } <= topics
    for conversation in conversations:
        for turn in conversation.turns:
            slots = set(re.findall(r"\{([a-z_]+)\}", turn.user))
            assert slots <= {"order_id", "email", "status"}
            assert not slots or conversation.order_status, conversation.id
            assert turn.expect.contains_any or turn.expect.state, conversation.id
    assert any(t.expect.state == "waiting_for_agent" for c in conversations for t in c.turns)


def test_a_good_turn_passes() -> None:
    expect = Expectation(contains_any=("30 days",), citations=True, state="bot")
    assert check_turn(expect, _result("Returns are free within 30 DAYS.", cited=True), ["can I return it?"], {}) == []


@pytest.mark.parametrize(
    ("expect", "result", "problem"),
    [
        (Expectation(contains_any=("refund",)), _result("Hello."), "reply has none of ['refund']"),
        (Expectation(citations=True), _result("Yes."), "no citations"),
        (Expectation(state="waiting_for_agent"), _result("Sure."), "state bot, expected waiting_for_agent"),
        (Expectation(), _result("Your email <EMAIL_1> is set."), "placeholder leaked: <EMAIL_1>"),
        (Expectation(), _result("Order belongs to lily@example.com"), "foreign email in reply: lily@example.com"),
        (Expectation(not_contains=("{status}",)), _result("It was delivered."), "reply contains 'delivered'"),
        (Expectation(), _result(""), "no reply"),
    ],
)
def test_a_bad_turn_names_its_problem(expect: Expectation, result: TurnResult, problem: str) -> None:
    assert problem in check_turn(expect, result, ["my email is me@example.com"], {"status": "delivered"})


def test_the_shoppers_own_email_and_the_shops_are_not_foreign() -> None:
    text = "I have ME@example.com on file; write to support@harborgoods.example."
    problems = check_turn(Expectation(), _result(text), ["me@example.com"], {}, shop_email_domains())
    assert problems == []


def test_fill_replaces_known_slots_only() -> None:
    assert fill("order {order_id} {unknown} {", {"order_id": "#W1"}) == "order #W1 {unknown} {"


def test_percentile() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 95) == 95.0
