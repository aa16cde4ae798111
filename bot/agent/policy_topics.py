"""The shop-page topics a question is about, in both languages: a small en<->zh table of the words shoppers
use and the words the shop's pages use ("包邮" -> "免运费 free shipping", "Canada" -> "outside the United States").

The search matches words, and a question in one language about a page written only in the other shares
none; neither does "can I pay with bitcoin?" with "we do not accept cryptocurrency". The words added here
give both the search and the sentence choice something to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One row of the table: what triggers it, and the words added to the question."""

    key: str
    en: tuple[str, ...]
    """English trigger patterns (regular expressions, matched on word boundaries, case ignored)."""
    zh: tuple[str, ...]
    """Chinese trigger substrings."""
    words: str
    """Added to the question: the pages' own words for the topic, English and Chinese."""
    main: bool = True
    """A page topic that a follow-up question ("And how much does it cost?") stays on."""
    renames: bool = False
    """The pages name it in other words than the shopper's (an order that "has shipped" is "processed"): the
    sentence choice reads the pages' words instead of the shopper's, which match other sentences ("发货前")."""


TOPICS: tuple[Topic, ...] = (
    Topic(
        "abroad",
        (
            r"canada",
            r"uk",
            r"united kingdom",
            r"england",
            r"mexico",
            r"europe",
            r"australia",
            r"abroad",
            r"overseas",
            r"international(?:ly)?",
            r"other countr(?:y|ies)",
            r"outside the us",
            r"china",
            r"japan",
            r"germany",
            r"france",
        ),
        (
            "加拿大",
            "英国",
            "国外",
            "海外",
            "国际",
            "境外",
            "美国以外",
            "其他国家",
            "中国",
            "日本",
            "德国",
            "法国",
            "墨西哥",
            "澳大利亚",
            "欧洲",
        ),
        "ship outside the United States abroad 美国以外 国际配送 海外",
        main=False,
    ),
    Topic(
        "shipping",
        # "send the item back" is a return, not shipping.
        (r"(?:ship(?:s|ped|ping)?|send)(?! (?:\w+ ){0,3}back\b)", r"deliver(?:y|ies|ed)?", r"postage", r"arrive"),
        ("配送", "运费", "发货", "寄", "快递", "送达", "包邮", "邮费", "物流", "送货", "到货"),
        "shipping delivery 配送 运费",
    ),
    Topic(
        "free_shipping",
        (r"free shipping", r"minimum order", r"min order"),
        ("包邮", "免邮", "免运费"),
        "free shipping subtotal $50 免运费 满 50 美元",
        main=False,
    ),
    Topic(
        "dispatch",
        # When an order leaves: the pages say it is "handed to the carrier" and "leaves our warehouse".
        (
            r"dispatch(?:es|ed)?",
            r"ship (?:\w+ )?out",
            r"send (?:\w+ )?out",
            r"leaves? (?:the|your) warehouse",
            r"processing time",
            r"handling time",
        ),
        ("多久发货", "几天发货", "什么时候发货", "发货时间", "出库"),
        "handed to the carrier leave our warehouse 交给承运商 发货",
        main=False,
    ),
    Topic(
        "express",
        (r"express", r"expedited", r"overnight", r"faster shipping"),
        ("加急", "特快", "快速配送"),
        "express shipping 加急配送",
        main=False,
    ),
    Topic("po_box", (r"p\.?\s?o\.? box(?:es)?",), ("邮政信箱",), "P.O. boxes 邮政信箱", main=False),
    Topic(
        "places",
        (r"alaska", r"hawaii", r"puerto rico"),
        ("阿拉斯加", "夏威夷", "波多黎各"),
        "Alaska Hawaii Puerto Rico 阿拉斯加 夏威夷 波多黎各",
        main=False,
    ),
    Topic(
        "returns",
        (r"return(?:s|ed|ing)?", r"refund(?:s|ed)?", r"(?:send|ship|bring|mail) (?:\w+ ){0,3}back", r"money back"),
        ("退货", "退款", "退回", "退", "寄回"),
        "return refund 退货 退款",
    ),
    Topic(
        "exchanges",
        (r"exchange(?:s|d)?", r"swap", r"different size", r"different colou?r"),
        ("换货", "换成", "换个", "换一", "调换", "能换", "可以换"),
        "exchange 换货",
    ),
    Topic(
        "payment",
        (
            r"pay(?:ment|ing)?",
            r"paypal",
            r"visa",
            r"mastercard",
            r"amex",
            r"credit card",
            r"debit card",
            r"checkout",
        ),
        ("支付", "付款", "付钱", "信用卡", "银行卡", "借记卡"),
        "payment methods 支付方式",
    ),
    Topic(
        "cards",
        (
            r"amex",
            r"american express",
            r"visa",
            r"mastercard",
            r"master card",
            r"discover",
            r"credit cards?",
            r"debit cards?",
        ),
        ("信用卡", "借记卡", "银行卡", "运通", "万事达", "维萨"),
        "credit and debit cards Visa Mastercard American Express Discover 信用卡 借记卡",
        main=False,
    ),
    Topic(
        "currency",
        (r"currenc(?:y|ies)", r"usd", r"us dollars?", r"euros?", r"pounds?", r"yuan", r"rmb"),
        ("货币", "币种", "美元", "人民币", "欧元", "英镑"),
        "prices in US dollars 以美元计价",
        main=False,
    ),
    Topic(
        "crypto",
        (r"bitcoin", r"crypto(?:currency)?", r"ethereum"),
        ("比特币", "加密货币", "数字货币"),
        "cryptocurrency 加密货币",
        main=False,
    ),
    Topic(
        "cod",
        (r"cash on delivery", r"\bcod\b", r"pay (?:in )?cash"),
        ("货到付款", "现金"),
        "cash on delivery 货到付款",
        main=False,
    ),
    Topic("gift_cards", (r"gift ?cards?",), ("礼品卡", "礼卡", "购物卡"), "gift cards 礼品卡"),
    Topic(
        "discounts",
        (r"discount(?:s|ed)?", r"coupons?", r"promo(?:tion)?(?: codes?)?", r"vouchers?"),
        ("优惠码", "优惠券", "折扣码", "折扣", "优惠"),
        "discount code 优惠码 折扣",
        main=False,
    ),
    Topic(
        "warranty",
        (r"warrant(?:y|ies)", r"guarantee", r"broken", r"defect(?:ive)?", r"stopped working"),
        ("保修", "质保", "保固", "坏了", "质量问题"),
        "warranty 保修",
    ),
    Topic(
        "damaged",
        (r"damaged", r"broken", r"arrived broken"),
        ("损坏", "破损", "坏了", "摔坏"),
        "damaged 损坏",
        main=False,
    ),
    Topic(
        "orders",
        (r"cancel(?:l?ed|l?ing|lation)?", r"change my order", r"modify", r"pending", r"processed"),
        ("取消", "修改订单", "改订单", "待处理", "已处理", "改地址"),
        "order cancel 订单 取消",
    ),
    Topic(
        "shipped",
        # An order that has shipped is "processed" in the pages (the order statuses).
        (
            r"(?:already|been|has|have|was|is) (?:been )?(?:shipped|sent|dispatched)",
            r"on (?:its|the) way",
            r"in transit",
        ),
        ("已发货", "已经发货", "发货了", "已经寄出", "已寄出", "发出了", "在路上", "运输中"),
        "processed 已处理",
        main=False,
        renames=True,
    ),
    Topic(
        "privacy",
        (r"privacy", r"personal (?:data|information|info)", r"my data", r"cookies?", r"delete my"),
        ("隐私", "个人信息", "个人数据", "数据"),
        "privacy personal information 隐私 个人信息",
    ),
    Topic(
        "contact",
        (
            r"contact",
            r"phone",
            r"call you",
            r"e-?mail",
            r"support hours",
            r"opening hours",
            r"human",
            r"agent",
            r"talk to",
        ),
        ("联系", "电话", "邮箱", "客服", "人工"),
        "contact support 联系 客服",
    ),
    Topic(
        "contact_ways",
        # "How do I contact you?": the pages list the ways ("Email: ...", "Phone: ..."), and rarely say "contact".
        (r"contact (?:you|u|us)", r"reach (?:you|u|us)", r"get in touch", r"contact details", r"contact info"),
        ("联系你们", "联系方式", "怎么联系", "如何联系"),
        "email phone 电子邮件 电话",
        main=False,
    ),
    Topic(
        "location",
        # "Where are you based?": the pages say where the team and the warehouse are ("in Portland, Maine").
        (r"based", r"located", r"where (?:are|r) (?:you|u)(?: guys)?", r"your (?:location|warehouse|office|address)"),
        ("在哪里", "在哪儿", "你们在哪", "公司在哪", "地址在哪", "位于哪"),
        "Portland Maine team warehouse 波特兰 缅因州",
        main=False,
    ),
    Topic(
        "weekend",
        (r"weekends?", r"saturday", r"sunday"),
        ("周末", "星期六", "星期天", "周六", "周日"),
        "7 days a week 每周 7 天",
        main=False,
    ),
    Topic("expire", (r"expire[sd]?", r"expiry", r"expiration"), ("过期", "有效期", "失效"), "expire 有效", main=False),
)
_EN = {t.key: re.compile(r"\b(?:" + "|".join(t.en) + r")\b", re.IGNORECASE) for t in TOPICS}
_BY_KEY = {t.key: t for t in TOPICS}


