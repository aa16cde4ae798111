"""The keyword rules for intents (en + zh): weighted patterns per coarse intent, scored on one scrubbed message."""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from bot.text import PLACEHOLDER
from bot.types import Intent
from bot.understanding.slots import extract_slots

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


def classify_intent(text: str, slots: Mapping[str, str] | None = None) -> Intent:
    """The best-scoring label and a confidence in [0, 1] from the margin over the runner-up."""
    lowered = PLACEHOLDER.sub(" ", text.lower())
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
