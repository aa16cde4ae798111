"""The embedded engine's reply table: every template in both languages, one name per template."""

from __future__ import annotations

from bot.agent.replies import REPLIES, handoff_phrase, method_name, reason_text, say, status_text
from bot.agent.replies.availability import AVAILABILITY
from bot.agent.replies.browse import BROWSE
from bot.agent.replies.chat import CHAT
from bot.agent.replies.flows import FLOWS
from bot.agent.replies.orders import ORDERS
from bot.agent.replies.products import PRODUCTS
from bot.agent.replies.writes import WRITES
from bot.types import PaymentMethod


def test_no_name_is_used_by_two_topics() -> None:
    assert len(REPLIES) == sum(len(table) for table in (CHAT, ORDERS, FLOWS, WRITES, PRODUCTS, BROWSE, AVAILABILITY))


def test_say_fills_a_template() -> None:
    assert say("order_status", "en", order_id="#W1", status="delivered") == "Order #W1 is delivered."
    assert say("order_status", "zh", order_id="#W1", status="已送达") == "订单 #W1 当前状态：已送达。"


def test_values_read_as_the_shopper_knows_them() -> None:
    assert status_text("pending", "zh") == "待处理（尚未发货）"
    assert status_text("lost in space", "en") == "lost in space"
    assert reason_text("ordered by mistake", "zh") == "误下单"
    assert reason_text("ordered by mistake", "en") == "ordered by mistake"
    card = PaymentMethod(id="credit_card_1", source="credit_card", brand="visa", last_four="1111")
    assert method_name(card, "en") == "Visa ending 1111"
    assert method_name(card, "zh") == "尾号1111的Visa卡"
    gift = PaymentMethod(id="gift_card_1814948", source="gift_card", balance=10.0)
    assert method_name(gift, "en") == "gift card ending 4948"
    assert method_name(gift, "zh") == "尾号4948的礼品卡"


def test_handoff_phrase_falls_back_by_family_then_to_the_general_one() -> None:
    assert handoff_phrase("sensitive_legal", "en") == REPLIES["handoff_sensitive"]["en"]
    assert handoff_phrase("something_new", "zh") == REPLIES["handoff_other"]["zh"]
