"""The LLM engine's catalogue tools over the scripted model server: a variant's price and live stock, price
filters and recommendations as cards, and no raw tool JSON in what the shopper reads."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from bot.agent.embedded import EmbeddedEngine
from bot.agent.llm import LlmConfig, LlmEngine
from bot.agent.tools.context import ToolContext
from bot.agent.tools.registry import call_tool
from bot.privacy.scrubber import PiiScrubber
from bot.testing import llm_server as llm
from bot.testing.commerce import BOTTLE_SMALL, SHIRT_GREEN
from bot.testing.fakes import FakeRetriever
from bot.types import JSON, Conversation, Intent, Product, Sentiment, Understanding
from connectors.commerce.sqlite_shop import SqliteShop
from tests.bot.agent.conftest import Chat

SHIRT = "9000000001"


@pytest.fixture(scope="module")
def server() -> Iterator[llm.ScriptedLlmServer]:
    with llm.ScriptedLlmServer() as s:
        yield s


@pytest.fixture
def model(server: llm.ScriptedLlmServer) -> Iterator[llm.ScriptedLlmServer]:
    server.reset()
    yield server
    assert server.pending == 0, "the engine made fewer model calls than scripted"


def chat(server: llm.ScriptedLlmServer, shop: SqliteShop, pii: PiiScrubber, **kw: Any) -> Chat:
    config = LlmConfig(server.base_url, "scripted", None, max_retries=0)
    engine = LlmEngine(config, shop, shop, FakeRetriever(), fallback=EmbeddedEngine(shop, shop, FakeRetriever()), **kw)
    understand = lambda text, _locale: Understanding("en", Intent("product_question", 0.9), Sentiment("neutral", 0.0))  # noqa: E731
    return Chat(engine, pii, Conversation(id="c_cat"), understand=understand)


def as_data(result: JSON) -> Any:
    """A tool result as the model reads it (JSON), untyped for the test's lookups."""
    return json.loads(json.dumps(result))


def tool_results(server: llm.ScriptedLlmServer) -> list[str]:
    return [str(m.get("content")) for m in server.requests[-1]["messages"] if m.get("role") == "tool"]


def test_a_variant_out_of_stock_gets_its_price_stock_and_the_closest_in_stock(
    model: llm.ScriptedLlmServer, shop: SqliteShop, pii: PiiScrubber
) -> None:
    model.script(
        llm.tool_call("get_variant_details", {"product_id": SHIRT, "options": {"color": "green", "size": "M"}}),
        llm.text("The green T-Shirt in M is $45.25 but out of stock; red and blue in M are in stock."),
    )
    c = chat(model, shop, pii)
    reply = c.send("Is the green t-shirt in M in stock?")
    [result] = tool_results(model)
    data = json.loads(result[result.index("{") :])
    assert data["variant"]["item_id"] == SHIRT_GREEN and data["variant"]["price"] == 45.25
    assert data["variant"]["available"] is False and data["exact_match"] is True
    assert [v["options"]["color"] for v in data["closest_in_stock"]] == ["red", "blue"]
    assert "$45.25" in reply and "{" not in reply
    [card] = c.last.replies[0].products
    assert (card.product_id, card.variant, card.price, card.available) == (SHIRT, SHIRT_GREEN, 45.25, False)
    assert dict(card.options) == {"color": "green", "size": "M"}
    assert [(t.name, t.ok) for t in c.last.tool_calls if t.name != "search_knowledge"] == [
        ("get_variant_details", True)
    ]


def test_recommendations_under_a_price_are_in_stock_cards(
    model: llm.ScriptedLlmServer, shop: SqliteShop, pii: PiiScrubber
) -> None:
    model.script(
        llm.tool_call("recommend_products", {"query": "water bottle", "max_price": 25}),
        llm.text("The Water Bottle in 500ml is $20.00."),
    )
    c = chat(model, shop, pii)
    c.send("A water bottle under $25?")
    [card] = c.last.replies[0].products
    assert (card.variant, card.price, card.available) == (BOTTLE_SMALL, 20.0, True)


def test_an_answer_pasting_raw_tool_json_never_reaches_the_shopper(
    model: llm.ScriptedLlmServer, shop: SqliteShop, pii: PiiScrubber
) -> None:
    model.script(
        llm.tool_call("search_products", {"query": "t-shirt"}),
        llm.text('Here you go: {"product_id": "9000000001", "price_from": 45.25}'),
    )
    c = chat(model, shop, pii)
    reply = c.send("Do you sell t-shirts?")
    assert '"product_id"' not in reply and "{" not in reply
    assert c.last.engine == "embedded"  # the fallback answered instead


def test_bad_catalogue_arguments_are_tool_errors(shop: SqliteShop) -> None:
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {})
    assert not call_tool(ctx, "recommend_products", {"query": "mug", "max_price": "cheap"}).call.ok
    assert not call_tool(ctx, "get_variant_details", {"product_id": SHIRT, "options": ["red"]}).call.ok
    missing = call_tool(ctx, "get_variant_details", {"product_id": "no such thing at all"}).call
    assert missing.ok and missing.result == {"found": False, "product_id": "no such thing at all"}


class _Index:
    """A catalogue index standing in for bot/agent/catalogue: records the queries it answered."""

    def __init__(self, products: Sequence[Product]) -> None:
        self.products, self.queries = list(products), list[str]()

    def search(self, query: str, limit: int) -> Sequence[Product]:
        self.queries.append(query)
        return self.products[:limit]


def test_the_tools_search_through_the_long_lived_index_and_read_stock_live(shop: SqliteShop) -> None:
    product = shop.get_product(SHIRT)
    assert product is not None
    index = _Index([product])
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {}, catalogue=index)
    result = as_data(call_tool(ctx, "search_products", {"query": "tee"}).call.result)
    assert index.queries == ["tee"]
    assert result["matched"] is True
    [found] = result["products"]
    assert found["price_from"] == 45.25 and found["variants_in_stock"] == 2


def test_without_an_index_a_loose_name_is_found_and_a_missing_one_is_not(shop: SqliteShop) -> None:
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {})
    hit = as_data(call_tool(ctx, "search_products", {"query": "water bottles"}).call.result)
    miss = call_tool(ctx, "search_products", {"query": "electric kettle"}).call.result
    assert [p["name"] for p in hit["products"]] == ["Water Bottle"]
    assert miss == {"products": [], "matched": False}


def test_an_answer_with_a_model_control_token_never_reaches_the_shopper(
    model: llm.ScriptedLlmServer, shop: SqliteShop, pii: PiiScrubber
) -> None:
    model.script(llm.text("Sure<|endoftext|>>>>"))
    c = chat(model, shop, pii)
    reply = c.send("Do you sell t-shirts?")
    assert "<|" not in reply
    assert c.last.engine == "embedded"


def test_a_need_no_product_text_shares_still_gets_what_the_budget_buys(shop: SqliteShop) -> None:
    ctx = ToolContext(shop, shop, FakeRetriever(), None, {})
    result = as_data(call_tool(ctx, "recommend_products", {"query": "a nice gift", "max_price": 25}).call.result)
    picks = result["recommendations"]
    assert result["matched"] and picks
    assert all(p["variant"]["price"] <= 25 and p["variant"]["available"] for p in picks)
