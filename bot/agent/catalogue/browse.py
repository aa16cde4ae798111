"""Questions about the catalogue as a whole: do you sell X (a plain no and the nearest things when the shop
does not), recommendations within a budget, a category or a need ("like this but cheaper" too), and the
shop's cheapest or dearest things. Every product offered is in stock, with a reason from its own text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.agent.catalogue import focus, lines
from bot.agent.catalogue.ask import Ask
from bot.agent.catalogue.index import CatalogueIndex, terms
from bot.agent.catalogue.product import attribute_words
from bot.agent.flows.state import Turn
from bot.agent.replies import say
from bot.agent.tools.catalogue import first_sentence
from bot.types import Language, Product, ProductCard, Reply, Variant

#: Products one recommendation offers.
PICKS = 3
_THING_EN = re.compile(
    r"(?:sell|have|carry|stock|offer|got)\s+(?:any\s+|some\s+|the\s+)?"
    r"(.+?)(?:\s+(?:here|at all|in stock|now))?\s*[?.!]*$"
)
_THING_ZH = re.compile(r"(?:有卖|在卖|卖|有)(?:没有)?(.+?)(?:吗|么|嘛|不)?[？?。！!]*$")
#: Words of a recommendation request that say nothing about the need ("something under 30 dollars").
_CUES = frozenset(
    "recommend recommendation suggest suggestion idea ideas looking something anything dollar dollars buck bucks "
    "budget nice good great cool under below less than me please thanks any".split()
)


def answer(
    turn: Turn, index: CatalogueIndex, ask: Ask, lang: Language, text: str, reference: Product | None = None
) -> bool:
    """Answer a browsing question in `lang` (`text`: the message as written; `reference`: the product
    "like this" means); False when it is not one."""
    if reference is None and ask.sell and not ask.recommend and ask.budget is None:
        _sell(turn, index, lang, text)
    elif reference is not None or ask.recommend or ask.need or ask.budget is not None:
        _recommend(turn, index, ask, lang, text, reference)
    elif ask.cheapest or ask.dearest:
        _extremes(turn, index, ask.cheapest, lang, text)
    else:
        return False
    turn.succeeded()
    return True


# --------------------------------------------------------------------------- do you sell


def _sell(turn: Turn, index: CatalogueIndex, lang: Language, text: str) -> None:
    near = index.kinds(text, lines.MAX_LISTED)
    # "waterproof jackets": only a jacket whose own text says waterproof is one.
    kinds = [p for p in near if all(_has(p, w) for w in attribute_words(text, p))]
    _record(turn, "find_products", kinds)
    if kinds:
        text = say("sell_kind", lang, items=lines.items((_product_item(p, lang) for p in kinds), lang))
        _reply(turn, text, [lines.card(p, None, lang) for p in kinds])
        return
    nearest = near[:PICKS] or [p for p in index.related(text, PICKS * 2) if lines.in_stock(p)][:PICKS]
    key = "sell_no" if nearest else "sell_no_nearest_none"
    shown = nearest or _assortment(index, PICKS)
    text = say(
        key, lang, thing=_thing(turn.text, lang), items=lines.items((_product_item(p, lang) for p in shown), lang)
    )
    _reply(turn, text, [lines.card(p, None, lang) for p in shown])


def _has(product: Product, word: str) -> bool:
    own = " ".join(
        (product.description, product.description_zh, *(v for x in product.variants for v in x.options.values()))
    )
    return word in own.lower()


def _thing(text: str, lang: Language) -> str:
    """What the shopper asked for, in their words ("waterproof jackets"), or "that"."""
    pattern = _THING_ZH if lang == "zh" else _THING_EN
    match = pattern.search(" ".join(text.split()))
    thing = match.group(1).strip(" ,，。?？") if match else ""
    if not thing or len(thing) > 60:
        return "这个" if lang == "zh" else "that"
    return thing


# --------------------------------------------------------------------------- recommendations


def _recommend(
    turn: Turn, index: CatalogueIndex, ask: Ask, lang: Language, text: str, reference: Product | None
) -> None:
    limit = ask.budget
    category = _category(text, index)
    if reference is not None:
        category = category or reference.category
        if limit is None and ask.cheaper:
            limit = round(lines.lowest(reference) - 0.01, 2)
    exclude = {reference.product_id} if reference is not None else set()
    pool = [
        p for p in index.products()
        if p.product_id not in exclude and (not category or p.category == category) and lines.in_stock(p, limit)
    ]  # fmt: skip
    need = " ".join(w for w in terms(text) if w not in _CUES)
    if reference is not None:  # like this: its own kind first ("canvas tote bag"), then its category
        need = f"{reference.name} {need}"
    wanted = {p.product_id: rank for rank, p in enumerate(index.related(need, 50, exclude))} if need else {}
    # A kind of thing named ("lights", "a shoe rack") comes before what only its description shares.
    for rank, kind in enumerate(index.kinds(need, 10) if need else []):
        wanted[kind.product_id] = rank - 100
    pool.sort(key=lambda p: (wanted.get(p.product_id, len(wanted)), -lines.lowest(p)))
    picks: list[tuple[Product, Variant]] = []
    # A need named: the products that meet it, best first; none named: a varied few (not three of one thing).
    ordered = [p for p in pool if p.product_id in wanted] if wanted else []
    for product in ordered or _varied(pool):
        current = index.live(product.product_id)
        fitting = sorted(lines.in_stock(current, limit), key=lambda v: v.price) if current else []
        if current is not None and fitting:
            picks.append((current, fitting[0]))
        if len(picks) == PICKS:
            break
    within = _within(limit, category, lang)
    _record(turn, "recommend_products", [p for p, _ in picks])
    if not picks:
        cheapest = sorted((p for p in index.products() if lines.in_stock(p)), key=lines.lowest)[:PICKS]
        text = say(
            "recommend_none", lang, within=within, items=lines.items((_product_item(p, lang) for p in cheapest), lang)
        )
        _reply(turn, text, [])
        return
    parts, cards = [], []
    for product, variant in picks:
        reason = _reason(product, lang)
        parts.append(
            say("recommend_item", lang, name=lines.name(product, lang), price=variant.price,
                options=lines.options(variant.options, lang, product), reason=reason)
        )  # fmt: skip
        cards.append(lines.card(product, variant, lang, reason))
    _reply(turn, say("recommend", lang, within=within, items=lines.items(parts, lang)), cards)
    focus.remember(turn.memory, [p.product_id for p, _ in picks])


def _varied(pool: Sequence[Product]) -> list[Product]:
    """The pool with its first products from different categories (a short list is not three of one thing);
    the order within a category kept."""
    seen: set[str] = set()
    first: list[Product] = []
    rest: list[Product] = []
    for product in pool:
        (rest if product.category in seen else first).append(product)
        seen.add(product.category)
    return first + rest


def _within(limit: float | None, category: str, lang: Language) -> str:
    parts = []
    if category:
        parts.append(say("recommend_in", lang, category=category))
    if limit is not None:
        parts.append(say("recommend_within", lang, limit=f"{limit:g}" if limit == int(limit) else f"{limit:.2f}"))
    return "".join(parts)


def _category(text: str, index: CatalogueIndex) -> str:
    """The shop category the text names ("kitchen & dining"), or ""."""
    words = set(terms(text))
    for category in sorted({p.category for p in index.products() if p.category}, key=len, reverse=True):
        needed = set(terms(category)) - {"and"}
        if needed and needed <= words:
            return category
    return ""


def _reason(product: Product, lang: Language) -> str:
    """One reason to buy it, from its own description: the first sentence, less a leading "The X by Y:"."""
    text = " ".join(lines.description(product, lang).split())
    if not text:  # a catalogue without descriptions: what its own data says
        return say("reason_in_stock", lang, count=len(lines.in_stock(product)))
    return lines.without_name(first_sentence(text), product).rstrip(".。")


# --------------------------------------------------------------------------- the shop's cheapest and dearest


def _extremes(turn: Turn, index: CatalogueIndex, cheapest: bool, lang: Language, text: str) -> None:
    category = _category(text, index)
    pool = [p for p in index.products() if lines.in_stock(p) and (not category or p.category == category)]
    pool.sort(key=lines.lowest, reverse=not cheapest)
    shown = [p for p in (index.live(p.product_id) for p in pool[:PICKS]) if p is not None]
    _record(turn, "find_products", shown)
    key = "shop_cheapest" if cheapest else "shop_dearest"
    _reply(turn, say(key, lang, items=lines.items((_product_item(p, lang) for p in shown), lang)),
           [lines.card(p, None, lang) for p in shown])  # fmt: skip


# --------------------------------------------------------------------------- shared


def _assortment(index: CatalogueIndex, count: int) -> list[Product]:
    """A few in-stock products from different categories: what the shop sells, when nothing is near."""
    # The best-stocked, then the most affordable, of each category: a fair picture of the shop.
    pool = sorted(
        (p for p in index.products() if lines.in_stock(p)), key=lambda p: (-len(lines.in_stock(p)), lines.lowest(p))
    )
    return _varied(pool)[:count]


def _product_item(product: Product, lang: Language) -> str:
    available = lines.in_stock(product)
    return say("product_item", lang, name=lines.name(product, lang), available=len(available),
               total=len(product.variants), price=lines.price_span(available or product.variants, lang))  # fmt: skip


def _record(turn: Turn, tool: str, products: Sequence[Product]) -> None:
    turn.ctx.record(tool, {"text": turn.text}, True, [{"product_id": p.product_id, "name": p.name} for p in products])


def _reply(turn: Turn, text: str, cards: list[ProductCard]) -> None:
    turn.replies.append(Reply(text, products=tuple(cards)))
