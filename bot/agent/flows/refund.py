"""Where money goes back: the refund destination of a return (asked when the shop's rules leave a choice)
and the payment method a shopper names in their own words ("the visa", "my gift card", 原路退回)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.agent.flows.detect import choice
from bot.agent.flows.state import REFUND, Turn
from bot.agent.replies import method_name, refund_name, say
from bot.types import Order, PaymentMethod

#: The question the return flow asks; an ordinal answer ("the second one") picks from its list.
ASK_REFUND = "flow_ask_refund"

_I = re.IGNORECASE
_ORIGINAL = re.compile(
    r"\b(original|same (card|method|payment|way|account)|where i paid|how i paid|what i paid with|paid with)\b"
    r"|原路|原支付|原付款|原来的|原卡|原账户|付款的(卡|账户)|原方式",
    _I,
)
#: Latin-word edges that hold next to Chinese too ("改用PayPal支付": \b sees no edge between 用 and P).
_A, _Z = r"(?<![A-Za-z])", r"(?![A-Za-z])"
_GIFT_CARD = re.compile(rf"{_A}gift ?cards?{_Z}|礼品卡|礼卡", _I)
_PAYPAL = re.compile(rf"{_A}pay ?pal{_Z}|贝宝", _I)
_CARD = re.compile(rf"{_A}((credit|debit|bank) ?)?card{_Z}|信用卡|银行卡|借记卡", _I)
_BRANDS = {
    "visa": re.compile(rf"{_A}visa{_Z}|维萨", _I),
    "mastercard": re.compile(rf"{_A}master ?card{_Z}|万事达", _I),
    "amex": re.compile(rf"{_A}(amex|american express){_Z}|美国运通", _I),
    "discover": re.compile(rf"{_A}discover{_Z}", _I),
}
#: A word right before a mention that turns it down: "not the gift card", "不要退到礼品卡".
_NEGATED = re.compile(r"(\b(not|no|don'?t|instead of|rather than|but not)\b[\w ]{0,12}|不要|不是|别|而不是)$", _I)


def original_method(order: Order) -> str:
    """The id of the payment method the order was paid with ("" when the shop has no payment on record)."""
    paid = [p for p in order.payment_history if p.transaction_type == "payment"]
    return paid[0].payment_method_id if paid else ""


def user_methods(turn: Turn) -> list[PaymentMethod]:
    """The verified shopper's payment methods (none before verification)."""
    customer = turn.verified
    with turn.stage("tools"):
        user = turn.ctx.orders.get_user(customer.customer_id) if customer else None
    return list(user.payment_methods) if user else []


def destinations(order: Order, methods: Sequence[PaymentMethod]) -> list[PaymentMethod]:
    """Where the shop's rules let a refund go: the original payment method first, then the shopper's own gift
    cards (tau2 retail policy: "the original payment method, or an existing gift card")."""
    original = original_method(order)
    first = [m for m in methods if m.id == original]
    if not first and original:
        # Paid with a method no longer on the account: the shop still refunds it there.
        if original.startswith("gift_card"):
            first = [PaymentMethod(id=original, source="gift_card")]
        else:
            first = [PaymentMethod(id=original, source="paypal" if "paypal" in original else "credit_card")]
    return first + [m for m in methods if m.source == "gift_card" and m.id != original]


def named_method(text: str, methods: Sequence[PaymentMethod], original: str = "") -> str:
    """The one method of `methods` that the message names ("" when none or several fit): by its last four
    digits, its brand, its kind (gift card, PayPal, card) or as "the original payment method"; a
    mention turned down ("not the gift card") does not count, and the first mention left wins."""
    mentions: list[tuple[int, list[str]]] = []
    gift_cards = [g.span() for g in _GIFT_CARD.finditer(text)]

    def add(pattern: re.Pattern[str], fits: list[str]) -> None:
        for match in pattern.finditer(text):
            inside_gift_card = pattern is _CARD and any(a <= match.end() - 1 < b for a, b in gift_cards)
            if not inside_gift_card and not _NEGATED.search(text[: match.start()].rstrip(" 的到至回退给")):
                mentions.append((match.start(), fits))
                return

    by_digits: dict[str, list[str]] = {}
    for m in methods:
        digits = m.last_four or "".join(c for c in m.id if c.isdigit())[-4:]
        if digits:
            by_digits.setdefault(digits, []).append(m.id)  # two methods ending alike: the digits alone don't tell
    for digits, ids in by_digits.items():
        add(re.compile(rf"(?<![0-9A-Za-z#]){re.escape(digits)}(?![0-9A-Za-z])"), ids)
    for brand, pattern in _BRANDS.items():
        add(pattern, [m.id for m in methods if m.brand.lower().replace(" ", "") == brand])
    add(_GIFT_CARD, [m.id for m in methods if m.source == "gift_card"])
    add(_PAYPAL, [m.id for m in methods if m.source == "paypal"])
    add(_CARD, [m.id for m in methods if m.source == "credit_card"])
    if original:
        add(_ORIGINAL, [original])
    for _, fits in sorted(mentions, key=lambda m: m[0]):
        if len(fits) == 1:
            return fits[0]
    return ""


def refund_to(turn: Turn, order: Order) -> str | None:
    """The payment method id the return's refund goes to; None after asking the shopper which one.
    With one possible destination it is that one, and the statement before the yes names it."""
    methods = user_methods(turn)
    options = destinations(order, methods)
    if len(options) <= 1:
        return options[0].id if options else ""
    ids = [m.id for m in options]
    original = ids[0]
    # This message first, then what was chosen before, then the words of the request that started the flow.
    chosen = named_method(turn.text, options, original)
    if not chosen and turn.asked() == ASK_REFUND:
        index = choice(turn.text, len(options))
        chosen = ids[index] if index is not None else ""
    chosen = chosen or turn.memory.get(REFUND, "")
    for text in turn.detail_texts()[1:]:
        chosen = chosen or named_method(text, options, original)
    if chosen not in ids:
        other = named_method(turn.text, methods)
        if other and other not in ids:
            # "to my visa" when the order was paid otherwise: the shop's rules do not allow it, say so.
            method = next(m for m in methods if m.id == other)
            turn.say("flow_refund_not_there", method=method_name(method, turn.lang))
        lines = "\n".join(
            say("flow_refund_line_original" if n == 1 else "flow_refund_line", turn.lang, n=n,
                method=refund_name(m, turn.lang))
            for n, m in enumerate(options, start=1)
        )  # fmt: skip
        turn.ask(ASK_REFUND, order_id=order.order_id, methods=lines)
        return None
    turn.memory[REFUND] = chosen
    return chosen
