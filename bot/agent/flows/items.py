"""Choosing the items of an order a write is about, the variants wanted instead, and the payment method."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.agent.flows.refund import ASK_REFUND, named_method, original_method, user_methods
from bot.agent.flows.state import ITEMS, NEW_ITEMS, Turn, load_list, store_list
from bot.agent.flows.variants import alternatives, pick_items, pick_variant
from bot.agent.replies import FLOW_WORDS, say
from bot.agent.tools.item_names import options_in
from bot.types import JSON, Order, OrderItem, Product

_TOO = re.compile(r"\b(too|also|as well|and the|plus)\b|也|还有|以及|一起", re.IGNORECASE)


def products(turn: Turn, order: Order) -> dict[str, Product]:
    """The catalogue entries of the order's products (names in Chinese, variants)."""
    found: dict[str, Product] = {}
    with turn.stage("tools"):
        for item in order.items:
            if item.product_id not in found:
                product = turn.ctx.inventory.get_product(item.product_id)
                if product is not None:
                    found[item.product_id] = product
    return found


def choose_items(turn: Turn, order: Order, flow: str, catalogue: dict[str, Product]) -> list[OrderItem] | None:
    """The items the shopper means (kept across turns); asks and returns None when unclear."""
    chosen_ids = load_list(turn.memory, ITEMS)
    zh_names = {pid: p.name_zh for pid, p in catalogue.items()}
    named: list[OrderItem] = []
    for n, text in enumerate(turn.detail_texts()):
        if n and chosen_ids:
            break  # the request's words only fill what is still missing
        # "the first one" picked the order, or answers the refund question: not an item's position then.
        by_position = not (n == 0 and (turn.picked_order or turn.asked() == ASK_REFUND))
        named = pick_items(text, order.items, zh_names, by_position=by_position)
        if named:
            break
    if named:
        # "the bottle too": added to what was chosen before; otherwise it replaces the choice.
        kept = chosen_ids if _TOO.search(turn.text) else []
        chosen_ids = kept + [i.item_id for i in named if i.item_id not in kept]
        store_list(turn.memory, ITEMS, chosen_ids)
        turn.memory.pop(NEW_ITEMS, None)
    if not chosen_ids and len({i.item_id for i in order.items}) == 1:
        chosen_ids = [order.items[0].item_id]
        if flow == "return" and len(order.items) > 1:
            chosen_ids = [i.item_id for i in order.items]  # the same product twice: both go back
        store_list(turn.memory, ITEMS, chosen_ids)
    if not chosen_ids:
        lines = "\n".join(_item_line(turn, n, item, catalogue) for n, item in enumerate(_unique(order.items), start=1))
        turn.ask("flow_ask_items", what_short=FLOW_WORDS[flow][turn.lang].short, order_id=order.order_id, items=lines)
        return None
    pool = list(order.items)
    chosen: list[OrderItem] = []
    for item_id in chosen_ids:
        item = next((i for i in pool if i.item_id == item_id), None)
        if item is not None:
            pool.remove(item)
            chosen.append(item)
    return chosen


def choose_variants(turn: Turn, items: list[OrderItem], catalogue: dict[str, Product]) -> list[str] | None:
    """The new item id for each chosen item (kept across turns); asks about the first one missing."""
    news = load_list(turn.memory, NEW_ITEMS)
    news = (news + [""] * len(items))[: len(items)]
    for n, item in enumerate(items):
        product = catalogue.get(item.product_id)
        if product is None:
            continue
        variant = next(
            (v for text in turn.detail_texts() if (v := pick_variant(text, item, product)) is not None), None
        )
        if variant is not None and not variant.available:
            wanted = options_in(variant.options, turn.lang)
            turn.say("flow_variant_unavailable", name=_name(turn, item, catalogue), wanted=wanted)
            news[n] = ""
            break
        if variant is not None:
            news[n] = variant.item_id
            break  # one message names the new variant of one item
    store_list(turn.memory, NEW_ITEMS, news)
    for n, item in enumerate(items):
        if news[n]:
            continue
        product = catalogue.get(item.product_id)
        options = options_in(item.options, turn.lang)
        name = _name(turn, item, catalogue)
        choices = alternatives(item, product) if product else []
        if not choices:
            turn.say("flow_no_variant", name=name)
            turn.end_flow()
            return None
        lines = "\n".join(_variant_line(turn, options_in(v.options, turn.lang), v.price) for v in choices[:12])
        turn.ask("flow_ask_variant", name=name, options=options, variants=lines)
        return None
    return news


def payment_for(turn: Turn, order: Order) -> str:
    """The method that pays or gets back a price difference: the one of the shopper's that this message names
    ("with my gift card", "the visa ending 1118"), else the order's original payment method."""
    original = original_method(order)
    named = named_method(turn.text, user_methods(turn), original) if turn.verified else ""
    return named or original


def variant_swap(flow: str) -> Callable[[Turn, Order | None], dict[str, JSON] | None]:
    """The details of a write that swaps items for other variants of the same products (modify, exchange):
    the items, the variants wanted instead, and the payment method; None while something is still asked."""

    def details(turn: Turn, order: Order | None) -> dict[str, JSON] | None:
        assert order is not None
        catalogue = products(turn, order)
        items = choose_items(turn, order, flow, catalogue)
        if items is None:
            return None
        news = choose_variants(turn, items, catalogue)
        if news is None:
            return None
        return {
            "order_id": order.order_id,
            "item_ids": [i.item_id for i in items],
            "new_item_ids": list(news),
            "payment_method_id": payment_for(turn, order),
        }

    return details


def _unique(items: tuple[OrderItem, ...]) -> list[OrderItem]:
    return list({i.item_id: i for i in items}.values())


def _name(turn: Turn, item: OrderItem, catalogue: dict[str, Product]) -> str:
    product = catalogue.get(item.product_id)
    return product.name_zh if turn.lang == "zh" and product and product.name_zh else item.name


def _item_line(turn: Turn, n: int, item: OrderItem, catalogue: dict[str, Product]) -> str:
    name = _name(turn, item, catalogue)
    return say(
        "flow_item_line",
        turn.lang,
        n=n,
        name=name,
        options=options_in(item.options, turn.lang),
        price=f"{item.price:.2f}",
    )


def _variant_line(turn: Turn, options: str, price: float) -> str:
    return say("flow_variant_line", turn.lang, options=options, price=f"{price:.2f}")
