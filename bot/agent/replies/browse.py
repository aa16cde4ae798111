"""Replies about the catalogue as a whole: do you sell, cheapest, under a price, recommendations."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

BROWSE: Mapping[str, Mapping[Language, str]] = {
    "sell_no": {
        "en": "No, sorry, we don't sell {thing}. The closest things we have: {items}.",
        "zh": "抱歉，我们没有卖{thing}。您可以看看这些相近的商品：{items}。",
    },
    "sell_no_nearest_none": {
        "en": "No, sorry, we don't sell {thing}. Some of what we do sell: {items}.",
        "zh": "抱歉，我们没有卖{thing}。我们在售的商品有：{items}。",
    },
    "sell_kind": {"en": "Yes, we have these: {items}.", "zh": "有的，我们有这些：{items}。"},
    "recommend": {"en": "Here are a few I'd suggest{within}: {items}.", "zh": "为您推荐{within}：{items}。"},
    "recommend_within": {"en": " under ${limit}", "zh": "（${limit} 以内）"},
    "recommend_in": {"en": " from {category}", "zh": "（{category}）"},
    "recommend_item": {
        "en": "{name}, ${price:.2f} ({options}): {reason}",
        "zh": "{name}，${price:.2f}（{options}）：{reason}",
    },
    "reason_in_stock": {"en": "in stock in {count} options", "zh": "{count} 个规格有货"},
    "recommend_none": {
        "en": "Sorry, nothing in stock fits that{within}. The most affordable things we have in stock: {items}.",
        "zh": "抱歉，没有符合条件{within}的有货商品。目前有货、价格最实惠的有：{items}。",
    },
    "shop_cheapest": {"en": "Our cheapest products in stock: {items}.", "zh": "目前有货的最便宜商品：{items}。"},
    "shop_dearest": {"en": "Our most expensive products in stock: {items}.", "zh": "目前有货的最贵商品：{items}。"},
    "catalogue_sep": {"en": "; ", "zh": "；"},
}
