"""Text patterns every package shares: CJK characters, PII placeholders, order ids, and which language a text is in."""

from __future__ import annotations

import re

from bot.types import Language

#: Han characters: CJK Unified Ideographs, Extension A and the compatibility block.
HAN = "\u3400-\u9fff\uf900-\ufaff"
#: CJK symbols and punctuation (。、「」) and the full-width forms (，！？：).
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
CJK = re.compile(f"[{HAN}]")

#: A placeholder the PII scrubber put in place of a value: <EMAIL_1>, <PHONE_2>, <CN_ID_1>. Groups: kind, number.
PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*)_(\d+)>")
EMAIL_PLACEHOLDER = re.compile(r"<EMAIL_\d+>")

#: A tau2-style order number as shoppers type it: "#W1234567", "W1234567", "# w1234567". Group 1: the digits.
ORDER_ID = re.compile(r"(?<![A-Za-z0-9])#?\s?[Ww](\d{7})(?!\d)")

_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_DOCUMENT_CJK = re.compile(f"[{HAN}{CJK_PUNCTUATION}]")


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None


def placeholder_kind(placeholder: str) -> str:
    """The stem of a placeholder: "<EMAIL_2>" -> "EMAIL" ("" when it is not one)."""
    m = PLACEHOLDER.fullmatch(placeholder)
    return m.group(1) if m else ""


def canonical_order_id(text: str) -> str:
    """ "W1234567", "#w1234567", "# W1234567" -> "#W1234567" (the form shown to shoppers); anything else stripped."""
    m = ORDER_ID.fullmatch(text.strip())
    return f"#W{m.group(1)}" if m else text.strip()


def order_key(order_id: str) -> str:
    """Lookup key for an order id: '#W1234567', 'W1234567' and '#w1234567' are the same order."""
    return order_id.strip().lstrip("#").strip().upper()


def detect_language(text: str, locale: Language | None = None) -> Language:
    """The language of one shopper message: zh when CJK characters dominate the letters; the locale decides
    near-ties and messages with no letters at all."""
    bare = ORDER_ID.sub(" ", PLACEHOLDER.sub(" ", text))
    cjk = len(CJK.findall(bare))
    # A Chinese character carries roughly a word; an English word averages ~4.5 letters.
    latin_words = len(_LATIN.findall(bare)) / 4.5
    if cjk + latin_words == 0:
        return locale or "en"
    share = cjk / (cjk + latin_words)
    if 0.4 <= share <= 0.6 and locale:
        return locale
    return "zh" if share > 0.5 else "en"


def document_language(text: str) -> Language:
    """The language of a shop document: zh when CJK characters make up at least a fifth of the words, else en.

    A fifth, not a half: Chinese policies are full of Latin brand names, emails and prices.
    """
    cjk = len(_DOCUMENT_CJK.findall(text))
    # Compare CJK characters with Latin *words*: one Chinese character carries about a word.
    latin_words = len(_LATIN_WORD.findall(text))
    return "zh" if cjk and cjk >= 0.2 * (cjk + latin_words) else "en"
