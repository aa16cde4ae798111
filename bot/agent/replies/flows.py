"""How the write flows are named, and what they ask and explain before a write, en + zh."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.types import Language


@dataclass(frozen=True)
class FlowWords:
    """How one write flow is named in one language."""

    action: str
    """What the flow does, inside a sentence: "I can {action} for you"."""
    short: str
    """The verb alone: "Which order would you like to {short}?"."""
    topic: str
    """The word the shop's policies use for it, added to a search about it."""


#: The words of each write flow, en + zh.
FLOW_WORDS: Mapping[str, Mapping[Language, FlowWords]] = {
    "cancel": {
        "en": FlowWords("cancel an order", "cancel", "cancel"),
        "zh": FlowWords("取消订单", "取消", "取消订单"),
    },
    "modify": {
        "en": FlowWords("change the items of an order", "change", "change order"),
        "zh": FlowWords("修改订单商品", "修改", "修改订单"),
    },
    "address": {
        "en": FlowWords("change the shipping address of an order", "send to a new address", "shipping address"),
        "zh": FlowWords("修改订单的收货地址", "修改地址", "收货地址"),
    },
    "user_address": {
        "en": FlowWords("change your default address", "change", "account address"),
        "zh": FlowWords("修改您账户的默认地址", "修改", "账户地址"),
    },
    "payment": {
        "en": FlowWords("change how an order is paid", "pay differently", "payment method"),
        "zh": FlowWords("更换订单的支付方式", "更换支付方式", "支付方式"),
    },
    "return": {
        "en": FlowWords("return items", "return", "return"),
        "zh": FlowWords("办理退货", "退货", "退货"),
    },
    "exchange": {
        "en": FlowWords("exchange items", "exchange", "exchange"),
        "zh": FlowWords("办理换货", "换货", "换货"),
    },
}

