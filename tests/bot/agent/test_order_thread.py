"""The thread of an order conversation on the demo shop: after a verified status, "it" and "that order" mean
the order just discussed (tracking, arrival, items, cancel, return; en + zh) until another order is named;
the which-order list shows it first; the focus never reaches another customer's order.

The cases are drawn from the shop's own orders, so they hold for whatever the demo data generates."""

from __future__ import annotations

import json

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.flows.detect import is_order_followup, order_aspect, refers_to_order
from bot.agent.flows.state import FLOW_ORDER, FOCUS
from bot.privacy.scrubber import PiiScrubber
from bot.testing.fakes import FakeRetriever
from bot.text import detect_language
from bot.types import Conversation, Customer, Order
from connectors.commerce import SqliteShop
from tests.bot.agent.conftest import Chat


def chat_on(shop: SqliteShop, pii: PiiScrubber, conversation: Conversation | None = None) -> Chat:
    engine = EmbeddedEngine(shop, shop, FakeRetriever(), actions=shop)
    return Chat(engine, pii, conversation or Conversation(id="thread"), no_email_in_tools=True)


def orders(shop: SqliteShop, status: str, count: int) -> list[Order]:
    found = shop.orders_with_status(status, limit=count)
    assert len(found) == count, f"the demo shop has fewer than {count} {status} orders"
    return found


def email_of(shop: SqliteShop, order: Order) -> str:
    user = shop.get_user(order.user_id)
    assert user is not None
    return user.email


def tracking(order: Order) -> list[str]:
    return [t for f in order.fulfillments for t in f.tracking_ids]


def verified_chat(shop: SqliteShop, pii: PiiScrubber, order: Order, lang: str = "en") -> Chat:
    """A conversation that has just asked where `order` is and verified with its number and email."""
    chat = chat_on(shop, pii)
    chat.send("Where is my order?" if lang == "en" else "我的订单到哪了？")
    reply = chat.send(f"{order.order_id}, {email_of(shop, order)}")
    assert order.order_id in reply
    return chat


@pytest.mark.parametrize("index", range(10))
def test_follow_ups_on_a_delivered_order(pii: PiiScrubber, demo: SqliteShop, index: int) -> None:
    order = orders(demo, "delivered", 10)[index]
    chat = verified_chat(demo, pii, order)
    arrival = chat.send("When will it arrive?")
    assert order.order_id in arrival and "delivered" in arrival and "Which order" not in arrival
    number = chat.send("ok and what's the tracking number?")
    assert order.order_id in number and all(t in number for t in tracking(order))
    items = chat.send("what was in that order again?")
    assert order.order_id in items and all(i.name in items for i in order.items)
    reply = chat.send("I want to return it")
    assert order.order_id in reply and "Which order" not in reply
    assert chat.conversation.memory.get(FLOW_ORDER) == order.order_id


@pytest.mark.parametrize("index", range(5))
def test_follow_ups_on_a_pending_order_then_cancel_it(pii: PiiScrubber, demo: SqliteShop, index: int) -> None:
    order = orders(demo, "pending", 5)[index]
    chat = verified_chat(demo, pii, order)
    arrival = chat.send("When will it arrive?")
    # No delivery date is invented: the shop has none for an order that has not shipped.
    assert order.order_id in arrival and "hasn't shipped" in arrival
    assert "tracking number" in chat.send("what's the tracking number?").lower()
    reply = chat.send("cancel it")
    assert order.order_id in reply and "mistake" in reply
    assert chat.conversation.memory.get(FLOW_ORDER) == order.order_id
    assert demo.get_order(order.order_id) == order  # asked why, nothing written


@pytest.mark.parametrize("index", range(5))
def test_follow_ups_in_chinese_on_an_order_on_its_way(pii: PiiScrubber, demo: SqliteShop, index: int) -> None:
    order = orders(demo, "processed", 5)[index]
    chat = verified_chat(demo, pii, order, lang="zh")
    for question in ("它什么时候到", "快递单号是多少", "发货了吗"):
        reply = chat.send(question)
        assert order.order_id in reply and all(t in reply for t in tracking(order)), question
        assert "哪一个订单" not in reply
    for question in ("那个订单里有什么", "这个订单里买了什么？"):
        items = chat.send(question)
        # In Chinese: the catalogue's Chinese names, the options in Chinese words.
        assert order.order_id in items and all(zh_name(demo, i.product_id) in items for i in order.items), question
        assert detect_language(items) == "zh" and "color:" not in items
    number = chat.send("那快递单号是多少？")
    assert order.order_id in number and all(t in number for t in tracking(order))


def zh_name(shop: SqliteShop, product_id: str) -> str:
    product = shop.get_product(product_id)
    assert product is not None and product.name_zh
    return product.name_zh


