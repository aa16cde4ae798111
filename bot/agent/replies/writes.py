"""What a write will do (the statement before the shopper's yes) and what it did, en + zh."""

from __future__ import annotations

from collections.abc import Mapping

from bot.types import Language

WRITES: Mapping[str, Mapping[Language, str]] = {
    # The statement shown before a write runs: exactly what will change.
    "preview_cancel": {
        "en": "Cancel order {order} (reason: {reason}). {refunds}",
        "zh": "取消订单 {order}（原因：{reason}）。{refunds}",
    },
    "preview_refund_line": {"en": "${amount} goes back to {method} {when}.", "zh": "${amount} 将{when}退回 {method}。"},
    "preview_address": {
        "en": "Ship order {order} to {address} instead.",
        "zh": "将订单 {order} 的收货地址改为 {address}。",
    },
    "preview_payment": {
        "en": "Pay order {order} (${amount}) with {new} instead of {old}; {old} gets ${amount} back {when}.",
        "zh": "订单 {order}（${amount}）改用 {new} 支付，{old} 的 ${amount} 将{when}退回。",
    },
    "preview_items": {
        "en": "In order {order}, change {changes}. {money} After this the order can no longer be changed or "
        "cancelled: is that every item you want to change?",
        "zh": "订单 {order} 中更换：{changes}。{money}修改后订单将无法再次修改或取消，请确认这是您要修改的全部商品。",
    },
    "preview_user_address": {
        "en": "Change your default address to {address}.",
        "zh": "将您的默认地址改为 {address}。",
    },
    "preview_return": {
        "en": "Return from order {order}: {items}. ${amount} will be refunded to {method}; you will get an "
        "email explaining how to send the items back.",
        "zh": "退回订单 {order} 中的：{items}。${amount} 将退至 {method}；您会收到一封说明如何寄回商品的邮件。",
    },
    "preview_exchange": {
        "en": "In order {order}, exchange {changes}. {money} You will get an email explaining how to send "
        "the items back. Is that every item you want to exchange?",
        "zh": "订单 {order} 中换货：{changes}。{money}您会收到一封说明如何寄回商品的邮件。请确认这是您要换的全部商品。",
    },
    "preview_pay": {"en": "You pay ${amount} with {method}.", "zh": "您需用 {method} 支付 ${amount}。"},
    "preview_get_back": {"en": "You get ${amount} back to {method}.", "zh": "将退还 ${amount} 至 {method}。"},
    "preview_even": {"en": "The price stays the same.", "zh": "价格不变。"},
    "preview_immediately": {"en": "immediately", "zh": "立即"},
    "preview_later": {"en": "within 5–7 business days", "zh": "在 5–7 个工作日内"},
    "preview_confirm": {
        "en": 'Reply "yes" to confirm, or tell me what to change.',
        "zh": "回复“是”确认，或告诉我需要修改什么。",
    },
    "preview_to": {"en": "→", "zh": "→"},
    "preview_sep": {"en": "; ", "zh": "；"},
    "preview_none": {"en": "no items", "zh": "（无商品）"},
    # Between the statement and the request to confirm it.
    "sentence_gap": {"en": " ", "zh": ""},
    # Results of executed writes: only what the shop returned.
    "done_cancel": {
        "en": "Done: order {order_id} is now {status}.",
        "zh": "已办理：订单 {order_id} 当前状态为{status}。",
    },
    "done_refund": {
        "en": "${amount} is refunded to {method}.",
        "zh": "${amount} 将退回 {method}。",
    },
    "done_address": {
        "en": "Done: order {order_id} will ship to {address}.",
        "zh": "已办理：订单 {order_id} 将寄往 {address}。",
    },
    "done_user_address": {
        "en": "Done: your default address is now {address}.",
        "zh": "已办理：您的默认地址已改为 {address}。",
    },
    "done_payment": {
        "en": "Done: order {order_id} is now paid with {method}.",
        "zh": "已办理：订单 {order_id} 已改用 {method} 支付。",
    },
    "done_modify": {
        "en": "Done: order {order_id} is now {status}. Items: {items}.",
        "zh": "已办理：订单 {order_id} 当前状态为{status}。商品：{items}。",
    },
    "done_price_pay": {"en": "You paid ${amount} more.", "zh": "您补付了 ${amount}。"},
    "done_price_back": {"en": "${amount} comes back to you.", "zh": "将退还您 ${amount}。"},
    "done_return": {
        "en": "Done: order {order_id} is now {status}. ${amount} will be refunded to {method} once the return "
        "is approved; you'll get an email explaining how to send the items back.",
        "zh": "已办理：订单 {order_id} 当前状态为{status}。退货审核通过后，${amount} 将退至 {method}；"
        "您会收到说明如何寄回的邮件。",
    },
    "done_exchange": {
        "en": "Done: order {order_id} is now {status}. You'll get an email explaining how to send the items back.",
        "zh": "已办理：订单 {order_id} 当前状态为{status}。您会收到说明如何寄回商品的邮件。",
    },
    "done_items_sep": {"en": "; ", "zh": "、"},
    # The LLM engine after the shopper's yes ran its pending write: whether the shop made it.
    "confirmed_done": {"en": "Done: the change is made. {detail}", "zh": "已为您办理完成。{detail}"},
    "confirmed_failed": {"en": "The shop could not make that change: {detail}", "zh": "商店未能办理该操作：{detail}"},
    "confirmed_status": {"en": "Order status: {status}.", "zh": "订单状态：{status}。"},
    # Payment methods as the shopper reads them: never by the shop's id.
    "method_gift_card": {"en": "gift card ending {last_four}", "zh": "尾号{last_four}的礼品卡"},
    "method_paypal": {"en": "PayPal", "zh": "PayPal"},
    "method_card": {"en": "{brand} ending {last_four}", "zh": "尾号{last_four}的{brand}卡"},
    "method_card_brandless": {"en": "card", "zh": "银行"},
    # A refund destination with when the money arrives (the demo shop's returns policy).
    "method_refund": {"en": "{method} ({when})", "zh": "{method}（{when}）"},
    "refund_at_once": {"en": "the balance is refunded at once", "zh": "余额即时到账"},
    "refund_later": {"en": "5–7 business days", "zh": "5–7个工作日"},
}

#: tau2's two cancellation reasons as the shopper reads them.
CANCEL_REASONS: Mapping[str, Mapping[Language, str]] = {
    "no longer needed": {"en": "no longer needed", "zh": "不再需要"},
    "ordered by mistake": {"en": "ordered by mistake", "zh": "误下单"},
}
