"""LlmEngine: a LangChain tool-calling agent over an OpenAI-compatible endpoint, falling back to the embedded engine."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from bot.agent.handoff_policy import FAILURES_KEY
from bot.agent.llm.prompt import data_block, history_messages, instructions, leaks_instructions, rescrub
from bot.agent.llm.scrub import TurnScrubber
from bot.agent.llm.stream import DeltaFn, DeltaStream
from bot.agent.llm.tools import ToolSession, langchain_tools
from bot.agent.replies import handoff_phrase, say
from bot.agent.tools import ToolContext, search_knowledge
from bot.agent.tools.confirm import Resolution, resolve
from bot.agent.tools.context import ProductSearch
from bot.ports import Engine, InventoryBackend, OrderActions, OrderBackend, Retriever, Scrubber
from bot.text import PLACEHOLDER
from bot.types import (
    Citation,
    Conversation,
    Customer,
    Decision,
    EngineName,
    Handoff,
    Language,
    Message,
    Passage,
    Reply,
    ToolCall,
    Understanding,
)

log = logging.getLogger(__name__)

_CITE = re.compile(r"\[(\d{1,2})\]")
#: A JSON object key ({"price": ...): a tool result pasted into the answer, never shown to a shopper.
_RAW_JSON = re.compile(r"[{\[,]\s*\"[A-Za-z_][A-Za-z0-9_]*\"\s*:")
#: A model's control token (<|endoftext|>, <|im_start|>): the model broke its format; never shown.
_CONTROL_TOKEN = re.compile(r"<\|[a-z_]{2,20}\|>")
#: Product cards one reply carries at most.
MAX_CARDS = 5
SNIPPET_CHARS = 240
_NOT_DONE = {
    "not_confirmed": "The change proposed earlier was NOT made: the shopper did not confirm it.",
    "expired": "The change proposed earlier was NOT made: the confirmation came too late.",
    "customer_changed": "The change proposed earlier was NOT made: the verified shopper changed.",
}


class UnusableAnswer(Exception):
    """The model answered, but with nothing a shopper can be given."""


@dataclass(frozen=True)
class LlmConfig:
    """How to reach the model and how long to wait for it."""

    base_url: str
    model: str
    api_key: SecretStr | None = None
    timeout_s: float = 20.0
    """Per request; a slower endpoint counts as failed and the fallback answers."""
    max_retries: int = 1
    max_steps: int = 6
    """Model calls per turn (each tool round is one); more means the model is looping."""
    passages: int = 4
    """Passages retrieved for the shopper's message and put in the context."""


