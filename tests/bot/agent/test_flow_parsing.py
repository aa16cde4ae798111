"""What the write flows read from a message: the action, request or question, yes/no, reasons, choices,
items, variants and addresses (en + zh)."""

from __future__ import annotations

import pytest

from bot.agent.flows.addresses import parse_address
from bot.agent.flows.detect import action_of, cancel_reason, choice, is_no, is_request, wants_other
from bot.agent.flows.variants import pick_items, pick_variant
from bot.types import OrderItem, Product, Variant


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("I want to cancel my order", "cancel"),
        ("我要取消订单", "cancel"),
        ("I'd like to return the vase", "return"),
        ("我想退货", "return"),
        ("Can I exchange it for a bigger size?", "exchange"),
        ("衣服尺码不合适，可以换一个大一号的吗？", "exchange"),
        ("Please change the shipping address of order #W1234567", "address"),
        ("帮我改一下收货地址", "address"),
        ("update the default address on my account", "user_address"),
        ("I want to pay with PayPal instead", "payment"),
        ("change the color of the shirt in my order to blue", "modify"),
        ("What is my email address on file?", None),
        ("How long does shipping take?", None),
    ],
)
def test_action_of(text: str, action: str | None) -> None:
    assert action_of(text) == action


def test_request_or_rules_question() -> None:
    assert is_request("Please cancel my order", False)
    assert is_request("我要退货", False)
    assert is_request("return this", True)
    assert not is_request("Can I return something I bought if I don't like it?", False)
    assert not is_request("What is your return policy? How many days do I have?", False)
    assert not is_request("退货政策是什么？", False)


def test_refusals_are_not_corrections() -> None:
    refusals = ("no", "No thanks", "Actually no, don't cancel it. I'll keep it.", "算了", "不用了", "let me think")
    for text in refusals:
        assert is_no(text), text
    for text in ("No, I meant the blue one", "no longer needed", "不需要了", "不是这个，是另一个", "yes"):
        assert not is_no(text), text


def test_reasons_and_choices() -> None:
    assert cancel_reason("I ordered it by mistake") == "ordered by mistake"
    assert cancel_reason("买错了") == "ordered by mistake"
    assert cancel_reason("I don't need it anymore") == "no longer needed"
    assert cancel_reason("不需要了") == "no longer needed"
    assert cancel_reason("hello") is None
    assert choice("the second one", 3) == 1
    assert choice("第一个", 2) == 0
    assert choice("the last one", 3) == 2
    assert choice("the fifth", 2) is None
    assert wants_other("actually cancel the other one") and wants_other("是另一个订单")


SHIRT = Product(
    "p1",
    "Harbor T-Shirt",
    (
        Variant("s-red-m", {"color": "red", "size": "M"}, True, 50.0),
        Variant("s-blue-m", {"color": "blue", "size": "M"}, True, 55.0),
        Variant("s-red-l", {"color": "red", "size": "L"}, True, 50.0),
        Variant("s-white-m", {"color": "white", "size": "M"}, False, 50.0),
    ),
    name_zh="港湾T恤",
)
RED_M = OrderItem("s-red-m", "p1", "Harbor T-Shirt", 50.0, {"color": "red", "size": "M"})
VASE = OrderItem("v-1", "p2", "Pebble Ceramic Vase", 30.0, {"color": "sand"})


def test_items_by_name_position_or_all() -> None:
    names = {"p1": "港湾T恤", "p2": "卵石陶瓷花瓶"}
    assert pick_items("return the vase", [RED_M, VASE], names) == [VASE]
    assert pick_items("退掉那个花瓶", [RED_M, VASE], names) == [VASE]
    assert pick_items("the first one", [RED_M, VASE], names) == [RED_M]
    assert pick_items("everything", [RED_M, VASE], names) == [RED_M, VASE]
    assert pick_items("hello", [RED_M, VASE], names) == []


def test_variant_from_named_options() -> None:
    assert pick_variant("change it to blue", RED_M, SHIRT).item_id == "s-blue-m"  # type: ignore[union-attr]
    assert pick_variant("换成蓝色的", RED_M, SHIRT).item_id == "s-blue-m"  # type: ignore[union-attr]
    assert pick_variant("one size bigger please", RED_M, SHIRT).item_id == "s-red-l"  # type: ignore[union-attr]
    assert pick_variant("大一号", RED_M, SHIRT).item_id == "s-red-l"  # type: ignore[union-attr]
    white = pick_variant("the white one", RED_M, SHIRT)
    assert white is not None and not white.available  # the flow says it is out of stock
    assert pick_variant("something nicer", RED_M, SHIRT) is None


def test_addresses_in_both_formats() -> None:
    a = parse_address("please ship it to 350 Fifth Avenue, Apt 12B, New York, NY 10118, USA")
    assert a is not None and (a.address1, a.address2, a.city, a.state, a.zip, a.country) == (
        "350 Fifth Avenue", "Apt 12B", "New York", "NY", "10118", "USA",
    )  # fmt: skip
    b = parse_address("地址改为浙江省杭州市西湖区文三路99号，邮编310012")
    assert b is not None and (b.address1, b.city, b.state, b.zip) == ("西湖区文三路99号", "杭州市", "浙江省", "310012")
    c = parse_address("把地址改成 123 Main St, Springfield, IL 62701")
    assert c is not None and c.city == "Springfield" and c.country == "USA"
    assert parse_address("my zip is 98186") is None
    assert parse_address("上海市浦东新区世纪大道100号") is None  # no zip code: the flow asks again
