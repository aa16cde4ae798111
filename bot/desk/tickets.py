"""A desk ticket: a handoff queue entry (why a conversation came to a human, and its priority), or a message
a shopper left for the team when no person could answer (to answer by email)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from bot.desk.replies import SUMMARY_LAST_MESSAGE
from bot.types import JSON

#: Handoff reasons (and intents) that go to the front of the queue.
SENSITIVE = frozenset({"sensitive", "legal", "fraud", "privacy", "complaint", "payment_dispute", "engine_error"})

TicketKind = Literal["handoff", "message"]
"""handoff: the conversation waits in the queue for an agent to claim it; message: nobody could answer, and the
shopper left a message and an email address for the reply (the conversation stays with the bot)."""


@dataclass(frozen=True)
class Ticket:
    """A queue entry: why the conversation came to a human and what they need to know first."""

    conversation_id: str
    reason: str
    intent: str
    sentiment: float
    """Signed score in [-1, 1] at the handoff turn."""
    summary: str
    last_messages: tuple[tuple[str, str], ...]
    """(role, text) of the latest messages, oldest first."""
    opened_at: float
    channel: str = "web"
    locale: str = "en"
    customer: str = ""
    kind: TicketKind = "handoff"
    reply_to: str = ""
    """A message's email address for the reply (kind "message")."""
    message: str = ""
    """What the shopper wrote for the team (kind "message")."""
    id: str = ""
    """A message's own id (a conversation may leave several); a handoff ticket is known by its conversation."""

    @property
    def sensitive(self) -> bool:
        return self.reason in SENSITIVE or self.intent in SENSITIVE

    def priority(self, at: float) -> float:
        """Higher first: one point per minute waited, up to 10 for anger, 15 for a sensitive topic."""
        return (at - self.opened_at) / 60 + 10 * max(0.0, -self.sentiment) + (15 if self.sensitive else 0)

    def to_json(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {k: v for k, v in asdict(self).items() if k != "last_messages"}
        data["last_messages"] = [{"role": r, "text": t} for r, t in self.last_messages]
        data["sensitive"] = self.sensitive
        return data

    @classmethod
    def from_json(cls, data: dict[str, JSON]) -> "Ticket":
        messages = data.get("last_messages") or []
        assert isinstance(messages, list)
        return cls(
            conversation_id=str(data["conversation_id"]),
            reason=str(data["reason"]),
            intent=str(data.get("intent", "")),
            sentiment=float(data.get("sentiment") or 0.0),  # type: ignore[arg-type]
            summary=str(data.get("summary", "")),
            last_messages=tuple((str(m["role"]), str(m["text"])) for m in messages if isinstance(m, dict)),
            opened_at=float(data["opened_at"]),  # type: ignore[arg-type]
            channel=str(data.get("channel", "web")),
            locale=str(data.get("locale", "en")),
            customer=str(data.get("customer", "")),
            kind="message" if data.get("kind") == "message" else "handoff",
            reply_to=str(data.get("reply_to", "")),
            message=str(data.get("message", "")),
            id=str(data.get("id", "")),
        )


def summarize(reason: str, shopper_lines: list[str], why: str = "") -> str:
    """The handoff's own explanation (or its reason) and the shopper's last words."""
    head = why or reason.replace("_", " ").capitalize() + "."
    last = shopper_lines[-1] if shopper_lines else ""
    clipped = last if len(last) <= 140 else last[:140].rstrip() + "…"
    return SUMMARY_LAST_MESSAGE.format(head=head, last=clipped) if clipped else head