class LlmEngine:
    """Decides a turn with a tool-calling model; the tool layer enforces identity and confirmation,
    and any model failure is answered by the fallback engine (or a human)."""

    name: EngineName = "llm"
    #: The model answers over HTTP: the turn lets another one use the CPU meanwhile.
    waits_on_network = True

    def __init__(
        self,
        config: LlmConfig,
        orders: OrderBackend,
        inventory: InventoryBackend,
        retriever: Retriever,
        *,
        actions: OrderActions | None = None,
        fallback: Engine | None = None,
        on_delta: DeltaFn | None = None,
        scrubber: Scrubber | None = None,
        catalogue: ProductSearch | None = None,
    ) -> None:
        """`scrubber` (the conversation's PiiScrubber) also scrubs the free text of tool results, passages
        and earlier bot replies, so no raw PII reaches the model; without it only personal fields are masked.
        `catalogue` is the service's long-lived catalogue index, read by the catalogue tools."""
        self.config = config
        self.scrubber = scrubber
        self.orders, self.inventory, self.retriever, self.actions = orders, inventory, retriever, actions
        self.catalogue = catalogue
        self.fallback = fallback
        self.on_delta = on_delta
        self.model = ChatOpenAI(
            base_url=config.base_url,
            # Local endpoints (vLLM, Ollama, llama.cpp) take any key; the client insists on one.
            api_key=config.api_key or SecretStr("not-needed"),
            model=config.model,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
            temperature=0,
        )

    def decide(
        self, conversation: Conversation, scrubbed_text: str, understanding: Understanding, history: Sequence[Message]
    ) -> Decision:
        lang = understanding.language
        memory = dict(conversation.memory)
        turn = TurnScrubber(self.scrubber, conversation.vault)
        ctx = ToolContext(
            orders=self.orders, inventory=self.inventory, retriever=self.retriever, customer=conversation.customer,
            vault=turn.vault, actions=self.actions, state=memory, conversation_id=conversation.id,
            catalogue=self.catalogue,
        )  # fmt: skip
        memory["last_intent"] = understanding.intent.label
        resolution = resolve(ctx, scrubbed_text)
        if resolution is not None and resolution.reason == "confirmed":
            return _resolved(ctx, resolution, lang)
        notes = [_NOT_DONE[resolution.reason]] if resolution is not None else []
        said = [rescrub(m.text, conversation.vault) for m in history if m.role == "shopper"]
        session = ToolSession(
            ctx=ctx,
            language=lang,
            scrubber=turn if turn.enabled else None,
            shopper_words="\n".join([*said, scrubbed_text]),
        )
        try:
            text = self._run(conversation, session, scrubbed_text, history, notes)
        except Exception as exc:  # timeout, HTTP error, garbage: the shopper still gets an answer
            log.warning("llm engine failed on %s (%s: %s); falling back", conversation.id, type(exc).__name__, exc)
            return self._fall_back(conversation, session, scrubbed_text, understanding, history)
        customer = session.verified
        memory[FAILURES_KEY] = "0"
        if session.statement:
            # A question asked on the way ("how long do I have to send it back?") keeps its answer before
            # the statement awaiting a yes.
            before = turn.restore_added(text.strip())
            answered = (Reply(before, _citations(text, session.passages)),) if before else ()
            decision = _decision(session.ctx, (*answered, Reply(session.statement)), customer=customer)
        else:
            # Values behind this turn's own placeholders (from tool results) go back in; the output
            # guard then judges the reply as if the model had written them.
            answer = turn.restore_added(text.strip())
            reply = Reply(answer, _citations(text, session.passages), products=tuple(session.products[:MAX_CARDS]))
            decision = _decision(session.ctx, (reply,), customer=customer)
        # The model's calls for a person: the turn's handoff policy hands off on them (model_transfer).
        return replace(decision, timings_ms=dict(session.timings), transfers=tuple(session.ctx.handoffs))

    def hand_off(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        handoff: Handoff,
        decided: Decision | None = None,
    ) -> Decision:
        """The handoff the turn's policy decided: before any model call (`decided` None), on the model's own
        transfer, on a model failure with no fallback, or on the fallback's answer (the fallback's own handoff)."""
        if decided is not None and decided.engine == "embedded" and self.fallback is not None:
            return self.fallback.hand_off(conversation, scrubbed_text, understanding, handoff, decided)
        lang = understanding.language
        if decided is None:
            memory = {**conversation.memory, "last_intent": understanding.intent.label}
            return _hand_off(memory, (), handoff, lang, verified=conversation.customer is not None)
        # As before this engine's handoff moved to the turn: a failed model's turn keeps no verification.
        customer = None if decided.failed is not None else decided.customer
        verified = (decided.customer or conversation.customer) is not None
        decision = _hand_off(dict(decided.memory), decided.tool_calls, handoff, lang, verified, customer)
        return replace(decision, timings_ms=decided.timings_ms)

    # ------------------------------------------------------------------ the tool loop

    def _run(
        self,
        conversation: Conversation,
        session: ToolSession,
        text: str,
        history: Sequence[Message],
        notes: list[str],
    ) -> str:
        query = PLACEHOLDER.sub(" ", text).strip()
        with session.timings.stage("retrieval"):
            found = search_knowledge(session.ctx, query, None, k=self.config.passages) if query else []
        session.passages.extend(p for p in found if p.kind != "order")
        scrub = session.scrubber.texts if session.scrubber is not None else None
        earlier = history_messages(history, conversation.vault)
        if scrub is not None:
            # Stored bot replies carry restored values (an address a tool returned): scrubbed again.
            earlier = [_with_text(m, t) for m, t in zip(earlier, scrub([_content(m) for m in earlier]))]
        messages: list[BaseMessage] = [
            instructions(session.language, session.ctx.customer),
            data_block(session.passages, notes, scrub),
            *earlier,
            HumanMessage(text),
        ]
        tools = langchain_tools(session)
        by_name = {t.name: t for t in tools}
        model: Runnable[list[BaseMessage], AIMessage] = self.model.bind_tools(tools)
        said = ""  # what the model wrote beside its calls (an answer to a question asked on the way)
        for _ in range(self.config.max_steps):
            with session.timings.stage("llm"):  # a failed call counts its time too
                ai = self._call(model, messages, conversation.id, session)
            messages.append(ai)
            if not ai.tool_calls and not ai.invalid_tool_calls:
                answer = _content(ai)
                if not answer.strip():
                    raise UnusableAnswer("empty answer")
                if leaks_instructions(answer):
                    raise UnusableAnswer("the answer quotes the system instructions")
                if raw_data(answer):
                    raise UnusableAnswer("the answer pastes raw tool data")
                return answer
            beside = _content(ai).strip()
            if beside and not leaks_instructions(beside) and not raw_data(beside):
                said = beside
            for bad in ai.invalid_tool_calls:
                messages.append(
                    ToolMessage(
                        f"Error: the arguments of {bad.get('name')} are not a valid JSON object; call it again",
                        tool_call_id=bad.get("id") or "invalid",
                    )
                )
            for call in ai.tool_calls:
                tool = by_name.get(call["name"])
                if tool is None:
                    result = f"Error: Tool '{call['name']}' not found."
                    session.ctx.record(call["name"], call["args"], False, result)
                else:
                    try:
                        result = str(tool.invoke(call["args"]))
                    except Exception as exc:  # a tool's bug is the model's tool error, not a failed turn
                        log.exception("tool %s failed", call["name"])
                        result = f"Error: {call['name']} failed ({type(exc).__name__})"
                messages.append(ToolMessage(result, tool_call_id=call.get("id") or call["name"]))
            if session.ctx.handoffs:
                return ""  # the turn ends with the handoff
            if session.statement:
                return said  # the turn ends with the confirmation statement, after the model's own words
        raise UnusableAnswer(f"no answer after {self.config.max_steps} model calls")

    def _call(
        self, model: Runnable[list[BaseMessage], AIMessage], messages: list[BaseMessage], cid: str, s: ToolSession
    ) -> AIMessage:
        # Always streamed, also with nobody watching: the streamed form tolerates tool arguments that
        # are not a JSON object (an invalid call the model is told about), where the whole-reply form
        # fails to parse the reply at all.
        emit = self.on_delta or _discard
        stream = DeltaStream(cid, emit, s.ctx.vault, s.ctx.calls, stop=_unfit)
        merged: AIMessageChunk | None = None
        for chunk in model.stream(messages):
            if not isinstance(chunk, AIMessageChunk):
                continue
            merged = chunk if merged is None else merged + chunk
            piece = _content(chunk)
            if piece:
                stream.feed(piece)
        if merged is None:
            raise UnusableAnswer("empty stream")
        if not merged.tool_calls and not merged.invalid_tool_calls:
            stream.flush()
        return AIMessage(
            content=merged.content,
            tool_calls=merged.tool_calls,
            invalid_tool_calls=merged.invalid_tool_calls,
            id=merged.id,
        )

    def _fall_back(
        self,
        conversation: Conversation,
        session: ToolSession,
        text: str,
        understanding: Understanding,
        history: Sequence[Message],
    ) -> Decision:
        lang, ctx = understanding.language, session.ctx
        if self.fallback is None:
            # Nothing to answer with: the turn's handoff policy hands off (engine_error).
            return Decision(
                replies=(Reply(say("engine_failed", lang)),),
                tool_calls=tuple(ctx.calls),
                memory=ctx.state,
                customer=session.verified,
                failed="The language model failed.",
            )
        # What the failed attempt already settled (a dropped proposal, a verified shopper) stands.
        ctx.state.pop("pending_action", None)
        start = replace(conversation, memory=dict(ctx.state), customer=session.verified or conversation.customer)
        decision = self.fallback.decide(start, text, understanding, history)
        return replace(
            decision,
            tool_calls=(*ctx.calls, *decision.tool_calls),
            customer=decision.customer or session.verified,
            engine="embedded",  # the trace names the engine whose words the shopper reads
            timings_ms={**session.timings, **decision.timings_ms},
        )


