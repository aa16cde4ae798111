"""How the catalogue reads in a reply: names, options, prices and stock in the shopper's language, and the
product cards the reply carries beside its text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.agent.option_words import zh_word
from bot.agent.replies import say
from bot.types import Language, Product, ProductCard, Variant

#: The most variants or products one reply lists.
MAX_LISTED = 5


def name(product: Product, lang: Language) -> str:
    """The product's name in the shopper's language when the catalogue has it."""
    return product.name_zh if lang == "zh" and product.name_zh else product.name


def description(product: Product, lang: Language) -> str:
    """The product's description in the shopper's language when the catalogue has it."""
    return product.description_zh if lang == "zh" and product.description_zh else product.description


def without_name(sentence: str, product: Product) -> str:
    """A description's sentence less its lead-in naming the product ("The X by Harbor Goods: a ..." -> "A ..."),
    so products of one kind that share a sentence read alike."""
    if ": " in sentence and sentence.lower().startswith(("the " + product.name.lower(), product.name.lower())):
        tail = sentence.split(": ", 1)[1]
        return tail[:1].upper() + tail[1:]
    head, comma, tail = sentence.partition("，")  # "港湾好物潮汐系列羊毛盖毯，柔软美利奴羊毛…"
    if comma and tail and product.name_zh and product.name_zh[-2:] in head:
        return tail
    return sentence


def _translated(product: Product | None, lang: Language) -> bool:
    """Option words read in Chinese where the catalogue itself speaks Chinese (a product with a Chinese name);
    an English-only catalogue's values are shown as it spells them, like its names."""
    return lang == "zh" and (product is None or bool(product.name_zh))


def options(values: Mapping[str, str], lang: Language, product: Product | None = None) -> str:
    """Option values as a shopper reads them: "white, king" / "白色、特大"."""
    if _translated(product, lang):
        return "、".join(zh_word(v) for v in values.values())
    return ", ".join(values.values())


def offer(product: Product, lang: Language) -> str:
    """Every option on offer: "color: white, grey; size: king, queen"."""
    by_key = product.options_on_offer()
    if _translated(product, lang):
        return "；".join(f"{zh_word(k)}：{'、'.join(zh_word(v) for v in vs)}" for k, vs in by_key.items())
    if lang == "zh":
        return "；".join(f"{k}：{'、'.join(vs)}" for k, vs in by_key.items())
    return "; ".join(f"{k}: {', '.join(vs)}" for k, vs in by_key.items())


def price_span(variants: Sequence[Variant], lang: Language) -> str:
    prices = [v.price for v in variants] or [0.0]
    low, high = min(prices), max(prices)
    return say("price_single" if low == high else "price_range", lang, low=low, high=high)


def left(variant: Variant, lang: Language) -> str:
    return say("stock_left", lang, count=variant.stock) if variant.stock is not None else ""


def variant_item(variant: Variant, lang: Language, product: Product | None = None) -> str:
    """One variant: "sage, 1000ml $27.56 (in stock)"."""
    return say("variant_item", lang, **_variant_values(variant, lang, product))


def named_variant_item(product: Product, variant: Variant, lang: Language) -> str:
    """One variant with its product's name: "Pebble Insulated Water Bottle in sage, 1000ml, $27.56 (in stock)"."""
    return say("named_variant_item", lang, name=name(product, lang), **_variant_values(variant, lang, product))


def _variant_values(variant: Variant, lang: Language, product: Product | None) -> dict[str, object]:
    stock = say("in_stock" if variant.available else "out_of_stock", lang)
    return {"options": options(variant.options, lang, product), "price": variant.price, "stock": stock}


def items(parts: Iterable[str], lang: Language) -> str:
    return say("catalogue_sep", lang).join(parts)


def lowest(product: Product) -> float:
    """The "from" price: the cheapest variant in stock, or the cheapest at all."""
    pool = in_stock(product) or list(product.variants)
    return min((v.price for v in pool), default=0.0)


def in_stock(product: Product, at_most: float | None = None) -> list[Variant]:
    return [v for v in product.variants if v.available and (at_most is None or v.price <= at_most)]


def closest(product: Product, wanted: Mapping[str, str], skip: Variant | None = None) -> list[Variant]:
    """In-stock variants sharing the most options with those asked, cheapest first among equals."""
    pool = [v for v in in_stock(product) if v is not skip]
    pool.sort(key=lambda v: (-sum(v.options.get(k) == val for k, val in wanted.items()), v.price))
    return pool[:3]


def card(product: Product, variant: Variant | None, lang: Language, reason: str = "") -> ProductCard:
    """The card a reply carries for a product (a variant when the reply is about one)."""
    pick = variant or min(in_stock(product) or list(product.variants), key=lambda v: v.price, default=None)
    return ProductCard(
        product_id=product.product_id,
        name=name(product, lang),
        price=pick.price if pick else 0.0,
        variant=variant.item_id if variant else "",
        options=dict(variant.options) if variant else {},
        reason=reason,
        available=pick.available if pick else False,
    )
