"""Every reply template of the embedded engine, in English and Chinese."""

from __future__ import annotations

from typing import Mapping

from bot.types import Language

PHRASES: Mapping[str, Mapping[Language, str]] = {
    "greeting": {
        "en": "Hello! I can help with your orders, our shipping, returns and other policies, and our products. "
        "What can I do for you?",
        "zh": "您好！我可以帮您查询订单，解答配送、退换货等政策问题以及商品问题。请问有什么可以帮您？",
    },
    "thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "zh": "不客气！还有其他可以帮您的吗？",
    },
    "goodbye": {
        "en": "Thanks for chatting with us. Have a great day!",
        "zh": "感谢您的咨询，祝您生活愉快！",
    },
    "handoff_requested": {
        "en": "Of course. I'm passing you to a human colleague, who will reply in this chat as soon as they can.",
        "zh": "好的，正在为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_negative_sentiment": {
        "en": "I'm really sorry about this. I'm bringing in a human colleague who can sort it out with you; "
        "they will reply here shortly.",
        "zh": "非常抱歉给您带来不好的体验。我已为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_repeated_failure": {
        "en": "I'm sorry I couldn't help with that. I'm passing you to a human colleague, who will reply in this chat.",
        "zh": "抱歉我没能解决您的问题，正在为您转接人工客服，他们会在这里回复您。",
    },
    "handoff_sensitive": {
        "en": "This needs a person's attention, so I'm passing you to a human colleague right away. "
        "They will reply in this chat as soon as they can.",
        "zh": "这个问题需要由专人处理，我已立即为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_frustration": {
        "en": "I'm sorry this is taking so long. I'm bringing in a human colleague who can sort it out with you; "
        "they will reply here shortly.",
        "zh": "很抱歉让您久等了。我已为您转接人工客服，他们会尽快在这里回复您。",
    },
    "handoff_low_confidence": {
        "en": "I'm not sure I understand what you need, so I'm passing you to a human colleague, "
        "who will reply in this chat.",
        "zh": "抱歉，我不太确定您需要什么，正在为您转接人工客服，他们会在这里回复您。",
    },
    "handoff_other": {
        "en": "I'm passing you to a human colleague, who will reply in this chat as soon as they can.",
        "zh": "正在为您转接人工客服，他们会尽快在这里回复您。",
    },
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
    "no_answer": {
        "en": "I'm sorry, I couldn't find an answer to that in our help pages. Could you rephrase it, "
        "or would you like me to connect you with a human colleague?",
        "zh": "抱歉，我在帮助文档中没有找到相关答案。您可以换个说法再问一次，或者需要我为您转接人工客服吗？",
    },
    "complaint": {
        "en": "I'm sorry to hear that. If you'd like, I can pass you to a human colleague who can look into it.",
        "zh": "很抱歉听到这个情况。如果需要，我可以为您转接人工客服来处理。",
    },
    "other_language": {
        "en": "This is what our help pages say (only available in Chinese):",
        "zh": "以下是帮助文档中的相关内容（仅有英文版本）：",
    },
    "product_line": {
        "en": "{name}: {available} of {total} options in stock, {price}.",
        "zh": "{name}：{total} 个规格中有 {available} 个有货，{price}。",
    },
    "price_single": {"en": "${low:.2f}", "zh": "${low:.2f}"},
    "price_range": {"en": "${low:.2f} to ${high:.2f}", "zh": "${low:.2f} 至 ${high:.2f}"},
    "redacted": {"en": "[redacted]", "zh": "[已隐藏]"},
}

#: Order statuses as the shopper should read them.
STATUS: Mapping[Language, Mapping[str, str]] = {
    "en": {
        "pending": "pending (not shipped yet)",
        "pending (item modified)": "pending, with modified items (not shipped yet)",
        "processed": "processed and on its way",
        "delivered": "delivered",
        "cancelled": "cancelled",
        "return requested": "awaiting your return (return requested)",
        "exchange requested": "awaiting your exchange (exchange requested)",
    },
    "zh": {
        "pending": "待处理（尚未发货）",
        "pending (item modified)": "待处理，商品已修改（尚未发货）",
        "processed": "已处理，正在配送中",
        "delivered": "已送达",
        "cancelled": "已取消",
        "return requested": "已申请退货",
        "exchange requested": "已申请换货",
    },
}


def say(key: str, language: Language, **values: object) -> str:
    """The template for key in language, filled with values."""
    return PHRASES[key][language].format(**values)


def handoff_phrase(reason: str, language: Language) -> str:
    """What the shopper is told when the bot hands off for `reason` (sensitive_legal -> handoff_sensitive)."""
    for key in (f"handoff_{reason}", f"handoff_{reason.split('_')[0]}"):
        if key in PHRASES:
            return PHRASES[key][language]
    return PHRASES["handoff_other"][language]


def status_text(status: str, language: Language) -> str:
    """A readable order status; unknown statuses are shown as the backend spells them."""
    return STATUS[language].get(status, status)
