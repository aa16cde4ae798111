"""The catalogue tools a model calls: product search, one variant's price and live stock, recommendations.

They read products through the context's long-lived `ProductSearch` (the catalogue index, built once per
service) and fall back to a scan of the InventoryBackend when none is wired. Stock always comes from the
backend at call time, never from the index, so "in stock" is the shop's answer now. Results are JSON for
the model; `cards()` turns a result into the `ProductCard`s the reply carries.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from bot.agent.tools.context import ToolContext
from bot.types import JSON, Product, ProductCard, Variant

#: The most products one search or recommendation returns (a short list a shopper can read).
MAX_RESULTS = 5
#: In-stock variants offered when the one asked for is not available.
MAX_ALTERNATIVES = 3
#: How much of a description a result carries (the model reads it to answer attribute questions).
DESCRIPTION_CHARS = 400


def search_products(ctx: ToolContext, query: str, max_price: float | None = None, limit: int = MAX_RESULTS) -> JSON:
    """Products matching the query (either language, loosely), each with its price range, options and stock."""
    found = [_live(ctx, p) for p in _search(ctx, query, max_price, limit)]
    return {"products": [product_json(p) for p in found], "matched": bool(found)}


def get_variant_details(ctx: ToolContext, product_id: str, options: Mapping[str, str]) -> JSON:
    """The variant of a product closest to the options asked: its price, whether it is in stock now, and,
    when not (or when no variant has every option), the in-stock variants closest to it."""
    product = ctx.inventory.get_product(product_id.strip())
    if product is None:
        found = _search(ctx, product_id, None, 1)
        product = _live(ctx, found[0]) if found else None
    if product is None or not product.variants:
        return {"found": False, "product_id": product_id}
    ranked = sorted(product.variants, key=lambda v: (-_matches(v, options), not v.available, v.price))
    best = ranked[0]
    exact = _matches(best, options) == len(options)
    alternatives = [v for v in ranked[1:] if v.available][:MAX_ALTERNATIVES]
    result: dict[str, JSON] = {
        "found": True,
        "product_id": product.product_id,
        "name": product.name,
        "name_zh": product.name_zh,
        "variant": variant_json(best),
        "exact_match": exact,
        "options_on_offer": _options_on_offer(product),
    }
    if not (exact and best.available):
        result["closest_in_stock"] = [variant_json(v) for v in alternatives]
    return result


def recommend_products(ctx: ToolContext, query: str, max_price: float | None = None, limit: int = 3) -> JSON:
    """In-stock products for a need ("a gift for a coffee lover"), cheapest matching variant first, each with
    one reason taken from its own description (never invented)."""
    picks: list[JSON] = []
    found = _search(ctx, query, max_price, MAX_RESULTS * 2)
    if not found:  # a need no name or description shares ("a gift"): what the shop has within the budget
        found = _within(ctx, max_price, MAX_RESULTS * 2)
    for product in found:
        product = _live(ctx, product)
        in_stock = [v for v in product.variants if v.available and (max_price is None or v.price <= max_price)]
        if not in_stock:
            continue
        cheapest = min(in_stock, key=lambda v: v.price)
        entry = product_json(product)
        entry["variant"] = variant_json(cheapest)
        entry["reason"] = first_sentence(product.description)
        entry["reason_zh"] = first_sentence(product.description_zh)
        picks.append(entry)
        if len(picks) >= min(limit, MAX_RESULTS):
            break
    return {"recommendations": picks, "matched": bool(picks)}


def product_json(product: Product) -> dict[str, JSON]:
    prices = [v.price for v in product.variants]
    return {
        "product_id": product.product_id,
        "name": product.name,
        "name_zh": product.name_zh,
        "category": product.category,
        "price_from": min(prices) if prices else None,
        "price_to": max(prices) if prices else None,
        "variants_in_stock": sum(1 for v in product.variants if v.available),
        "variants": len(product.variants),
        "options_on_offer": _options_on_offer(product),
        "description": product.description[:DESCRIPTION_CHARS],
        "description_zh": product.description_zh[:DESCRIPTION_CHARS],
    }


def variant_json(variant: Variant) -> dict[str, JSON]:
    return {
        "item_id": variant.item_id,
        "options": dict(variant.options),
        "price": variant.price,
        "available": variant.available,
        "stock": variant.stock,
    }


def cards(result: JSON, zh: bool = False) -> tuple[ProductCard, ...]:
    """The product cards of a catalogue tool result (a variant's details or recommendations); () for others."""
    if not isinstance(result, dict):
        return ()
    if isinstance(result.get("recommendations"), list):
        entries = [e for e in result["recommendations"] if isinstance(e, dict)]  # type: ignore[union-attr]
        return tuple(c for c in (_card(e, e.get("variant"), zh) for e in entries) if c is not None)
    if result.get("found") is True:
        card = _card(result, result.get("variant"), zh)
        return (card,) if card is not None else ()
    return ()


def first_sentence(text: str) -> str:
    """The description's first sentence (English or Chinese full stop), for a reason taken from the product's text."""
    text = " ".join(text.split())
    for i, ch in enumerate(text):
        if ch in "。！？" or (ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " ")):
            return text[: i + 1]
    return text[:160]


