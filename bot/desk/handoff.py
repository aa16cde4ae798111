"""The human-agent desk: the handoff queue and the states bot -> waiting_for_agent -> agent -> bot | closed,
whether a person can take a handoff now, and the messages shoppers leave when none can."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Protocol, cast

from bot.desk.messages import MessageBox
from bot.desk.replies import MESSAGE_HEAD, say
from bot.desk.staff import AgentDirectory, FieldStore, OpeningHours
from bot.desk.tickets import Ticket, TicketKind, summarize
from bot.errors import BadInput, Conflict, Forbidden, NotFound
from bot.ports import ConversationStore, EventBus, Nobody
from bot.settings import Settings
from bot.stores.record import record
from bot.types import JSON, Conversation, ConversationState, Event, Message, TurnResult, new_id, now

log = logging.getLogger(__name__)

#: The bus channel of agent-only events (queue changes, internal notes): no shopper stream subscribes
#: to it. The real conversation id travels in the event data, which Event.to_json puts on top.
AGENTS_CHANNEL = "__agents__"
LAST_MESSAGES = 6


class DeskStore(ConversationStore, FieldStore, Protocol):
    """What the desk needs from a store: conversations, transcripts and named fields."""


def _scope(conversation_id: str) -> str:
    return f"conv:{conversation_id}"


@dataclass(eq=False)
class HandoffDesk:
    """Every state change is stored first, then published: watchers that reconnect read it back."""

    store: DeskStore
    bus: EventBus
    directory: AgentDirectory
    hours: OpeningHours | None = None
    minutes_per_conversation: float = 4.0
    inbox: MessageBox = field(init=False)
    """The messages shoppers left when nobody could answer (bot.desk.messages)."""

    def __post_init__(self) -> None:
        self.inbox = MessageBox(self.store)

    # ----------------------------------------------------------------- availability (bot.ports.DeskAvailability)

    def nobody(self, at: float) -> Nobody | None:
        """Why no person can take a handoff now: no accounts, outside the working hours, nobody signed in.

        The turn asks before it hands off; when this says nobody, the shopper is told at once and offered
        to leave a message, and the conversation stays with the bot instead of waiting on no one.
        """
        if not self.directory.accounts:
            return Nobody("no_agents")
        if self.hours is not None and not self.hours.is_open(at):
            return Nobody("closed", hours=self.hours.text)
        if not self.directory.online():
            return Nobody("nobody_online")
        return None

    def take_message(self, conversation_id: str, reply_to: str, text: str, reason: str) -> None:
        """A ticket of kind "message": agents answer it by email to reply_to (it never enters the queue)."""
        conversation = self._get(conversation_id)
        head = MESSAGE_HEAD.format(reply_to=reply_to, reason=reason.replace("_", " "))
        ticket = self._new_ticket(conversation, reason, summary=head, kind="message")
        ticket = replace(ticket, reply_to=reply_to, message=text[:4000], id=new_id("msg_"))
        self.inbox.add(ticket)
        log.info("conversation %s left message %s", conversation_id, ticket.id)

    def messages(self) -> list[dict[str, JSON]]:
        """The open messages, newest first."""
        return self.inbox.open()

    def answer_message(self, ticket_id: str, agent: str) -> dict[str, JSON]:
        """The agent has replied by email: the message leaves the open list."""
        return self.inbox.answered(ticket_id, agent)

    # ----------------------------------------------------------------- the shopper side

    def after_turn(self, conversation_id: str, text: str, result: TurnResult) -> None:
        """Called by the service after every shopper turn: a ticket for the handoff the turn applied, and
        the shopper's rating of a closed conversation.

        The turn is already stored and answered; a failure here is logged, never the shopper's problem
        (the queue still lists the conversation from its state, with a ticket rebuilt from the transcript).
        """
        try:
            handoff = result.handed_off
            if handoff is not None:
                trace = result.trace
                self.open(conversation_id, handoff.reason, trace.intent.label, trace.sentiment.score, handoff.summary)
            elif result.state == "closed" and self.store.field_get(_scope(conversation_id), "csat_pending"):
                score = text.strip()
                if score in {"1", "2", "3", "4", "5"}:
                    self.rate(conversation_id, int(score))
        except Exception:
            log.exception("handoff bookkeeping failed for conversation %s", conversation_id)

    def open(
        self, conversation_id: str, reason: str, intent: str = "", sentiment: float = 0.0, summary: str = ""
    ) -> Ticket:
        conversation = self._get(conversation_id)
        ticket = self._new_ticket(conversation, reason, intent, sentiment, summary)
        if conversation.state != "waiting_for_agent":
            self._set_state(conversation, "waiting_for_agent", reason=reason)
        self.store.field_set(_scope(conversation_id), "ticket", json.dumps(ticket.to_json(), ensure_ascii=False))
        self.store.field_delete(_scope(conversation_id), "agent")
        self.store.field_delete(_scope(conversation_id), "csat_pending")
        self._queue_changed(conversation_id)
        notice = self._availability_notice(ticket.locale)
        if notice:
            self._record(Message(conversation_id, "system", notice))
        return ticket

    def rate(self, conversation_id: str, score: int) -> None:
        if not 1 <= score <= 5:
            raise BadInput("a rating is a whole number from 1 to 5")
        conversation = self._get(conversation_id)
        if conversation.state != "closed":
            raise Conflict("only a closed conversation can be rated")
        self.store.field_set(_scope(conversation_id), "csat", json.dumps({"score": score, "at": now()}))
        self.store.field_delete(_scope(conversation_id), "csat_pending")
        self._record(Message(conversation_id, "system", self._say(conversation, "csat_thanks")))

    # ----------------------------------------------------------------- the agent side

    def queue(self) -> list[dict[str, JSON]]:
        """Waiting conversations, highest priority first, then those agents hold."""
        at = now()
        waiting = [self.entry(cid, at) for cid in self.store.list_ids("waiting_for_agent")]
        waiting.sort(key=lambda e: -float(e["priority"]))  # type: ignore[arg-type]
        held = [self.entry(cid, at) for cid in self.store.list_ids("agent")]
        return waiting + held

    def entry(self, conversation_id: str, at: float | None = None) -> dict[str, JSON]:
        at = now() if at is None else at
        conversation = self.store.get(conversation_id)
        ticket = self.ticket(conversation_id)
        data = ticket.to_json()
        data.update(
            state=conversation.state if conversation else "closed",
            agent=self.store.field_get(_scope(conversation_id), "agent") or "",
            waiting_s=round(at - ticket.opened_at, 1),
            priority=round(ticket.priority(at), 2),
        )
        return data

    def ticket(self, conversation_id: str) -> Ticket:
        raw = self.store.field_get(_scope(conversation_id), "ticket")
        if raw is not None:
            return Ticket.from_json(json.loads(raw))
        # Handed off before the desk was wired (or by another path): a ticket from what is stored.
        conversation = self._get(conversation_id)
        history = self.store.messages(conversation_id)[-LAST_MESSAGES:]
        reason = conversation.handoff_reason or "requested"
        return Ticket(
            conversation_id=conversation_id,
            reason=reason,
            intent="",
            sentiment=0.0,
            summary=summarize(reason, [m.text for m in history if m.role == "shopper"]),
            last_messages=tuple((m.role, m.text[:500]) for m in history),
            opened_at=conversation.updated_at,
            channel=conversation.channel,
            locale=conversation.locale or "en",
        )

    def holder(self, conversation_id: str) -> str:
        return self.store.field_get(_scope(conversation_id), "agent") or ""

    def claim(self, conversation_id: str, agent: str) -> Conversation:
        """Atomic across replicas: the store's set-if-absent on the holder field picks exactly one winner.

        A conversation whose state and holder disagree (a shopper turn that read the conversation
        before a claim or release and saved it after) can be claimed again: by its holder, or by
        anyone when it has none, so it never gets stuck.
        """
        conversation = self._get(conversation_id)
        holder = self.holder(conversation_id)
        if conversation.state == "agent" and holder and holder != agent:
            raise Conflict(f"{holder} already claimed this conversation")
        if conversation.state not in ("waiting_for_agent", "agent"):
            raise Conflict(f"the conversation is not waiting for an agent (state {conversation.state})")
        if not self.store.field_set_if_absent(_scope(conversation_id), "agent", agent):
            holder = self.holder(conversation_id)
            if holder != agent:
                raise Conflict(f"{holder or 'another agent'} already claimed this conversation")
        conversation = self._set_state(self._get(conversation_id), "agent", agent=agent)
        self._record(Message(conversation_id, "system", self._say(conversation, "agent_joined", agent=agent)))
        return conversation

    def reply(self, conversation_id: str, agent: str, text: str) -> Message:
        self._require_holder(conversation_id, agent)
        # A plain "message" event with role agent: IM channels forward these like any reply.
        return self._record(Message(conversation_id, "agent", _text(text), author=agent))

    def note(self, conversation_id: str, agent: str, text: str) -> dict[str, JSON]:
        self._get(conversation_id)
        note: dict[str, JSON] = {"id": new_id("note_"), "agent": agent, "text": _text(text), "created_at": now()}
        self.store.field_set(f"notes:{conversation_id}", str(note["id"]), json.dumps(note, ensure_ascii=False))
        self.bus.publish(Event("note", AGENTS_CHANNEL, {"conversation_id": conversation_id, "note": note}))
        return note

    def notes(self, conversation_id: str) -> list[dict[str, JSON]]:
        notes = [json.loads(raw) for raw in self.store.fields(f"notes:{conversation_id}").values()]
        return sorted(notes, key=lambda n: float(n["created_at"]))

    def release(self, conversation_id: str, agent: str) -> Conversation:
        """Back to the bot, which resumes with the dialogue state it kept."""
        conversation = self._require_holder(conversation_id, agent)
        conversation = self._set_state(conversation, "bot", agent=agent)
        self.store.field_delete(_scope(conversation_id), "agent", expected=agent)
        self._record(Message(conversation_id, "system", self._say(conversation, "agent_released", agent=agent)))
        return conversation

    def close(self, conversation_id: str, agent: str) -> Conversation:
        """Closes a held (or still waiting) conversation and asks the shopper for a 1-5 rating."""
        conversation = self._get(conversation_id)
        if conversation.state == "agent":
            self._require_holder(conversation_id, agent)
        elif conversation.state != "waiting_for_agent":
            raise Conflict(f"only a waiting or held conversation can be closed (state {conversation.state})")
        conversation = self._set_state(conversation, "closed", agent=agent)
        self.store.field_delete(_scope(conversation_id), "agent")
        self.store.field_set(_scope(conversation_id), "csat_pending", "1")
        self._record(Message(conversation_id, "system", self._say(conversation, "csat_ask")))
        return conversation

    def csat(self, conversation_id: str) -> int | None:
        raw = self.store.field_get(_scope(conversation_id), "csat")
        return None if raw is None else int(json.loads(raw)["score"])

    # ----------------------------------------------------------------- internals

    def _new_ticket(
        self,
        conversation: Conversation,
        reason: str,
        intent: str = "",
        sentiment: float = 0.0,
        summary: str = "",
        kind: TicketKind = "handoff",
    ) -> Ticket:
        history = self.store.messages(conversation.id)[-LAST_MESSAGES:]
        shopper_lines = [m.text for m in history if m.role == "shopper"]
        return Ticket(
            conversation_id=conversation.id,
            reason=reason,
            intent=intent,
            sentiment=sentiment,
            summary=summarize(reason, shopper_lines, summary),
            last_messages=tuple((m.role, m.text[:500]) for m in history),
            opened_at=now(),
            channel=conversation.channel,
            locale=conversation.locale or "en",
            customer=conversation.customer.name or conversation.customer.customer_id if conversation.customer else "",
            kind=kind,
        )

    def _availability_notice(self, locale: str) -> str:
        """What the shopper is told when the conversation joins the queue. A turn wired to the desk hands off
        only when someone can answer (see nobody()); the closed and nobody-online notices are for a handoff
        opened otherwise, one that raced a sign-out, or a turn without the desk."""
        if not self.directory.accounts:
            return ""  # no human desk configured: the existing waiting state says enough
        waiting = len(self.store.list_ids("waiting_for_agent"))
        minutes = max(1, round(self.minutes_per_conversation * waiting))
        if self.hours is not None and not self.hours.is_open(now()):
            return say("wait_closed_hours", locale, hours=self.hours.text)
        if not self.directory.online():
            return say("wait_nobody", locale, minutes=max(minutes, 15))
        return say("wait_minutes", locale, minutes=minutes)

    def _require_holder(self, conversation_id: str, agent: str) -> Conversation:
        conversation = self._get(conversation_id)
        if conversation.state != "agent":
            raise Conflict(f"claim the conversation first (state {conversation.state})")
        if self.holder(conversation_id) != agent:
            raise Forbidden(f"{self.holder(conversation_id) or 'nobody'} holds this conversation, not {agent}")
        return conversation

    def _set_state(
        self, conversation: Conversation, state: ConversationState, agent: str = "", reason: str = ""
    ) -> Conversation:
        changed = replace(
            conversation, state=state, handoff_reason=reason or conversation.handoff_reason, updated_at=now()
        )
        self.store.save(changed)
        data: dict[str, JSON] = {"state": state}
        if agent:
            data["agent"] = agent
        self.bus.publish(Event("state", conversation.id, data))
        self._queue_changed(conversation.id)
        log.info("conversation %s -> %s %s", conversation.id, state, agent)
        return changed

    def _queue_changed(self, conversation_id: str) -> None:
        try:
            entry: JSON = self.entry(conversation_id)
        except NotFound:
            entry = None
        self.bus.publish(Event("queue", AGENTS_CHANNEL, {"conversation_id": conversation_id, "entry": entry}))

    def _record(self, message: Message) -> Message:
        return record(self.store, self.bus, message)

    def _get(self, conversation_id: str) -> Conversation:
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return conversation

    def _say(self, conversation: Conversation, key: str, **values: str) -> str:
        return say(key, conversation.locale, **values)


def open_desk(settings: Settings, store: ConversationStore, bus: EventBus) -> HandoffDesk:
    """The desk over the service's store (MemoryStore or RedisStore: both have the named fields)."""
    from bot.desk.staff import parse_accounts

    desk_store = cast(DeskStore, store)
    directory = AgentDirectory(desk_store, parse_accounts(settings.agents))
    hours = OpeningHours.parse(settings.agent_hours, settings.agent_timezone)
    return HandoffDesk(desk_store, bus, directory, hours, settings.agent_minutes_per_conversation)


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise BadInput("text must not be empty")
    if len(text) > 4000:
        raise BadInput("text is longer than 4000 characters")
    return text