def raw_data(text: str) -> bool:
    """True when the answer carries a JSON object (a tool result pasted in) or a model control token: the
    shopper reads words, not data."""
    return _RAW_JSON.search(text) is not None or _CONTROL_TOKEN.search(text) is not None


def _unfit(text: str) -> bool:
    """What stops a reply's stream: the instructions quoted, or raw tool data."""
    return leaks_instructions(text) or raw_data(text)


def _discard(conversation_id: str, text: str) -> None:
    return None


def _with_text(message: BaseMessage, text: str) -> BaseMessage:
    return HumanMessage(text) if isinstance(message, HumanMessage) else AIMessage(text)


def _content(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)


def _citations(text: str, passages: Sequence[Passage]) -> tuple[Citation, ...]:
    """The passages the answer cites as [n], in order of first mention."""
    picked: list[Citation] = []
    seen: set[int] = set()
    for m in _CITE.finditer(text):
        n = int(m.group(1))
        if 1 <= n <= len(passages) and n not in seen:
            seen.add(n)
            picked.append(passages[n - 1].citation(SNIPPET_CHARS))
    return tuple(picked)


def _decision(ctx: ToolContext, replies: tuple[Reply, ...], customer: Customer | None = None) -> Decision:
    return Decision(replies=replies, tool_calls=tuple(ctx.calls), memory=ctx.state, customer=customer)


