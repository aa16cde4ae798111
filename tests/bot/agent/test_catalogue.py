"""Catalogue answers as a shopper reads them: the variant named loosely, its price and exact stock, the
closest in stock, do-you-sell, budgets, recommendations with cards, follow-ups about the product in focus."""

from __future__ import annotations

from bot.agent.catalogue.ask import budget, read
from bot.agent.catalogue.index import CatalogueIndex, narrow
from bot.agent.embedded import EmbeddedEngine
from bot.agent.option_words import canonical
from bot.privacy.scrubber import PiiScrubber
from bot.testing.fakes import FakeRetriever, FakeShop
from bot.types import Conversation, Product, Variant
from tests.bot.agent.conftest import Chat

BOTTLE = Product(
    "p_bottle",
    "Tidewater Glass Water Bottle",
    (
        Variant("b_blue_1l", {"color": "blue", "capacity": "1 L"}, False, 32.0, 0),
        Variant("b_blue_750", {"color": "blue", "capacity": "750ml"}, True, 28.0, 12),
        Variant("b_sage_1l", {"color": "sage", "capacity": "1 L"}, True, 33.5, 4),
    ),
    name_zh="潮汐玻璃水瓶",
    description="The Tidewater Glass Water Bottle: borosilicate glass in a silicone sleeve. Dishwasher safe.",
    description_zh="潮汐玻璃水瓶，硼硅玻璃配硅胶套。可以放入洗碗机清洗。",
    category="Kitchen & Dining",
)
BLANKET = Product(
    "p_blanket",
    "Harbor Picnic Blanket",
    (Variant("k_navy", {"color": "navy"}, True, 45.0, 30), Variant("k_sand", {"color": "sand"}, True, 49.0, 8)),
    name_zh="港湾野餐毯",
    description="The Harbor Picnic Blanket: a water-resistant backing keeps the damp grass out. Folds into a strap.",
    description_zh="港湾野餐毯，防泼水底层隔绝潮湿草地。可折叠收纳。",
    category="Outdoor",
)
SKILLET_A = Product(
    "p_skillet_a",
    "Harbor Cast Iron Skillet",
    (Variant("s_a", {"size": "10 in"}, True, 39.0, 5),),
    name_zh="港湾铸铁平底锅",
    category="Kitchen & Dining",
)
SKILLET_B = Product(
    "p_skillet_b",
    "Pebble Cast Iron Skillet",
    (Variant("s_b", {"size": "12 in"}, True, 54.0, 3),),
    name_zh="卵石铸铁平底锅",
    category="Kitchen & Dining",
)
CANDLE = Product(
    "p_candle",
    "Driftwood Scented Candle",
    (Variant("c_fig", {"scent": "fig"}, True, 18.0, 40),),
    name_zh="浮木香薰蜡烛",
    description="The Driftwood Scented Candle: soy wax with a cotton wick, about 40 hours of burn. A lovely gift.",
    description_zh="浮木香薰蜡烛，大豆蜡配棉芯，可燃烧约 40 小时。送礼佳品。",
    category="Home Fragrance",
)
PRODUCTS = (BOTTLE, BLANKET, SKILLET_A, SKILLET_B, CANDLE)


def _shop() -> FakeShop:
    return FakeShop(products=PRODUCTS)


def _chat(pii: PiiScrubber) -> Chat:
    shop = _shop()
    engine = EmbeddedEngine(shop, shop, FakeRetriever())
    return Chat(engine, pii, Conversation(id="c1"), no_email_in_tools=True)


# --------------------------------------------------------------------------- the index


def test_a_loose_name_in_either_language_finds_the_product_and_its_variant() -> None:
    index = CatalogueIndex(_shop())
    hit = index.find("the blue glass water bottle, 1 litre")[0]
    assert hit.product.product_id == "p_bottle"
    assert hit.variant is not None and hit.variant.item_id == "b_blue_1l"
    hit = index.find("潮汐玻璃水瓶 蓝色 750ml 有货吗")[0]
    assert hit.variant is not None and hit.variant.item_id == "b_blue_750"
    assert index.find("do you have bottles of wine") == []


