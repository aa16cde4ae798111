"""Sentiment of a shopper message in English and Chinese: a shop lexicon blended with VADER (en) and SnowNLP (zh)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Callable, Mapping

from bot.types import Sentiment, SentimentLabel

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Half-width of the neutral band around 0 (measured on TweetEval: 0.2 gives the best macro-F1).
NEUTRAL_BAND = 0.2
#: SnowNLP's weight grows from SNOW_FROM characters and is full from SNOW_FULL; short questions skip it.
SNOW_FROM, SNOW_FULL = 0, 20
#: SnowNLP's (probability - 0.5) is scaled by this next to the lexicon: its review knowledge is the
#: stronger signal on review-like text (chosen on the waimai sample and the own messages).
SNOW_WEIGHT = 1.5
#: A short message that asks something is a chat question, which SnowNLP's review model reads as negative.
_QUESTION = re.compile(r"[？?]|吗|呢|怎么|多少|请问|能不能|可以|什么时候|哪")
#: Weight of VADER's compound score next to the lexicon (TweetEval macro-F1 0.555 at 0.5).
VADER_WEIGHT = 0.5

#: Shopping words SnowNLP's review model misses or misreads; signed weights like nlu's lexicon.
EXTRA_ZH: Mapping[str, float] = {
    "推荐": 0.4, "值得": 0.4, "物超所值": 0.7, "好评": 0.6, "五星": 0.6, "实惠": 0.4, "划算": 0.4,
    "舒服": 0.4, "好用": 0.5, "好吃": 0.5, "新鲜": 0.3, "准时": 0.3, "及时": 0.3, "耐心": 0.3,
    "喜欢": 0.5, "漂亮": 0.4, "挺好": 0.4, "很棒": 0.6, "超赞": 0.7, "惊喜": 0.5, "正品": 0.3,
    "一般": -0.3, "不好": -0.5, "太慢": -0.5, "难吃": -0.7, "不新鲜": -0.6, "退货": -0.3, "退款": -0.2,
    "没用": -0.5, "后悔": -0.6, "假货": -0.8, "上当": -0.7, "不值": -0.5, "不行": -0.4, "难用": -0.6,
    "退了": -0.3, "再也不": -0.6, "差劲": -0.7, "敷衍": -0.6, "态度差": -0.7, "凉了": -0.4, "太咸": -0.5,
    "没送": -0.4, "少送": -0.4, "送错": -0.5, "漏": -0.3, "慢死": -0.7, "不推荐": -0.6, "不会再": -0.5,
}  # fmt: skip

_lock = threading.Lock()
_backends: dict[str, Callable[[str], float] | None] = {}


def score_sentiment(text: str, lexicon_score: float) -> Sentiment:
    """The lexicon score (from bot.nlu) blended with the language's model when its package is installed."""
    if _CJK.search(text):
        total = lexicon_score + score_zh_lexicon(text, extra_only=True)
        snow = _backend("zh")
        asks = len(text) < SNOW_FULL and _QUESTION.search(text) is not None
        if snow is not None and len(text) > SNOW_FROM and not asks:
            # SnowNLP learned from reviews: it calls most short questions negative ("客服电话是多少？"
            # 0.02), so short questions skip it and very short statements get only part of it.
            weight = min(1.0, (len(text) - SNOW_FROM) / (SNOW_FULL - SNOW_FROM))
            total += SNOW_WEIGHT * (snow(text) - 0.5) * weight
    else:
        total = lexicon_score
        vader = _backend("en")
        if vader is not None:
            total += VADER_WEIGHT * vader(text)
    score = max(-1.0, min(1.0, total))
    label: SentimentLabel = "negative" if score <= -NEUTRAL_BAND else "positive" if score >= NEUTRAL_BAND else "neutral"
    return Sentiment(label, round(score, 4))


def score_zh_lexicon(text: str, extra_only: bool = False) -> float:
    """The extra shopping lexicon's sum (longest words first, each character counted once)."""
    taken = [False] * len(text)
    total = 0.0
    for word in sorted(EXTRA_ZH, key=len, reverse=True):
        for m in re.finditer(re.escape(word), text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            total += EXTRA_ZH[word]
    if extra_only:
        return total
    from bot.nlu import _score_zh

    return total + _score_zh(text)


def _backend(language: str) -> Callable[[str], float] | None:
    with _lock:
        if language not in _backends:
            _backends[language] = _load(language)
        return _backends[language]


def _load(language: str) -> Callable[[str], float] | None:
    try:
        if language == "zh":
            from snownlp import SnowNLP

            return lambda text: float(SnowNLP(text).sentiments)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        return lambda text: float(analyzer.polarity_scores(text)["compound"])
    except ImportError:
        log.warning("sentiment for %s uses the lexicon only (its package is not installed)", language)
        return None
