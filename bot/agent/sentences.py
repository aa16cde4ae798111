"""Sentences of a policy passage as answer candidates: markdown removed, list items joined to their lead-in,
page-tour and cross-reference sentences marked, and the kinds of fact (duration, money, contact, hours) each holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from bot.text import CJK

#: Within a sentence pysbd keeps, a Chinese run-on still breaks at its full-width semicolon.
_ZH_SEMICOLON = re.compile(r"(?<=；)")
_MARKUP = re.compile(r"\*\*|__|`|\[(.*?)\]\([^)]*\)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_END = re.compile(r"[.!?。！？；;:：]$")

#: Sentences that describe the page rather than the policy ("This page explains ...") or only
#: point elsewhere ("See our Exchange Policy."): never an answer on their own.
_META = re.compile(
    r"^(?:this (?:page|policy|section) (?:explains|describes|covers|tells)|here (?:is|are) (?:how|what|when|where)"
    r"|(?:please )?see our [\w\s]+(?:policy|page)\.?$|本页|以下是|请参阅《[^》]*》。?$)",
    re.IGNORECASE,
)

#: What kind of fact a question asks for ("duration", "money", "contact", "phone", "hours"), and (_FACTS) the patterns
#: of sentences that state one.
_QUESTION_CUES: dict[str, re.Pattern[str]] = {
    "duration": re.compile(
        r"\bhow (?:long|soon|fast|quickly)\b|\bhow many (?:days|weeks|hours|months|years)\b|\bwhen\b|\bdeadline\b"
        r"|多久|几天|多少天|多少个?工作日|几周|几个月|多长|多快|几个工作日|什么时候|何时|时效|期限|期多",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"\bhow much\b|\bcosts?\b|\bprices?\b|\bfees?\b|\bcharges?\b|\bfree\b|\bwho pays\b"
        r"|谁出|谁付|谁承担|多少钱|运费|费用|价格|收费|包邮|免费|多少(?!天|个?工作日|小时|周|个月|年)",
        re.IGNORECASE,
    ),
    "contact": re.compile(r"\bcontact\b|\breach (?:you|us)\b|\be-?mail\b|联系|邮箱|邮件|客服", re.IGNORECASE),
    # A phone number, not any way to reach the shop: an email address does not answer "what's your phone number?".
    "phone": re.compile(r"\b(?:tele)?phone\b|\bcall\b|\bnumber to call\b|电话|打电话|热线", re.IGNORECASE),
    "hours": re.compile(r"\bhours\b|\bopen\b|\bbusiness days?\b|几点|工作时间|营业|上班|服务时间", re.IGNORECASE),
}
_NUMBER_RANGE = r"\d+(?:\.\d+)?\s*(?:[–—-]\s*\d+\s*)?"
_FACTS: dict[str, re.Pattern[str]] = {
    "duration": re.compile(
        rf"{_NUMBER_RANGE}(?:business\s+|working\s+)?(?:days?|hours?|minutes?|weeks?|months?|years?)\b"
        rf"|\b\d+-(?:day|year|month)\b|\bone year\b|\bimmediate(?:ly)?\b|\bsame day\b|\bnever expire"
        rf"|{_NUMBER_RANGE}(?:个)?(?:工作日|天|小时|分钟|周|个月|年)|即时|当天|永久有效",
        re.IGNORECASE,
    ),
    "money": re.compile(r"\$\s?\d|\d+(?:\.\d+)?\s*(?:美元|dollars?\b|usd\b)|\bfree\b|免费|免运费|全免", re.IGNORECASE),
    "contact": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d\s().-]{8,}\d"),
    "phone": re.compile(r"\+?\d[\d\s().-]{8,}\d"),
    "hours": re.compile(r"\b\d{1,2}:\d{2}\b|\bmonday\b|\bfriday\b|24 hours|周一|周五|24 小时", re.IGNORECASE),
}
_CONDITIONAL = re.compile(r"^(?:(?:if|unless|when|once|while)\b|如果|若|除非|一旦)", re.IGNORECASE)
#: List items shorter than this read as fragments ("Gift cards.") and are shown after their lead-in.
_FRAGMENT_CHARS = {"en": 60, "zh": 24}
#: Under a heading (no lead-in sentence) only real fragments ("PayPal.") are shown after it.
_HEADING_FRAGMENT_CHARS = {"en": 30, "zh": 12}


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence of a passage."""

    text: str
    """What the reply shows: the sentence, or "lead-in: item" for a short list item."""
    lead: str = ""
    """The sentence that introduced the list this item belongs to ("The following items cannot be returned")."""
    position: int = 0
    """Index among the passage's sentences (0 = first)."""
    meta: bool = False
    """About the page, or only a pointer elsewhere; not an answer."""
    group: int = -1
    """The list this item belongs to (items of one list share it); -1 for a sentence outside a list."""


