"""Everything the embedded engine says to the shopper, en + zh: one table of templates by name (kept by topic in
this package's modules) and say() to fill one, plus how the shop's own values read in a reply."""

from __future__ import annotations

from collections.abc import Mapping

from bot.agent.replies.availability import AVAILABILITY
from bot.agent.replies.browse import BROWSE
from bot.agent.replies.chat import CHAT
from bot.agent.replies.flows import FLOW_WORDS, FLOWS, FlowWords
from bot.agent.replies.orders import ORDER_STATUSES, ORDERS
from bot.agent.replies.products import PRODUCTS
from bot.agent.replies.writes import CANCEL_REASONS, WRITES
from bot.types import JSON, Language, PaymentMethod

#: Every reply template by name, in English and Chinese (no name is used by two topics).
REPLIES: Mapping[str, Mapping[Language, str]] = {
    **CHAT, **ORDERS, **FLOWS, **WRITES, **PRODUCTS, **BROWSE, **AVAILABILITY,
}  # fmt: skip

__all__ = [
    "CANCEL_REASONS", "FLOW_WORDS", "ORDER_STATUSES", "REPLIES", "FlowWords", "address_text", "handoff_phrase",
    "method_name", "options_text", "reason_text", "refund_name", "say", "status_text",
]  # fmt: skip


def say(key: str, language: Language, **values: object) -> str:
    """The template for key in language, filled with values."""
    return REPLIES[key][language].format(**values)


def handoff_phrase(reason: str, language: Language) -> str:
    """What the shopper is told when the bot hands off for `reason` (sensitive_legal -> handoff_sensitive)."""
    for key in (f"handoff_{reason}", f"handoff_{reason.split('_')[0]}"):
        if key in REPLIES:
            return REPLIES[key][language]
    return REPLIES["handoff_other"][language]


def status_text(status: str, language: Language) -> str:
    """A readable order status; unknown statuses are shown as the backend spells them."""
    names = ORDER_STATUSES.get(status)
    return names[language] if names else status


def reason_text(reason: str, language: Language) -> str:
    """A cancellation reason as the shopper reads it; unknown reasons as given."""
    names = CANCEL_REASONS.get(reason)
    return names[language] if names else reason


def method_name(method: PaymentMethod, language: Language) -> str:
    """A payment method as the shopper knows it, never its id: "gift card ending 4948", "PayPal",
    "Visa ending 1118" (a gift card has no card number: the last four digits of its id stand for it)."""
    if method.source == "gift_card":
        digits = "".join(c for c in method.id if c.isdigit())
        return say("method_gift_card", language, last_four=method.last_four or digits[-4:])
    if method.source == "paypal":
        return say("method_paypal", language)
    brand = method.brand.title() if method.brand else say("method_card_brandless", language)
    return say("method_card", language, brand=brand, last_four=method.last_four)


def refund_name(method: PaymentMethod, language: Language) -> str:
    """Where a refund goes and when it arrives, as the shop's returns policy promises: "gift card ending
    4948 (the balance is refunded at once)", "Visa ending 1118 (5–7 business days)"."""
    when = say("refund_at_once" if method.source == "gift_card" else "refund_later", language)
    return say("method_refund", language, method=method_name(method, language), when=when)


def options_text(options: Mapping[str, JSON] | JSON) -> str:
    """A variant's options as listed in replies: "color: white, size: M" ("" when there are none)."""
    return ", ".join(f"{k}: {v}" for k, v in options.items()) if isinstance(options, Mapping) else ""


def address_text(address: Mapping[str, JSON] | JSON) -> str:
    """A postal address on one line, its empty parts left out."""
    if not isinstance(address, Mapping):
        return ""
    parts = (address.get(k) for k in ("address1", "address2", "city", "state", "zip", "country"))
    return ", ".join(str(p) for p in parts if p)
