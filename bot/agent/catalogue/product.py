"""Questions about products the shopper names: a variant's price and exact stock (and the closest in stock
when it is out), the options on offer, the cheapest / dearest / those under a price, which of two is
cheaper, and attributes from the product's own description."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.agent.catalogue import lines
from bot.agent.catalogue.ask import FILLER, Ask
from bot.agent.catalogue.index import Hit, terms
from bot.agent.flows.state import Turn
from bot.agent.replies import say
from bot.agent.sentences import split_sentences
from bot.types import Language, Product, ProductCard, Reply, Variant

_YES_NO_QUESTION = re.compile(r"^(?:is|are|does|do|can|will|would|has|have)\b|吗[？?]?$|是不是|能不能|会不会")
#: Words of a question that are not the attribute asked about.
_NOT_ATTRIBUTE = frozenset(
    "is are does do can will would has have the a an it its this that they them be made good quality really very "
    "stock available price cost much how about tell me more".split()
)


def answer(turn: Turn, hits: Sequence[Hit], ask: Ask, lang: Language, text: str) -> bool:
    """Answer about the products hit (best first) in `lang`; `text` is the message as the shopper wrote it.
    Always True: a named product is always answered."""
    top = [h for h in hits if h.score >= hits[0].score - 1e-9]
    turn.ctx.record(
        "find_products",
        {"text": turn.text},
        True,
        [{"product_id": h.product.product_id, "name": h.product.name, "options": dict(h.options)} for h in hits],
    )
    if ask.cheaper and len(top) >= 2:
        said, cards = _cheaper(top[0].product, top[1].product, lang)
    elif len(top) > 1 and _is_attribute_question(top[0].product, ask, text):
        said, cards = _attribute_of_several(top, text, lang)
    elif len(top) > 1 and (ask.cheapest or ask.dearest):
        said, cards = _extreme_of_several(top, ask.cheapest, lang)
    elif len(top) > 1 and ask.budget is not None:
        said, cards = _under_several(top, ask.budget, lang)
    elif len(top) > 1:
        said, cards = _several(top, lang)
        said = say("sell_yes", lang) + said if ask.sell else said
    else:
        said, cards = _one(top[0], ask, text, lang)
    turn.replies.append(Reply(said, products=tuple(cards)))
    turn.succeeded()
    return True


# --------------------------------------------------------------------------- one product


def _one(hit: Hit, ask: Ask, text: str, lang: Language) -> tuple[str, list[ProductCard]]:
    product = hit.product
    name = lines.name(product, lang)
    if hit.options:
        return _named_options(hit, ask, lang)
    if not product.variants:
        return lines.description(product, lang) or name, [lines.card(product, None, lang)]
    if ask.cheapest or ask.dearest:
        pool = lines.in_stock(product) or list(product.variants)
        pick = (min if ask.cheapest else max)(pool, key=lambda v: v.price)
        key = "product_cheapest" if ask.cheapest else "product_dearest"
        said = say(key, lang, name=name, options=lines.options(pick.options, lang, product), price=pick.price)
        return said, [lines.card(product, pick, lang)]
    if ask.budget is not None:
        return _under(product, ask.budget, lang)
    if ask.stock and not ask.price:  # "can I buy it right now? any colour": stock first
        return _stock(product, lang)
    if ask.options:
        return say("product_options", lang, name=name, offer=lines.offer(product, lang)), [
            lines.card(product, None, lang)
        ]
    if _is_attribute_question(product, ask, text):
        return _attribute(product, attribute_words(text, product), lang), [lines.card(product, None, lang)]
    told = _deciding_sentence(product, attribute_words(text, product), lang) if not (ask.price or ask.sell) else ""
    if told:  # "how long does it keep stuff cold?": the description's sentence about it
        return say("product_says", lang, name=name, sentence=told), [lines.card(product, None, lang)]
    said = _summary(product, lang)
    if ask.about:
        first = [lines.without_name(s, product) for s in _sentences(lines.description(product, lang))[:1]]
        said = " ".join([*first, said]) if lang == "en" else "".join([*first, said])
    elif ask.sell:
        said = say("sell_yes", lang) + _summary(product, lang, short=True)
    return said, [lines.card(product, None, lang)]


def _named_options(hit: Hit, ask: Ask, lang: Language) -> tuple[str, list[ProductCard]]:
    product, name = hit.product, lines.name(hit.product, lang)
    asked = lines.options(hit.options, lang, product)
    variant = hit.variant
    if variant is not None:
        opts = lines.options(variant.options, lang, product)
        if ask.stock:
            key = "variant_in_stock" if variant.available else "variant_out"
        else:
            key = "variant_price_in_stock" if variant.available else "variant_price_out"
        said = say(key, lang, name=name, options=opts, price=variant.price, left=lines.left(variant, lang))
        if not variant.available:
            said += _closest(product, hit.options, variant, lang)
        return said, [lines.card(product, variant, lang)]
    if not hit.fitting:
        said = say("variant_missing", lang, name=name, asked=asked, offer=lines.offer(product, lang))
        return said + _closest(product, hit.options, None, lang), [lines.card(product, None, lang)]
    fitting = list(hit.fitting)
    available = [v for v in fitting if v.available]
    if ask.stock:
        if available:
            listed = lines.items((lines.variant_item(v, lang, product) for v in available[: lines.MAX_LISTED]), lang)
            said = say("fitting_in_stock", lang, name=name, asked=asked, count=len(available), total=len(fitting),
                       items=listed)  # fmt: skip
        else:
            said = say("fitting_out", lang, name=name, asked=asked) + _closest(product, hit.options, None, lang)
    else:
        listed = lines.items((lines.variant_item(v, lang, product) for v in fitting[: lines.MAX_LISTED]), lang)
        said = say("fitting_prices", lang, name=name, asked=asked, total=len(fitting), items=listed)
    return said, [lines.card(product, v, lang) for v in (available or fitting)[: lines.MAX_LISTED]]


def _closest(product: Product, wanted: Mapping[str, str], skip: Variant | None, lang: Language) -> str:
    near = lines.closest(product, wanted, skip)
    if not near:
        return say("nothing_else_in_stock", lang)
    return say("closest_in_stock", lang, items=lines.items((lines.variant_item(v, lang, product) for v in near), lang))


def _stock(product: Product, lang: Language) -> tuple[str, list[ProductCard]]:
    """In stock or not, for a product asked about as a whole: which options are."""
    name, available = lines.name(product, lang), lines.in_stock(product)
    if not available:
        return say("product_out", lang, name=name, offer=lines.offer(product, lang)), [lines.card(product, None, lang)]
    listed = lines.items((lines.variant_item(v, lang, product) for v in available[: lines.MAX_LISTED]), lang)
    said = say("product_in_stock", lang, name=name, count=len(available), total=len(product.variants), items=listed)
    return said, [lines.card(product, v, lang) for v in available[: lines.MAX_LISTED]]


def _under(product: Product, limit: float, lang: Language) -> tuple[str, list[ProductCard]]:
    name = lines.name(product, lang)
    fitting = sorted(lines.in_stock(product, limit), key=lambda v: v.price)
    if fitting:
        listed = lines.items((lines.variant_item(v, lang, product) for v in fitting[: lines.MAX_LISTED]), lang)
        said = say("product_under", lang, name=name, limit=limit, items=listed)
        return said, [lines.card(product, v, lang) for v in fitting[: lines.MAX_LISTED]]
    pool = lines.in_stock(product) or list(product.variants)
    pick = min(pool, key=lambda v: v.price)
    said = say("product_none_under", lang, name=name, limit=limit, options=lines.options(pick.options, lang, product),
               price=pick.price)  # fmt: skip
    return said, []


def _summary(product: Product, lang: Language, short: bool = False) -> str:
    """Price span and stock, and (unless `short`) every option on offer."""
    name = lines.name(product, lang)
    available = lines.in_stock(product)
    values = {"name": name, "price": lines.price_span(available or product.variants, lang)}
    if not available:
        return say("product_sold_out", lang, offer=lines.offer(product, lang), **values)
    key = "product_summary_short" if short else "product_summary"
    return say(key, lang, available=len(available), total=len(product.variants),
               offer=lines.offer(product, lang), **values)  # fmt: skip


# --------------------------------------------------------------------------- attributes


def attribute_words(text: str, product: Product) -> list[str]:
    """The words of a question that are neither the product's name nor its options nor filler:
    "waterproof" in "is the picnic blanket waterproof?"."""
    known = set(terms(" ".join((product.name, product.name_zh))))
    for variant in product.variants:
        known.update(terms(" ".join(variant.options.values())))
    return [w for w in terms(text) if w not in known and w not in _NOT_ATTRIBUTE and w not in FILLER and len(w) > 1]


def yes_no_question(text: str) -> bool:
    """ "Is it ...?", "does it ...?", "...吗？"."""
    return bool(_YES_NO_QUESTION.search(text.strip().lower()))


def _is_attribute_question(product: Product, ask: Ask, text: str) -> bool:
    """A yes/no question about something the product's name and options do not say ("waterproof?")."""
    if ask.price or ask.stock or ask.sell or not yes_no_question(text):
        return False
    return bool(attribute_words(text, product))


