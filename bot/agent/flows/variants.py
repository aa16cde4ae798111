"""Which items of an order the shopper means, and which variant they want instead (en + zh option words)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.agent.flows.detect import choice, wants_all
from bot.agent.option_words import zh_words
from bot.types import OrderItem, Product, Variant

_BIGGER = re.compile(r"\b(bigger|larger|one size up|size up)\b|大一号|大一码|大一点|更大", re.IGNORECASE)
_SMALLER = re.compile(r"\b(smaller|one size down|size down)\b|小一号|小一码|小一点|更小", re.IGNORECASE)
_SIZE_ORDER = ("XS", "S", "M", "L", "XL", "small", "medium", "large", "twin", "queen", "king")


def mentioned_values(text: str, values: Sequence[str]) -> set[str]:
    """The option values the text names, in English (whole words) or by a Chinese word."""
    found: set[str] = set()
    lowered = text.lower()
    for value in values:
        if len(value) <= 2 and value.isupper():
            # "L", "M", "XL": only as a standalone token ("size L"), never inside a word.
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", text):
                found.add(value)
        elif re.search(rf"(?<![a-z0-9]){re.escape(value.lower())}(?![a-z0-9])", lowered):
            found.add(value)
        if any(word in text for word in zh_words(value)):
            found.add(value)
    # "navy" is also "深蓝": do not read it as "blue" too when both are possible.
    if {"navy", "blue"} <= found and not re.search(r"(?<![a-z])blue\b|(?<!深|海军)蓝", lowered):
        found.discard("blue")
    return found


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) > 2}


def pick_items(
    text: str, items: Sequence[OrderItem], zh_names: Mapping[str, str], *, by_position: bool = True
) -> list[OrderItem]:
    """The order items the text names: all of them, by list position, by (part of) the product name
    in English or Chinese, or by an option value only one item has. Empty when unclear."""
    if not items:
        return []
    if wants_all(text):
        return list(items)
    lowered = text.lower()
    scores: list[tuple[float, OrderItem]] = []
    words = set(re.findall(r"[a-z]+", lowered))
    for item in items:
        score = 0.0
        if item.name.lower() in lowered:
            score += 3
        zh = zh_names.get(item.product_id, "")
        if zh and zh in text:
            score += 3
        elif zh and len(zh) >= 2 and zh[-2:] in text:
            score += 1.5  # "被套" for 浮木亚麻被套
        # The product's last word is its kind ("vase", "lamp"): the usual way to name it.
        kind = item.name.lower().split()[-1] if item.name else ""
        shared = _name_words(item.name) & words
        score += len(shared) * 0.5 + (1.0 if kind and kind in words else 0.0)
        if score:
            score += 0.2 * len(mentioned_values(text, list(item.options.values())))
        scores.append((score, item))
    best = max(s for s, _ in scores)
    if best > 0:
        chosen = [i for s, i in scores if s == best]
        # The same product bought twice is one choice; different items with equal scores are unclear.
        if len({i.item_id for i in chosen}) == 1:
            return chosen[:1]
        if len({i.product_id for i in chosen}) == 1:
            return chosen[:1]
        return []
    unique = list(dict.fromkeys(i.item_id for i in items))
    index = choice(text, len(unique)) if by_position else None
    if index is not None:
        return [next(i for i in items if i.item_id == unique[index])]
    return []


def pick_variant(text: str, item: OrderItem, product: Product) -> Variant | None:
    """The variant the text asks for instead of `item` (possibly out of stock): the named option values replace
    the item's own, the rest stay; "bigger" / "大一号" moves the size one step. None when unclear."""
    others = [v for v in product.variants if v.item_id != item.item_id]
    # The product's own name is no option: "Bath" in "Cotton Bath Towel" is not the size "bath".
    for name in (product.name, product.name_zh, item.name):
        if name:
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    values = sorted({val for v in product.variants for val in v.options.values()}, key=len, reverse=True)
    named = mentioned_values(text, values) - set(item.options.values())
    wanted = dict(item.options)
    for key in item.options:
        key_values = {v.options.get(key) for v in product.variants}
        hit = [val for val in named if val in key_values]
        if len(hit) == 1:
            wanted[key] = hit[0]
    step = 1 if _BIGGER.search(text) else -1 if _SMALLER.search(text) else 0
    if step and "size" in item.options:
        sizes = sorted(
            {v.options.get("size", "") for v in product.variants if v.options.get("size") in _SIZE_ORDER},
            key=_SIZE_ORDER.index,
        )
        current = item.options["size"]
        if current in sizes and 0 <= sizes.index(current) + step < len(sizes):
            wanted["size"] = sizes[sizes.index(current) + step]
    if wanted == dict(item.options):
        return None
    exact = [v for v in others if dict(v.options) == wanted]
    if exact:
        return exact[0]
    # Only the named values must match (the shopper may not care about the rest).
    changed = {k: v for k, v in wanted.items() if item.options.get(k) != v}
    loose = [v for v in others if all(v.options.get(k) == val for k, val in changed.items())]
    in_stock = [v for v in loose if v.available]
    if len(in_stock) == 1:
        return in_stock[0]
    return loose[0] if len(loose) == 1 else None  # out of stock: the caller says so


def alternatives(item: OrderItem, product: Product) -> list[Variant]:
    """The product's other variants in stock."""
    return [v for v in product.variants if v.item_id != item.item_id and v.available]
