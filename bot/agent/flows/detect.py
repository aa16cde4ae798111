"""What a shopper message asks the write flows for: which action, a request or only a question, yes/no,
a cancel reason, a choice among listed things (en + zh keyword rules; the intent model's fine label helps)."""

from __future__ import annotations

import re
from typing import Literal, Sequence

from bot.agent.flows.payment_words import is_about_payment
from bot.text import CJK
from bot.types import Understanding

#: Flow names, in the order they are tried (account address before order address, exchange before return).
ACTIONS = ("user_address", "address", "payment", "exchange", "return", "cancel", "modify")
#: Money going back is a return or a cancellation, even when "the original payment method" is named.
_REFUND = re.compile(r"\b(refund|return|cancel)|退款|退货|退回|退掉|取消", re.IGNORECASE)

_I = re.IGNORECASE
_ACTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "user_address": re.compile(
        r"\b(account|default|profile|billing|home)\b.{0,20}\baddress\b"
        r"|\baddress\b.{0,20}\b(on|of|in) my (account|profile)\b"
        r"|(账户|帐户|账号|默认|个人)(的)?(收货)?地址",
        _I,
    ),
    "address": re.compile(
        r"\b(shipping|delivery|mailing)? ?address\b|\b(ship|send|deliver|redirect)\b.{0,30}\bto\s+(\d|<LOCATION_)"
        r"|地址|改寄|(改|换)(寄|送|发)到",
        _I,
    ),
    "exchange": re.compile(r"\bexchange|\bswap\b|换货|换成|换一个|换个|调换|更换", _I),
    "return": re.compile(r"\breturn|\brefund|\bsend (it|them|this) back\b|退货|退款|退回|退掉|退了", _I),
    "cancel": re.compile(r"\bcancel|取消|不要了.{0,4}订单|撤销", _I),
    "modify": re.compile(
        r"\b(change|modify|switch|update|edit)\b.{0,40}\b(order|item|items|size|colou?r|variant|option)\b"
        r"|\b(different|another) (size|colou?r|variant)\b"
        r"|修改订单|改订单|改.{0,6}(颜色|尺寸|尺码|规格|款式|材质|容量|香味|件数|层数|长度)|修改.{0,6}商品"
        r"|把.{0,40}改成|改成.{0,12}的",
        _I,
    ),
}
_FINE = {
    "cancel_order": "cancel",
    "modify_order": "modify",
    "return_refund": "return",
    "exchange": "exchange",
}
#: A wish or an instruction: "I want to", "please", "can you", 我要, 帮我 ...
_REQUEST = re.compile(
    r"\b(i want|i wanna|i'd like|i would like|i need|i wish|please|pls|can you|could you|would you|will you"
    r"|help me|let me|i'll|go ahead|i'm going to|want to|need to|like to)\b"
    r"|^\s*(cancel|return|exchange|change|modify|swap|ship|send|switch|update|refund)\b"
    r"|我要|我想|我需要|帮我|请|麻烦|给我|申请|想要|能帮|可以帮|帮忙|要求",
    _I,
)
#: A question about the rules rather than a request to act.
_POLICY = re.compile(
    r"\bpolic(y|ies)\b|\bhow (long|many days|much|does|do you)\b|\bwhat (is|are|'s) (the|your)\b"
    r"|\bdo (?:you|u) (offer|accept|allow|ship|deliver|send)\b|寄到|能寄|可以寄|送到.{0,6}吗|配送到"
    r"|\bis it possible\b|\bwindow\b|\bfees?\b|\bcost\b|\bfree\b|政策|规定|多久|几天|多少天|运费|费用|手续费|规则|流程",
    _I,
)
#: A yes/no question about what the rules allow in a case, not about the shopper's own order: "can I cancel my
#: order while it's still pending?", 已经发货的订单还能取消吗, 待处理的订单可以取消吗.
_RULE_CASE = re.compile(
    r"\b(?:can|could|may) (?:i|we)\b.{0,40}\b(?:while|once|after|before|if|when|even if)\b"
    r"|(?<![我这那])的订单(?:还|也)?(?:能|可以|能不能|可不可以|是否)"
    # A case the shopper imagines, or when the rules say to get in touch: "if I order at noon today, ...",
    # "when should I contact you?"
    r"|^\s*if i (?:order|buy|place an order)\b|\bshould i (?:contact|call|email|e-mail|reach out|get in touch)\b"
    r"|\bhow (?:fast|soon|quickly)\b|\bwhat (?:if|happens (?:if|when|now))\b|\bafter i (?:place|order|buy|pay)\b",
    _I,
)
_MINE = re.compile(
    r"\bmy (order|items?|package|purchase)\b|\bthe order\b|\bthis order\b|我的订单|这个订单|这单|订单", _I
)

