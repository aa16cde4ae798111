"""PII scrubbing with Presidio, and the per-conversation vault of reversible placeholders."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from typing import Iterable, Mapping

# tldextract (pulled in by presidio's email recognizer) fetches the public suffix list on first
# use unless told not to; offline that is a long timeout, so switch it off before the import.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from bot.privacy.detectors import Detectors, Raw
from bot.privacy.ner import SPACY_MODEL
from bot.privacy.recognizers import valid_cn_id
from bot.text import CJK, ORDER_ID, PLACEHOLDER, placeholder_kind

__all__ = ["PiiScrubber", "Found", "valid_cn_id", "ENTITY_NAMES", "SPACY_MODEL", "BRANDS"]

log = logging.getLogger(__name__)

#: Presidio entity -> placeholder stem. Anything not listed here is ignored.
ENTITY_NAMES: Mapping[str, str] = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CN_MOBILE": "PHONE",
    "CN_LANDLINE": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "CN_ID": "CN_ID",
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "ZH_PERSON": "PERSON",
    "EN_PERSON": "PERSON",
    "ZH_LOCATION": "LOCATION",
    "EN_LOCATION": "LOCATION",
    "DATE_OF_BIRTH": "DOB",
}


# Shop identifiers and prices look like numbers a phone or card recognizer might claim; they are
# what the shopper needs the bot to read, so detections overlapping them are dropped.
_ALLOWED = re.compile(
    "|".join(
        (
            ORDER_ID.pattern,  # tau2-style order ids: #W1234567
            r"(?:item|product|variant|sku|tracking|商品|产品|货号|物流|运单)\s*(?:id|no\.?|number|编号|号|单号)?\s*[:#：]?\s*\d{5,14}(?!\d)",
            r"[$¥￥€£]\s?\d[\d,]*(?:\.\d+)?",
            r"\d[\d,]*(?:\.\d+)?\s?(?:元|块|美元|usd|dollars?|eur)\b",
        )
    ),
    re.IGNORECASE,
)
#: Which detection wins an overlap: checksummed and shaped formats before phone numbers (the
#: phone matcher claims SSNs and slices of card numbers), names last; then score, then length.
_PRIORITY: Mapping[str, int] = {
    "CN_ID": 4,
    "DOB": 3,
    "CREDIT_CARD": 3,
    "IBAN": 3,
    "EMAIL": 3,
    "IP": 3,
    "SSN": 2,
    "PHONE": 1,
}
#: Brands named after people: a shopper asking about "Calvin Klein jeans" is not naming anyone.
BRANDS = (
    "Calvin Klein|Ralph Lauren|Tommy Hilfiger|Hugo Boss|Kate Spade|Michael Kors|Tory Burch|Marc Jacobs|Vera Wang"
    "|Tom Ford|Jimmy Choo|Ted Baker|Paul Smith|Karl Lagerfeld|Yves Saint Laurent|Giorgio Armani|Louis Vuitton"
    "|Estée Lauder|Dr. Martens|Victoria's Secret|Levi's|Ben & Jerry's|Johnnie Walker|Jack Daniel's|Dolce & Gabbana"
    "|Christian Dior|Coco Chanel|Alexander McQueen|Stella McCartney|Air Jordan|Ray-Ban|Tim Hortons"
).split("|")


@dataclass(frozen=True)
class Found:
    """One detected PII span, already mapped to our placeholder stem."""

    start: int
    end: int
    kind: str
    score: float


class PiiScrubber:
    """Replaces PII with stable placeholders and restores them; one instance serves every thread."""

    def __init__(self, *, use_ner: bool = True, score_threshold: float = 0.4, allow: Iterable[str] = ()) -> None:
        """use_ner: spaCy for names and places (else patterns and the name list); allow: words never masked."""
        self._use_ner = use_ner
        self._threshold = score_threshold
        words = sorted({*BRANDS, *allow}, key=len, reverse=True)
        self._allow = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words)) if words else None
        self._detectors: Detectors | None = None
        self._lock = threading.Lock()
        self.ner_enabled = False
        """True once the analyzer is built with the spaCy model (False: patterns only)."""

    # ------------------------------------------------------------------ public API

    def scrub(self, text: str, vault: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """The text with PII replaced, and the vault with any new placeholders added."""
        new_vault = dict(vault)
        if not text.strip():
            return text, new_vault
        by_value = {_normal(placeholder_kind(p), raw): p for p, raw in vault.items()}
        parts: list[str] = []
        cursor = 0
        for found in self.detect(text):
            raw = text[found.start : found.end]
            key = _normal(found.kind, raw)
            placeholder = by_value.get(key)
            if placeholder is None:
                placeholder = _next_placeholder(found.kind, new_vault)
                new_vault[placeholder] = raw
                by_value[key] = placeholder
            parts.append(text[cursor : found.start])
            parts.append(placeholder)
            cursor = found.end
        parts.append(text[cursor:])
        return "".join(parts), new_vault

    def restore(self, text: str, vault: Mapping[str, str]) -> str:
        """Puts this conversation's raw values back; unknown placeholders stay as they are."""
        return PLACEHOLDER.sub(lambda m: vault.get(m.group(0), m.group(0)), text)

    def detect(self, text: str) -> list[Found]:
        """Non-overlapping PII spans in text order, shop identifiers and placeholders excluded."""
        protected = [m.span() for m in _ALLOWED.finditer(text)]
        protected += [m.span() for m in PLACEHOLDER.finditer(text)]
        protected += [m.span() for m in self._allow.finditer(text)] if self._allow is not None else []
        raw = [r for r in self._get_detectors().find(text, protected) if r[3] >= self._threshold]
        candidates = [f for f in (_to_found(r, text) for r in raw) if f is not None]
        candidates = [f for f in candidates if not any(_overlaps(f, s) for s in protected)]
        candidates.sort(key=lambda f: (-_PRIORITY.get(f.kind, 0), -f.score, -(f.end - f.start), f.start))
        chosen: list[Found] = []
        for f in candidates:
            if not any(_overlaps(f, (c.start, c.end)) for c in chosen):
                chosen.append(f)
        return sorted(_repeat_names(text, chosen), key=lambda f: f.start)

    @property
    def ner_runs(self) -> int:
        """How many messages so far needed the spaCy pass (most do not: see bot.privacy.detectors)."""
        return self._detectors.ner_runs if self._detectors is not None else 0

    def warm_up(self) -> None:
        """Builds the recognizers now (a few seconds with NER) instead of on the first message."""
        self._get_detectors()

    @property
    def detectors(self) -> Detectors:
        """The recognizers, built on first use (`shopkeeper eval bench-pii` swaps in the old spaCy pass)."""
        return self._get_detectors()

    # ------------------------------------------------------------------ analyzer

    def _get_detectors(self) -> Detectors:
        if self._detectors is None:
            with self._lock:
                if self._detectors is None:
                    self._detectors = Detectors(use_ner=self._use_ner)
                    self.ner_enabled = self._detectors.ner_enabled
        return self._detectors