def topics_of(question: str) -> list[str]:
    """The keys of the topics a question is about, in table order."""
    return [t.key for t in TOPICS if _EN[t.key].search(question) or any(w in question for w in t.zh)]


def main_topic(question: str) -> str:
    """The page topic of a question ("" when it names none): what a follow-up stays on."""
    return next((k for k in topics_of(question) if _BY_KEY[k].main), "")


def expand(question: str, keys: list[str] | None = None, *, script: str | None = None) -> str:
    """The question with the pages' own words for its topics added (both languages, or only those written in
    `script`, "en" or "zh": the sentence choice on a page in one language is not helped by the other's words,
    and is misled where a page quotes them, as "（return requested）" in a Chinese page)."""
    chosen = topics_of(question) if keys is None else keys
    zh = bool(re.search(r"[\u4e00-\u9fff]", question))
    named = set(topics_of(question))
    literal = script is not None  # the sentence choice: a topic named in the pages' own words adds no others
    # A page topic the question names itself gets only the other language's words (for a page written once):
    # its own language's words would pull in every sentence of the page ("退款" into "退货期是多久？"). So does a
    # topic the question names in the pages' own words ("Puerto Rico", "优惠码"): the table's other words for it
    # ("Alaska Hawaii", "折扣") would choose the sentences that name those; the search keeps them (a page written
    # only in the other language is found by them).
    extra = " ".join(
        _other_script(_BY_KEY[k].words, zh)
        if k in named and (_BY_KEY[k].main or (literal and _in_own_words(question, _BY_KEY[k])))
        else _BY_KEY[k].words
        for k in chosen
        if k in _BY_KEY
    )
    if script is not None:
        extra = " ".join(w for w in extra.split() if bool(re.search(r"[\u4e00-\u9fff]", w)) == (script == "zh"))
        for k in chosen:
            if k in _BY_KEY and _BY_KEY[k].renames:
                question = _without_triggers(question, _BY_KEY[k])
    return f"{question} {extra}".strip() if extra else question


