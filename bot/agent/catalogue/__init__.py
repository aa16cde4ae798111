"""Product questions answered from the catalogue as data (the InventoryBackend), not from passages.

The words decide, not the intent model's label: a message that names a product (or refers back to the one
in focus with an option, a price or a stock question) is answered by product.py; a browsing question (do you
sell, a budget, a recommendation, the cheapest) by browse.py; a question about the shop's rules that only
mentions a product ("can I return the skillet?") is left to the shop's pages.
"""

from __future__ import annotations

from bot.agent.catalogue import browse, focus, product
from bot.agent.catalogue.ask import Ask, read
from bot.agent.catalogue.index import CatalogueIndex, Hit, narrow
from bot.agent.flows.state import Turn

__all__ = ["CatalogueIndex", "Hit", "answer"]


def answer(turn: Turn, index: CatalogueIndex) -> bool:
    """Answer a question about the shop's products; False when the message is not one (the shop's
    pages answer it then)."""
    ask = read(turn.text)
    rules_first = ask.policy and not (ask.stock or ask.cheapest or ask.dearest or ask.cheaper or ask.recommend)
    hits = index.find(turn.text, turn.lang)
    if hits:
        if rules_first and not ask.sell:
            return False
        product.answer(turn, hits, ask)
        focus.remember(turn.memory, [h.product.product_id for h in hits if h.score >= hits[0].score - 1e-9])
        return True
    if rules_first:
        return False
    focused = _in_focus(turn, index, ask)
    if focused is not None and (ask.recommend or ask.cheaper) and ask.back:
        return browse.answer(turn, index, ask, reference=focused.product)
    if focused is not None:
        product.answer(turn, [focused], ask)
        return True
    return browse.answer(turn, index, ask) if ask.browse else False


def _in_focus(turn: Turn, index: CatalogueIndex, ask: Ask) -> Hit | None:
    """The product in focus, when the message is about it: it names one of its options ("in sage, 45 cm?"),
    or refers back to it with a product question ("how much is it?")."""
    ids = focus.in_focus(turn.memory)
    current = index.live(ids[0]) if ids else None
    if current is None:
        return None
    hit = narrow(current, turn.text)
    if hit.options or (ask.back and (ask.about_product or ask.recommend)):
        return hit
    return None
