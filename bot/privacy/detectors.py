"""The recognizers one message needs, run directly: own patterns, presidio's checksummed ones, names, spaCy NER."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Sequence

from bot.privacy.names import NameGazetteer, english_words, is_shop_word, is_street_word
from bot.privacy.ner import NerPass, import_without_torch, load_ner
from bot.privacy.recognizers import PATTERNS
from bot.text import CJK

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer

log = logging.getLogger(__name__)

#: (entity, start, end, score): one detection before the scrubber maps and ranks it.
Raw = tuple[str, int, int, float]

_LATIN = re.compile(r"[A-Za-z]")
_CONTRACTION = re.compile(r"[A-Za-z]+['’](?:m|s|re|ve|ll|d|t)")
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().-]*\d")
_CAPITALISED = re.compile(r"(?<![A-Za-z\u00c0-\u024f'’-])[A-Z][a-z\u00c0-\u024f'’-]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(]|[.!?]['\"”])\s*$")
_SPACY_KINDS = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}


class Detectors:
    """Every recognizer, built once; `find` runs only those a message can match (cheap pre-checks first)."""

    def __init__(self, *, use_ner: bool = True) -> None:
        _import_presidio_without_torch()
        # presidio's debug lines quote the raw text ("Context list is: jane@x.com ..."): the logs
        # must never see PII, so its loggers stay at WARNING whatever the root level is.
        for name in ("presidio-analyzer", "presidio-anonymizer"):
            logging.getLogger(name).setLevel(logging.WARNING)
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UsSsnRecognizer,
        )

        # No EmailRecognizer: its \b pattern pulls Chinese text before an address into the match;
        # the shape pattern in bot.privacy.recognizers covers every address it finds.
        self._phone = PhoneRecognizer(supported_regions=("US", "GB", "DE", "FR", "CA", "IN", "CN"))
        self._numbers: list[EntityRecognizer] = [
            CreditCardRecognizer(),
            IbanRecognizer(),
            UsSsnRecognizer(),
        ]
        self._ip = IpRecognizer()
        self.names = NameGazetteer.load()
        self._english = english_words()
        self.nlp: NerPass | None = load_ner() if use_ner else None
        self.ner_runs = 0
        """How many messages needed the spaCy pass (the benchmark reports it)."""

    @property
    def ner_enabled(self) -> bool:
        return self.nlp is not None

    def find(self, text: str, protected: Sequence[tuple[int, int]] = ()) -> list[Raw]:
        """Every detection of every recognizer that could match, overlaps included.

        protected: spans already known not to be PII (order numbers, prices); they need no look.
        """
        # Digits inside protected spans (an order number) cannot be part of any kept detection, so a
        # message whose only long number is its order id skips every number recognizer.
        digits = _free_digits(text, protected)
        han = CJK.search(text) is not None
        ready = {"": True, "digit": digits > 0, "digits": digits >= 7, "@": "@" in text, "han": han}
        out: list[Raw] = []
        for pattern in PATTERNS:
            if ready[pattern.needs]:
                out += pattern.find(text)
        if digits >= 7:
            for recognizer in self._numbers:
                out += _presidio(recognizer, text)
            # libphonenumber tries every region on every digit run: 90% of a scrub when given the
            # whole message. It only sees the runs of 7+ digits no pattern claimed (not shop ids).
            claimed = [(s, e) for _, s, e, _ in out] + list(protected)
            for start, end in _unclaimed_digits(text, claimed):
                window = max(0, start - 3)
                found = _presidio(self._phone, text[window : end + 3])
                out += [(kind, s + window, e + window, score) for kind, s, e, score in found]
        if digits >= 4 and ("." in text or ":" in text):
            out += _presidio(self._ip, text)
        if _LATIN.search(text):
            out += [("EN_PERSON", h.start, h.end, h.score) for h in self.names.find(text)]
            out += [("EN_LOCATION", h.start, h.end, h.score) for h in self.names.find_places(text)]
            if self.nlp is not None and self._needs_ner(text, out):
                out += self._ner(text)
        return out

    def _needs_ner(self, text: str, found: list[Raw]) -> bool:
        """A capitalised word nothing cheaper explained: a name or a place the patterns did not know.

        Sentence-initial English words ("Where", "Please") and shop words explain themselves; a
        message without any other capitalised word skips spaCy, the costliest step by far.
        """
        for m in _CAPITALISED.finditer(text):
            word = m.group(0)
            # A sure detection explains its words; a lone first name may still be a place ("France").
            if is_shop_word(word) or any(s <= m.start() < e and sc >= 0.8 for _, s, e, sc in found):
                continue
            if word.lower() in self._english and _SENTENCE_START.search(text[: m.start()]):
                continue
            if _CONTRACTION.fullmatch(word):
                continue  # "I'm", "It's", "Don't"
            return True
        return False

    def _ner(self, text: str) -> list[Raw]:
        assert self.nlp is not None
        self.ner_runs += 1
        doc = self.nlp(text)
        out: list[Raw] = []
        for ent in doc.ents:
            kind = _SPACY_KINDS.get(ent.label_)
            if kind is None:
                continue
            if kind == "PERSON":
                # The small model calls many foreign street names people ("Gordon Terrace", "Via Franscini
                # 71") and products too ("Jordan 4"): a street word or a number around it says which.
                after = doc[ent.end].text if ent.end < len(doc) else ""
                before = doc[ent.start - 1] if ent.start > 0 else None
                near = [after] + ([before.text] if before is not None else [])
                street = any(is_street_word(w) for w in near) or (before is not None and before.like_num)
                if street or any(is_street_word(t.text) for t in ent):
                    kind = "LOCATION"
                elif any(t.like_num for t in ent) or all(is_shop_word(t.text) for t in ent):
                    continue
                elif not any(self.names.known(t.text) for t in ent) and all(self.names.is_english(t.text) for t in ent):
                    continue  # "Guilty Pleasures", "Salesperson": capitalised English, no name in it
            elif any(t.like_num for t in ent) and not any(is_street_word(t.text) for t in ent):
                continue  # "the Jordan 4", "Galaxy S24": a model number, not a place
            elif len(ent) == 1 and self.names.known(ent.text) and ent.text not in self.names.places:
                # The small model calls most unfamiliar one-word names places ("Alina", "Antonio").
                kind = "PERSON"
            out.append((kind, ent.start_char, ent.end_char, 0.85))
        return out


def _unclaimed_digits(text: str, claimed: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Digit runs (separators allowed) with 7 or more digits outside every claimed span."""
    out = []
    for m in _DIGIT_RUN.finditer(text):
        free = sum(1 for i in range(m.start(), m.end()) if text[i].isdigit() and not _inside(i, claimed))
        if free >= 7:
            out.append(m.span())
    return out


def _free_digits(text: str, protected: Sequence[tuple[int, int]]) -> int:
    """How many digits of text lie outside every protected span."""
    inside: set[int] = set()
    for start, end in protected:
        inside.update(i for i in range(start, end) if text[i].isdigit())
    return sum(c.isdigit() for c in text) - len(inside)


def _inside(i: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= i < e for s, e in spans)


def _presidio(recognizer: EntityRecognizer, text: str) -> list[Raw]:
    # Called without NLP artifacts: their context boost needs spaCy lemmas we do not compute.
    results = recognizer.analyze(text, recognizer.supported_entities, None)  # type: ignore[arg-type]
    return [(r.entity_type, r.start, r.end, float(r.score)) for r in results]


def _import_presidio_without_torch() -> None:
    """Imports presidio without its optional transformers/torch engines when nothing loaded them.

    presidio imports transformers (and so torch) only to offer an NLP engine we never use; on
    two shared cores that is 5-20 s before the first message.
    """
    import_without_torch("presidio_analyzer", "presidio_analyzer.predefined_recognizers")
