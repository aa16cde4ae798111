"""How exasperated one shopper message reads, in [0, 1]: repeats, waiting, being ignored, threats, shouting."""

from __future__ import annotations

import re
from typing import Sequence

from bot.text import ORDER_ID, PLACEHOLDER

#: (pattern, weight): each cue that matches counts once; weights combine as a noisy-or, so two
#: medium cues read as more frustrated than one, and nothing passes 1.
_CUES_EN: Sequence[tuple[re.Pattern[str], float]] = [
    (re.compile(p, re.IGNORECASE), w)
    for p, w in (
        # Asking again: the strongest sign that the shop has already failed this shopper once.
        (r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+th|umpteenth|another) time\b", 0.55),
        (r"\bhow many (more )?times\b", 0.5),
        (r"\b(already|i've|i have) (told|asked|explained|sent|called|emailed|written)\b", 0.4),
        (r"\bkeeps? (asking|telling|getting|saying|waiting)\b|\bover and over\b|\brepeatedly\b", 0.45),
        (r"\bkeeps? \w+ing\b", 0.3),
        (r"\bstill\b", 0.3),
        (r"\bagain\b", 0.3),
        (r"\b(not|n't|never) (\w+ )?yet\b|\bwhere the (hell|heck)\b", 0.25),
        # Waiting and being ignored.
        (
            r"\b(for|over|it's been|it has been|waited) (days|weeks|months|ages|a week|a month|\w+ (days|weeks))\b",
            0.35,
        ),
        (r"\bbeen waiting\b", 0.35),
        (r"\b(nobody|no one|no-one|noone)\b", 0.4),
        (r"\b(ignor(e|ed|ing)|no (reply|response|answer|update)|never (replied|responded|answered|heard))\b", 0.45),
        # Running out of patience.
        (r"\b(fed up|sick (of|and tired)|tired of|had enough|enough is enough|last chance|losing patience)\b", 0.55),
        (r"\b(ridiculous|unacceptable|absurd|outrageous|pathetic|useless|joke|waste of (my )?time)\b", 0.4),
        (r"\b(seriously|are you kidding|you('re| are) kidding|what the (hell|heck|f)|wtf|omg)\b", 0.35),
        (r"\b(what('s| is) going on|why is it so (hard|difficult)|why (can't|won't|doesn't) anyone)\b", 0.4),
        (r"\b(annoy(ed|ing)|frustrat(ed|ing)|angry|furious|livid|exasperat(ed|ing))\b", 0.4),
        (r"\b(complain(t|ts|ing)?|escalate|manager|supervisor)\b", 0.3),
        (r"\b(lawyer|sue|chargeback|dispute|report you|bbb|trading standards|consumer protection)\b", 0.55),
        (r"\b(asap|right now|immediately)\b", 0.25),
    )
]

_CUES_ZH: Sequence[tuple[re.Pattern[str], float]] = [
    (re.compile(p), w)
    for p, w in (
        (r"第[二三四五六七八九十几\d]+次|多少次|好几次|几次了|再三|反复|一遍又一遍|屡次", 0.55),
        # "还没发货，我想改…" states why a change is still possible: no frustration when a request follows.
        (
            r"还没(?!发货[，,。\s]*(?:我想|我要|想|要|请|能不能|可以|帮我))|"
            r"还是没|还不(?!错)|仍然没|依然没|至今没|到现在",
            0.4,
        ),
        (r"又", 0.3),
        (r"到底|究竟", 0.4),
        (r"怎么回事|搞什么|什么情况|怎么搞的|干什么吃的|什么破|破服务", 0.45),
        (r"没人|没有人|不理|不回|不回复|没回复|没反应|石沉大海|踢皮球", 0.45),
        (r"[几两三四五六七八九十半\d]+(天|周|个?星期|个月)了|一直|等了|拖了|拖到", 0.35),
        (r"催了|一直催|催[了过]*[几好多]次", 0.4),
        (r"投诉|12315|消协|曝光|报警|起诉|律师", 0.55),
        (r"受不了|忍无可忍|受够|没耐心|太过分|过分|离谱|无语|气死|烦死|太坑", 0.5),
        (r"什么时候才|能不能快|赶紧|马上给|立刻", 0.3),
        (r"差评|垃圾|骗子|欺骗", 0.35),
    )
]

#: "又快又好" is praise, not a repeat: the 又 of that pattern is removed before matching.
_YOU_PAIR = re.compile(r"又(.{1,2})又")
#: "I'll order again", "thanks again", "还会再买": loyalty, not a repeat.
_LOYAL_AGAIN = re.compile(
    r"\b(order|buy|shop|purchase|come back|thanks|thank you)\b(\s+\w+){0,2}\s+again\b", re.IGNORECASE
)
_BANGS = re.compile(r"[!！]{2,}")
_QUESTIONS = re.compile(r"[?？]{2,}|[?？][!！]|[!！][?？]")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
#: Capitals that are not shouting: our placeholders, order numbers, and common acronyms.
_ACRONYMS = r"\b(USA|UPS|USPS|DHL|FEDEX|SKU|ASAP|OK|PDF|FAQ|EMS|VIP|ETA|ID)\b"
_NOT_SHOUTING = re.compile("|".join((PLACEHOLDER.pattern, ORDER_ID.pattern, _ACRONYMS)))


def frustration(text: str, sentiment_score: float = 0.0) -> float:
    """The per-message frustration in [0, 1]; a negative sentiment score adds a little on top of the cues."""
    en_text = _LOYAL_AGAIN.sub(" ", text)
    weights = [w for pattern, w in _CUES_EN if pattern.search(en_text)]
    zh_text = _YOU_PAIR.sub(lambda m: " " + m.group(1) + " ", text)
    weights += [w for pattern, w in _CUES_ZH if pattern.search(zh_text)]
    if _BANGS.search(text):
        weights.append(0.3)
    if _QUESTIONS.search(text):
        weights.append(0.3)
    if _shouting(text):
        weights.append(0.4)
    if sentiment_score < 0:
        # Plain unhappiness ("the mug is chipped") is not yet exasperation: it counts for less.
        weights.append(min(0.35, -sentiment_score * 0.35))
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - w
    return round(1.0 - remaining, 4)


def _shouting(text: str) -> bool:
    """Two or more all-capital words, or most of the letters in capitals in a message of some length."""
    bare = _NOT_SHOUTING.sub(" ", text)
    if len(_CAPS_WORD.findall(bare)) >= 2:
        return True
    letters = [c for c in bare if c.isascii() and c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