def test_a_delivered_order_in_focus_cannot_be_cancelled_but_is_offered_for_return(
    pii: PiiScrubber, demo: SqliteShop
) -> None:
    order = orders(demo, "delivered", 1)[0]
    chat = verified_chat(demo, pii, order)
    reply = chat.send("cancel it")
    assert order.order_id in reply and "return" in reply and "Which order" not in reply


def test_the_list_of_orders_shows_the_one_just_discussed_first(pii: PiiScrubber, demo: SqliteShop) -> None:
    # An owner with many orders, whose first delivered one is not among their newest.
    order = next(o for o in demo.orders_with_status("delivered", limit=100) if len(demo.list_orders(o.user_id)) > 5)
    chat = verified_chat(demo, pii, order)
    reply = chat.send("Show me my other orders")
    lines = [line for line in reply.splitlines() if line.startswith("- ")]
    assert len(lines) > 1 and order.order_id in lines[0]
    second = lines[1].split()[1].rstrip(":")
    picked = chat.send("the second one")
    assert second in picked and order.order_id not in picked
    # Named (picked) now: the follow-up is about the new order.
    assert second in chat.send("what's the tracking number?")


def test_naming_another_order_moves_the_focus(pii: PiiScrubber, demo: SqliteShop) -> None:
    order = next(o for o in demo.orders_with_status("delivered", limit=100) if len(demo.list_orders(o.user_id)) > 1)
    other = next(o for o in demo.list_orders(order.user_id) if o.order_id != order.order_id)
    chat = verified_chat(demo, pii, order)
    assert other.order_id in chat.send(f"and {other.order_id}?")
    items = chat.send("What was in that order?")
    assert other.order_id in items and order.order_id not in items


def test_the_focus_never_reaches_another_customers_order(pii: PiiScrubber, demo: SqliteShop) -> None:
    theirs = orders(demo, "processed", 1)[0]
    mine = next(o for o in demo.orders_with_status("delivered", limit=100) if o.user_id != theirs.user_id)
    user = demo.get_user(mine.user_id)
    assert user is not None
    me = Customer(user.user_id, user.first_name, user.email, "signed_identity")
    # A focus left by someone else (another customer earlier in the conversation, or forged memory).
    planted = {FOCUS: json.dumps([theirs.user_id, theirs.order_id])}
    chat = chat_on(demo, pii, Conversation(id="planted", customer=me, memory=planted))
    reply = chat.send("And what's the tracking number?")
    assert theirs.order_id not in reply and not any(t in reply for t in tracking(theirs))
    # Even a focus that names the right customer is checked by the tool: someone else's order is not found.
    forged = {FOCUS: json.dumps([me.customer_id, theirs.order_id])}
    chat = chat_on(demo, pii, Conversation(id="forged", customer=me, memory=forged))
    reply = chat.send("When will it arrive?")
    assert theirs.order_id not in reply and not any(t in reply for t in tracking(theirs))
    chat.conversation = Conversation(id="forged", customer=me, memory=forged)
    assert theirs.order_id not in chat.send("cancel it")
    assert chat.conversation.memory.get(FLOW_ORDER) != theirs.order_id


def test_an_unverified_follow_up_asks_for_proof(pii: PiiScrubber, demo: SqliteShop) -> None:
    chat = chat_on(demo, pii)
    assert "order number" in chat.send("When will it arrive?")


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("When will it arrive?", "arrival"),
        ("And what's the tracking number?", "tracking"),
        ("What was in that order?", "items"),
        ("has it shipped?", "status"),
        ("Where is it now?", "status"),
        ("它什么时候到", "arrival"),
        ("快递单号是多少", "tracking"),
        ("那个订单里有什么", "items"),
        ("发货了吗", "status"),
        ("how long until it gets here?", "arrival"),
        ("ok and what's the tracking number?", "tracking"),
        ("what was in that order again?", "items"),
        ("what's in the package?", "items"),
        ("那快递单号是多少？", "tracking"),
        ("这个订单里买了什么？", "items"),
        ("里面是什么？", "items"),
        ("那这个订单啥时候能收到？", "arrival"),
    ],
)
def test_follow_ups_are_recognised(text: str, aspect: str) -> None:
    assert is_order_followup(text) and order_aspect(text) == aspect


@pytest.mark.parametrize(
    "text",
    [
        "How much is it in blue?",
        "Is it in stock?",
        "What's in it?",
        "How long does shipping take?",
        "When will my refund arrive?",
        "How long until the refund arrives?",
        "How long do I have to return it?",
        "What items do you sell?",
        "物流政策是什么",
        "多久能到",
        "Show me my other orders",
    ],
)
def test_other_questions_are_not_order_follow_ups(text: str) -> None:
    assert not is_order_followup(text)


def test_pointing_back_in_both_languages() -> None:
    assert refers_to_order("cancel it") and refers_to_order("取消那个订单") and not refers_to_order("cancel my order")