def split_sentences(text: str, heading: str = "") -> list[Sentence]:
    """Every candidate sentence of a passage, in order. Headings, table rows and dangling lead-ins
    ("It can:") are not candidates; address-like runs of short lines become one sentence.

    A list item keeps what introduced it: the lead-in sentence before the list, else the section
    heading it sits under (`heading` for a passage that starts with the list), so that "PayPal." under
    "Accepted payment methods" reads "Accepted payment methods: PayPal." and an item under "What the
    warranty does not cover" keeps its "not". Short items are kept, never dropped as fragments.
    """
    out: list[Sentence] = []
    lead = heading.strip()
    from_heading = True  # the lead is a heading, not a lead-in sentence
    group = -1  # the list being read
    lists = 0
    block: list[str] = []  # consecutive short lines without punctuation (a postal address)

    def flush() -> None:
        if block:
            joined = ", ".join(block)
            if _long_enough(joined):
                out.append(Sentence(joined, position=len(out)))
            block.clear()

    for raw in text.splitlines():
        if not raw.strip():
            flush()
            continue
        if re.match(r"^\s*#", raw):
            flush()
            lead = _MARKUP.sub(lambda m: m.group(1) or "", raw.strip().lstrip("#")).strip()
            from_heading = True
            group = -1
            continue  # a heading does not read as an answer; it introduces a list right under it
        if re.match(r"^\s*\|", raw):
            flush()
            lead = ""
            group = -1
            continue  # table rows do not read as answers
        is_item = bool(_BULLET.match(raw))
        line = _MARKUP.sub(lambda m: m.group(1) or "", _BULLET.sub("", raw)).strip()
        if not is_item and not _END.search(line) and len(line) < 60:
            block.append(line)
            continue
        flush()
        if is_item and group < 0:
            lists += 1
            group = lists
        if not is_item:
            lead = ""
            group = -1
        pieces = _segment(line)
        for i, piece in enumerate(pieces):
            if piece.endswith((":", "：")) and len(piece) > 1:
                if i == len(pieces) - 1 and not is_item:
                    lead = piece[:-1].strip()
                    from_heading = False
                continue  # a lead-in says nothing until its list does
            if not (_long_enough(piece) or (is_item and len(piece.strip(".。;；")) >= 2)):
                continue
            item_lead = lead if is_item else ""
            out.append(_item(piece, item_lead, len(out), group if is_item else -1, from_heading and bool(item_lead)))
    flush()
    return out


def question_kinds(question: str) -> frozenset[str]:
    """The kinds of fact a question asks for: "how long ..." -> {"duration"}."""
    return frozenset(kind for kind, cue in _QUESTION_CUES.items() if cue.search(question))


def fact_kinds(sentence: str) -> frozenset[str]:
    """The kinds of fact a sentence states: "within 3-5 business days" -> {"duration"}."""
    return frozenset(kind for kind, pattern in _FACTS.items() if pattern.search(sentence))


def conditional_sentence(text: str) -> bool:
    """Whether a sentence states a special case ("If ...", "Unless ...", "如果 ...")."""
    return bool(_CONDITIONAL.match(text))


def _item(piece: str, lead: str, position: int, group: int = -1, heading: bool = False) -> Sentence:
    meta = bool(_META.search(piece))
    if not lead:
        return Sentence(piece, position=position, meta=meta, group=group)
    zh = bool(CJK.search(piece)) or bool(CJK.search(lead))
    short = (_HEADING_FRAGMENT_CHARS if heading else _FRAGMENT_CHARS)["zh" if zh else "en"]
    # An item that goes on with its lead-in's sentence ("please have: - the email address ...") reads with it.
    if len(piece) >= short and not (piece[:1].islower() and not heading):
        return Sentence(piece, lead=lead, position=position, meta=meta, group=group)
    return Sentence(with_lead(lead, piece), lead=lead, position=position, meta=meta, group=group)


def with_lead(lead: str, piece: str) -> str:
    """A list item read after what introduced it: "The following items cannot be returned: gift cards."."""
    if CJK.search(lead) or CJK.search(piece):
        return f"{lead}：{piece}"
    words = piece.split()
    # "Gift cards." -> "gift cards."; names keep their capitals ("PayPal.", "Harbor Goods gift cards.").
    common = words[0][1:].islower() and not (len(words) > 1 and words[1][:1].isupper())
    item = piece[0].lower() + piece[1:] if common else piece
    return f"{lead}: {item}"


def _segment(line: str) -> list[str]:
    """The sentences of one line by pysbd, which knows abbreviations ("P.O. boxes", "Washington D.C. and",
    "e.g.") where a full stop does not end a sentence; a trailing ";" of a list item reads as a full stop."""
    pieces = []
    for sentence in _segmenter("zh" if CJK.search(line) else "en").segment(line):
        for piece in _ZH_SEMICOLON.split(sentence):
            piece = piece.strip()
            if piece.endswith(";"):
                piece = piece[:-1].rstrip() + "."
            elif piece.endswith("；"):
                piece = piece[:-1].rstrip() + "。"
            if piece:
                pieces.append(piece)
    return pieces


@lru_cache(maxsize=2)
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False)


def _long_enough(piece: str) -> bool:
    return len(piece) >= 4 if CJK.search(piece) else len(piece) >= 8
