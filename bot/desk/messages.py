"""Messages shoppers left for the team when no person could answer: tickets of kind "message", answered by email.

They live in the store's named fields (shared by every replica), apart from the handoff queue: the conversation
stays with the bot, so no conversation state lists them. An agent marks one answered once they have replied;
it then moves out of the open list (kept under its own scope, with who answered it and when).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.desk.staff import FieldStore
from bot.desk.tickets import Ticket
from bot.errors import NotFound
from bot.types import JSON, now

OPEN = "desk:messages"
ANSWERED = "desk:messages:answered"


@dataclass(eq=False)
class MessageBox:
    """The open messages, newest first, and the answered ones."""

    store: FieldStore

    def add(self, ticket: Ticket) -> Ticket:
        self.store.field_set(OPEN, ticket.id, json.dumps(ticket.to_json(), ensure_ascii=False))
        return ticket

    def open(self) -> list[dict[str, JSON]]:
        """Every open message as agents read it (a ticket's JSON), newest first."""
        found = [json.loads(raw) for raw in self.store.fields(OPEN).values()]
        return sorted(found, key=lambda m: -float(m["opened_at"]))

    def answered(self, ticket_id: str, agent: str) -> dict[str, JSON]:
        """Mark an open message answered by `agent`; NotFound when it is not open (answered already, or unknown)."""
        raw = self.store.field_get(OPEN, ticket_id)
        if raw is None:
            raise NotFound(f"no open message {ticket_id}")
        data: dict[str, JSON] = json.loads(raw)
        data.update(answered_by=agent, answered_at=now())
        self.store.field_set(ANSWERED, ticket_id, json.dumps(data, ensure_ascii=False))
        self.store.field_delete(OPEN, ticket_id)
        return data
