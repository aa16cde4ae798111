"""Verifying the shopper and telling them about their orders, en + zh; order statuses as they read them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

ORDERS: Mapping[str, Mapping[Language, str]] = {
    "ask_order_and_email": {
        "en": "I can check that for you. What is your order number (it looks like #W1234567), "
        "and the email address on the order?",
        "zh": "我来帮您查询。请提供您的订单号（格式如 #W1234567）以及下单时使用的邮箱地址。",
    },
    "ask_email": {
        "en": "Thanks. To confirm it's your order, what is the email address on order {order_id}?",
        "zh": "好的。为确认是您本人的订单，请提供订单 {order_id} 所用的邮箱地址。",
    },
    "ask_order_id": {
        "en": "Thanks. What is the order number? It looks like #W1234567.",
        "zh": "好的，请提供订单号（格式如 #W1234567）。",
    },
    "verify_failed": {
        "en": "I couldn't find an order with that number and email address. Please check both and send them again.",
        "zh": "未找到与该订单号和邮箱匹配的订单。请核对后重新发送订单号和邮箱。",
    },
    "order_status": {
        "en": "Order {order_id} is {status}.",
        "zh": "订单 {order_id} 当前状态：{status}。",
    },
    "order_items": {"en": "Items: {items}.", "zh": "商品：{items}。"},
    "order_tracking": {"en": "Tracking number: {tracking}.", "zh": "物流单号：{tracking}。"},
    "order_no_tracking": {
        "en": "There is no tracking number yet; you'll get one when it ships.",
        "zh": "暂时还没有物流单号，发货后即可查询。",
    },
    "order_not_yours": {
        "en": "I couldn't find order {order_id} on your account.",
        "zh": "在您的账户中没有找到订单 {order_id}。",
    },
    "which_order": {
        "en": "Which order do you mean? Your recent orders are:\n{orders}",
        "zh": "请问是哪一个订单？您最近的订单有：\n{orders}",
    },
    "order_line": {"en": "- {order_id}: {status}", "zh": "- {order_id}：{status}"},
    "no_orders": {
        "en": "I don't see any orders on your account yet.",
        "zh": "您的账户中暂时没有订单。",
    },
    "list_sep": {"en": ", ", "zh": "、"},
}

#: Order statuses as the shopper should read them, by the shop's own name (others are shown as the shop spells them).
ORDER_STATUSES: Mapping[str, Mapping[Language, str]] = {
    "pending": {"en": "pending (not shipped yet)", "zh": "待处理（尚未发货）"},
    "pending (item modified)": {
        "en": "pending, with modified items (not shipped yet)",
        "zh": "待处理，商品已修改（尚未发货）",
    },
    "processed": {"en": "processed and on its way", "zh": "已处理，正在配送中"},
    "delivered": {"en": "delivered", "zh": "已送达"},
    "cancelled": {"en": "cancelled", "zh": "已取消"},
    "return requested": {"en": "awaiting your return (return requested)", "zh": "已申请退货"},
    "exchange requested": {"en": "awaiting your exchange (exchange requested)", "zh": "已申请换货"},
}