def _card(entry: Mapping[str, JSON], variant: JSON, zh: bool) -> ProductCard | None:
    if not isinstance(variant, dict):
        return None
    name = entry.get("name_zh") if zh and entry.get("name_zh") else entry.get("name")
    reason = entry.get("reason_zh") if zh and entry.get("reason_zh") else entry.get("reason", "")
    options = variant.get("options")
    price = variant.get("price")
    return ProductCard(
        product_id=str(entry.get("product_id", "")),
        name=str(name or ""),
        price=float(price) if isinstance(price, (int, float)) else 0.0,
        variant=str(variant.get("item_id", "")),
        options={str(k): str(v) for k, v in options.items()} if isinstance(options, dict) else {},
        reason=str(reason or ""),
        available=variant.get("available") is not False,
    )


def _search(ctx: ToolContext, query: str, max_price: float | None, limit: int) -> list[Product]:
    """The index's matches (or a scan of the backend), those with a variant at or under max_price."""
    query = query.strip()
    index = ctx.catalogue
    wide = limit * 4 if max_price is not None else limit
    found = list(index.search(query, wide)) if index is not None else _scan(ctx, query, wide)
    if max_price is not None:
        found = [p for p in found if any(v.price <= max_price for v in p.variants)]
    return found[:limit]


def _within(ctx: ToolContext, max_price: float | None, limit: int) -> list[Product]:
    """Products with a variant in stock at or under max_price, the dearest such first (the best the budget buys)."""
    priced = []
    for product in ctx.inventory.list_products():
        fitting = [v.price for v in product.variants if v.available and (max_price is None or v.price <= max_price)]
        if fitting:
            priced.append((max(fitting), product))
    priced.sort(key=lambda pp: -pp[0])
    return [p for _, p in priced[:limit]]


def _scan(ctx: ToolContext, query: str, limit: int) -> list[Product]:
    """No index wired: a loose name match over every product (fine for a small shop, linear in its size)."""
    scored = []
    for product in ctx.inventory.list_products():
        names = [n for n in (product.name, product.name_zh, product.category) if n]
        score = max((fuzz.WRatio(query, n) for n in names), default=0.0) if query else 50.0
        if score >= 60:
            scored.append((score, product))
    scored.sort(key=lambda sp: -sp[0])
    return [p for _, p in scored[:limit]]


def _live(ctx: ToolContext, product: Product) -> Product:
    """The product as the backend has it now (stock changes after the index was built)."""
    return ctx.inventory.get_product(product.product_id) or product


def _matches(variant: Variant, options: Mapping[str, str]) -> int:
    """How many of the asked options the variant has (values compared loosely: "1L" matches "1 L")."""
    have = {_norm(v) for v in variant.options.values()}
    count = 0
    for value in options.values():
        wanted = _norm(value)
        if wanted and any(wanted == h or wanted in h or h in wanted for h in have if h):
            count += 1
    return count


def _norm(value: str) -> str:
    return "".join(value.lower().split())


def _options_on_offer(product: Product) -> dict[str, JSON]:
    return {k: list(v) for k, v in product.options_on_offer().items()}
