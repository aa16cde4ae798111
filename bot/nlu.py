"""Language, intent, sentiment and slots of one scrubbed message (en + zh): a trained model plus keyword rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

from bot.frustration import frustration
from bot.intents import Prediction, active_model, coarse_intent
from bot.types import Intent, Language, Sentiment, SentimentLabel, Understanding

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_ORDER_ID = re.compile(r"(?<![A-Za-z0-9])#?\s?([Ww])(\d{7})(?!\d)")
_EMAIL_PLACEHOLDER = re.compile(r"<EMAIL_\d+>")
_ANY_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_ZIP = re.compile(
    r"(?:zip|postal|postcode|邮编|邮政编码)\s*(?:code)?\s*(?:is|是|为)?\s*[:：]?\s*(\d{5,6})(?!\d)"
    r"|(?<![\d$¥￥.,#])(\d{5})(?:-\d{4})?(?![\d.,%])",
    re.IGNORECASE,
)

#: Intent label -> weighted patterns; a message's score for a label is the sum of its matches.
#: English patterns see lower-cased text. Order matters only for ties (earlier wins).
INTENT_PATTERNS: Mapping[str, Sequence[tuple[str, float]]] = {
    "human_agent": (
        (
            r"\b(talk|speak|chat|connect|transfer)\w*\b.{0,25}\b(human|agent|person|representative|someone|staff|operator)\b",
            3.0,
        ),
        (r"\b(real|live) (person|human|agent)\b", 3.0),
        (r"\bhuman\b", 1.5),
        (r"\b(representative|operator)\b", 1.5),
        (r"转人工|人工客服|人工服务|真人|找人工|要人工", 3.0),
        (r"人工", 2.0),
        # "客服" alone is a request; "客服电话/邮箱/时间" asks for contact details (a policy question).
        (r"(?<!联系)(?<!联络)客服(?!电话|邮箱|热线|时间|工作时间|几点|在几点|联系方式)", 1.5),
    ),
    "order_status": (
        (r"\bwhere('?s| is)\b.{0,20}\b(order|package|parcel|shipment|delivery|stuff)\b", 3.0),
        (r"\b(track|tracking)\b", 2.0),
        (r"\bstatus\b.{0,20}\border\b|\border\b.{0,20}\bstatus\b", 2.0),
        (r"\border status\b|\bstatus of my order\b|\bmy order\b|\bmy package\b|\bmy parcel\b", 2.0),
        (r"\b(has|have)n'?t (arrived|shipped|come)\b|\bnot (arrived|received|delivered)\b", 2.0),
        (r"\bwhen (will|does|do) (it|my order|my package|they) (arrive|ship|come)\b", 2.0),
        (
            r"我的订单|订单状态|订单.{0,6}(到哪|在哪|怎么样|状态|发货)|查.{0,3}订单|物流|快递.{0,4}(到|在哪)|还没(到|收到|发货)|什么时候(到|发货)",
            3.0,
        ),
        (r"订单|包裹|快递", 1.0),
        (r"\border\b", 0.5),
    ),
    "policy_question": (
        (r"\b(return|returns|refund|refunds|exchange|exchanges|warranty|guarantee)\b", 2.0),
        (
            r"\b(shipping|ship|delivery|deliver)\b.{0,30}\b(cost|fee|free|long|time|take|days|international|countries|abroad)\b",
            2.5,
        ),
        (r"\b(shipping|delivery) (policy|options|times?|costs?|fees?)\b|\bfree shipping\b", 2.5),
        (r"\b(payment|pay|paypal|credit card|gift card|installments?)\b", 1.5),
        (r"\b(privacy|personal data|gdpr|data protection|cookies?)\b", 2.0),
        (r"\b(contact|phone number|email address|opening hours|business hours|customer service hours)\b", 1.5),
        (r"\bpolicy\b|\bhow (long|much|do i|can i)\b|\bcan i\b|\bdo you (accept|offer|ship)\b", 1.0),
        (
            r"退货|退款|换货|退换|保修|质保|售后|运费|包邮|配送|发货时间|多久(能)?到|几天(能)?到|付款|支付|支付宝|微信支付|信用卡|发票|隐私|个人信息|联系方式|怎么联系|如何联系|联系.{0,2}客服|客服电话|客服邮箱|营业时间|工作时间|政策",
            2.5,
        ),
        (r"可以.{0,8}吗|能不能|怎么", 0.5),
    ),
    "product_question": (
        (
            r"\b(in stock|available|availability|sold out|restock|size|sizes|colou?rs?"
            r"|material|dimensions?|specs?|compatible)\b",
            2.0,
        ),
        (r"\b(price|cost|how much is|do you (sell|have))\b", 1.5),
        (r"\b(product|item|model|variant)\b", 0.5),
        (r"有货|库存|缺货|尺码|尺寸|颜色|材质|规格|型号|多少钱|价格|有没有卖|兼容", 2.5),
        (r"产品|商品", 0.5),
    ),
    "complaint": (
        (r"\bnot (happy|satisfied|pleased)\b|\bunhappy\b|\bfed up\b", 2.0),
        (
            r"\b(complain|complaint|unacceptable|ridiculous|terrible|awful|worst|disappointed|angry|furious|scam|rip.?off)\b",
            2.0,
        ),
        (r"\b(broken|damaged|defective|wrong item|missing item|never arrived)\b", 1.5),
        (r"投诉|差评|太差|垃圾|骗子|坑人|气死|失望|不满意|愤怒|破损|坏了|发错", 2.0),
    ),
    "greeting": (
        (r"^\s*(hi|hello|hey|howdy|good (morning|afternoon|evening)|greetings)\b", 2.0),
        (r"^\s*(你好|您好|嗨|哈喽|早上好|下午好|晚上好|在吗)", 2.0),
    ),
    "thanks": (
        (r"\b(thanks|thank you|thx|ty|appreciate it|much appreciated)\b", 2.0),
        (r"谢谢|多谢|感谢|谢啦", 2.0),
    ),
    "goodbye": (
        (r"\b(bye|goodbye|see you|that'?s all|have a (nice|good) day)\b", 2.0),
        (r"再见|拜拜|没有了|没事了|就这样", 2.0),
    ),
}

#: Short words that carry a content-free message (a greeting with a question is the question).
_SMALL_TALK = ("greeting", "thanks", "goodbye")

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


@dataclass(frozen=True)
class Understander:
    """Language, slots, sentiment, and intent from the trained model blended with the keyword rules."""

    min_confidence: float = 0.35
    """Below this top probability of the model the intent is out_of_scope (or inform with slots)."""
    cache_dir: Path | None = None
    """Where the trained intent model is cached (the data dir's models/); None trains in memory."""
    use_model: bool = True
    """False: keyword rules only (no model to train or load)."""
    rule_weight: float = 0.3
    """How much the keyword rules' choice adds to the model's probability of that coarse label."""
    sentiment_models: bool = True
    """Blend VADER (en) and SnowNLP (zh) into the lexicon score (False: lexicon only)."""

    def understand(self, scrubbed_text: str, locale: Language | None = None) -> Understanding:
        slots = extract_slots(scrubbed_text)
        language = detect_language(scrubbed_text, locale)
        rules = classify_intent(scrubbed_text, slots)
        intent = rules
        if self.use_model and rules.label != "inform":
            intent = blend(active_model(self.cache_dir).predict(scrubbed_text), rules, slots, self)
        return Understanding(
            language=language,
            intent=intent,
            sentiment=self._sentiment(scrubbed_text),
            slots=slots,
        )

    def _sentiment(self, text: str) -> Sentiment:
        lexicon = score_sentiment(text)
        if self.sentiment_models:
            from bot.sentiment import score_sentiment as blended

            lexicon = blended(text, lexicon.score)
        return replace(lexicon, frustration=frustration(text, lexicon.score))

    def warm_up(self) -> None:
        """Trains or loads the intent model now instead of on the first message."""
        if self.use_model:
            active_model(self.cache_dir).predict("hello")


def blend(pred: Prediction, rules: Intent, slots: Mapping[str, str], u: Understander) -> Intent:
    """The model's distribution summed per coarse label, nudged towards the keyword rules' label.

    An explicit request for a human is the shopper's choice, so a confident rule match wins outright.
    """
    if rules.label == "human_agent" and rules.confidence >= 0.6:
        return Intent("human_agent", rules.confidence, fine=pred.label if pred.label == "human_agent" else "")
    scores: dict[str, float] = {}
    for label, p in pred.ranked:
        scores[coarse_intent(label)] = scores.get(coarse_intent(label), 0.0) + p
    if rules.label in scores and rules.label != "out_of_scope":
        scores[rules.label] += u.rule_weight
    best = max(scores, key=lambda k: scores[k])
    confidence = min(1.0, scores[best])
    fine = next((label for label, _ in pred.ranked if coarse_intent(label) == best), best)
    if pred.confidence < u.min_confidence and rules.label == "out_of_scope":
        best, fine = ("inform", "inform") if slots else ("out_of_scope", "out_of_scope")
    return Intent(best, round(confidence, 4), fine=fine)


def detect_language(text: str, locale: Language | None = None) -> Language:
    """zh when CJK characters dominate the letters; the locale decides near-ties and empties."""
    bare = _ORDER_ID.sub(" ", _ANY_PLACEHOLDER.sub(" ", text))
    cjk = len(_CJK.findall(bare))
    # A Chinese character carries roughly a word; an English word averages ~4.5 letters.
    latin_words = len(_LATIN.findall(bare)) / 4.5
    if cjk + latin_words == 0:
        return locale or "en"
    share = cjk / (cjk + latin_words)
    if 0.4 <= share <= 0.6 and locale:
        return locale
    return "zh" if share > 0.5 else "en"


def extract_slots(text: str) -> dict[str, str]:
    """order_id ("#W1234567"), email (a placeholder such as "<EMAIL_1>"), zip."""
    slots: dict[str, str] = {}
    if m := _ORDER_ID.search(text):
        slots["order_id"] = f"#W{m.group(2)}"
    if m := _EMAIL_PLACEHOLDER.search(text):
        slots["email"] = m.group(0)
    without_ids = _ORDER_ID.sub(" ", _ANY_PLACEHOLDER.sub(" ", text))
    if m := _ZIP.search(without_ids):
        slots["zip"] = m.group(1) or m.group(2)
    return slots


def classify_intent(text: str, slots: Mapping[str, str] | None = None) -> Intent:
    """The best-scoring label and a confidence in [0, 1] from the margin over the runner-up."""
    lowered = _ANY_PLACEHOLDER.sub(" ", text.lower())
    slots = slots if slots is not None else extract_slots(text)
    scores = {label: sum(w for p, w in pats if re.search(p, lowered)) for label, pats in INTENT_PATTERNS.items()}
    if slots.get("order_id") and scores.get("order_status", 0) > 0:
        # An order number next to an order word is about that order, whatever else the message says.
        scores["order_status"] += 1.0
    content = {k: v for k, v in scores.items() if k not in _SMALL_TALK and v > 0}
    if content:
        # "Hi, where is my order?" is an order question: small talk only wins on its own.
        scores = {k: (v if k not in _SMALL_TALK else v * 0.3) for k, v in scores.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0:
        if slots.get("order_id") or slots.get("email") or slots.get("zip"):
            # A bare order number or email answers the bot's own question in an order flow.
            return Intent("inform", 0.7)
        return Intent("out_of_scope", 0.5)
    confidence = min(1.0, 0.45 + 0.15 * top) * (0.6 + 0.4 * (top - second) / top)
    return Intent(best, round(confidence, 4))


def score_sentiment(text: str) -> Sentiment:
    """Signed lexicon score with negation and intensifiers, clipped to [-1, 1]."""
    total = _score_en(text.lower()) + _score_zh(text)
    bangs = text.count("!") + text.count("！")
    if total < 0 and bangs:
        total *= 1.0 + min(bangs, 3) * 0.1
    score = max(-1.0, min(1.0, total))
    label: SentimentLabel = "negative" if score <= -0.25 else "positive" if score >= 0.25 else "neutral"
    return Sentiment(label, round(score, 4))


def _score_en(lowered: str) -> float:
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


def _score_zh(text: str) -> float:
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
