"""The sentiment lexicons (en + zh) with negators and intensifiers: a score in [-1, 1] from word lists alone."""

from __future__ import annotations

import re
from typing import Mapping

from bot.types import Sentiment, SentimentLabel

_NEGATORS_EN = re.compile(r"\b(not|no|never|n't|hardly|isn't|wasn't|don't|didn't|doesn't)\W+(\w+\W+)?$")
_NEGATORS_ZH = ("不", "没", "没有", "别", "不太", "不是")
_INTENSIFIERS_EN = {
    "very": 1.5,
    "so": 1.4,
    "really": 1.4,
    "extremely": 1.8,
    "absolutely": 1.8,
    "totally": 1.5,
    "super": 1.5,
}
_INTENSIFIERS_ZH = {"非常": 1.6, "太": 1.5, "特别": 1.5, "极其": 1.8, "超级": 1.5, "很": 1.3, "真": 1.3}

#: Signed sentiment weights; the message score is the clipped sum.
LEXICON_EN: Mapping[str, float] = {
    "good": 0.4,
    "great": 0.6,
    "excellent": 0.7,
    "amazing": 0.7,
    "love": 0.6,
    "happy": 0.5,
    "perfect": 0.7,
    "awesome": 0.6,
    "nice": 0.4,
    "helpful": 0.5,
    "thanks": 0.3,
    "thank": 0.3,
    "pleased": 0.5,
    "satisfied": 0.5,
    "fast": 0.2,
    "wonderful": 0.7,
    "bad": -0.4,
    "poor": -0.4,
    "slow": -0.3,
    "late": -0.3,
    "broken": -0.4,
    "damaged": -0.4,
    "wrong": -0.3,
    "missing": -0.3,
    "problem": -0.2,
    "issue": -0.2,
    "annoyed": -0.5,
    "disappointed": -0.5,
    "unhappy": -0.5,
    "upset": -0.5,
    "frustrated": -0.6,
    "angry": -0.7,
    "terrible": -0.7,
    "awful": -0.7,
    "horrible": -0.7,
    "worst": -0.8,
    "hate": -0.7,
    "useless": -0.6,
    "ridiculous": -0.6,
    "unacceptable": -0.7,
    "furious": -0.9,
    "scam": -0.8,
    "disgusting": -0.8,
    "pathetic": -0.7,
    "incompetent": -0.7,
    "joke": -0.3,
    "never": -0.1,
}
LEXICON_ZH: Mapping[str, float] = {
    "好": 0.3,
    "很好": 0.5,
    "满意": 0.5,
    "喜欢": 0.5,
    "棒": 0.6,
    "不错": 0.4,
    "谢谢": 0.3,
    "感谢": 0.4,
    "完美": 0.7,
    "开心": 0.5,
    "快": 0.2,
    "赞": 0.6,
    "差": -0.5,
    "慢": -0.3,
    "坏": -0.4,
    "破损": -0.4,
    "错": -0.3,
    "问题": -0.2,
    "失望": -0.6,
    "生气": -0.7,
    "愤怒": -0.8,
    "垃圾": -0.8,
    "骗子": -0.9,
    "投诉": -0.5,
    "烦": -0.5,
    "太差": -0.7,
    "恶心": -0.8,
    "无语": -0.5,
    "气死": -0.9,
    "坑": -0.6,
    "差评": -0.7,
    "不满意": -0.6,
    "糟糕": -0.7,
    "离谱": -0.6,
}
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def lexicon_sentiment(text: str) -> Sentiment:
    """Signed lexicon score with negation and intensifiers, clipped to [-1, 1]."""
    total = en_score(text.lower()) + zh_score(text)
    bangs = text.count("!") + text.count("！")
    if total < 0 and bangs:
        total *= 1.0 + min(bangs, 3) * 0.1
    score = max(-1.0, min(1.0, total))
    label: SentimentLabel = "negative" if score <= -0.25 else "positive" if score >= 0.25 else "neutral"
    return Sentiment(label, round(score, 4))


def en_score(lowered: str) -> float:
    total = 0.0
    for m in _EN_WORD.finditer(lowered):
        weight = LEXICON_EN.get(m.group(0))
        if weight is None:
            continue
        before = lowered[max(0, m.start() - 25) : m.start()]
        words = before.split()
        if words and words[-1] in _INTENSIFIERS_EN:
            weight *= _INTENSIFIERS_EN[words[-1]]
        if _NEGATORS_EN.search(before):
            weight = -weight * 0.6
        total += weight
    return total


#: Compounds that contain a lexicon character without its feeling ("你好" is a greeting, "快递" a courier).
_ZH_NEUTRAL = re.compile(r"你好|您好|好的|好吗|好不好|最好|只好|快递|快点|问题吗|有问题吗")


def zh_score(text: str) -> float:
    return zh_lexicon_sum(_ZH_NEUTRAL.sub(lambda m: " " * len(m.group(0)), text), LEXICON_ZH)


def zh_lexicon_sum(text: str, lexicon: Mapping[str, float]) -> float:
    """The weights of a Chinese lexicon's words found in text, with intensifiers and negators before them."""
    total = 0.0
    # Longest entries first, and each character counts once ("不满意" is not also "满意").
    taken = [False] * len(text)
    for word in sorted(lexicon, key=len, reverse=True):
        for m in re.finditer(re.escape(word), text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            weight = lexicon[word]
            before = text[max(0, m.start() - 3) : m.start()]
            for intensifier, factor in _INTENSIFIERS_ZH.items():
                if before.endswith(intensifier):
                    weight *= factor
                    break
            if any(before.endswith(n) for n in _NEGATORS_ZH) and not word.startswith("不"):
                weight = -weight * 0.6
            total += weight
    return total
