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
    "order_tracking_of": {
        "en": "The tracking number for order {order_id} ({status}) is {tracking}.",
        "zh": "订单 {order_id}（{status}）的物流单号是 {tracking}。",
    },
    "order_no_tracking_pending": {
        "en": "Order {order_id} hasn't shipped yet, so there is no tracking number yet; you'll get one when it ships.",
        "zh": "订单 {order_id} 尚未发货，所以暂时还没有物流单号，发货后即可查询。",
    },
    "order_no_tracking_cancelled": {
        "en": "Order {order_id} was cancelled, so it has no tracking number.",
        "zh": "订单 {order_id} 已取消，因此没有物流单号。",
    },
    "order_no_tracking_other": {
        "en": "The shop has no tracking number on order {order_id} ({status}).",
        "zh": "订单 {order_id}（{status}）暂时没有物流单号。",
    },
    "order_items_of": {
        "en": "Order {order_id} ({status}) contains: {items}.",
        "zh": "订单 {order_id}（{status}）包含：{items}。",
    },
    "order_arrival_delivered": {
        "en": "Order {order_id} has already been delivered.",
        "zh": "订单 {order_id} 已经送达。",
    },
    "order_arrival_shipped": {
        "en": "Order {order_id} has shipped and is on its way. The shop gives me no exact delivery date; "
        "tracking number {tracking} shows where it is now.",
        "zh": "订单 {order_id} 已发货，正在配送中。系统里没有确切的送达日期；可用物流单号 {tracking} 查询最新位置。",
    },
    "order_arrival_shipped_untracked": {
        "en": "Order {order_id} has shipped and is on its way. The shop gives me no exact delivery date "
        "and no tracking number for it yet.",
        "zh": "订单 {order_id} 已发货，正在配送中。系统里没有确切的送达日期，也暂时没有物流单号。",
    },
    "order_arrival_pending": {
        "en": "Order {order_id} hasn't shipped yet, so there is no delivery date yet. "
        "You'll get a tracking number once it ships.",
        "zh": "订单 {order_id} 尚未发货，所以还没有送达日期。发货后您会收到物流单号。",
    },
    "order_arrival_cancelled": {
        "en": "Order {order_id} was cancelled, so it won't be delivered.",
        "zh": "订单 {order_id} 已取消，不会再配送。",
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

