"""The per-message frustration signal: repeats, waiting, being ignored, threats and shouting raise it (en + zh)."""

from __future__ import annotations

import pytest

from bot.understanding.frustration import frustration
from bot.understanding.understander import Understander

FRUSTRATED = [
    "This is the third time I'm asking, where is my order??",
    "I STILL HAVE NOT RECEIVED MY PARCEL",
    "Nobody answers my emails, I'm fed up!!!",
    "How many times do I have to explain this? Still no refund",
    "I've already told you twice, this is ridiculous",
    "都五天了还没发货，你们怎么回事？",
    "我要投诉！！",
    "我已经问了第三次了，到底什么时候发货",
    "客服一直不回复，太过分了",
    "又是这样，受够了",
]
CALM = [
    "Where is my order #W1234567",
    "Is the blue one still available?",
    "Thanks, that was quick!",
    "Can I pay with PayPal?",
    "My email is <EMAIL_1> and the order is #W7654321",
    "请问有红色的吗",
    "又快又好，谢谢",
    "The quality is excellent, I'll order again",
    "还不错",
    "这件衣服可以退货吗？",
    "你好，我想查一下订单",
]


@pytest.mark.parametrize("text", FRUSTRATED)
def test_exasperated_messages_read_as_frustrated(text: str) -> None:
    assert frustration(text) >= 0.5, text


@pytest.mark.parametrize("text", CALM)
def test_calm_messages_do_not(text: str) -> None:
    assert frustration(text) < 0.35, text


def test_cues_add_up_but_stay_within_one() -> None:
    one = frustration("still waiting")
    more = frustration("still waiting, nobody replies, third time asking!!! UNACCEPTABLE SERVICE")
    assert 0.0 < one < more <= 1.0


def test_negative_sentiment_adds_a_little_on_its_own() -> None:
    assert frustration("the mug arrived chipped", sentiment_score=-0.8) == pytest.approx(0.28)
    assert frustration("the mug arrived chipped", sentiment_score=0.5) == 0.0


def test_placeholders_and_order_numbers_are_not_shouting() -> None:
    assert frustration("<EMAIL_1> <PHONE_1> W1234567 USPS") == 0.0


@pytest.mark.parametrize("text", ["", "   ", "!!!", "？？？", "\x00\ud800"])
def test_odd_input_is_a_number_not_an_error(text: str) -> None:
    assert 0.0 <= frustration(text) <= 1.0


def test_understander_fills_the_field() -> None:
    # Lexicon only: SnowNLP takes tens of seconds to load on busy cores, and the field is set on both paths.
    nlu = Understander(use_model=False, sentiment_models=False)
    assert nlu.understand("Still nothing?? This is the THIRD TIME I ASK").sentiment.frustration >= 0.7
    assert nlu.understand("thank you, lovely shop").sentiment.frustration == 0.0
    assert nlu.understand("到底什么时候发货？都一周了还没动静").sentiment.frustration >= 0.5