def test_units_and_chinese_value_words_name_the_same_option() -> None:
    assert canonical("1000 ml") == canonical("1 L") == "1l"
    assert canonical('8"') == canonical("8 inch") == "8in"
    assert narrow(BOTTLE, "鼠尾草绿的").options == {"color": "sage"}
    # An option word inside the product's own name names no option ("a3 in stock" is not "3in").
    assert narrow(BLANKET, "is the harbor picnic blanket in stock?").options == {}


def test_names_shared_by_several_products_find_them_all() -> None:
    found = CatalogueIndex(_shop()).find("how much is the cast iron skillet?")
    assert {h.product.product_id for h in found} == {"p_skillet_a", "p_skillet_b"}


def test_a_removed_product_is_never_offered() -> None:
    shop = _shop()
    index = CatalogueIndex(shop)
    assert index.find("scented candle")
    del shop.products["p_candle"]
    assert index.find("scented candle") == []  # hits are read live, whatever the index holds


def test_the_cues_of_a_message() -> None:
    assert budget("recommend me something under 35 dollars") == 35
    assert budget("有什么30块钱以内的好东西推荐吗") == 30
    assert budget("can I return it within 30 days?") is None
    assert budget("30天以内可以退货吗") is None
    ask = read("Can I return the skillet?")
    assert ask.policy and not ask.about_product


# --------------------------------------------------------------------------- one product


def test_a_variant_out_of_stock_gets_a_no_and_the_closest_in_stock(pii: PiiScrubber) -> None:
    reply = _chat(pii).send("Is the glass water bottle in blue, 1 L in stock?")
    assert reply.startswith("No, the Tidewater Glass Water Bottle in blue, 1 L is out of stock")
    assert "Closest in stock" in reply and "750ml $28.00" in reply


