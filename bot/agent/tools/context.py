"""ToolContext: everything a tool may reach — the backends, the verified customer, this conversation's state."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Protocol, Sequence

from bot.ports import InventoryBackend, OrderActions, OrderBackend, Retriever
from bot.text import PLACEHOLDER
from bot.types import JSON, Customer, Product, ToolCall


class ProductSearch(Protocol):
    """What the catalogue tools need of the catalogue index (bot/agent/catalogue): products matching a loose
    name or need, in either language, best first. Built once per service; stock is read live from the backend."""

    def search(self, query: str, limit: int) -> Sequence[Product]: ...


@dataclass(frozen=True)
class ToolContext:
    """What a tool may see: the backends, whose data it may read, and this conversation's vault."""

    orders: OrderBackend
    inventory: InventoryBackend
    retriever: Retriever
    customer: Customer | None
    """The verified shopper; None until verified. Never taken from a tool argument."""
    vault: Mapping[str, str]
    """This conversation's placeholders -> raw values, so tools can resolve "<EMAIL_1>"."""
    calls: list[ToolCall] = field(default_factory=list, compare=False)
    """Every tool call of the turn, in order, for the trace (shared by with_customer copies)."""
    actions: OrderActions | None = None
    """The shop's write actions; None on a read-only backend (write tools then refuse)."""
    state: dict[str, str] = field(default_factory=dict, compare=False)
    """The conversation's memory (string values): pending confirmation, audit log, attempt counts.
    The engine passes its working memory so what tools write here is stored with the turn."""
    conversation_id: str = ""
    """For the audit log."""
    handoffs: list[str] = field(default_factory=list, compare=False)
    """Summaries of transfer_to_human_agents calls of this turn; the engine hands off when non-empty."""
    catalogue: ProductSearch | None = None
    """The long-lived catalogue index; None makes the catalogue tools scan the InventoryBackend."""

    def with_customer(self, customer: Customer) -> ToolContext:
        """The same context for a shopper verified during this turn; logs and state are shared."""
        return replace(self, customer=customer, calls=self.calls, state=self.state, handoffs=self.handoffs)

    def record(self, name: str, arguments: Mapping[str, JSON], ok: bool, result: JSON) -> None:
        self.calls.append(ToolCall(name=name, arguments=dict(arguments), ok=ok, result=result))


def resolve(ctx: ToolContext, value: str) -> str:
    """A placeholder such as "<EMAIL_1>" -> the raw value from the vault ("" when unknown)."""
    value = value.strip()
    if PLACEHOLDER.fullmatch(value):
        return ctx.vault.get(value, "")
    return value


#: Arguments that carry a person's name or where they live: the trace keeps a placeholder or nothing.
_PERSONAL_ARGUMENTS = frozenset({"address1", "address2", "city", "state", "zip", "first_name", "last_name"})


def safe_argument(value: str, name: str = "") -> str:
    """Trace arguments carry placeholders and ids, never a raw email, name or address (`name` is the argument's)."""
    value = value.strip()
    if not value or PLACEHOLDER.fullmatch(value):
        return value
    return "<redacted>" if "@" in value or name in _PERSONAL_ARGUMENTS else value