FLOWS: Mapping[str, Mapping[Language, str]] = {
    "flow_verify": {
        "en": "I can {what} for you. First, what is the order number (it looks like #W1234567), "
        "and the email address or zip code on that order?",
        "zh": "我可以帮您{what}。请先提供订单号（格式如 #W1234567），以及该订单使用的邮箱或收货邮编。",
    },
    "flow_verify_proof": {
        "en": "Thanks. To confirm it's your order, what is the email address or zip code on order {order_id}?",
        "zh": "好的。为确认是您本人的订单，请提供订单 {order_id} 使用的邮箱或收货邮编。",
    },
    "flow_which_order": {
        "en": "Which order would you like to {what_short}? These can be:\n{orders}",
        "zh": "请问要{what_short}哪一个订单？可以办理的订单有：\n{orders}",
    },
    "flow_no_orders": {
        "en": "None of your orders can be handled that way right now: only {statuses} orders can. Your orders:\n"
        "{orders}",
        "zh": "您目前没有可以这样办理的订单（只有{statuses}的订单可以）。您的订单：\n{orders}",
    },
    "flow_order_line": {"en": "{n}. {order_id}: {status} ({items})", "zh": "{n}. {order_id}：{status}（{items}）"},
    "flow_wrong_status_cancel": {
        "en": "Order {order_id} is {status}, so it can no longer be cancelled: only orders that have not "
        "shipped yet can be. Once it is delivered I can help you return it instead.",
        "zh": "订单 {order_id} 当前状态为{status}，已无法取消（只有尚未发货的订单可以取消）。"
        "送达后我可以帮您办理退货。",
    },
    "flow_wrong_status_cancel_delivered": {
        "en": "Order {order_id} is {status}, so it can no longer be cancelled. I can help you return the items "
        "instead: just say you'd like to return them.",
        "zh": "订单 {order_id} 当前状态为{status}，已无法取消。我可以帮您办理退货，如需要请告诉我“我要退货”。",
    },
    "flow_wrong_status_pending_only": {
        "en": "Order {order_id} is {status}: only orders that have not shipped yet can be changed.",
        "zh": "订单 {order_id} 当前状态为{status}：只有尚未发货的订单可以修改。",
    },
    "flow_modified_once": {
        "en": "The items of order {order_id} have already been changed once, and that can only be done once. "
        "I can still change its shipping address or payment method.",
        "zh": "订单 {order_id} 的商品已经修改过一次，每个订单只能修改一次商品。收货地址和支付方式仍可以修改。",
    },
    "flow_variant_unavailable": {
        "en": "Sorry, the {name} ({wanted}) is out of stock right now.",
        "zh": "抱歉，{name}（{wanted}）目前缺货。",
    },
    "flow_wrong_status_return_pending": {
        "en": "Order {order_id} is {status}, so it can't be returned yet. Since it hasn't shipped, I can cancel it "
        "for you instead: just say you'd like to cancel it.",
        "zh": "订单 {order_id} 当前状态为{status}，还不能退货。由于尚未发货，我可以帮您取消订单，"
        "如需要请告诉我“取消订单”。",
    },
    "flow_wrong_status_return_processed": {
        "en": "Order {order_id} is {status}, so it can't be returned yet: once it is delivered, I can help you "
        "return it.",
        "zh": "订单 {order_id} 当前状态为{status}，暂时还不能退货：送达后我可以帮您办理退货。",
    },
    "flow_wrong_status_delivered_only": {
        "en": "Order {order_id} is {status}: only delivered orders can be returned or exchanged.",
        "zh": "订单 {order_id} 当前状态为{status}：只有已送达的订单可以退货或换货。",
    },
    "flow_ask_reason": {
        "en": "Why would you like to cancel order {order_id}: is it no longer needed, or was it ordered by mistake?",
        "zh": "请问取消订单 {order_id} 的原因是：不再需要，还是误下单？",
    },
    "flow_ask_items": {
        "en": "Which items of order {order_id} would you like to {what_short}? It has:\n{items}",
        "zh": "请问要{what_short}订单 {order_id} 中的哪些商品？订单包含：\n{items}",
    },
    "flow_item_line": {"en": "{n}. {name} ({options}), ${price}", "zh": "{n}. {name}（{options}），${price}"},
    "flow_ask_variant": {
        "en": "What would you like instead of the {name} ({options})? Available options:\n{variants}",
        "zh": "{name}（{options}）想换成哪一款？可选的有：\n{variants}",
    },
    "flow_variant_line": {"en": "- {options}: ${price}", "zh": "- {options}：${price}"},
    "flow_no_variant": {
        "en": "Sorry, the {name} has no other option in stock right now.",
        "zh": "抱歉，{name} 目前没有其他有货的款式。",
    },
    "flow_ask_address": {
        "en": "What is the new address? Please write it as: street, (apartment,) city, state zip, e.g. "
        '"12 Ocean Ave, Apt 3, Portland, OR 97201".',
        "zh": "请提供新地址，格式如：“上海市浦东新区世纪大道100号，邮编200120”，或英文格式 "
        "“12 Ocean Ave, Portland, OR 97201”。",
    },
    "flow_ask_payment": {
        "en": "Which payment method would you like to use instead? You have:\n{methods}",
        "zh": "请问要改用哪种支付方式？您账户中有：\n{methods}",
    },
    "flow_method_line": {"en": "{n}. {method}", "zh": "{n}. {method}"},
    "flow_payment_split_no": {"en": "No.", "zh": "不可以。"},
    "flow_payment_split": {
        "en": "No: an order is paid with one payment method only, so it can't be split between two.",
        "zh": "不可以：每个订单只能使用一种支付方式，无法拆分成两种方式支付。",
    },
    "flow_payment_split_offer": {
        "en": "While an order is pending, I can switch the whole order to another of your payment methods: "
        "just tell me the order number.",
        "zh": "订单尚未发货时，我可以帮您把整笔订单改用您的另一种支付方式，请告诉我订单号。",
    },
    "flow_ask_refund": {
        "en": "Where would you like the refund for order {order_id} to go? It can go back to the original "
        "payment method or to a gift card of yours:\n{methods}",
        "zh": "请问订单 {order_id} 的退款退到哪里？可以原路退回原支付方式，或退到您的礼品卡：\n{methods}",
    },
    "flow_refund_not_there": {
        "en": "A refund can't go to {method}: only to the original payment method or to a gift card.",
        "zh": "退款无法退到{method}：只能原路退回原支付方式，或退到礼品卡。",
    },
    "flow_refund_line": {"en": "{n}. {method}", "zh": "{n}. {method}"},
    "flow_refund_line_original": {
        "en": "{n}. {method}: the original payment method",
        "zh": "{n}. {method}：原支付方式",
    },
    "flow_refused": {
        "en": "The shop can't do that: {detail}.",
        "zh": "商店无法办理该操作：{detail}。",
    },
    "flow_backend_down": {
        "en": "The shop isn't reachable right now, so I couldn't do that. Please try again in a moment, "
        "or ask for a human colleague.",
        "zh": "暂时无法连接商店系统，操作未能完成。请稍后再试，或要求转接人工客服。",
    },
    "flow_not_done": {
        "en": "OK, I haven't changed anything.",
        "zh": "好的，我没有做任何更改。",
    },
    "flow_not_done_expired": {
        "en": "That confirmation came too late, so I haven't changed anything.",
        "zh": "确认已超时，我没有做任何更改。",
    },
    "flow_back_to": {"en": "Back to your request:", "zh": "回到您刚才的请求："},
    "flow_didnt_get": {
        "en": "Sorry, I didn't catch that.",
        "zh": "抱歉，我没有理解。",
    },
    "flow_offer": {
        "en": "If you'd like me to {what} for you, just tell me the order number.",
        "zh": "如需我帮您{what}，请告诉我订单号。",
    },
    "no_other_payment_method": {
        "en": "there is no other payment method on your account",
        "zh": "您的账户中没有其他支付方式",
    },
}
