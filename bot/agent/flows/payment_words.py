"""What a shopper says about paying for an order, en + zh: a change of payment method ("pay order #W1 with my gift
card instead", "change how order #W1 is paid", 改用礼品卡支付) or a split between methods ("partly with a gift
card and partly with my card", 一部分用礼品卡、一部分用信用卡), which no order allows: it is paid with one method.

Its own parser because "change how order X is paid" reads like an item change to the general rules, and a
question about splitting is answered by the payment flow's rule, not by a search of every payment sentence."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.types import Language

_I = re.IGNORECASE
#: Asks to pay an order with another method.
_CHANGE = re.compile(
    r"\b(change|switch|update) (the |my )?(payment|card)"
    r"|\b(change|switch|update)\b.{0,12}\bhow\b.{0,30}\b(is|was|gets|get|are|were|be) (paid|charged)\b"
    r"|\b(change|switch|update)\b.{0,30}\b(payment method|way (i|we) pa(y|id))\b"
    r"|\bpay (with|by|using) .{0,30}\binstead\b"
    r"|\bpay(ing)? for (it|this|that|the order|my order|order \S+) (with|by|using) (my |a |the )?"
    r"(other|another|different|gift ?card|pay ?pal|credit card|debit card|card|visa|mastercard|amex)"
    r"|\b(use|try|with) (a different|another|my other|a new) (payment method|card)\b"
    r"|\b(use|try) (a different|another|my) (paypal|gift card|credit card) (for|on) (it|this|that|the|my|order)\b"
    r"|\bcharge (it|the order|order \S+|my order) to\b"
    r"|\bto be (paid|charged) (with|by|using|to|on)\b"
    r"|\b(switch|change|move)\b.{0,30}\bto (my |the |a )?(gift ?card|pay ?pal|credit card|debit card|visa|mastercard"
    r"|amex|american express|discover)\b"
    r"|(支付|付款)方式|改用.{0,8}(支付|付款|付)|换.{0,4}(支付|付款)|(换|改)成.{0,8}(支付|付款|付)"
    r"|改为.{0,8}(支付|付款)",
    _I,
)
#: Asks to pay one order with several methods.
_SPLIT = re.compile(
    r"\bsplit\b.{0,30}\b(payments?|pay|bill|cost|price|total|charge|order|between|across)\b"
    r"|\b(partly|partially|part of (it|the order|the cost))\b.{0,50}\b(partly|partially|the rest|remainder|rest of)\b"
    r"|\bhalf\b.{0,40}\b(half|the rest|remainder)\b"
    r"|\b(two|2|multiple|several|more than one|different) (payment methods|cards|methods|ways to pay)\b"
    r".{0,30}\b(for|on|in) (one|a single|the same|an|my|this|that|the) (order|purchase)\b"
    r"|\b(pay|paying) (for )?(one|an|a single|the same|my|this) order with (two|2|both|multiple|several)\b"
    r"|\bcombine\b.{0,40}\b(cards?|gift ?cards?|pay ?pal|payment methods?)\b"
    r"|\b(gift ?card|pay ?pal)\b.{0,20}\b(and|plus|with|\+)\b.{0,12}\b(credit|debit|card|pay ?pal|visa)\b"
    r".{0,40}\b(together|at once|same order|one order|for the rest|cover the rest)\b"
    r"|一部分.{0,16}(一部分|剩下|其余|剩余)|分开(支付|付款|付)|拆分(支付|付款)|分(两|几|多)(次|种方式)(支付|付款|付)"
    r"|(两|2|多|几)(种|张|个)(支付方式|付款方式|卡).{0,8}(一起|同时|合并|组合|支付|付款|付)"
    r"|组合支付|混合支付|合并支付|(礼品卡|PayPal).{0,6}(加|\+|再加|和|搭配).{0,6}(信用卡|银行卡|PayPal).{0,6}(一起|同时|共同)",
    _I,
)
#: The shop's rule in its own words, what the rule's search asks for in the shopper's language.
SPLIT_RULE_WORDS: Mapping[Language, str] = {
    "en": "each order is paid with one single payment method",
    "zh": "每个订单只能使用一种支付方式",
}


def asks_payment_change(text: str) -> bool:
    """Asks to pay an order with another method (a request or a question about one)."""
    return bool(_CHANGE.search(text))


def asks_split(text: str) -> bool:
    """Asks to pay one order with several methods: "partly with a gift card and partly with my card",
    "can I split the payment between two cards?", 一部分用礼品卡、一部分用信用卡."""
    return bool(_SPLIT.search(text))


def is_about_payment(text: str) -> bool:
    """About how an order is paid: a change of method, or a split."""
    return asks_split(text) or asks_payment_change(text)
