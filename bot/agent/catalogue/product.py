"""Questions about one product: its price, a variant's stock, the options on offer, its attributes."""

from __future__ import annotations

from bot.agent import tools
from bot.agent.flows.state import Turn
from bot.agent.replies import say
from bot.types import Language, Product, Reply


def answer(turn: Turn) -> bool:
    """Answer a question about a product the message names (found through the context's catalogue index, the
    lookup recorded as the find_products tool call); False when it names none."""
    if turn.u.intent.label not in ("product_question", "out_of_scope"):
        return False
    with turn.stage("tools"):
        found = tools.find_products(turn.ctx, turn.text)
    if not found:
        return False
    turn.succeeded()
    turn.replies.append(Reply(" ".join(_product_line(p, turn.lang) for p in found)))
    return True


def _product_line(product: Product, lang: Language) -> str:
    prices = [v.price for v in product.variants]
    available = sum(1 for v in product.variants if v.available)
    low, high = (min(prices), max(prices)) if prices else (0.0, 0.0)
    price = say("price_single" if low == high else "price_range", lang, low=low, high=high)
    name = product.name_zh if lang == "zh" and product.name_zh else product.name
    return say("product_line", lang, name=name, available=available, total=len(product.variants), price=price)
