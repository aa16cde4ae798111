"""Two-step writes: propose (preview + a statement kept in the conversation's memory), then execute
only on an explicit yes in the shopper's next message; every execution goes to the audit log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.agent.tools.context import ToolContext
from bot.agent.tools.describe import describe
from bot.agent.tools.registry import BACKEND_DOWN, WRITE_TOOLS, call_tool
from bot.errors import BackendError
from bot.types import JSON, Language, ToolCall, now

PENDING_KEY = "pending_action"
AUDIT_KEY = "audit_log"
PENDING_TTL_S = 30 * 60
"""A confirmation that comes later than this executes nothing: the shopper must see the statement again."""

log = logging.getLogger("shopkeeper.audit")

_YES_EN = frozenset(
    "yes|y|yeah|yep|yup|sure|ok|okay|confirm|confirmed|i confirm|correct|go ahead|do it|proceed|please do|"
    "yes please|yes go ahead|yes do it|yes i confirm|yes confirm|yes proceed|yes that's right|yes that is right|"
    "yes that's correct|yes correct|that's right|that is correct|sounds good|yes sounds good".split("|")
)
_YES_ZH = frozenset(
    "是|是的|对|对的|确认|确定|好|好的|可以|行|没问题|同意|确认无误|是的确认|对确认|好的确认|嗯|嗯嗯".split("|")
)
_POLITE = re.compile(r"\b(please|thanks|thank you|thx)\b|请|谢谢|麻烦了|吧")
_PUNCT = re.compile(r"[\s,.!?;:~，。！？；：、…\"'“”‘’()（）]+")


def is_explicit_yes(text: str) -> bool:
    """True only for a plain affirmation (en/zh); "yes but ...", "no", questions and anything else are not."""
    lowered = text.strip().lower()
    if not lowered or "?" in lowered or "？" in lowered:
        return False
    plain = _PUNCT.sub(" ", _POLITE.sub(" ", lowered)).strip()
    plain = re.sub(r"\s+", " ", plain)
    if plain in _YES_EN:
        return True
    return plain.replace(" ", "") in _YES_ZH


@dataclass(frozen=True)
class Proposal:
    """The preview of a write: refused (call.ok False, nothing pending) or a statement awaiting yes."""

    call: ToolCall
    statement: str = ""

    @property
    def pending(self) -> bool:
        return self.call.ok


@dataclass(frozen=True)
class Resolution:
    """What the shopper's next message did to a pending write."""

    executed: bool
    reason: str
    """confirmed, not_confirmed, expired or customer_changed."""
    call: ToolCall | None = None
    """The executed call (ok False when the shop refused at execution time)."""
    statement: str = ""


def propose(ctx: ToolContext, name: str, arguments: Mapping[str, JSON], language: Language) -> Proposal:
    """Preview a write for the verified customer; when the shop would accept it, keep it pending
    in ctx.state and return the statement to show. A new proposal replaces an older one."""
    if name not in WRITE_TOOLS:
        raise ValueError(f"{name} is not a write tool")
    ctx.state.pop(PENDING_KEY, None)
    outcome = call_tool(ctx, name, arguments, preview=True)
    preview = ToolCall(f"{name}:preview", outcome.call.arguments, outcome.call.ok, outcome.call.result)
    if not outcome.call.ok or ctx.customer is None:
        ctx.calls.append(preview)
        return Proposal(preview)
    try:
        # A preview changes nothing, so the order read now is the order as it was before.
        statement = describe(ctx, name, arguments, _before(ctx, arguments), outcome.call.result, language)
    except BackendError:
        preview = ToolCall(preview.name, preview.arguments, False, BACKEND_DOWN)
        ctx.calls.append(preview)
        return Proposal(preview)
    ctx.calls.append(preview)
    ctx.state[PENDING_KEY] = json.dumps(
        {
            "name": name,
            "arguments": dict(arguments),
            "customer_id": ctx.customer.customer_id,
            "statement": statement,
            "created_at": now(),
        },
        ensure_ascii=False,
    )
    return Proposal(preview, statement)


def pending_statement(ctx: ToolContext) -> str:
    """The statement of the write awaiting a yes, or ""."""
    raw = ctx.state.get(PENDING_KEY)
    return str(json.loads(raw).get("statement", "")) if raw else ""


def resolve(ctx: ToolContext, text: str) -> Resolution | None:
    """Call at the start of every turn. With a write pending: run it when `text` is an explicit
    yes from the customer it was proposed to, else drop it. None when nothing was pending."""
    raw = ctx.state.pop(PENDING_KEY, None)
    if raw is None:
        return None
    pending = json.loads(raw)
    statement = str(pending.get("statement", ""))
    if ctx.customer is None or ctx.customer.customer_id != pending.get("customer_id"):
        return Resolution(False, "customer_changed", statement=statement)
    if now() - float(pending.get("created_at", 0)) > PENDING_TTL_S:
        return Resolution(False, "expired", statement=statement)
    if not is_explicit_yes(text):
        return Resolution(False, "not_confirmed", statement=statement)
    outcome = call_tool(ctx, str(pending["name"]), pending["arguments"])
    _audit(ctx, outcome.call, statement, text)
    return Resolution(outcome.call.ok, "confirmed", outcome.call, statement)


def audit_log(ctx: ToolContext) -> list[dict[str, JSON]]:
    """Every confirmed write of the conversation, oldest first."""
    raw = ctx.state.get(AUDIT_KEY)
    entries = json.loads(raw) if raw else []
    return [e for e in entries if isinstance(e, dict)]


def _audit(ctx: ToolContext, call: ToolCall, statement: str, confirmation: str) -> None:
    customer = ctx.customer
    assert customer is not None  # resolve() checked
    entry: dict[str, JSON] = {
        "at": round(now(), 3),
        "conversation_id": ctx.conversation_id,
        "action": call.name,
        "arguments": dict(call.arguments),
        "ok": call.ok,
        "error": None if call.ok else call.result,
        "statement": statement,
        "confirmed_by": customer.customer_id,
        "verified_by": customer.verified_by,
        "confirmation": confirmation[:200],
    }
    ctx.state[AUDIT_KEY] = json.dumps([*audit_log(ctx), entry], ensure_ascii=False)
    log.info("write %s by %s in %s: ok=%s", call.name, customer.customer_id, ctx.conversation_id, call.ok)


def _before(ctx: ToolContext, arguments: Mapping[str, JSON]) -> JSON:
    """The order as it is now (for amounts the statement quotes), when the customer may see it."""
    order_id = arguments.get("order_id")
    if ctx.customer is None or not isinstance(order_id, str):
        return None
    order = ctx.orders.get_order(order_id)
    if order is None or order.user_id != ctx.customer.customer_id:
        return None

    return order.to_json()
