"""What a shopper's message asks of the catalogue: the cues (price, stock, options, cheapest, a budget,
a recommendation, "do you sell"), read from the words alone, in English and Chinese.

The intent model's label is not used here: "recommend me a gift under $30" is often labelled a policy or
refund question, and a product question must not depend on that guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PRICE = re.compile(
    r"how much|price|cost|\$|dollar|usd|expensive|pricey|cheap|多少钱|价格|价钱|卖多少|什么价|几块|多少美元|贵|便宜"
)
_STOCK = re.compile(
    r"in stock|stock|available|availability|sold out|out of stock|can i (?:buy|get|order)|do (?:you|u) (?:have|got)|"
    r"有货|没货|库存|现货|能买到|还有吗|有没有货|缺货|售罄"
)
_OPTIONS = re.compile(
    r"\boptions?\b|\bcolou?rs?\b|\bsizes?\b|\bvariants?\b|come[s]? in|available in|\bwhich [a-z]{3,}s\b|"
    r"规格|颜色|尺寸|尺码|款式|有哪些|哪几种|几种"
)
_CHEAPEST = re.compile(r"cheapest|least expensive|lowest price|most affordable|最便宜|最实惠|最低价")
_DEAREST = re.compile(r"most expensive|dearest|priciest|highest price|最贵|最高价")
_CHEAPER = re.compile(r"cheaper|less expensive|lower price|costs? less|哪个便宜|哪个更便宜|更便宜|哪个贵|哪个更实惠")
_RECOMMEND = re.compile(
    r"recommend|suggest|gift(?! ?(?:cards?|wrap\w*|receipts?|messages?|notes?|box(?:es)?|certificates?|vouchers?))|"
    r"present for|\bideas?\b|looking for|something (?:for|nice|good|under)|"
    r"anything (?:for|nice|good|under)|what should i (?:get|buy)|like this but|similar|"
    r"推荐|礼物|送什么|买什么好|好东西|有什么好|类似|差不多的"
)
_SELL = re.compile(
    r"do (?:you|u)(?: guys| all)? (?:sell|have|carry|stock|offer)|\b(?:you|u) (?:guys )?(?:sell|carry)|"
    r"is there (?:a|an|any)|are there any|can i (?:buy|get)|^(?:got )?any\b|"
    r"你们(?:有)?卖|有(?:没有)?卖|卖不卖|有没有|你们有|^(?:请问)?有[^？?，,。]{1,12}[吗么][？?]?$"
)
#: A need put in words ("something to keep my entryway tidy", "want some lights for my balcony"): a recommendation
#: when nothing else claims the message (weaker than `_RECOMMEND`: it never outweighs a question about the rules).
_NEED = re.compile(
    r"\b(?:something|anything) (?:to|that|which)\b|\b(?:want|need|looking for) (?:some|a|an|something)\b|"
    r"what (?:do|would) (?:you|u) (?:have|suggest) for|what (?:have|do) (?:you|u)(?: guys)? (?:got|have)|"
    r"would be (?:useful|handy|good)|想要个|想买个|需要个|有什么.{0,6}(?:东西|推荐)"
)
_ABOUT = re.compile(r"tell me (?:more )?about|what is the|what's the|describe|info on|details|介绍|详细|怎么样|是什么")
_BACK = re.compile(r"\b(?:it|that|this|that one|this one|them|those)\b|它|这款|那款|这个|那个|这件|那件")
#: A question about the shop's rules that names a product ("can I return the skillet?") belongs to the pages.
_POLICY = re.compile(
    r"return|refund|exchange|ship|deliver|warrant|guarantee|cancel|track|parcel|package|order\b|payment|pay with|"
    r"paypal|gift card|coupon|discount|promo|voucher|policy|express|overnight|p\.?\s?o\.? box|freight|customs|duty|"
    r"privacy|personal|\bdata\b|information|cookie|account|"
    r"password|\bphone\b|\bcontact\b|opening hours|business hours|newsletter|\bhuman|\bagent|\bperson|receipt|invoice|"
    r"退|换货|运费|邮费|配送|快递|发货|保修|取消|订单|支付|付款|优惠|隐私|个人信息|数据|电话|联系|账户|密码|人工|客服"
)
_BUDGET = (
    re.compile(
        r"(?:under|below|less than|cheaper than|max(?:imum)?|up to|within|no more than|<)\s*\$?\s*"
        r"(\d+(?:\.\d+)?)(?![\d.])"
        r"(?!\s*(?:days?|business|hours?|weeks?|months?|years?|%|cm|in\b|l\b|ml|oz|kg|g\b))"
    ),
    re.compile(r"\$\s*(\d+(?:\.\d+)?)\s*(?:or less|or under|max|and under|budget)"),
    re.compile(r"(\d+(?:\.\d+)?)\s*(?:美元|美金|块钱|块|元|刀)"),
    re.compile(r"(\d+(?:\.\d+)?)\s*(?:以内|以下)"),
    re.compile(r"(?:不超过|低于|少于|预算)\s*\$?\s*(\d+(?:\.\d+)?)"),
    re.compile(r"budget (?:is|of)\s*\$?\s*(\d+(?:\.\d+)?)"),
)


#: Words that carry no need or attribute: function words, shopping verbs, politeness (en), and what 吗 / 你们 /
#: 请问 questions wrap a Chinese need in (as the index's character pairs).
FILLER = frozenset(
    "a an the and or of for to in on at with is are was be do does did you u we i my me it its this that these "
    "those any some have has had can could would will shall should may might what which how much many sell "
    "sells selling buy get got want need looking look find carry stock offer guys all there here please pls hi "
    "hello hey thanks tell about more very really just also one ones something anything not no yes "
    "你们 们卖 卖吗 有卖 有没 没有 请问 吗？ 一下 什么 有吗".split()
)


@dataclass(frozen=True)
class Ask:
    """The catalogue cues of one message."""

    price: bool = False
    stock: bool = False
    options: bool = False
    cheapest: bool = False
    dearest: bool = False
    cheaper: bool = False
    recommend: bool = False
    need: bool = False
    sell: bool = False
    about: bool = False
    back: bool = False
    """Refers back ("it", "that one", 这款): the product in focus."""
    policy: bool = False
    budget: float | None = None

    @property
    def about_product(self) -> bool:
        """Asks something of a product (not of the shop's rules)."""
        return self.price or self.stock or self.options or self.cheapest or self.dearest or self.cheaper or self.about

    @property
    def browse(self) -> bool:
        """Asks something of the catalogue as a whole."""
        return self.recommend or self.need or self.sell or self.budget is not None or self.cheapest or self.dearest


#: The words of a bare product question ("price?", "in stock?", "colours?", 多少钱？): about the product in focus.
_CUE_WORDS = frozenset(
    "price prices cost costs much how stock available availability colour colours color colors size sizes option "
    "options variant variants left in the ok and so what's whats it's its".split()
)


def bare(text: str) -> bool:
    """Only cue words, no other content ("price?", "还有货吗"): a question about the product in focus."""
    latin = re.findall(r"[a-z']+", text.lower())
    cjk = re.sub(r"[^\u4e00-\u9fff]", "", text)
    rest = [w for w in latin if w not in _CUE_WORDS and w not in FILLER]
    cjk_rest = re.sub(r"多少钱|价格|价钱|有货|还有|库存|颜色|尺寸|规格|吗|呢|的|这个|那个|现在|请问|有没有", "", cjk)
    return not rest and not cjk_rest


def read(text: str) -> Ask:
    """The cues of a message (matched case-insensitively)."""
    t = " ".join(text.lower().split())
    return Ask(
        price=bool(_PRICE.search(t)),
        stock=bool(_STOCK.search(t)),
        options=bool(_OPTIONS.search(t)),
        cheapest=bool(_CHEAPEST.search(t)),
        dearest=bool(_DEAREST.search(t)),
        cheaper=bool(_CHEAPER.search(t)),
        recommend=bool(_RECOMMEND.search(t)),
        need=bool(_NEED.search(t)),
        sell=bool(_SELL.search(t)),
        about=bool(_ABOUT.search(t)),
        back=bool(_BACK.search(t)),
        policy=bool(_POLICY.search(t)),
        budget=budget(t),
    )


def budget(text: str) -> float | None:
    """The most the shopper wants to pay ("under $30", "30美元以内"), or None."""
    for pattern in _BUDGET:
        match = pattern.search(text.lower())
        if match:
            return float(match.group(1))
    return None