def _without_triggers(question: str, topic: Topic) -> str:
    """The question without the words that named the topic."""
    question = _EN[topic.key].sub(" ", question)
    for w in sorted(topic.zh, key=len, reverse=True):
        question = question.replace(w, " ")
    return question


def naming_words(question: str) -> str:
    """The question's own words that name its page topics ("可以换" in "衣服尺码不合适可以换吗？")."""
    found: list[str] = []
    for t in TOPICS:
        if t.main:
            found += [m.group(0) for m in _EN[t.key].finditer(question)] + [w for w in t.zh if w in question]
    return " ".join(found)


def _in_own_words(question: str, topic: Topic) -> bool:
    """Whether every word the question names the topic with is one of the topic's own words."""
    words = topic.words.lower()
    found = [m.group(0).lower() for m in _EN[topic.key].finditer(question)] + [w for w in topic.zh if w in question]
    return bool(found) and all(w in words for w in found)


def topic_words(key: str) -> str:
    """The words that put a question on a topic (for a follow-up that names none)."""
    topic = _BY_KEY.get(key)
    return topic.words if topic else ""


def _other_script(words: str, zh: bool) -> str:
    """The words written in the other language than the question's."""
    return " ".join(w for w in words.split() if bool(re.search(r"[\u4e00-\u9fff]", w)) != zh)
