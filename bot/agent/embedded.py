"""The embedded engine: intent-driven dialogue flows with slot filling, tools and retrieved answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field, replace

from bot.agent import catalogue, policy
from bot.agent.catalogue import CatalogueIndex
from bot.agent.flows import WRITE_FLOWS, WriteFlow, writes
from bot.agent.flows.detect import action_of, is_no, is_policy_question, is_request
from bot.agent.flows.outcome import describe_result
from bot.agent.flows.state import ASKED, FLOW, FLOW_KEYS, OFFER, ORDER_ID, PROPOSED, Turn
from bot.agent.flows.status import follows_up, order_status
from bot.agent.handoff_policy import forget, remember_turn
from bot.agent.replies import FLOW_WORDS, handoff_phrase
from bot.agent.tools import ToolContext
from bot.agent.tools.confirm import PENDING_KEY, is_explicit_yes, resolve
from bot.ports import InventoryBackend, OrderActions, OrderBackend, Retriever
from bot.text import PLACEHOLDER
from bot.timing import Timings
from bot.types import (
    Conversation,
    Decision,
    EngineName,
    Handoff,
    Message,
    Reply,
    Understanding,
)

_SMALL_TALK = ("greeting", "thanks", "goodbye")


@dataclass(eq=False)
class EmbeddedEngine:
    """The default engine (no API key): order status and the write flows with in-chat verification
    and confirmation, policy answers with citations, products, small talk, handoff to a human,
    in the shopper's language."""

    orders: OrderBackend
    inventory: InventoryBackend
    retriever: Retriever
    _: KW_ONLY
    actions: OrderActions | None = None
    """The shop's write actions; None makes every write flow answer that the shop does not allow it."""
    max_listed_orders: int = 5
    catalogue: CatalogueIndex | None = None
    """The service's catalogue index (built once, shared with the LLM engine); None builds one on the inventory."""
    name: EngineName = field(default="embedded", init=False)
    waits_on_network = False

    _index: CatalogueIndex = field(init=False)

    def __post_init__(self) -> None:
        self._index = self.catalogue or CatalogueIndex(self.inventory)

    def decide(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        history: Sequence[Message],
    ) -> Decision:
        memory = dict(conversation.memory)
        turn = self._turn(conversation, scrubbed_text, understanding, memory)
        with turn.timings.rest("composition"):  # what the tools and the search did not take
            self._route(turn)
            # The counters the turn's handoff policy judges after this message (Decision.counted).
            remember_turn(understanding, memory, understood=turn.consumed)
            memory["last_intent"] = understanding.intent.label
        return Decision(
            replies=tuple(turn.replies),
            tool_calls=tuple(turn.ctx.calls),
            memory=memory,
            customer=turn.customer,
            engine="embedded",
            timings_ms=dict(turn.timings),
            counted=True,
        )

    def hand_off(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        handoff: Handoff,
        decided: Decision | None = None,
    ) -> Decision:
        """The handoff the turn's policy decided, before routing (`decided` None: no flow or pending write ran
        on the message) or after it, on this engine's own decision (`decided`)."""
        memory = dict(decided.memory if decided is not None else conversation.memory)
        turn = self._turn(conversation, scrubbed_text, understanding, memory)
        if decided is not None:
            turn.customer = decided.customer
            turn.timings = Timings(decided.timings_ms)
        with turn.timings.stage("composition"):
            self._hand_off(turn, handoff)
            memory["last_intent"] = understanding.intent.label
        return Decision(
            replies=tuple(turn.replies),
            tool_calls=decided.tool_calls if decided is not None else (),
            handoff=turn.handoff,
            memory=memory,
            customer=turn.customer,
            engine="embedded",
            timings_ms=dict(turn.timings),
        )

    def _turn(
        self, conversation: Conversation, scrubbed_text: str, understanding: Understanding, memory: dict[str, str]
    ) -> Turn:
        ctx = ToolContext(
            orders=self.orders, inventory=self.inventory, retriever=self.retriever, customer=conversation.customer,
            vault=conversation.vault, actions=self.actions, state=memory, conversation_id=conversation.id,
            catalogue=self._index,
        )  # fmt: skip
        raw = PLACEHOLDER.sub(lambda m: conversation.vault.get(m.group(0), m.group(0)), scrubbed_text)
        return Turn(ctx=ctx, u=understanding, text=scrubbed_text, raw=raw, memory=memory)

    # ------------------------------------------------------------------ routing

    def _route(self, turn: Turn) -> None:
        if PENDING_KEY in turn.memory and self._resolve(turn):
            return
        flow = turn.memory.get(FLOW, "")
        if flow in WRITE_FLOWS:
            self._in_flow(turn, WRITE_FLOWS[flow])
        else:
            self._fresh(turn)

    def _resolve(self, turn: Turn) -> bool:
        """A write awaited a yes: run it on one, else drop it. True when this message is fully handled."""
        with turn.stage("tools"):
            resolution = resolve(turn.ctx, turn.text)
        if resolution is None:
            return False
        turn.consumed = True
        if resolution.reason == "confirmed" and resolution.call is not None:
            if resolution.call.ok:
                turn.say_text(describe_result(turn.ctx, resolution.call, turn.lang))
                turn.succeeded()
            else:
                writes.refused(turn, resolution.call.result)
            turn.end_flow()
            return True
        if resolution.reason != "not_confirmed":
            turn.say("flow_not_done_expired")
            turn.end_flow()
            return True
        return False  # "no", a correction or another question: the flow (still in memory) takes it

    def _fresh(self, turn: Turn) -> None:
        """No write flow is open: start one, answer, or keep the order-status flow going."""
        u, memory = turn.u, turn.memory
        slots = u.slots
        action = action_of(turn.text, u)
        offered = memory.pop(OFFER, "")
        if offered and (is_explicit_yes(turn.text) or "order_id" in slots) and offered in WRITE_FLOWS:
            action = offered
        if action in WRITE_FLOWS and writes.answered(turn, WRITE_FLOWS[action]):
            return  # a question the flow answers without an order ("can I split the payment?")
        if (
            action
            and action in WRITE_FLOWS
            and (action == offered or is_request(turn.text, "order_id" in slots) or memory.get(FLOW) == "order_status")
        ):
            memory.pop(FLOW, None)
            writes.run(turn, WRITE_FLOWS[action])
            return
        label = u.intent.label
        in_order_flow = memory.get(FLOW) == "order_status"
        gives_order_details = bool(slots.get("order_id") or slots.get("email"))
        if (
            (label == "order_status" and not _asks_the_rules(turn))
            or follows_up(turn)
            or (gives_order_details and (label in ("inform", "out_of_scope") or in_order_flow))
        ):
            order_status(turn, self.max_listed_orders)
        elif in_order_flow and label in ("inform", "out_of_scope") and not turn.verified:
            # The shopper answered our question without what we asked for: ask again.
            turn.failed()
            turn.say(
                "ask_order_and_email" if not memory.get(ORDER_ID) else "ask_email", order_id=memory.get(ORDER_ID, "")
            )
        elif label in _SMALL_TALK:
            turn.say(label)
        else:
            memory.pop(FLOW, None)
            self._knowledge(turn)
            if (
                action
                and action in WRITE_FLOWS
                and turn.memory.get("failures") == "0"
                and not is_policy_question(turn.text)
            ):
                # A question about the rules of a write: answer it, and offer to do it.
                turn.say("flow_offer", what=FLOW_WORDS[action][turn.lang].action)
                memory[OFFER] = action

    def _in_flow(self, turn: Turn, flow: WriteFlow) -> None:
        """A write flow is open: this message answers it, corrects it, switches to another request,
        or is a detour (a question) after which the flow's open question is asked again."""
        memory = turn.memory
        # Only the shopper's own words switch flows (the intent model's fine label is a guess).
        action = action_of(turn.text)
        if (
            action
            and action != flow.name
            and action in WRITE_FLOWS
            and is_request(turn.text, "order_id" in turn.u.slots)
        ):
            if not is_policy_question(turn.text):
                turn.end_flow()
                writes.run(turn, WRITE_FLOWS[action])
                return
        if self._try_step(turn, flow):
            return
        if is_no(turn.text):
            turn.say("flow_not_done")
            turn.end_flow()
            turn.consumed = True
            turn.succeeded()
            return
        label = turn.u.intent.label
        if label == "goodbye":
            turn.end_flow()
            turn.say(label)
            return
        # A detour: answer it with the flow put aside, then ask the flow's question again.
        kept = {k: memory.pop(k) for k in FLOW_KEYS if k in memory}
        if label in _SMALL_TALK:
            turn.say(label)
        elif (label == "order_status" and not _asks_the_rules(turn)) or follows_up(turn):
            order_status(turn, self.max_listed_orders)
        else:
            self._knowledge(turn)
        if memory.get(FLOW):
            return  # the detour opened a flow of its own (it asked which order): that one goes on
        memory.update(kept)
        if not turn.replies:
            turn.say("flow_didnt_get")
        turn.say("flow_back_to")
        if memory.get(PROPOSED) and not memory.get(PENDING_KEY):
            writes.offer_again(turn)
        elif not turn.ask_again():
            writes.run(turn, flow)

    def _try_step(self, turn: Turn, flow: WriteFlow) -> bool:
        """Run the flow on this message; undo it and return False when the message did not move it on
        (the same question asked again, the same statement proposed again)."""
        memory_before = dict(turn.memory)
        replies_before, calls_before = list(turn.replies), len(turn.ctx.calls)
        failures_before = turn.memory.get("failures")
        asked_before = turn.memory.get(ASKED, "")
        proposed_before = turn.memory.get(PROPOSED, "")
        writes.run(turn, flow)
        if turn.customer is not None or turn.memory.get(FLOW) != flow.name:
            return True  # verified now, or the flow ended (done, refused, not possible)
        moved = turn.memory.get(ASKED, "") != asked_before or turn.memory.get(PROPOSED, "") != proposed_before
        said_more = len(turn.replies) - len(replies_before) > 1  # e.g. "that one is out of stock" + the question
        if moved or said_more or turn.memory.get("failures") != failures_before:
            return True
        if _asked_key(asked_before) == writes.PROPOSAL and turn.memory.get(PENDING_KEY):
            # The same statement again: fine when the shopper only repeated their request.
            if action_of(turn.text, turn.u) == flow.name and not is_policy_question(turn.text) and not is_no(turn.text):
                return True
        turn.memory.clear()
        turn.memory.update(memory_before)
        turn.replies[:] = replies_before
        del turn.ctx.calls[calls_before:]
        turn.consumed = False
        return False

    def _hand_off(self, turn: Turn, handoff: Handoff) -> None:
        turn.handoff = replace(handoff, summary=_summary(turn, handoff))
        turn.replies = [Reply(handoff_phrase(handoff.reason, turn.lang))]
        # A human takes over; when the conversation comes back to the bot it starts afresh.
        turn.end_flow()
        for key in ("email", PENDING_KEY, OFFER):
            turn.memory.pop(key, None)
        forget(turn.memory)

    # ------------------------------------------------------------------ knowledge

    def _knowledge(self, turn: Turn) -> None:
        """A question: the catalogue answers what is about products, the shop's pages the rest."""
        if not catalogue.answer(turn, self._index):
            policy.answer(turn)


