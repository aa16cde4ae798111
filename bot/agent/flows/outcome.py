"""What an executed write did, in the shopper's language, from the shop's own result only."""

from __future__ import annotations

from bot.agent.flows.payment import method_name
from bot.agent.flows.texts import flow_say
from bot.agent.phrases import status_text
from bot.agent.tools.context import ToolContext
from bot.types import JSON, Language, ToolCall


def _dicts(value: JSON) -> list[dict[str, JSON]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _num(value: JSON) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _method(ctx: ToolContext, method_id: str, lang: Language) -> str:
    user = ctx.orders.get_user(ctx.customer.customer_id) if ctx.customer else None
    pm = next((m for m in (user.payment_methods if user else ()) if m.id == method_id), None)
    return method_name(pm, lang == "zh") if pm else method_id


def _address(value: JSON) -> str:
    a = value if isinstance(value, dict) else {}
    return ", ".join(str(a[k]) for k in ("address1", "address2", "city", "state", "zip", "country") if a.get(k))


def _options(value: JSON) -> str:
    return ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else ""


def describe_result(ctx: ToolContext, call: ToolCall, lang: Language) -> str:
    """The executed write's result: new status, refund amounts, new address ... as the shop returned them."""
    r = call.result if isinstance(call.result, dict) else {}
    order_id = str(r.get("order_id", ""))
    status = status_text(str(r.get("status", "")), lang)
    history = _dicts(r.get("payment_history"))
    if call.name == "cancel_pending_order":
        lines = [flow_say("done_cancel", lang, order_id=order_id, status=status)]
        for entry in history:
            if entry.get("transaction_type") == "refund":
                method = _method(ctx, str(entry.get("payment_method_id")), lang)
                lines.append(flow_say("done_refund", lang, amount=f"{_num(entry.get('amount')):.2f}", method=method))
        return " ".join(lines)
    if call.name == "modify_pending_order_address":
        return flow_say("done_address", lang, order_id=order_id, address=_address(r.get("address")))
    if call.name == "modify_user_address":
        return flow_say("done_user_address", lang, address=_address(r.get("address")))
    if call.name == "modify_pending_order_payment":
        paid = [e for e in history if e.get("transaction_type") == "payment"]
        method = _method(ctx, str(paid[-1].get("payment_method_id")), lang) if paid else ""
        return flow_say("done_payment", lang, order_id=order_id, method=method)
    if call.name == "modify_pending_order_items":
        sep = "、" if lang == "zh" else "; "
        items = sep.join(f"{i.get('name')} ({_options(i.get('options'))})" for i in _dicts(r.get("items")))
        text = flow_say("done_modify", lang, order_id=order_id, status=status, items=items)
        last = history[-1] if len(history) > 1 else None
        if last is not None and _num(last.get("amount")):
            key = "done_price_pay" if last.get("transaction_type") == "payment" else "done_price_back"
            text += " " + flow_say(key, lang, amount=f"{_num(last.get('amount')):.2f}")
        return text
    if call.name == "return_delivered_order_items":
        listed = r.get("return_items")
        returned = [str(i) for i in listed] if isinstance(listed, list) else []
        pool = _dicts(r.get("items"))
        amount = 0.0
        for item_id in returned:
            item = next((i for i in pool if i.get("item_id") == item_id), None)
            if item is not None:
                pool.remove(item)
                amount += _num(item.get("price"))
        method = _method(ctx, str(r.get("return_payment_method_id")), lang)
        return flow_say("done_return", lang, order_id=order_id, status=status, amount=f"{amount:.2f}", method=method)
    # exchange_delivered_order_items
    text = flow_say("done_exchange", lang, order_id=order_id, status=status)
    difference = _num(r.get("exchange_price_difference"))
    if round(difference, 2):
        key = "done_price_pay" if difference > 0 else "done_price_back"
        text += " " + flow_say(key, lang, amount=f"{abs(difference):.2f}")
    return text
