"""Where a return's refund goes: asked when the shop's rules leave a choice (the original payment method or a gift
card of the shopper's), understood in the shopper's words (en + zh), and always shown in words with when the money
arrives, never as the shop's id; on the mini shop and on orders drawn from the demo shop."""

from __future__ import annotations

import re

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.flows.refund import destinations, named_method
from bot.privacy.scrubber import PiiScrubber
from bot.testing.commerce import ANA_DELIVERED, BO_DELIVERED
from bot.testing.fakes import FakeRetriever
from bot.types import Address, Conversation, Order, PaymentMethod, PaymentRecord
from connectors.commerce import SqliteShop
from tests.bot.agent.conftest import Chat

ANA_EMAIL, BO_EMAIL = "ana.lee@example.com", "bo.chen@example.cn"
VISA = PaymentMethod(id="credit_card_7001118", source="credit_card", brand="visa", last_four="1118")
GIFT = PaymentMethod(id="gift_card_1814948", source="gift_card", balance=25.0)
PAYPAL = PaymentMethod(id="paypal_5550001", source="paypal")
#: A payment method's id in a reply: never shown to the shopper.
METHOD_ID = re.compile(r"\b(gift_card|credit_card|paypal)_\d+")


def chat_on(shop: SqliteShop, pii: PiiScrubber) -> Chat:
    engine = EmbeddedEngine(shop, shop, FakeRetriever(), actions=shop)
    return Chat(engine, pii, Conversation(id="refund"), no_email_in_tools=True)


def refunded_to(shop: SqliteShop, order_id: str) -> str:
    order = shop.get_order(order_id)
    assert order is not None and order.status == "return requested"
    return order.return_payment_method_id or ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to my gift card", GIFT.id),
        ("the visa please", VISA.id),
        ("back to the card ending 1118", VISA.id),
        ("gift card ending 4948", GIFT.id),
        ("the original payment method", VISA.id),
        ("not the gift card, the original one", VISA.id),
        ("to my gift card instead of the original", GIFT.id),
        ("原路退回", VISA.id),
        ("退到礼品卡", GIFT.id),
        ("不要退到礼品卡，退回原支付方式", VISA.id),
        ("尾号4948的那张", GIFT.id),
        ("whatever is fastest", ""),
    ],
)
def test_the_shopper_names_a_destination_in_their_own_words(text: str, expected: str) -> None:
    assert named_method(text, [VISA, GIFT], original=VISA.id) == expected


def _order_paid_with(method_id: str) -> Order:
    address = Address("1 Main St", "", "Portland", "OR", "USA", "97201")
    paid = (PaymentRecord("payment", 10.0, method_id),)
    return Order("#W1", "u", "delivered", address, (), payment_history=paid)


def test_the_destinations_the_rules_allow_original_first_then_gift_cards() -> None:
    paid_by_visa = [m.id for m in destinations(_order_paid_with(VISA.id), [PAYPAL, GIFT, VISA])]
    assert paid_by_visa == [VISA.id, GIFT.id]  # PayPal is the shopper's too, but not a refund destination
    assert [m.id for m in destinations(_order_paid_with(GIFT.id), [VISA, GIFT])] == [GIFT.id]


def test_asked_in_english_then_the_gift_card_chosen(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"I want to return the water bottle from order {ANA_DELIVERED}, my email is {ANA_EMAIL}")
    assert f"Where would you like the refund for order {ANA_DELIVERED} to go?" in reply
    assert "Visa ending 1111 (5–7 business days)" in reply
    assert "gift card ending 1111 (the balance is refunded at once)" in reply
    reply = chat.send("to my gift card")
    assert "$20.00 will be refunded to gift card ending 1111 (the balance is refunded at once)" in reply
    reply = chat.send("yes")
    assert "gift card ending 1111" in reply and not METHOD_ID.search(reply)
    assert refunded_to(shop, ANA_DELIVERED) == "gift_card_1111"


