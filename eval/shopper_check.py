"""The shopper suite's judge: does one reply hold the fact asked, in the shopper's language?

It reads the reply the way a shopper does: the text (numbers without thousands separators, any
dash a hyphen, case ignored), the product cards beside it, and for a yes/no question the words it
leads with. It never looks at how the engine got there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from bot.text import detect_language
from bot.types import ProductCard, TurnResult
from eval.shopper_cases import Check, YesNo

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_DASH = re.compile(r"[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?](?!\d)|[。！？\n]")
_LEAD_END = re.compile(r"(?<!\d)[.!?,;:](?!\d)|[。！？，；：\n—(（]")
_NUMBER_EDGE = r"(?<![\d.]){}(?![\d])"

_NO_EN = re.compile(
    r"\b(no|nope|not|sorry|unfortunately|cannot|can't|don't|doesn't|isn't|aren't|won't|out of stock|sold out|"
    r"unavailable)\b|n't\b"
)
_YES_EN = re.compile(r"\b(yes|yep|yeah|sure|we do|we sell|we have|we carry|it is|in stock|available|you can|we ship)\b")
_NO_ZH = (
    "没有",
    "没货",
    "缺货",
    "售罄",
    "无货",
    "暂无",
    "卖完",
    "抱歉",
    "无法",
    "不能",
    "不可以",
    "不行",
    "不卖",
    "不提供",
    "不支持",
    "不接受",
    "不包括",
    "不包含",
    "不会",
    "不是",
    "不用",
    "不需要",
    "不免费",
    "不可",
)
_NO_ZH_START = ("不", "否")
_YES_ZH = ("有货", "现货", "有售", "在售", "有库存")
_YES_ZH_START = (
    "是的",
    "是",
    "可以",
    "有的",
    "有",
    "支持",
    "接受",
    "能",
    "会",
    "对",
    "免费",
    "包括",
    "当然",
    "我们有",
    "我们卖",
)

_NOBODY_EN = (
    "no one",
    "nobody",
    "no agent",
    "not available",
    "unavailable",
    "isn't anyone",
    "is not anyone",
    "no human",
    "aren't any",
    "are not any",
    "not online",
    "offline",
    "no staff",
    "no team member",
    "none of our",
)
_NOBODY_ZH = ("没有", "暂时无", "不在", "无人", "暂无", "下班", "无法", "不能")
_MESSAGE_EN = ("message", "email", "e-mail", "leave a note", "get back to you")
_MESSAGE_ZH = ("留言", "邮箱", "邮件", "转达", "记下", "联系您", "回复您")


def normalise(text: str) -> str:
    """Lower case, one space for any run of whitespace, every dash a hyphen, no thousands separators."""
    return _THOUSANDS.sub("", _DASH.sub("-", _SPACE.sub(" ", text.lower()))).strip()


def _has(haystack: str, needle: str) -> bool:
    wanted = normalise(needle)
    if re.fullmatch(r"[\d.]+", wanted):
        return re.search(_NUMBER_EDGE.format(re.escape(wanted)), haystack) is not None
    return wanted in haystack


def yes_or_no(text: str) -> YesNo | None:
    """The answer a reply leads with: its first words, else its first sentence; None when neither says."""
    said = normalise(text)
    lead = _LEAD_END.split(said, maxsplit=1)[0]
    first = _SENTENCE_END.split(said, maxsplit=1)[0]
    for part in (lead, first):
        if _NO_EN.search(part) or any(w in part for w in _NO_ZH) or lead.startswith(_NO_ZH_START):
            return "no"
        if _YES_EN.search(part) or any(w in part for w in _YES_ZH) or part.startswith(_YES_ZH_START):
            return "yes"
    return None


def says_nobody_available(text: str, language: str) -> bool:
    """The reply says no person can answer now and offers to take a message."""
    said = normalise(text)
    nobody, message = (_NOBODY_ZH, _MESSAGE_ZH) if language == "zh" else (_NOBODY_EN, _MESSAGE_EN)
    return any(w in said for w in nobody) and any(w in said for w in message)


@dataclass(frozen=True)
class Reply:
    """One turn's answer as the shopper sees it."""

    text: str
    cards: tuple[ProductCard, ...] = ()
    state: str = "bot"

    @classmethod
    def of(cls, result: TurnResult) -> "Reply":
        return cls(
            "\n".join(r.text for r in result.replies),
            tuple(card for r in result.replies for card in r.products),
            result.state,
        )

    def haystack(self) -> str:
        """The text and the cards' names, ids and prices: where a fact may appear."""
        cards = " ".join(f"{c.name} {c.product_id} {c.variant} {c.price:.2f}" for c in self.cards)
        return normalise(f"{self.text}\n{cards}")


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def judge(check: Check, reply: Reply, language: str, asked: str = "") -> list[str]:
    """Every way the reply misses the check; empty when it holds. `asked`: the shopper's message (its
    Latin words, such as an English product name in a Chinese question, do not make a reply English)."""
    problems: list[str] = []
    if not reply.text.strip():
        return ["no reply"]
    said = reply.haystack()
    for group in check.groups:
        if group and not any(_has(said, s) for s in group):
            problems.append(f"missing {_show(group)}")
    answer = yes_or_no(reply.text)
    if check.yes_no is not None and answer != check.yes_no:
        problems.append(f"expected {check.yes_no!r} first, read {answer or 'neither'!r}")
    if check.not_answer is not None and answer == check.not_answer:
        problems.append(f"reads {answer!r}")
    if check.max_price is not None:
        over = [c for c in reply.cards if c.price > check.max_price + 0.005 or not c.available]
        if over:
            problems.append(f"cards over ${check.max_price:g} or out of stock: {', '.join(c.name for c in over)}")
    if check.nobody_available and not says_nobody_available(reply.text, language):
        problems.append("does not say nobody can answer now and offer to take a message")
    if check.state is not None and reply.state != check.state:
        problems.append(f"state {reply.state!r}, expected {check.state!r}")
    for word in check.forbid:
        if _has(said, word):
            problems.append(f"says {word!r}")
    found = detect_language(_without_catalogue_words(reply.text, reply.cards, asked))
    if found != language:
        problems.append(f"reply in {found}, asked in {language}")
    return problems


def _without_catalogue_words(text: str, cards: Sequence[ProductCard], asked: str) -> str:
    """The reply less the words it takes from the shop's catalogue (the cards' names and options) and from
    the question: a Chinese reply naming an English-only product is still a Chinese reply."""
    words = {c.name for c in cards} | {v for c in cards for v in c.options.values()}
    words |= set(re.findall(r"[A-Za-z][A-Za-z0-9'+-]*(?: [A-Za-z0-9'+-]+)*", asked))
    for word in sorted(words - {""}, key=len, reverse=True):
        text = re.sub(re.escape(word), " ", text, flags=re.IGNORECASE)
    return text


def _show(group: Sequence[str]) -> str:
    shown = " | ".join(group[:4])
    return f"one of [{shown}{' ...' if len(group) > 4 else ''}]"
