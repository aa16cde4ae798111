"""The embedded engine's write flows end to end over a real SQLite shop: verify, pick, preview, confirm,
refuse, change of mind, corrections, detours and coming back (en + zh)."""

from __future__ import annotations

from bot.agent.embedded import EmbeddedEngine
from bot.privacy.scrubber import PiiScrubber
from bot.testing.commerce import (
    ANA,
    ANA_DELIVERED,
    ANA_GIFT_PENDING,
    ANA_PENDING,
    BO_PENDING,
    BOTTLE_LARGE,
    SHIRT_BLUE,
    SHIRT_RED,
)
from bot.testing.fakes import FakeRetriever
from bot.types import Conversation, Customer
from connectors.commerce.sqlite_shop import SqliteShop
from tests.bot.agent.conftest import Chat

EMAIL = "ana.lee@example.com"
WRITES = {
    "cancel_pending_order",
    "modify_pending_order_items",
    "modify_pending_order_address",
    "modify_pending_order_payment",
    "modify_user_address",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
}


def shop_chat(shop: SqliteShop, pii: PiiScrubber, conversation: Conversation | None = None) -> Chat:
    """A conversation with the embedded engine over a shop that accepts writes."""
    engine = EmbeddedEngine(shop, shop, FakeRetriever(), actions=shop)
    return Chat(engine, pii, conversation or Conversation(id="c1"), no_email_in_tools=True)


def writes(chat: Chat) -> list[str]:
    return [c.name for d in chat.decisions for c in d.tool_calls if c.name in WRITES]


def status(shop: SqliteShop, order_id: str) -> str:
    order = shop.get_order(order_id)
    assert order is not None
    return order.status


def test_cancel_step_by_step_then_yes(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = shop_chat(shop, pii)
    assert "order number" in chat.send("I want to cancel my order")
    reply = chat.send(f"It's {ANA_PENDING}, my email is {EMAIL}")
    assert "no longer needed" in reply and "mistake" in reply
    reply = chat.send("I don't need it anymore")
    assert "$70.00" in reply and "yes" in reply.lower() and status(shop, ANA_PENDING) == "pending"
    assert [c.name for c in chat.last.tool_calls][-1] == "cancel_pending_order:preview"
    reply = chat.send("yes")
    assert "cancelled" in reply and "$70.00" in reply
    assert status(shop, ANA_PENDING) == "cancelled" and writes(chat) == ["cancel_pending_order"]
    assert set(chat.last.timings_ms) >= {"tools", "composition"}


def test_change_of_mind_and_the_other_one(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = shop_chat(shop, pii)
    chat.send(f"Please cancel order {ANA_PENDING}, I ordered it by mistake. My email is {EMAIL}.")
    reply = chat.send("Actually no, don't cancel it. I'll keep it.")
    assert "haven't changed anything" in reply and writes(chat) == []
    chat.send(f"Cancel order {ANA_PENDING} please, ordered by mistake")
    reply = chat.send("sorry, wrong one: cancel the other one")
    assert ANA_GIFT_PENDING in reply and ANA_PENDING not in reply
    chat.send("yes")
    assert status(shop, ANA_GIFT_PENDING) == "cancelled" and status(shop, ANA_PENDING) == "pending"


def test_delivered_order_cannot_be_cancelled_but_returned(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = shop_chat(shop, pii)
    reply = chat.send(f"Cancel order {ANA_DELIVERED}, I no longer need it. Email {EMAIL}")
    assert "can no longer be cancelled" in reply and "return" in reply
    assert writes(chat) == [] and not any(c.name.startswith("cancel") for c in chat.last.tool_calls)
    reply = chat.send("ok then I want to return the water bottle")
    assert "Visa ending 1111" in reply and "gift card ending 1111" in reply  # where the refund goes: asked
    reply = chat.send("back to my card please")
    assert "Water Bottle" in reply and "$20.00" in reply and "Visa ending 1111 (5–7 business days)" in reply
    reply = chat.send("What is your return policy?")  # a detour: answered, then the statement again
    assert "30 days" in reply and "Water Bottle" in reply and writes(chat) == []
    assert "return requested" in chat.send("yes") and status(shop, ANA_DELIVERED) == "return requested"


def test_exchange_out_of_stock_then_another_variant_in_chinese(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = shop_chat(shop, pii)
    reply = chat.send(f"我想把订单 {ANA_DELIVERED} 里的 T-Shirt 换成绿色的，邮箱 {EMAIL}")
    assert "缺货" in reply and "颜色：红色" in reply  # the options in Chinese words
    reply = chat.send("那换红色的吧")
    assert "换货" in reply and "回复“是”" in reply
    assert "已申请换货" in chat.send("是的")
    order = shop.get_order(ANA_DELIVERED)
    assert order is not None and order.exchange_items == (SHIRT_BLUE,) and order.exchange_new_items == (SHIRT_RED,)


def test_modify_items_and_address_of_a_signed_in_shopper(pii: PiiScrubber, shop: SqliteShop) -> None:
    ana = Customer(ANA, "Ana Lee", EMAIL, "signed_identity")
    chat = shop_chat(shop, pii, Conversation(id="c2", customer=ana))
    reply = chat.send("I want to change the water bottle in my order to the 1000ml one")
    assert ANA_PENDING in reply or "Which order" in reply
    if "Which order" in reply:
        reply = chat.send("the first one" if ANA_PENDING in reply.split("\n")[1] else "the second one")
    chat.send("yes")
    order = shop.get_order(ANA_PENDING)
    assert order is not None and BOTTLE_LARGE in [i.item_id for i in order.items]
    reply = chat.send(f"Please ship order {ANA_PENDING} to 350 Fifth Avenue, Apt 12B, New York, NY 10118")
    assert "350 Fifth Avenue" in reply
    chat.send("yes")
    order = shop.get_order(ANA_PENDING)
    assert order is not None and order.address.city == "New York" and order.address.zip == "10118"


def test_someone_elses_order_is_never_touched(pii: PiiScrubber, shop: SqliteShop) -> None:
    chat = shop_chat(shop, pii)
    chat.send(f"My order is {ANA_PENDING}, email {EMAIL}")
    reply = chat.send(f"Now cancel order {BO_PENDING}, ordered by mistake")
    assert f"couldn't find order {BO_PENDING}" in reply
    chat.send("yes")
    assert status(shop, BO_PENDING) == "pending" and BO_PENDING not in str(
        [c.arguments for d in chat.decisions for c in d.tool_calls if c.name in WRITES]
    )