def _asks_the_rules(turn: Turn) -> bool:
    """A question about how orders work ("how long does an order stay pending?") with no order named or in
    focus: the intent model calls it order_status, the shop's pages answer it."""
    return is_policy_question(turn.text) and not turn.u.slots.get("order_id") and not turn.focus()


def _asked_key(raw: str) -> str:
    return str(json.loads(raw).get("key", "")) if raw else ""


def _summary(turn: Turn, handoff: Handoff) -> str:
    """What the agent needs at a glance: why, what the shopper wants, which order, verified or not."""
    u = turn.u
    memory = turn.memory
    flow = memory.get(FLOW, "")
    wants = FLOW_WORDS[flow]["en"].action if flow in WRITE_FLOWS else u.intent.fine or u.intent.label
    order = memory.get("flow_order") or memory.get(ORDER_ID) or u.slots.get("order_id", "")
    customer = turn.verified
    parts = [
        handoff.summary,
        f"Intent: {u.intent.label}" + (f"/{u.intent.fine}" if u.intent.fine else "") + f" ({u.intent.confidence:.2f}).",
        f"Sentiment: {u.sentiment.label} ({u.sentiment.score:+.2f}, frustration {u.sentiment.frustration:.2f}).",
        f"Wants: {wants}.",
        f"Order mentioned: {order}." if order else "No order mentioned.",
        f"Verified as {customer.customer_id} ({customer.verified_by})." if customer else "Not verified.",
        f"Language: {turn.lang}.",
    ]
    if memory.get(PROPOSED):
        parts.append("A change was proposed but not confirmed.")
    return " ".join(p for p in parts if p)