#: A short refusal: "no", "nope, thanks", "不用了".
_NO = re.compile(
    r"^\s*(?:actually|oh|um+|well|sorry|hmm+)?[\s,.!]*(?:no|nope|nah|not really|stop|wait|hold on|hmm+"
    r"|不|不要|不用|不是|别|算了|先不|暂时不|等一下|等等)(?!\s*longer)\b",
    _I,
)
#: Keeping things as they are, in so many words.
_KEEP = re.compile(
    r"\b(don'?t|do not|no need to|please don'?t) (cancel|change|return|exchange|do (it|that)|go ahead)\b|\bi'?ll keep\b"
    r"|\bkeep it\b|\bnot now\b|\blet me think\b|\bthink about it\b|\bmaybe later\b|\bnever ?mind\b|\bforget (it|that)\b"
    r"|\bcancel that\b|不要取消|别取消|不取消|先不|算了|不用了|再想想|考虑一下|暂时不|先别|不办了|不换了|不退了",
    _I,
)

_REASON_MISTAKE = re.compile(
    r"\bmistake|\bby accident\b|\baccidental|\bwrong (item|order|size|colou?r)?\b|\bdidn'?t mean\b"
    r"|\bordered twice\b|\bduplicate\b"
    r"|误下|下错|买错|拍错|点错|错了|不小心|重复下单|误操作",
    _I,
)
_REASON_NOT_NEEDED = re.compile(
    r"\bno longer need|\bdon'?t need|\bdo not need|\bnot need|\bchanged my mind\b|\bdon'?t want|\bdo not want"
    r"|\bfound (it )?(cheaper|elsewhere)\b|\bnot needed\b|\btoo (late|long)\b"
    r"|不需要|不要了|不想要|用不上|不用了|不需要了|不想买|改主意|不买了",
    _I,
)

_ORDINALS: Sequence[tuple[re.Pattern[str], int]] = (
    (re.compile(r"\b(first|1st|number one|#1)\b|第一|头一个|^\s*1\s*$", _I), 0),
    (re.compile(r"\b(second|2nd|number two|#2)\b|第二|^\s*2\s*$", _I), 1),
    (re.compile(r"\b(third|3rd|number three|#3)\b|第三|^\s*3\s*$", _I), 2),
    (re.compile(r"\b(fourth|4th)\b|第四|^\s*4\s*$", _I), 3),
    (re.compile(r"\b(fifth|5th)\b|第五|^\s*5\s*$", _I), 4),
    (re.compile(r"\b(last|latest|most recent|newest)\b|最后一|最近的|最新的", _I), -1),
)
_OTHER = re.compile(r"\b(the )?other (one|order)\b|\bthe other\b|另一个|另外一个|另一单|另外那个", _I)
_ALL = re.compile(r"\b(all|everything|every item|whole order|entire order|both)\b|全部|所有|都退|整单|两个都|都要", _I)


def action_of(text: str, u: Understanding | None = None) -> str | None:
    """The write flow the message is about (by its words first, then the intent model's fine label), or None."""
    for name in ACTIONS:
        if name == "payment":
            # Its own parser: "change how order X is paid" is no item change, a split is a payment question.
            if not _REFUND.search(text) and is_about_payment(text):
                return name
            continue
        if _ACTION_PATTERNS[name].search(text):
            if (
                name == "address"
                and re.search(r"\bemail address\b|邮箱地址", text, _I)
                and not re.search(r"shipping|delivery|收货|寄到|送到", text, _I)
            ):
                continue
            return name
    if u is not None:
        return _FINE.get(u.intent.fine)
    return None


def is_request(text: str, has_order_id: bool) -> bool:
    """An instruction to act ("please cancel my order", "我要退货") rather than a rules question
    ("can I return something I don't like?", "退货政策是什么")."""
    if is_policy_question(text) and not has_order_id:
        return False
    return bool(_REQUEST.search(text) or has_order_id or _MINE.search(text))


def is_policy_question(text: str) -> bool:
    """Asks about the shop's rules ("what's your return policy?", "can I cancel while it's pending?")."""
    return bool(_POLICY.search(text) or _RULE_CASE.search(text))


def is_no(text: str) -> bool:
    """A refusal or "never mind" (en/zh): a short "no", or keeping things as they are in words.
    "No, the blue one" is a correction, not a refusal."""
    if "?" in text or "？" in text:
        return False  # "if I don't cancel, how long ...?" asks; it does not refuse
    if _KEEP.search(text):
        return True
    short = len(re.findall(r"[A-Za-z']+", text)) <= 3 and len(CJK.findall(text)) <= 4
    return bool(_NO.search(text)) and short


def cancel_reason(text: str) -> str | None:
    """tau2's two cancellation reasons, from the shopper's words."""
    if _REASON_MISTAKE.search(text):
        return "ordered by mistake"
    if _REASON_NOT_NEEDED.search(text):
        return "no longer needed"
    return None


def choice(text: str, count: int) -> int | None:
    """The index the shopper picked from a list of `count` ("the second one", "第一个", "2")."""
    for pattern, index in _ORDINALS:
        if pattern.search(text):
            index = index if index >= 0 else count - 1
            return index if 0 <= index < count else None
    return None


