"""The statement shown before a write runs: exactly what will change, in the shopper's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.agent.replies import address_text, reason_text, say
from bot.agent.tools.context import ToolContext
from bot.agent.tools.item_names import in_brackets, item_text, options_in, product_name
from bot.agent.tools.values import amount, method_text, payment_methods, records, refund_text, strings, take
from bot.types import JSON, Language


def _money(value: float) -> str:
    return f"{abs(value):,.2f}"


def _when(ctx: ToolContext, method_id: str, lang: Language) -> str:
    pm = payment_methods(ctx).get(method_id)
    return say("preview_immediately" if pm is not None and pm.source == "gift_card" else "preview_later", lang)


def _changes(ctx: ToolContext, order_id: str, olds: Sequence[str], news: Sequence[str], lang: Language) -> str:
    order = ctx.orders.get_order(order_id)
    items = list(order.items) if order else []
    parts = []
    for old, new in zip(olds, news):
        item = next((i for i in items if i.item_id == old), None)
        found = ctx.inventory.find_variant(new)
        variant = next((v for v in found[0].variants if v.item_id == found[1]), None) if found else None
        name = product_name(ctx.inventory, item.product_id, item.name, lang) if item else old
        before = in_brackets(options_in(item.options, lang) if item else old, lang)
        after = in_brackets(options_in(variant.options, lang) if variant else new, lang)
        parts.append(f"{name}{'' if lang == 'zh' else ' '}{before} {say('preview_to', lang)} {after}")
    return say("preview_sep", lang).join(parts) or say("preview_none", lang)


def _difference(ctx: ToolContext, signed: float, method_id: str, lang: Language) -> str:
    if round(signed, 2) == 0:
        return say("preview_even", lang)
    key = "preview_pay" if signed > 0 else "preview_get_back"
    return say(key, lang, amount=_money(signed), method=method_text(ctx, method_id, lang))


def describe(
    ctx: ToolContext, name: str, arguments: Mapping[str, JSON], before: JSON, after: JSON, lang: Language
) -> str:
    """One paragraph saying what the write will do, from its arguments and the previewed result."""
    a = dict(arguments)
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    order_id = str(a.get("order_id", ""))
    if name == "cancel_pending_order":
        added = records(new.get("payment_history"))[len(records(old.get("payment_history"))) :]
        lines = " ".join(
            say("preview_refund_line", lang, amount=_money(amount(e["amount"])),
                method=method_text(ctx, str(e["payment_method_id"]), lang),
                when=_when(ctx, str(e["payment_method_id"]), lang))
            for e in added
        )  # fmt: skip
        reason = reason_text(str(a.get("reason", "")), lang)
        text = say("preview_cancel", lang, order=order_id, reason=reason, refunds=lines)
    elif name == "modify_pending_order_address":
        text = say("preview_address", lang, order=order_id, address=address_text(a))
    elif name == "modify_user_address":
        text = say("preview_user_address", lang, address=address_text(a))
    elif name == "modify_pending_order_payment":
        history = records(old.get("payment_history"))
        old_id = str(history[0]["payment_method_id"]) if history else ""
        new_id = str(a.get("payment_method_id", ""))
        text = say(
            "preview_payment", lang, order=order_id, amount=_money(amount(history[0]["amount"]) if history else 0.0),
            new=method_text(ctx, new_id, lang), old=method_text(ctx, old_id, lang), when=_when(ctx, old_id, lang),
        )  # fmt: skip
    elif name == "modify_pending_order_items":
        entry = records(new.get("payment_history"))[-1]
        signed = amount(entry["amount"]) * (1 if entry["transaction_type"] == "payment" else -1)
        changes = _changes(ctx, order_id, strings(a.get("item_ids")), strings(a.get("new_item_ids")), lang)
        money = _difference(ctx, signed, str(a.get("payment_method_id")), lang)
        text = say("preview_items", lang, order=order_id, changes=changes, money=money)
    elif name == "return_delivered_order_items":
        returned = take(records(old.get("items")), strings(a.get("item_ids")))
        names = say("preview_sep", lang).join(
            item_text(ctx.inventory, str(i.get("product_id", "")), str(i.get("name")), i.get("options"), lang)
            for i in returned
        )
        total = sum((amount(i.get("price")) for i in returned), 0.0)
        method = refund_text(ctx, str(a.get("payment_method_id")), lang)
        text = say("preview_return", lang, order=order_id, items=names, amount=_money(total), method=method)
    else:  # exchange_delivered_order_items
        changes = _changes(ctx, order_id, strings(a.get("item_ids")), strings(a.get("new_item_ids")), lang)
        money = _difference(ctx, amount(new.get("exchange_price_difference")), str(a.get("payment_method_id")), lang)
        text = say("preview_exchange", lang, order=order_id, changes=changes, money=money)
    return text + say("sentence_gap", lang) + say("preview_confirm", lang)
