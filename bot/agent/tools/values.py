"""The shop's JSON values as a reply reads them: lists of records, amounts, and the shopper's payment methods."""

from __future__ import annotations

from collections.abc import Sequence

from bot.agent.replies import method_name, refund_name
from bot.agent.tools.context import ToolContext
from bot.types import JSON, Language, PaymentMethod


def records(value: JSON) -> list[dict[str, JSON]]:
    """The objects of a JSON list (nothing when it is not a list)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def strings(value: JSON) -> list[str]:
    """A JSON list as strings (nothing when it is not a list)."""
    return [str(v) for v in value] if isinstance(value, list) else []


def amount(value: JSON) -> float:
    """A JSON number (0 when it is none)."""
    return float(value) if isinstance(value, (int, float)) else 0.0


def take(items: Sequence[dict[str, JSON]], item_ids: Sequence[str]) -> list[dict[str, JSON]]:
    """The item records with these ids, one record per id: an order may hold the same item twice."""
    pool = list(items)
    taken = []
    for item_id in item_ids:
        item = next((i for i in pool if i.get("item_id") == item_id), None)
        if item is not None:
            pool.remove(item)
            taken.append(item)
    return taken


def payment_methods(ctx: ToolContext) -> dict[str, PaymentMethod]:
    """The verified shopper's payment methods by id (none before verification)."""
    user = ctx.orders.get_user(ctx.customer.customer_id) if ctx.customer else None
    return {pm.id: pm for pm in (user.payment_methods if user else ())}


def method_text(ctx: ToolContext, method_id: str, language: Language) -> str:
    """The shopper's payment method as they know it; an id that is not theirs as it is."""
    pm = payment_methods(ctx).get(method_id)
    return method_name(pm, language) if pm else method_id


def refund_text(ctx: ToolContext, method_id: str, language: Language) -> str:
    """Where the shopper's refund goes and when it arrives; an id that is not theirs as it is."""
    pm = payment_methods(ctx).get(method_id)
    return refund_name(pm, language) if pm else method_id