def wants_other(text: str) -> bool:
    """ "the other one", 另一个."""
    return bool(_OTHER.search(text))


def wants_all(text: str) -> bool:
    """ "all of them", "everything", 全部."""
    return bool(_ALL.search(text))


#: What a follow-up about the order in focus asks for.
OrderAspect = Literal["tracking", "arrival", "items", "status"]

#: Words that point back at an order already discussed: "it", "that order", 那个订单, 它.
_REFERS = re.compile(
    r"\b(it|that order|this order|the order|that one|this one|that package|the package|the parcel)\b"
    r"|那个订单|这个订单|那笔订单|这笔订单|那单|这单|那个包裹|它",
    _I,
)
#: The aspects of an order a follow-up asks about, tried in this order (a tracking question may say "arrive").
_ASPECTS: Sequence[tuple[OrderAspect, re.Pattern[str]]] = (
    (
        "tracking",
        re.compile(r"\btrack(ing)?\b|单号|物流信息|快递信息|物流状态|查物流|查快递|物流呢|快递呢|物流到", _I),
    ),
    (
        "items",
        re.compile(
            r"\bwhat (was|were|did i (order|buy|get))\b.{0,10}\bin\b|\bwhat did i (order|buy|get)\b"
            r"|\bwhat('s| is| are) in (that|this|the|my) (order|package|parcel)\b"
            r"|\b(items|products|things) (in|on|of) (it|that|this|the|my)\b"
            r"|里面有什么|里有什么|有什么东西|买了什么|包含什么|都有什么|有哪些(商品|东西)|什么商品"
            r"|里面(是|有)(什么|啥|哪些)|买的(是)?(什么|啥)|买了(啥|哪些)|有啥东西",
            _I,
        ),
    ),
    (
        "arrival",
        re.compile(
            r"\b(arrive|arrives|arriving|arrival|gets? here|be here|reach(es)? (me|us)|delivery date|eta)\b"
            r"|\bwhen\b.{0,40}\b(deliver(ed)?|come|ship(ped)?|get it|receive)\b"
            r"|\bhow long\b.{0,12}\b(until|till|before)\b.{0,20}\b(it|they|my order|the order|the package)\b"
            r"|(什么|啥)时候(到|能到|送到|送达|发货|寄到|能收到|收到)|多久(到|能到|送到|能收到|收到)|几天(到|能到|能收到)"
            r"|何时(到|送达)",
            _I,
        ),
    ),
    (
        "status",
        re.compile(
            r"\bwhere('s| is| are)\b|\b(has|have|did|is|was)\b.{0,20}\b(ship(ped)?|sent|deliver(ed)?|arrived"
            r"|on (its|the) way|dispatched)\b|\bstatus\b"
            r"|到哪|在哪|发货了|发了吗|送到了|到了吗|状态|怎么样了",
            _I,
        ),
    ),
)
#: Chinese drops the "it": these ask about an order on their own (发货了吗, 到哪了).
_ZH_STATUS = re.compile(r"发货了|发了吗|送到了|到了吗|到哪了|到哪里了|寄出了")
#: Money, not the parcel: "when will my refund arrive?" is the return policy's question.
_MONEY = re.compile(r"\brefund|\bmoney\b|退款|退钱", _I)
#: Asks for the list of orders, not about one: "my other orders", 所有订单.
_LIST = re.compile(
    r"\b(other|all|my|recent|previous|past) orders\b|\b(list|show)\b.{0,20}\borders\b|\bmy other order\b"
    r"|\banother order\b|\ba different order\b|所有订单|全部订单|其他订单|其它订单|另一个订单|别的订单|哪些订单",
    _I,
)


def refers_to_order(text: str) -> bool:
    """Points back at something already discussed: "cancel it", "what was in that order?", 那个订单."""
    return bool(_REFERS.search(text))


def order_aspect(text: str) -> OrderAspect:
    """What a question about one order asks for: the tracking number, when it arrives, what was in it,
    or (by default) where it stands."""
    for aspect, pattern in _ASPECTS:
        if pattern.search(text):
            return aspect
    return "status"


def is_order_followup(text: str) -> bool:
    """A question about an order already discussed, in words no intent label is needed for:
    "has it shipped?", "what's the tracking number?", 发货了吗, 快递单号是多少."""
    if wants_order_list(text) or _MONEY.search(text):
        return False
    refers = bool(_REFERS.search(text))
    if _POLICY.search(text) and not refers:
        return False  # "how long does delivery take?" asks about the rules
    if _ZH_STATUS.search(text):
        return True
    asks_aspect = any(pattern.search(text) for aspect, pattern in _ASPECTS if aspect != "status")
    return asks_aspect or bool(_ASPECTS[-1][1].search(text) and refers)


def wants_order_list(text: str) -> bool:
    """ "show me my other orders", 所有订单: a list, not the order in focus."""
    return bool(_LIST.search(text))
