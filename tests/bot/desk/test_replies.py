"""The desk's reply table: every template in both languages, the canned responses in order, say() by locale."""

from __future__ import annotations

from bot.desk.assist import canned_responses
from bot.desk.replies import CANNED, REPLIES, say
from bot.desk.tickets import summarize


def test_say_picks_chinese_for_zh_and_english_otherwise() -> None:
    assert say("agent_joined", "zh", agent="Ana") == "Ana 已加入对话。"
    assert say("agent_joined", "en", agent="Ana") == "Ana joined the conversation."
    assert say("agent_joined", None, agent="Ana") == "Ana joined the conversation."
    assert say("wait_minutes", "fr", minutes=4) == "An agent will join shortly. Expected wait: about 4 minutes."


def test_canned_responses_are_signed_and_in_order() -> None:
    assert all(key in REPLIES for key in CANNED)
    en = canned_responses("en", "Ana")
    assert en[0] == "Hi, this is Ana from the shop team. I'm reading your conversation now."
    assert en[-1] == "I'm handing you back to our assistant now. Have a great day!"
    assert canned_responses("zh", "Ana")[0] == "您好，我是客服 Ana，正在查看您的对话。"
    assert len(en) == len(CANNED)


def test_the_summary_quotes_the_shoppers_last_words() -> None:
    assert summarize("negative_sentiment", ["hi", "this is awful"]) == (
        "Negative sentiment. Last message: \u201cthis is awful\u201d"
    )
    assert summarize("requested", [], "The shopper asked for a person.") == "The shopper asked for a person."