def _to_found(raw: Raw, text: str) -> Found | None:
    entity, start, end, score = raw
    kind = ENTITY_NAMES.get(entity)
    if kind is None:
        return None
    if entity in ("PERSON", "LOCATION"):
        span = text[start:end]
        # Trim what NER glues on (spaces, punctuation) so the placeholder replaces just the name.
        stripped = span.strip(" \t\n.,;:!?()'\"，。；：！？")
        if not stripped or CJK.search(stripped) or not re.search(r"[A-Za-z]", stripped):
            return None  # the English model guesses wildly on Chinese text and on bare numbers
        start += span.find(stripped)
        end = start + len(stripped)
    return Found(start, end, kind, score)


def _repeat_names(text: str, chosen: list[Found]) -> list[Found]:
    """Every other occurrence of a detected name or address: found once is enough to hide it everywhere."""
    out = list(chosen)
    for f in chosen:
        if f.kind not in ("PERSON", "LOCATION") or f.end - f.start < 2:
            continue
        value = text[f.start : f.end]
        start = text.find(value)
        while start >= 0:
            span = (start, start + len(value))
            if not any(_overlaps(o, span) for o in out):
                out.append(Found(start, start + len(value), f.kind, f.score))
            start = text.find(value, start + 1)
    return out


def _overlaps(f: Found, span: tuple[int, int]) -> bool:
    return f.start < span[1] and span[0] < f.end


def _normal(kind: str, raw: str) -> str:
    """The identity of a value, so "Jane@X.com" and "jane@x.com" share one placeholder."""
    if kind in ("PHONE", "CREDIT_CARD", "IBAN", "SSN", "CN_ID", "DOB"):
        return kind + ":" + re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    return kind + ":" + raw.strip().lower()


def _next_placeholder(kind: str, vault: Mapping[str, str]) -> str:
    used = [int(m.group(2)) for p in vault if (m := PLACEHOLDER.fullmatch(p)) and m.group(1) == kind]
    return f"<{kind}_{max(used, default=0) + 1}>"