def test_a_variant_price_states_the_price_and_its_stock(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    reply = chat.send("how much is the tidewater glass water bottle in sage, 1000ml?")
    assert "$33.50" in reply and "in stock (4 left)" in reply
    card = chat.last.replies[0].products[0]
    assert card.variant == "b_sage_1l" and card.price == 33.5


def test_chinese_questions_get_chinese_names_and_values(pii: PiiScrubber) -> None:
    reply = _chat(pii).send("潮汐玻璃水瓶（鼠尾草绿、1 L）多少钱？")
    assert "潮汐玻璃水瓶" in reply and "鼠尾草绿" in reply and "$33.50" in reply
    assert "Tidewater" not in reply


def test_attribute_questions_are_answered_from_the_description(pii: PiiScrubber) -> None:
    reply = _chat(pii).send("Is the picnic blanket waterproof?")
    assert "water-resistant" in reply


def test_cheapest_and_which_is_cheaper(pii: PiiScrubber) -> None:
    assert "750ml" in _chat(pii).send("what's the cheapest glass water bottle option?")
    reply = _chat(pii).send("which is cheaper, the harbor picnic blanket or the driftwood scented candle?")
    assert reply.startswith("The Driftwood Scented Candle is cheaper") and "$18.00" in reply


def test_a_follow_up_about_the_product_in_focus(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("tell me about the harbor picnic blanket")
    assert "$49.00" in chat.send("how much is it in sand?")
    assert chat.send("is it in stock in navy?").startswith("Yes")


def test_a_product_named_by_its_kind_alone_when_nothing_is_named_better(pii: PiiScrubber) -> None:
    assert "Dishwasher safe" in _chat(pii).send("is the bottle dishwasher safe?")
    assert CatalogueIndex(_shop()).find("is the bottle dishwasher safe?") == []  # only a loose lookup finds it


def test_a_question_about_the_rules_that_names_a_product_is_left_to_the_pages(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("Can I return the harbor picnic blanket?")
    assert "find_products" not in [c.name for c in chat.last.tool_calls]


# --------------------------------------------------------------------------- the catalogue as a whole


def test_do_you_sell_something_the_shop_does_not(pii: PiiScrubber) -> None:
    reply = _chat(pii).send("do you sell waterproof jackets?")
    assert reply.startswith("No, sorry, we don't sell waterproof jackets")
    assert "help pages" not in reply


def test_do_you_sell_a_kind_of_thing_it_does(pii: PiiScrubber) -> None:
    reply = _chat(pii).send("do you sell skillets?")
    assert reply.startswith("Yes") and "Harbor Cast Iron Skillet" in reply and "Pebble Cast Iron Skillet" in reply


def test_recommendations_within_a_budget_carry_cards(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    reply = chat.send("looking for a gift under $30, any ideas?")
    cards = chat.last.replies[0].products
    assert cards and all(c.price <= 30 and c.available for c in cards)
    assert "Driftwood Scented Candle" in reply and "Soy wax with a cotton wick" in reply  # its own text: the reason
    assert ".." not in reply
    zh = _chat(pii).send("想买个30美元以内的礼物，有推荐吗？")
    assert "浮木香薰蜡烛" in zh


def test_like_this_but_cheaper(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("tell me about the pebble cast iron skillet")
    chat.send("anything like this but cheaper?")
    names = [c.name for c in chat.last.replies[0].products]
    assert "Harbor Cast Iron Skillet" in names and "Pebble Cast Iron Skillet" not in names


def test_one_of_a_list_just_shown_is_picked_by_its_name_or_its_place(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("how much is the cast iron skillet?")
    assert "Pebble Cast Iron Skillet" in chat.send("the pebble one, is it in stock?")
    chat = _chat(pii)
    chat.send("how much is the cast iron skillet?")
    assert "Pebble Cast Iron Skillet" in chat.send("how much is the second one?")


def test_an_attribute_of_several_products_is_said_once_for_those_that_share_it(pii: PiiScrubber) -> None:
    shop = FakeShop(products=(*PRODUCTS, _other_blanket()))
    chat = Chat(EmbeddedEngine(shop, shop, FakeRetriever()), pii, Conversation(id="c1"), no_email_in_tools=True)
    reply = chat.send("is the picnic blanket waterproof?")
    assert reply.count("water-resistant backing") == 1 and "Pebble Picnic Blanket" in reply


def _other_blanket() -> Product:
    return Product(
        "p_blanket_2",
        "Pebble Picnic Blanket",
        (Variant("k2", {"color": "sage"}, True, 47.0, 3),),
        description="The Pebble Picnic Blanket: a water-resistant backing keeps the damp grass out. Rolls up.",
        category="Outdoor",
    )


def test_several_products_named_alike_under_a_price(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    reply = chat.send("有没有50美元以内的铸铁平底锅？")
    assert "港湾铸铁平底锅" in reply and "$39.00" in reply and "卵石铸铁平底锅" not in reply
    assert [c.price for c in chat.last.replies[0].products] == [39.0]


def test_a_need_in_plain_words_gets_the_products_that_meet_it(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    reply = chat.send("need something to light up the evening, maybe a candle")
    assert reply.startswith("Here are a few") and "Driftwood Scented Candle" in reply
    assert chat.last.replies[0].products[0].name == "Driftwood Scented Candle"


def test_a_question_in_other_words_is_answered_from_the_description(pii: PiiScrubber) -> None:
    assert "Dishwasher safe" in _chat(pii).send("what about the dishwasher, for the tidewater glass water bottle")
    assert "about 40 hours" in _chat(pii).send("how long does the driftwood scented candle burn")


def test_can_i_buy_it_now_is_a_stock_question_before_an_options_one(pii: PiiScrubber) -> None:
    assert _chat(pii).send("can i buy the tidewater glass water bottle right now? any colour").startswith("Yes")


def test_which_one_is_the_cheapest_of_a_list_just_shown(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("show me your cast iron skillets")
    reply = chat.send("which one's the cheapest?")
    assert "Harbor Cast Iron Skillet" in reply and "$39.00" in reply


def test_a_value_of_several_words_is_named_by_its_own_word() -> None:
    knife = Product(
        "p_knife",
        "Seabreeze Chef's Knife",
        (
            Variant("k_ss", {"size": "8 in", "material": "stainless steel"}, True, 78.4, 3),
            Variant("k_dm", {"size": "8 in", "material": "damascus steel"}, False, 120.0, 0),
        ),
    )
    hit = narrow(knife, "is the seabreeze chef's knife 8 inch damascus in stock??")
    assert hit.variant is not None and hit.variant.item_id == "k_dm"
    assert narrow(knife, "8 inch, steel").variant is None  # "steel" names both


def test_a_bare_question_is_about_the_product_in_focus(pii: PiiScrubber) -> None:
    chat = _chat(pii)
    chat.send("i'm looking at the driftwood scented candle")
    assert "$18.00" in chat.send("price?")
