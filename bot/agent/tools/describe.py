"""The statement shown before a write runs: exactly what will change, in the shopper's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.agent.tools.context import ToolContext
from bot.types import JSON, Language, PaymentMethod

_EN = {
    "cancel": "Cancel order {order} (reason: {reason}). {refunds}",
    "refund_line": "${amount} goes back to {method} {when}.",
    "address": "Ship order {order} to {address} instead.",
    "payment": "Pay order {order} (${amount}) with {new} instead of {old}; {old} gets ${amount} back {when}.",
    "items": "In order {order}, change {changes}. {money} After this the order can no longer be changed or "
    "cancelled: is that every item you want to change?",
    "user_address": "Change your default address to {address}.",
    "return": "Return from order {order}: {items}. ${amount} will be refunded to {method}; you will get an "
    "email explaining how to send the items back.",
    "exchange": "In order {order}, exchange {changes}. {money} You will get an email explaining how to send "
    "the items back. Is that every item you want to exchange?",
    "pay": "You pay ${amount} with {method}.",
    "get_back": "You get ${amount} back to {method}.",
    "even": "The price stays the same.",
    "immediately": "immediately",
    "later": "within 5-7 business days",
    "confirm": 'Reply "yes" to confirm, or tell me what to change.',
    "to": "→",
    "sep": "; ",
    "none": "no items",
}
_ZH = {
    "cancel": "取消订单 {order}（原因：{reason}）。{refunds}",
    "refund_line": "${amount} 将{when}退回 {method}。",
    "address": "将订单 {order} 的收货地址改为 {address}。",
    "payment": "订单 {order}（${amount}）改用 {new} 支付，{old} 的 ${amount} 将{when}退回。",
    "items": "订单 {order} 中更换：{changes}。{money}修改后订单将无法再次修改或取消，请确认这是您要修改的全部商品。",
    "user_address": "将您的默认地址改为 {address}。",
    "return": "退回订单 {order} 中的：{items}。${amount} 将退至 {method}；您会收到一封说明如何寄回商品的邮件。",
    "exchange": "订单 {order} 中换货：{changes}。{money}您会收到一封说明如何寄回商品的邮件。"
    "请确认这是您要换的全部商品。",
    "pay": "您需用 {method} 支付 ${amount}。",
    "get_back": "将退还 ${amount} 至 {method}。",
    "even": "价格不变。",
    "immediately": "立即",
    "later": "在 5-7 个工作日内",
    "confirm": "回复“是”确认，或告诉我需要修改什么。",
    "to": "→",
    "sep": "；",
    "none": "（无商品）",
}
_REASONS_ZH = {"no longer needed": "不再需要", "ordered by mistake": "误下单"}


def _t(lang: Language, key: str, **values: object) -> str:
    return (_ZH if lang == "zh" else _EN)[key].format(**values)


def _money(value: float) -> str:
    return f"{abs(value):,.2f}"


def _methods(ctx: ToolContext) -> dict[str, PaymentMethod]:
    user = ctx.orders.get_user(ctx.customer.customer_id) if ctx.customer else None
    return {pm.id: pm for pm in (user.payment_methods if user else ())}


def _method(ctx: ToolContext, method_id: str, lang: Language) -> str:
    pm = _methods(ctx).get(method_id)
    if pm is None:
        return method_id
    if pm.source == "gift_card":
        return f"礼品卡 {pm.id}" if lang == "zh" else f"gift card {pm.id}"
    if pm.source == "paypal":
        return "PayPal"
    return f"{pm.brand} 尾号 {pm.last_four}" if lang == "zh" else f"{pm.brand} card ending {pm.last_four}"


def _when(ctx: ToolContext, method_id: str, lang: Language) -> str:
    pm = _methods(ctx).get(method_id)
    return _t(lang, "immediately" if pm is not None and pm.source == "gift_card" else "later")


def _address(a: Mapping[str, JSON]) -> str:
    parts = [a.get(k) for k in ("address1", "address2", "city", "state", "zip", "country")]
    return ", ".join(str(p) for p in parts if p)


def _options(options: JSON) -> str:
    return ", ".join(f"{k}: {v}" for k, v in options.items()) if isinstance(options, dict) else ""


def _dicts(value: JSON) -> list[dict[str, JSON]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strs(value: JSON) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _num(value: JSON) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _changes(ctx: ToolContext, order_id: str, olds: Sequence[str], news: Sequence[str], lang: Language) -> str:
    order = ctx.orders.get_order(order_id)
    items = list(order.items) if order else []
    parts = []
    for old, new in zip(olds, news):
        item = next((i for i in items if i.item_id == old), None)
        found = ctx.inventory.find_variant(new)
        variant = next((v for v in found[0].variants if v.item_id == found[1]), None) if found else None
        name = item.name if item else old
        before = _options(dict(item.options)) if item else old
        after = _options(dict(variant.options)) if variant else new
        parts.append(f"{name} ({before}) {_t(lang, 'to')} ({after})")
    return _t(lang, "sep").join(parts) or _t(lang, "none")


def _difference(ctx: ToolContext, amount: float, method_id: str, lang: Language) -> str:
    if round(amount, 2) == 0:
        return _t(lang, "even")
    key = "pay" if amount > 0 else "get_back"
    return _t(lang, key, amount=_money(amount), method=_method(ctx, method_id, lang))


def describe(
    ctx: ToolContext, name: str, arguments: Mapping[str, JSON], before: JSON, after: JSON, lang: Language
) -> str:
    """One paragraph saying what the write will do, from its arguments and the previewed result."""
    a = dict(arguments)
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    order_id = str(a.get("order_id", ""))
    if name == "cancel_pending_order":
        added = _dicts(new.get("payment_history"))[len(_dicts(old.get("payment_history"))) :]
        lines = " ".join(
            _t(lang, "refund_line", amount=_money(_num(e["amount"])),
               method=_method(ctx, str(e["payment_method_id"]), lang),
               when=_when(ctx, str(e["payment_method_id"]), lang))
            for e in added
        )  # fmt: skip
        reason = str(a.get("reason", ""))
        text = _t(lang, "cancel", order=order_id, reason=_REASONS_ZH.get(reason, reason) if lang == "zh" else reason,
                  refunds=lines)  # fmt: skip
    elif name == "modify_pending_order_address":
        text = _t(lang, "address", order=order_id, address=_address(a))
    elif name == "modify_user_address":
        text = _t(lang, "user_address", address=_address(a))
    elif name == "modify_pending_order_payment":
        history = _dicts(old.get("payment_history"))
        old_id = str(history[0]["payment_method_id"]) if history else ""
        new_id = str(a.get("payment_method_id", ""))
        text = _t(
            lang, "payment", order=order_id, amount=_money(_num(history[0]["amount"]) if history else 0.0),
            new=_method(ctx, new_id, lang), old=_method(ctx, old_id, lang), when=_when(ctx, old_id, lang),
        )  # fmt: skip
    elif name == "modify_pending_order_items":
        entry = _dicts(new.get("payment_history"))[-1]
        signed = _num(entry["amount"]) * (1 if entry["transaction_type"] == "payment" else -1)
        changes = _changes(ctx, order_id, _strs(a.get("item_ids")), _strs(a.get("new_item_ids")), lang)
        money = _difference(ctx, signed, str(a.get("payment_method_id")), lang)
        text = _t(lang, "items", order=order_id, changes=changes, money=money)
    elif name == "return_delivered_order_items":
        returned = _strs(a.get("item_ids"))
        pool = _dicts(old.get("items"))
        names, total = [], 0.0
        for item_id in returned:
            item = next((i for i in pool if i.get("item_id") == item_id), None)
            if item is not None:
                pool.remove(item)
                names.append(f"{item.get('name')} ({_options(item.get('options'))})")
                total += _num(item.get("price"))
        method = _method(ctx, str(a.get("payment_method_id")), lang)
        text = _t(
            lang, "return", order=order_id, items=_t(lang, "sep").join(names), amount=_money(total), method=method
        )
    else:  # exchange_delivered_order_items
        changes = _changes(ctx, order_id, _strs(a.get("item_ids")), _strs(a.get("new_item_ids")), lang)
        money = _difference(ctx, _num(new.get("exchange_price_difference")), str(a.get("payment_method_id")), lang)
        text = _t(lang, "exchange", order=order_id, changes=changes, money=money)
    return text + ("" if lang == "zh" else " ") + _t(lang, "confirm")
