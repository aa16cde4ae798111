"""Product questions answered from the catalogue as data (the InventoryBackend), not from passages.

The words decide, not the intent model's label: a message that names a product (or refers back to the one
in focus with an option, a price or a stock question) is answered by product.py; a browsing question (do you
sell, a budget, a recommendation, the cheapest) by browse.py; a question about the shop's rules that only
mentions a product ("can I return the skillet?") is left to the shop's pages.

Matching reads the message as the shopper wrote it (`Turn.raw`): product names are no personal data, and
the scrubber takes some for names ("Helmet M"). Nothing here reaches a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.agent.catalogue import browse, focus, lines, product
from bot.agent.catalogue.ask import Ask, bare, read
from bot.agent.catalogue.index import CatalogueIndex, Hit, narrow, terms
from bot.agent.catalogue.product import attribute_words
from bot.agent.flows.detect import choice
from bot.agent.flows.state import Turn
from bot.text import detect_language
from bot.types import Language, Product

__all__ = ["CatalogueIndex", "Hit", "answer"]


def answer(turn: Turn, index: CatalogueIndex) -> bool:
    """Answer a question about the shop's products; False when the message is not one (the shop's
    pages answer it then). An answered message counts as understood, however unsure the intent model was
    ("something to keep my entryway tidy?" is no low-confidence miss)."""
    answered = _answer(turn, index)
    if answered:
        turn.consumed = True
    return answered


def _answer(turn: Turn, index: CatalogueIndex) -> bool:
    text = turn.raw or turn.text
    ask = read(text)
    rules_first = ask.policy and not (ask.stock or ask.cheapest or ask.dearest or ask.cheaper or ask.recommend)
    # Loose (a product named by its kind alone, "is the beanie machine washable?") only for a product question.
    loose = ask.about_product or ask.sell or product.yes_no_question(text)
    hits = index.find(text, turn.lang, loose=loose)
    if hits:
        if rules_first and not ask.sell:
            return False
        lang = _language(turn, text, hits)
        if ask.sell and _not_this(hits[0], text):
            # "waterproof jackets" is not the fleece jacket: a plain no, and the nearest is that jacket.
            return browse.answer(turn, index, ask, lang, text)
        product.answer(turn, hits, ask, lang, text)
        focus.remember(turn.memory, [h.product.product_id for h in hits if h.score >= hits[0].score - 1e-9])
        return True
    if rules_first:
        return False
    among = _among_focus(turn, index, ask, text)
    if among:  # "which one's the cheapest?" after a list: among those shown
        product.answer(turn, among, ask, _language(turn, text, among), text)
        return True
    focused = _in_focus(turn, index, ask, text)
    if focused is not None:
        lang = _language(turn, text, [focused])
        if (ask.recommend or ask.cheaper) and ask.back:
            return browse.answer(turn, index, ask, lang, text, reference=focused.product)
        product.answer(turn, [focused], ask, lang, text)
        focus.remember(turn.memory, [focused.product.product_id])
        return True
    return browse.answer(turn, index, ask, turn.lang, text) if ask.browse else False


def _in_focus(turn: Turn, index: CatalogueIndex, ask: Ask, text: str) -> Hit | None:
    """The product in focus, when the message is about it: it names one of its options ("in sage, 45 cm?"),
    or refers back to it with a product question ("how much is it?"). Of several in focus (a list just
    shown), the one it picks ("the second one", "the pebble one"), else the first."""
    shown = _shown(turn, index)
    if not shown:
        return None
    picked = choice(text, len(shown)) if len(shown) > 1 else None
    words = set(terms(text))
    named = [p for p in shown if words & set(terms(f"{p.name} {p.name_zh}"))]
    current = shown[picked] if picked is not None else named[0] if len(named) == 1 else shown[0]
    hit = narrow(current, text)
    refers = ask.back or picked is not None or len(named) == 1 or bare(text)
    if hit.options or (refers and (ask.about_product or ask.recommend)):
        return hit
    return None


_WHICH = re.compile(
    r"\bwhich\b|\bof (?:them|these|those)\b|\bthe (?:cheapest|dearest|most expensive)\b|哪个|哪款|哪一款|其中"
)


def _among_focus(turn: Turn, index: CatalogueIndex, ask: Ask, text: str) -> list[Hit]:
    """The products just shown, when the message compares among them ("which one's the cheapest?")."""
    if not (ask.cheapest or ask.dearest) or not _WHICH.search(text.lower()):
        return []
    shown = _shown(turn, index)
    return [narrow(p, text) for p in shown] if len(shown) > 1 else []


def _shown(turn: Turn, index: CatalogueIndex) -> list[Product]:
    """The products in focus as the backend has them now, most recent first (at most a listed reply's)."""
    found = (index.live(i) for i in focus.in_focus(turn.memory)[: lines.MAX_LISTED])
    return [p for p in found if p is not None]


def _not_this(hit: Hit, text: str) -> bool:
    """The shopper asks for a kind of thing the product only partly is: words beyond its name that neither
    its options nor its description have."""
    if hit.score >= 1.0:
        return False
    own = " ".join((hit.product.description, hit.product.description_zh)).lower()
    # English words only: a Chinese question's character pairs ("美元", "以内") are not things asked for.
    return any(w not in own for w in attribute_words(text, hit.product) if w.isascii() and w.isalpha() and len(w) > 2)


def _language(turn: Turn, text: str, hits: Sequence[Hit]) -> Language:
    """The shopper's language, judged without the catalogue's own words: "Portable Charger（20000mAh、
    Wireless、蓝色）多少钱？" is Chinese though most of its letters are the product's English name."""
    if turn.lang == "zh":
        return "zh"
    rest = text
    for hit in hits:
        values = {v for variant in hit.product.variants for v in variant.options.values()}
        for word in sorted({hit.product.name, hit.product.name_zh, *values} - {""}, key=len, reverse=True):
            rest = re.sub(re.escape(word), " ", rest, flags=re.IGNORECASE)
    return detect_language(rest, turn.lang)