def _attribute(product: Product, asked: list[str], lang: Language) -> str:
    name = lines.name(product, lang)
    sentence = _deciding_sentence(product, asked, lang)
    if sentence:
        return say("product_says", lang, name=name, sentence=sentence)
    sentences = _sentences(lines.description(product, lang))
    return say("product_says_nothing", lang, name=name, sentence=" ".join(sentences[:2]) or name)


def _deciding_sentence(product: Product, asked: list[str], lang: Language) -> str:
    """The description's sentence about what is asked (a word of it, or its first five letters:
    "waterproof" finds "water-resistant"), or ""."""
    for sentence in _sentences(lines.description(product, lang)):
        lowered = sentence.lower()
        if any(w in lowered or (len(w) >= 6 and w[:5] in lowered) for w in asked):
            return lines.without_name(sentence, product)
    return ""


def _attribute_of_several(hits: Sequence[Hit], text: str, lang: Language) -> tuple[str, list[ProductCard]]:
    """One attribute of several products the question names alike ("is the picnic blanket waterproof?" in a shop
    with four): each one's deciding sentence, said once for those that share it."""
    by_sentence: dict[str, list[Product]] = {}
    for hit in hits[: lines.MAX_LISTED]:
        sentence = _deciding_sentence(hit.product, attribute_words(text, hit.product), lang)
        by_sentence.setdefault(sentence, []).append(hit.product)
    parts = []
    for sentence, products in by_sentence.items():
        names = say("names_sep", lang).join(lines.name(p, lang) for p in products)
        parts.append(say("products_say" if sentence else "products_say_nothing", lang, names=names, sentence=sentence))
    return " ".join(parts), [lines.card(h.product, None, lang) for h in hits[: lines.MAX_LISTED]]


