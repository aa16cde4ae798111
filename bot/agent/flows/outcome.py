"""What an executed write did, in the shopper's language, from the shop's own result only."""

from __future__ import annotations

from bot.agent.replies import address_text, say, status_text
from bot.agent.tools.context import ToolContext
from bot.agent.tools.item_names import item_text
from bot.agent.tools.values import amount, method_text, records, refund_text, strings, take
from bot.types import Language, ToolCall


def describe_result(ctx: ToolContext, call: ToolCall, lang: Language) -> str:
    """The executed write's result: new status, refund amounts, new address ... as the shop returned them."""
    r = call.result if isinstance(call.result, dict) else {}
    order_id = str(r.get("order_id", ""))
    status = status_text(str(r.get("status", "")), lang)
    history = records(r.get("payment_history"))
    if call.name == "cancel_pending_order":
        lines = [say("done_cancel", lang, order_id=order_id, status=status)]
        for entry in history:
            if entry.get("transaction_type") == "refund":
                method = refund_text(ctx, str(entry.get("payment_method_id")), lang)
                lines.append(say("done_refund", lang, amount=f"{amount(entry.get('amount')):.2f}", method=method))
        return " ".join(lines)
    if call.name == "modify_pending_order_address":
        return say("done_address", lang, order_id=order_id, address=address_text(r.get("address")))
    if call.name == "modify_user_address":
        return say("done_user_address", lang, address=address_text(r.get("address")))
    if call.name == "modify_pending_order_payment":
        paid = [e for e in history if e.get("transaction_type") == "payment"]
        method = method_text(ctx, str(paid[-1].get("payment_method_id")), lang) if paid else ""
        return say("done_payment", lang, order_id=order_id, method=method)
    if call.name == "modify_pending_order_items":
        items = say("done_items_sep", lang).join(
            item_text(ctx.inventory, str(i.get("product_id", "")), str(i.get("name")), i.get("options"), lang)
            for i in records(r.get("items"))
        )
        text = say("done_modify", lang, order_id=order_id, status=status, items=items)
        last = history[-1] if len(history) > 1 else None
        if last is not None and amount(last.get("amount")):
            key = "done_price_pay" if last.get("transaction_type") == "payment" else "done_price_back"
            text += " " + say(key, lang, amount=f"{amount(last.get('amount')):.2f}")
        return text
    if call.name == "return_delivered_order_items":
        returned = take(records(r.get("items")), strings(r.get("return_items")))
        total = sum((amount(i.get("price")) for i in returned), 0.0)
        method = refund_text(ctx, str(r.get("return_payment_method_id")), lang)
        return say("done_return", lang, order_id=order_id, status=status, amount=f"{total:.2f}", method=method)
    # exchange_delivered_order_items
    text = say("done_exchange", lang, order_id=order_id, status=status)
    difference = amount(r.get("exchange_price_difference"))
    if round(difference, 2):
        key = "done_price_pay" if difference > 0 else "done_price_back"
        text += " " + say(key, lang, amount=f"{abs(difference):.2f}")
    return text
