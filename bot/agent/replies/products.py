"""Replies about one product: price, variant stock, options, attributes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

PRODUCTS: Mapping[str, Mapping[Language, str]] = {
    # One variant, named by its options.
    "variant_price_in_stock": {
        "en": "The {name} in {options} costs ${price:.2f} and is in stock{left}.",
        "zh": "{name}（{options}）售价 ${price:.2f}，有货{left}。",
    },
    "variant_price_out": {
        "en": "The {name} in {options} costs ${price:.2f}, but it is out of stock right now.",
        "zh": "{name}（{options}）售价 ${price:.2f}，但目前缺货。",
    },
    "variant_in_stock": {
        "en": "Yes, the {name} in {options} is in stock{left}, at ${price:.2f}.",
        "zh": "有货。{name}（{options}）售价 ${price:.2f}{left}。",
    },
    "variant_out": {
        "en": "No, the {name} in {options} is out of stock right now (it costs ${price:.2f}).",
        "zh": "抱歉，{name}（{options}）目前缺货（售价 ${price:.2f}）。",
    },
    "stock_left": {"en": " ({count} left)", "zh": "（剩余 {count} 件）"},
    "closest_in_stock": {"en": " Closest in stock: {items}.", "zh": "目前有货的相近规格：{items}。"},
    "nothing_else_in_stock": {"en": " No other option is in stock at the moment.", "zh": "其他规格目前也都缺货。"},
    "variant_item": {"en": "{options} ${price:.2f} ({stock})", "zh": "{options} ${price:.2f}（{stock}）"},
    "in_stock": {"en": "in stock", "zh": "有货"},
    "out_of_stock": {"en": "out of stock", "zh": "缺货"},
    # Options named that no variant has, or that several variants share.
    "variant_missing": {
        "en": "No, we don't have the {name} in {asked}. It comes in {offer}.",
        "zh": "抱歉，{name}没有{asked}这个规格。可选：{offer}。",
    },
    "fitting_in_stock": {
        "en": "Yes, the {name} in {asked} is in stock in {count} of {total} options: {items}.",
        "zh": "有货。{name}（{asked}）{total} 个规格中有 {count} 个有货：{items}。",
    },
    "fitting_out": {
        "en": "No, the {name} in {asked} is out of stock in every option.",
        "zh": "抱歉，{name}（{asked}）所有规格目前都缺货。",
    },
    "fitting_prices": {
        "en": "The {name} in {asked} comes in {total} options: {items}.",
        "zh": "{name}（{asked}）有 {total} 个规格：{items}。",
    },
    # The product as a whole.
    "product_summary": {
        "en": "The {name} costs {price}; {available} of {total} options are in stock. It comes in {offer}.",
        "zh": "{name}售价 {price}，{total} 个规格中有 {available} 个有货。可选：{offer}。",
    },
    "product_summary_short": {
        "en": "The {name} costs {price}; {available} of {total} options are in stock.",
        "zh": "{name}售价 {price}，{total} 个规格中有 {available} 个有货。",
    },
    "product_sold_out": {
        "en": "The {name} ({price}) is out of stock in every option right now. It comes in {offer}.",
        "zh": "{name}（{price}）目前所有规格都缺货。可选：{offer}。",
    },
    "product_in_stock": {
        "en": "Yes, the {name} is in stock in {count} of {total} options: {items}.",
        "zh": "有货。{name}{total} 个规格中有 {count} 个有货：{items}。",
    },
    "product_out": {
        "en": "No, the {name} is out of stock in every option right now. It comes in {offer}.",
        "zh": "抱歉，{name}目前所有规格都缺货。可选：{offer}。",
    },
    "product_options": {"en": "The {name} comes in {offer}.", "zh": "{name}可选：{offer}。"},
    "product_cheapest": {
        "en": "The cheapest {name} in stock is the {options} option at ${price:.2f}.",
        "zh": "{name}目前有货的最便宜规格是{options}，售价 ${price:.2f}。",
    },
    "product_dearest": {
        "en": "The most expensive {name} in stock is the {options} option at ${price:.2f}.",
        "zh": "{name}目前有货的最贵规格是{options}，售价 ${price:.2f}。",
    },
    "product_under": {
        "en": "Yes, the {name} in stock under ${limit:g}: {items}.",
        "zh": "有的，{name}在 ${limit:g} 以内的有货规格：{items}。",
    },
    "product_none_under": {
        "en": "No, no {name} in stock is under ${limit:g}; the cheapest in stock is {options} at ${price:.2f}.",
        "zh": "抱歉，{name}没有 ${limit:g} 以内的有货规格；有货的最便宜规格是{options}，售价 ${price:.2f}。",
    },
    "several_under": {
        "en": "Yes, in stock under ${limit:g}: {items}.",
        "zh": "有的，${limit:g} 以内的有货商品：{items}。",
    },
    "named_variant_item": {
        "en": "{name} in {options}, ${price:.2f} ({stock})",
        "zh": "{name}（{options}）${price:.2f}（{stock}）",
    },
    "product_says": {"en": "From the {name}'s description: {sentence}", "zh": "{name}的商品说明：{sentence}"},
    "product_says_nothing": {
        "en": "The {name}'s description does not say. It reads: {sentence}",
        "zh": "{name}的商品说明没有提到这一点。说明如下：{sentence}",
    },
    "products_say": {"en": "From the descriptions of the {names}: {sentence}", "zh": "{names}的商品说明：{sentence}"},
    "products_say_nothing": {
        "en": "The descriptions of the {names} do not say.",
        "zh": "{names}的商品说明没有提到这一点。",
    },
    "names_sep": {"en": ", ", "zh": "、"},
    "sell_yes": {"en": "Yes, we do. ", "zh": "有的。"},
    # Several products named at once.
    "products_several": {"en": "We have {count} that match: {items}.", "zh": "有 {count} 款符合：{items}。"},
    "product_item": {
        "en": "{name} ({price}, {available} of {total} options in stock)",
        "zh": "{name}（{price}，{total} 个规格中 {available} 个有货）",
    },
    "cheaper_of_two": {
        "en": "The {cheaper} is cheaper: from ${low:.2f}, against ${other_low:.2f} for the {other}.",
        "zh": "{cheaper}更便宜：${low:.2f} 起；{other} ${other_low:.2f} 起。",
    },
    "same_price": {
        "en": "They cost the same: the {name} and the {other} both start at ${low:.2f}.",
        "zh": "两款价格相同：{name}和{other}都是 ${low:.2f} 起。",
    },
}