def _sentences(text: str) -> list[str]:
    """A description's sentences (the project's segmenter: "1.5 litre" is not two sentences)."""
    return [s.text for s in split_sentences(" ".join(text.split()))]


# --------------------------------------------------------------------------- several products


def _several(hits: Sequence[Hit], lang: Language) -> tuple[str, list[ProductCard]]:
    parts = []
    for hit in hits[: lines.MAX_LISTED]:
        product = hit.product
        if hit.variant is not None:
            parts.append(lines.named_variant_item(product, hit.variant, lang))
            continue
        available = lines.in_stock(product)
        parts.append(
            say("product_item", lang, name=lines.name(product, lang), available=len(available),
                total=len(product.variants), price=lines.price_span(available or product.variants, lang))
        )  # fmt: skip
    said = say("products_several", lang, count=len(parts), items=lines.items(parts, lang))
    return said, [lines.card(h.product, h.variant, lang) for h in hits[: lines.MAX_LISTED]]


def _extreme_of_several(hits: Sequence[Hit], cheapest: bool, lang: Language) -> tuple[str, list[ProductCard]]:
    """The cheapest (or dearest) variant in stock among several products: "which one's the cheapest?"."""
    pool = [(v, h.product) for h in hits for v in lines.in_stock(h.product)] or [
        (v, h.product) for h in hits for v in h.product.variants
    ]
    variant, product = (min if cheapest else max)(pool, key=lambda vp: vp[0].price)
    key = "product_cheapest" if cheapest else "product_dearest"
    opts = lines.options(variant.options, lang, product)
    said = say(key, lang, name=lines.name(product, lang), options=opts, price=variant.price)
    return said, [lines.card(product, variant, lang)]


def _under_several(hits: Sequence[Hit], limit: float, lang: Language) -> tuple[str, list[ProductCard]]:
    """Several products named alike, under a price: their in-stock variants at or under it, cheapest first."""
    fitting = sorted(
        ((v, h.product) for h in hits for v in lines.in_stock(h.product, limit)), key=lambda vp: vp[0].price
    )[: lines.MAX_LISTED]
    if not fitting:
        cheapest = min(hits, key=lambda h: lines.lowest(h.product)).product
        pick = min(lines.in_stock(cheapest) or list(cheapest.variants), key=lambda v: v.price)
        name, opts = lines.name(cheapest, lang), lines.options(pick.options, lang, cheapest)
        return say("product_none_under", lang, name=name, limit=limit, options=opts, price=pick.price), []
    parts = [lines.named_variant_item(p, v, lang) for v, p in fitting]
    said = say("several_under", lang, limit=limit, items=lines.items(parts, lang))
    return said, [lines.card(p, v, lang) for v, p in fitting]


def _cheaper(first: Product, second: Product, lang: Language) -> tuple[str, list[ProductCard]]:
    low, other = sorted((first, second), key=lines.lowest)
    values = {"low": lines.lowest(low), "other_low": lines.lowest(other)}
    if values["low"] == values["other_low"]:
        said = say("same_price", lang, name=lines.name(low, lang), other=lines.name(other, lang), low=values["low"])
    else:
        said = say("cheaper_of_two", lang, cheaper=lines.name(low, lang), other=lines.name(other, lang), **values)
    return said, [lines.card(low, None, lang), lines.card(other, None, lang)]