def _hand_off(
    memory: dict[str, str],
    tool_calls: tuple[ToolCall, ...],
    handoff: Handoff,
    lang: Language,
    verified: bool,
    customer: Customer | None = None,
) -> Decision:
    details = [handoff.summary, f"Language: {lang}."]
    details.append("The shopper is verified." if verified else "The shopper is not verified.")
    memory.pop(FAILURES_KEY, None)
    return Decision(
        replies=(Reply(_handoff_text(handoff.reason, lang)),),
        tool_calls=tool_calls,
        handoff=replace(handoff, summary=" ".join(d for d in details if d)),
        memory=memory,
        customer=customer,
    )


def _handoff_text(reason: str, lang: Language) -> str:
    """A failed model says so; the model's own transfer reads as the shopper's request for a person."""
    if reason == "engine_error":
        return say("engine_failed", lang)
    return handoff_phrase("requested" if reason == "model_transfer" else reason, lang)


def _resolved(ctx: ToolContext, resolution: Resolution, lang: Language) -> Decision:
    """The shopper's yes ran the pending write: say plainly whether the shop made it."""
    call = resolution.call
    ok = bool(call and call.ok)
    detail = "" if ok or call is None else str(call.result)
    if ok and call is not None and isinstance(call.result, Mapping):
        status = call.result.get("status")
        detail = say("confirmed_status", lang, status=status) if status else ""
    text = say("confirmed_done" if ok else "confirmed_failed", lang, detail=detail).strip()
    ctx.state[FAILURES_KEY] = "0"
    return _decision(ctx, (Reply(text),))
