"""The output guard: nothing of anyone else's PII, and no placeholder foreign to this conversation, leaves."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Mapping

from bot.agent.replies import say
from bot.text import CJK, PLACEHOLDER
from bot.types import Decision

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Phone-looking: international (+...), North American with separators, mainland mobile. Bare
# long digit runs are not matched: order, item and tracking ids are exactly that.
_PHONE = re.compile(
    r"(?<![\w+])\+\d[\d ().-]{6,}\d(?!\d)"
    r"|(?<!\d)\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)"
    r"|(?<![\d+])(?:86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"
)


def guard_output(decision: Decision, vault: Mapping[str, str]) -> Decision:
    """The decision with foreign placeholders and foreign emails / phone numbers redacted.

    This conversation's own values (its vault) pass, and so does what this turn's tools returned
    and what its citations quote (the shop's own contact details in a policy, for instance).
    """
    allowed = _allowed_values(decision, vault)
    replies = tuple(replace(r, text=_clean(r.text, vault, allowed)) for r in decision.replies)
    return replace(decision, replies=replies)


def _clean(text: str, vault: Mapping[str, str], allowed: set[str]) -> str:
    mark = say("redacted", "zh" if CJK.search(text) else "en")
    text = PLACEHOLDER.sub(lambda m: m.group(0) if m.group(0) in vault else mark, text)
    text = _EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in allowed else mark, text)
    return _PHONE.sub(lambda m: m.group(0) if _digits(m.group(0)) in allowed else mark, text)


def _allowed_values(decision: Decision, vault: Mapping[str, str]) -> set[str]:
    """Emails (lower-cased) and phone numbers (digits only) this turn may show."""
    found = {v.strip().lower() for v in vault.values()} | {_digits(v) for v in vault.values()}
    texts = [c.snippet for r in decision.replies for c in r.citations]
    texts += [json.dumps(c.result, ensure_ascii=False) for c in decision.tool_calls if c.ok]
    for text in texts:
        found.update(m.group(0).lower() for m in _EMAIL.finditer(text))
        found.update(_digits(m.group(0)) for m in _PHONE.finditer(text))
    found.discard("")
    return found


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)
