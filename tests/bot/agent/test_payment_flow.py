"""The payment flow: its own parser (a change of method is no item change, a split is a payment question), the
rule that an order is paid with one method (the shop's words, cited, where its pages say so), and the method
chosen in the shopper's words or by its place in the list (en + zh)."""

from __future__ import annotations

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.flows.detect import action_of
from bot.agent.flows.payment_words import asks_payment_change, asks_split
from bot.privacy.scrubber import PiiScrubber
from bot.testing.commerce import ANA_PENDING
from bot.testing.fakes import FakeRetriever
from bot.types import Conversation, Passage
from connectors.commerce.sqlite_shop import SqliteShop
from tests.bot.agent.conftest import Chat

EMAIL = "ana.lee@example.com"
RULE = (
    Passage(
        "payment.en#3",
        "Each order is paid with a single payment method. If your gift card balance does not cover the whole "
        "order, please choose a card or PayPal for that order instead, or place separate orders.",
        "payment.en.md",
        "Payment Policy",
        "One payment method per order",
    ),
    Passage(
        "payment.zh#3",
        "每个订单只能使用一种支付方式支付。如果礼品卡余额不足以支付整笔订单，请为该订单改用银行卡或 PayPal。",
        "payment.zh.md",
        "支付政策",
        "每个订单只能使用一种支付方式",
        language="zh",
    ),
)


@pytest.mark.parametrize(
    "text",
    [
        "Can I pay for one order partly with a gift card and partly with my credit card?",
        "Can I split the payment between two cards?",
        "can I pay half with PayPal and half with my Visa?",
        "can I use two cards for one order?",
        "一个订单可以一部分用礼品卡、一部分用信用卡付款吗？",
        "可以分开支付吗",
        "能不能组合支付",
    ],
)
def test_a_split_is_a_payment_question(text: str) -> None:
    assert asks_split(text) and action_of(text) == "payment"


@pytest.mark.parametrize(
    "text",
    [
        "change how order #W1234567 is paid",
        "I want to change the payment method of order #W1234567 to my gift card",
        "change order #W1234567 to be paid with paypal",
        "switch the order to my visa",
        "pay for it with my gift card instead",
        "我想把订单 #W1234567 改用礼品卡支付",
        "订单 #W1234567 换成PayPal付款",
    ],
)
def test_a_change_of_method_is_no_item_change(text: str) -> None:
    assert asks_payment_change(text) and not asks_split(text) and action_of(text) == "payment"


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("please change the size of the shirt in order #W1 to M", "modify"),
        ("switch it to the large size", "modify"),
        ("I want a refund to the original payment method", "return"),
        ("what payment methods do you accept?", None),
        ("how do I pay for my order?", None),
    ],
)
def test_other_messages_are_not_payment_changes(text: str, action: str | None) -> None:
    assert not asks_split(text) and action_of(text) == action


def chat_on(shop: SqliteShop, pii: PiiScrubber, retriever: FakeRetriever | None = None) -> Chat:
    engine = EmbeddedEngine(shop, shop, retriever or FakeRetriever(), actions=shop)
    return Chat(engine, pii, Conversation(id="pay"), no_email_in_tools=True)


def test_a_split_is_answered_with_the_shops_rule_cited(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii, FakeRetriever(RULE))
    reply = chat.send("Can I pay for one order partly with a gift card and partly with my credit card?")
    assert reply.startswith("No. Each order is paid with a single payment method.")
    assert "order number" in reply  # the change of method is offered
    assert [c.source for c in chat.last.replies[0].citations] == ["payment.en.md"]
    reply = chat.send("一个订单可以一部分用礼品卡、一部分用信用卡付款吗？")
    assert reply.startswith("不可以。每个订单只能使用一种支付方式") and chat.last.replies[0].citations


def test_without_the_rule_in_the_pages_the_flow_says_it(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii, FakeRetriever(()))
    assert "one payment method only" in chat.send("Can I split the payment between two cards?")
    assert "只能使用一种支付方式" in chat.send("可以分开支付吗？")


def test_change_how_an_order_is_paid_then_pick_by_position(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"change how order {ANA_PENDING} is paid, my email is {EMAIL}")
    # Not an item change: the methods other than the one the order was paid with, numbered, never by id.
    assert "Which payment method" in reply and "1. gift card ending 1111" in reply and "2. PayPal" in reply
    assert "paypal_1111" not in reply and "Which items" not in reply
    reply = chat.send("the second one")
    assert "with PayPal instead of" in reply and 'Reply "yes"' in reply
    assert "paid with PayPal" in chat.send("yes")
    order = shop.get_order(ANA_PENDING)
    assert (
        order is not None
        and [p.payment_method_id for p in order.payment_history if p.transaction_type == "payment"][-1] == "paypal_1111"
    )


def test_a_split_asked_inside_the_flow_comes_back_to_its_question(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii, FakeRetriever(RULE))
    chat.send(f"I want to pay order {ANA_PENDING} with another payment method, {EMAIL}")
    reply = chat.send("could I split it half with the gift card and half with PayPal?")
    assert "single payment method" in reply and "Back to your request" in reply and "Which payment method" in reply
    reply = chat.send("not the gift card, the PayPal one")
    assert "with PayPal instead of" in reply


def test_the_method_named_with_the_request_in_chinese(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"我想把订单 {ANA_PENDING} 改用PayPal支付，邮箱 {EMAIL}")
    assert "改用 PayPal 支付" in reply and "回复“是”" in reply
