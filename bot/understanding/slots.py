"""The slots of one scrubbed message: order number, email placeholder, zip code."""

from __future__ import annotations

import re

from bot.text import EMAIL_PLACEHOLDER, ORDER_ID, PLACEHOLDER

_ZIP = re.compile(
    r"(?:zip|postal|postcode|邮编|邮政编码)\s*(?:code)?\s*(?:is|是|为)?\s*[:：]?\s*(\d{5,6})(?!\d)"
    r"|(?<![\d$¥￥.,#])(\d{5})(?:-\d{4})?(?![\d.,%])",
    re.IGNORECASE,
)


def extract_slots(text: str) -> dict[str, str]:
    """order_id ("#W1234567"), email (a placeholder such as "<EMAIL_1>"), zip."""
    slots: dict[str, str] = {}
    if m := ORDER_ID.search(text):
        slots["order_id"] = f"#W{m.group(1)}"
    if m := EMAIL_PLACEHOLDER.search(text):
        slots["email"] = m.group(0)
    without_ids = ORDER_ID.sub(" ", PLACEHOLDER.sub(" ", text))
    if m := _ZIP.search(without_ids):
        slots["zip"] = m.group(1) or m.group(2)
    return slots
