"""Order items in a Chinese reply: the catalogue's Chinese name and option words, else as the shop spells them."""

from __future__ import annotations

from bot.agent.tools.item_names import item_text, options_in, product_name
from bot.testing.fakes import FakeShop
from bot.types import Product, Variant

LAMP = Product("p1", "Pebble Floor Lamp", (Variant("i1", {"color": "brass"}, True, 10.0),), name_zh="卵石落地灯")
HOSE = Product("p2", "Garden Hose", (Variant("i2", {"length": "25ft"}, True, 10.0),))


def test_chinese_names_and_options_where_the_catalogue_has_them() -> None:
    inventory = FakeShop(products=[LAMP, HOSE])
    options = {"color": "brass", "shade": "paper"}
    assert item_text(inventory, "p1", "Pebble Floor Lamp", options, "zh") == "卵石落地灯（颜色：黄铜色，灯罩：纸）"
    assert (
        item_text(inventory, "p1", "Pebble Floor Lamp", options, "en")
        == "Pebble Floor Lamp (color: brass, shade: paper)"
    )
    # No Chinese name in the catalogue (tau2's shop), a value without a Chinese word: as the shop spells them.
    assert item_text(inventory, "p2", "Garden Hose", {"length": "25ft"}, "zh") == "Garden Hose（长度：25ft）"
    assert product_name(inventory, "gone", "Old Thing", "zh") == "Old Thing"
    assert options_in({}, "zh") == "" and item_text(inventory, "p1", "Pebble Floor Lamp", {}, "zh") == "卵石落地灯"