def test_asked_in_chinese_and_answered_by_position_or_in_words(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"我想退掉订单 {ANA_DELIVERED} 里的 Water Bottle，邮箱 {ANA_EMAIL}")
    assert (
        f"请问订单 {ANA_DELIVERED} 的退款退到哪里" in reply
        and "尾号1111的Visa卡（5–7个工作日）" in reply
        and "尾号1111的礼品卡（余额即时到账）" in reply
    )
    reply = chat.send("第二个")  # the second destination listed, not the order's second item
    assert "尾号1111的礼品卡" in reply and "$20.00" in reply
    reply = chat.send("还是原路退回吧")
    assert "尾号1111的Visa卡（5–7个工作日）" in reply and "$20.00" in reply
    reply = chat.send("是")
    assert "已申请退货" in reply and "尾号1111的Visa卡" in reply and not METHOD_ID.search(reply)
    assert refunded_to(shop, ANA_DELIVERED) == "credit_card_1111"


def test_a_destination_given_with_the_request_is_not_asked_again(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"Return the water bottle of {ANA_DELIVERED} to my gift card please, email {ANA_EMAIL}")
    assert "Where would you like" not in reply and "refunded to gift card ending 1111" in reply


def test_a_method_the_rules_do_not_allow_is_explained(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    chat.send(f"I want to return the water bottle from order {ANA_DELIVERED}, my email is {ANA_EMAIL}")
    reply = chat.send("refund it to my paypal")
    assert "can't go to PayPal" in reply and f"refund for order {ANA_DELIVERED} to go?" in reply


def test_one_possible_destination_is_named_without_asking(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = chat_on(shop, pii)
    reply = chat.send(f"I want to return order {BO_DELIVERED}, my email is {BO_EMAIL}")
    assert "Where would you like" not in reply
    assert "$20.00 will be refunded to PayPal (5–7 business days)" in reply
    chat.send("yes")
    assert refunded_to(shop, BO_DELIVERED) == "paypal_2222"


# ------------------------------------------------------------------ the demo shop


def with_choice(shop: SqliteShop, count: int, single_item: bool = True) -> list[tuple[Order, PaymentMethod]]:
    """Delivered one-item orders paid with a card or PayPal whose owner also has a gift card."""
    found = []
    for order in shop.orders_with_status("delivered", limit=500):
        user = shop.get_user(order.user_id)
        paid = [p.payment_method_id for p in order.payment_history if p.transaction_type == "payment"]
        gifts = [m for m in (user.payment_methods if user else ()) if m.source == "gift_card" and m.id not in paid]
        if user and gifts and len(gifts) == 1 and paid and (len(order.items) == 1) == single_item:
            found.append((order, gifts[0]))
    assert len(found) >= count, "the demo shop has too few orders with a choice of refund destination"
    return found[:count]


@pytest.mark.parametrize("index", range(3))
def test_demo_orders_in_english(pii: PiiScrubber, demo: SqliteShop, index: int) -> None:
    order, gift = with_choice(demo, 3)[index]
    user = demo.get_user(order.user_id)
    assert user is not None
    chat = chat_on(demo, pii)
    chat.send("I want to return an item")
    reply = chat.send(f"{order.order_id}, {user.email}")
    digits = gift.id[-4:]
    assert f"gift card ending {digits} (the balance is refunded at once)" in reply and not METHOD_ID.search(reply)
    reply = chat.send("to my gift card please")
    assert f"refunded to gift card ending {digits}" in reply and not METHOD_ID.search(reply)
    reply = chat.send("yes")
    assert "return requested" in reply and not METHOD_ID.search(reply)
    assert refunded_to(demo, order.order_id) == gift.id


@pytest.mark.parametrize("index", range(3))
def test_demo_orders_in_chinese(pii: PiiScrubber, demo: SqliteShop, index: int) -> None:
    order, gift = with_choice(demo, 6)[3 + index]
    user = demo.get_user(order.user_id)
    assert user is not None
    paid = next(p.payment_method_id for p in order.payment_history if p.transaction_type == "payment")
    chat = chat_on(demo, pii)
    chat.send("我想退货")
    reply = chat.send(f"{order.order_id}, {user.email}")
    assert f"尾号{gift.id[-4:]}的礼品卡（余额即时到账）" in reply and "（5–7个工作日）：原支付方式" in reply
    reply = chat.send("原路退回")
    assert "（5–7个工作日）" in reply and not METHOD_ID.search(reply)
    assert "已申请退货" in chat.send("确认")
    assert refunded_to(demo, order.order_id) == paid
