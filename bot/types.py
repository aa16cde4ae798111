"""Domain values shared by every package: frozen dataclasses, no behaviour beyond conversions."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "zh"]
ConversationState = Literal["bot", "waiting_for_agent", "agent", "closed"]
Role = Literal["shopper", "bot", "agent", "system"]
SentimentLabel = Literal["negative", "neutral", "positive"]
EngineName = Literal["embedded", "llm"]
DocKind = Literal["policy", "product", "order"]
EventType = Literal["message", "delta", "typing", "state", "queue", "note"]
"""queue and note events go to agents only (bot.desk.handoff.AGENTS_CHANNEL), never to a shopper."""

#: A JSON value: what crosses a seam when a structure is unavoidable (tool results, trace data).
JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]


def new_id(prefix: str = "") -> str:
    """A random, URL-safe identifier."""
    return prefix + uuid.uuid4().hex


def token_hash(token: str) -> str:
    """How a bearer token is stored and compared (hex SHA-256): the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> float:
    """Wall-clock seconds since the epoch; one place so tests can reason about it."""
    return time.time()


# --------------------------------------------------------------------------- conversation


@dataclass(frozen=True)
class Citation:
    """Where a sentence of a reply came from."""

    source: str
    """Stable id of the source document (a file path relative to the knowledge root, or product:ID)."""
    title: str
    """Human-readable title of the document."""
    snippet: str
    """The passage text (or its start) that supports the reply."""


@dataclass(frozen=True)
class Message:
    """One message in a conversation's transcript, as stored and shown to its participants."""

    conversation_id: str
    role: Role
    text: str
    """For shopper messages this is the raw text; it is only shown back to the shopper and agents."""
    seq: int = 0
    """Position in the transcript (1-based), assigned by the store on append."""
    id: str = field(default_factory=lambda: new_id("msg_"))
    created_at: float = field(default_factory=now)
    citations: tuple[Citation, ...] = ()
    author: str = ""
    """Who wrote it when role is agent (the agent's name); empty otherwise."""
    products: tuple[ProductCard, ...] = ()
    """Products a bot reply shows as cards (see `ProductCard`)."""


@dataclass(frozen=True)
class Customer:
    """A verified shop customer bound to a conversation. Never chosen by a model."""

    customer_id: str
    name: str = ""
    email: str = ""
    verified_by: Literal["signed_identity", "order_and_email", "order_and_zip", "email", "name_zip"] = "order_and_email"


@dataclass(frozen=True)
class Conversation:
    """A conversation's durable state (transcript lives separately, in the store)."""

    id: str
    channel: str = "web"
    locale: Language | None = None
    state: ConversationState = "bot"
    customer: Customer | None = None
    token_hash: str = ""
    """sha256 of the shopper's bearer token; the token itself is never stored."""
    created_at: float = field(default_factory=now)
    updated_at: float = field(default_factory=now)
    memory: Mapping[str, str] = field(default_factory=dict)
    """Dialogue state of the engine (active flow, filled slots), string values only."""
    vault: Mapping[str, str] = field(default_factory=dict)
    """PII placeholders of this conversation -> raw values (e.g. "<EMAIL_1>" -> "a@b.com")."""
    handoff_reason: str = ""


@dataclass(frozen=True)
class Intent:
    label: str
    confidence: float
    fine: str = ""
    """The fine-grained label (cancel_order, return_refund ...) when a model gave one; label is coarse."""


@dataclass(frozen=True)
class Sentiment:
    label: SentimentLabel
    score: float
    """Signed strength in [-1, 1]; negative means unhappy."""
    frustration: float = 0.0
    """How exasperated this one message reads, in [0, 1] (repeats, "still", "again", 还没, 到底, shouting).
    Rising frustration across turns is judged by the handoff policy from the values it keeps in memory."""


@dataclass(frozen=True)
class Understanding:
    """What nlu made of one scrubbed message."""

    language: Language
    intent: Intent
    sentiment: Sentiment
    slots: Mapping[str, str] = field(default_factory=dict)
    """Extracted values: order_id, email (a placeholder), zip, product ..."""


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: Mapping[str, JSON]
    ok: bool
    result: JSON
    """The tool's output (JSON-ready) or, when ok is False, an error message."""


@dataclass(frozen=True)
class ProductCard:
    """A product a reply recommends or describes, as data the widget can render as a card."""

    product_id: str
    name: str
    price: float
    variant: str = ""
    """The variant's item id when the reply is about one variant; "" for the product as a whole."""
    options: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""
    """Why it is shown, in the shopper's language, from the product's own data (never invented)."""
    url: str = ""
    image: str = ""
    available: bool = True


@dataclass(frozen=True)
class Reply:
    text: str
    citations: tuple[Citation, ...] = ()
    products: tuple[ProductCard, ...] = ()


@dataclass(frozen=True)
class Handoff:
    reason: str
    """A short machine-readable reason: requested, negative_sentiment, sensitive, repeated_failure ..."""
    summary: str = ""


@dataclass(frozen=True)
class Decision:
    """What an engine decided for one turn, before output guards and PII restoration."""

    replies: tuple[Reply, ...]
    tool_calls: tuple[ToolCall, ...] = ()
    handoff: Handoff | None = None
    memory: Mapping[str, str] = field(default_factory=dict)
    """The engine's dialogue state after this turn."""
    customer: Customer | None = None
    """Set when this turn verified the shopper."""
    engine: EngineName | None = None
    """The engine that actually produced the replies (the LLM engine sets "embedded" when it fell back);
    None means the engine the TurnHandler called."""
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    """Time spent inside decide() per stage (retrieval, tools, composition ...), merged into the trace."""
    # What the turn's handoff policy reads after the engine (bot/agent/handoff_policy.py, outcome()):
    # the engine reports, the turn decides.
    counted: bool = False
    """The engine kept its failure and low-confidence counters in `memory` for this message: judge them."""
    transfers: tuple[str, ...] = ()
    """The summaries of the model's calls for a person this turn (transfer_to_human_agents)."""
    failed: str | None = None
    """Set when the engine failed with nothing to answer (its model failed, no fallback): why, for the agent."""


@dataclass(frozen=True)
class Trace:
    """Everything worth knowing about one turn; contains scrubbed text only."""

    language: Language
    intent: Intent
    sentiment: Sentiment
    model_input: str
    tool_calls: tuple[ToolCall, ...]
    handoff: Handoff | None
    engine: EngineName
    timings_ms: Mapping[str, float]

    def to_json(self) -> dict[str, JSON]:
        return {
            "language": self.language,
            "intent": {
                "label": self.intent.label,
                "fine": self.intent.fine,
                "confidence": round(self.intent.confidence, 4),
            },
            "sentiment": {
                "label": self.sentiment.label,
                "score": round(self.sentiment.score, 4),
                "frustration": round(self.sentiment.frustration, 4),
            },
            "model_input": self.model_input,
            "tool_calls": [
                {"name": c.name, "arguments": dict(c.arguments), "ok": c.ok, "result": c.result}
                for c in self.tool_calls
            ],
            "handoff": {"reason": self.handoff.reason} if self.handoff else None,
            "engine": self.engine,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


@dataclass(frozen=True)
class TurnResult:
    replies: tuple[Reply, ...]
    state: ConversationState
    trace: Trace
    handed_off: Handoff | None = None
    """The handoff this turn applied: it moved the conversation to waiting_for_agent. None when it did not
    (no handoff, or an agent claimed the conversation meanwhile): the desk and the metrics read this."""


@dataclass(frozen=True)
class Event:
    """Something that happened in a conversation, fanned out to whoever watches it."""

    type: EventType
    conversation_id: str
    data: Mapping[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return {"type": self.type, "conversation_id": self.conversation_id, **dict(self.data)}


# --------------------------------------------------------------------------- IM channels
# The values that cross the channel seam (bot.ports.Channel): a webhook delivery in, shopper messages out of it,
# replies back to the platform.


@dataclass(frozen=True)
class WebhookRequest:
    """One webhook delivery exactly as it arrived: the raw bytes are what signatures cover."""

    method: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names in lower case."""
    query: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Handshake:
    """The answer to a platform's URL-verification request; nothing else happens for it."""

    body: str
    media_type: str = "text/plain"


@dataclass(frozen=True)
class Inbound:
    """One shopper message from a platform, before it has a conversation."""

    event_id: str
    """The platform's id of the message or event: retries carry the same one, so it deduplicates."""
    chat_id: str
    """Where replies go and what identifies the conversation (a chat, channel, phone or user id)."""
    user_id: str
    text: str
    """The text, or a readable stand-in for images, stickers, files and locations."""
    reply_token: str = ""
    """A short-lived token some platforms (LINE) prefer for the first reply."""


@dataclass(frozen=True)
class Outgoing:
    """One reply to send: text, optional quick-reply buttons (degraded to text where unsupported)."""

    recipient: str
    text: str
    buttons: tuple[str, ...] = ()
    reply_token: str = ""


# --------------------------------------------------------------------------- knowledge


@dataclass(frozen=True)
class Document:
    """A loaded source document before chunking."""

    source: str
    title: str
    text: str
    kind: DocKind = "policy"
    language: Language = "en"
    url: str = ""
    updated_at: str = ""
    customer_id: str = ""
    """Set for order documents only: who may retrieve them."""


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its score and metadata."""

    id: str
    text: str
    source: str
    title: str
    section: str = ""
    kind: DocKind = "policy"
    language: Language = "en"
    url: str = ""
    score: float = 0.0

    def citation(self, snippet_chars: int = 240) -> Citation:
        snippet = self.text if len(self.text) <= snippet_chars else self.text[:snippet_chars].rstrip() + "…"
        return Citation(source=self.source, title=self.title, snippet=snippet)


# --------------------------------------------------------------------------- commerce
# Field names follow the tau2-bench retail data model so its databases load without mapping, and each
# value's to_json() is its tau2 record, key order included: what the retail tools show and what the
# shop backends store and serve (connectors.commerce.records reads records back and adds the demo extras).


@dataclass(frozen=True)
class Address:
    address1: str
    address2: str
    city: str
    state: str
    country: str
    zip: str

    def to_json(self) -> dict[str, JSON]:
        return {
            "address1": self.address1,
            "address2": self.address2,
            "city": self.city,
            "country": self.country,
            "state": self.state,
            "zip": self.zip,
        }


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    source: Literal["credit_card", "paypal", "gift_card"]
    brand: str = ""
    last_four: str = ""
    balance: float | None = None
    """Gift cards only."""

    def to_json(self) -> dict[str, JSON]:
        rec: dict[str, JSON] = {"source": self.source, "id": self.id}
        if self.source == "credit_card":
            rec.update(brand=self.brand, last_four=self.last_four)
        elif self.source == "gift_card":
            rec["balance"] = self.balance
        return rec


@dataclass(frozen=True)
class ShopUser:
    user_id: str
    first_name: str
    last_name: str
    email: str
    address: Address
    payment_methods: tuple[PaymentMethod, ...] = ()
    order_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        return {
            "user_id": self.user_id,
            "name": {"first_name": self.first_name, "last_name": self.last_name},
            "address": self.address.to_json(),
            "email": self.email,
            "payment_methods": {pm.id: pm.to_json() for pm in self.payment_methods},
            "orders": list(self.order_ids),
        }


@dataclass(frozen=True)
class Variant:
    item_id: str
    options: Mapping[str, str]
    available: bool
    price: float
    stock: int | None = None
    """Units on hand when the backend tracks them; None when it only knows available or not."""

    def to_json(self) -> dict[str, JSON]:
        rec: dict[str, JSON] = {
            "item_id": self.item_id,
            "options": dict(self.options),
            "available": self.available,
            "price": self.price,
        }
        if self.stock is not None:
            rec["stock"] = self.stock
        return rec


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    variants: tuple[Variant, ...]
    name_zh: str = ""
    description: str = ""
    description_zh: str = ""
    category: str = ""

    def options_on_offer(self) -> dict[str, list[str]]:
        """Every option name and its values, in the order the variants first give them."""
        offered: dict[str, list[str]] = {}
        for variant in self.variants:
            for key, value in variant.options.items():
                if value not in offered.setdefault(key, []):
                    offered[key].append(value)
        return offered

    def to_json(self) -> dict[str, JSON]:
        """tau2's three keys; the Chinese and descriptive extras are left to the store's record."""
        return {
            "name": self.name,
            "product_id": self.product_id,
            "variants": {v.item_id: v.to_json() for v in self.variants},
        }


@dataclass(frozen=True)
class OrderItem:
    item_id: str
    product_id: str
    name: str
    price: float
    options: Mapping[str, str]


@dataclass(frozen=True)
class Fulfillment:
    tracking_ids: tuple[str, ...]
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class PaymentRecord:
    transaction_type: Literal["payment", "refund"]
    amount: float
    payment_method_id: str


OrderStatus = str
"""pending, processed, delivered, cancelled, return requested, exchange requested, pending (item modified)."""


@dataclass(frozen=True)
class Order:
    order_id: str
    user_id: str
    status: OrderStatus
    address: Address
    items: tuple[OrderItem, ...]
    fulfillments: tuple[Fulfillment, ...] = ()
    payment_history: tuple[PaymentRecord, ...] = ()
    created_at: str = ""
    """ISO date when the backend knows it (the demo data does; tau2 data does not)."""
    cancel_reason: str | None = None
    """Set by a cancellation: "no longer needed" or "ordered by mistake"."""
    exchange_items: tuple[str, ...] | None = None
    """Item ids the shopper sends back in a requested exchange (sorted)."""
    exchange_new_items: tuple[str, ...] | None = None
    """Item ids they receive instead (sorted on their own, so positions do not pair up)."""
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = None
    """Rounded to the cent; negative means money goes back to the shopper."""
    return_items: tuple[str, ...] | None = None
    """Item ids of a requested return (sorted, duplicates kept)."""
    return_payment_method_id: str | None = None

    def to_json(self) -> dict[str, JSON]:
        """All 14 tau2 order keys, the optional ones null when unset (plus created_at when known)."""
        rec: dict[str, JSON] = {
            "order_id": self.order_id,
            "user_id": self.user_id,
            "address": self.address.to_json(),
            "items": [
                {
                    "name": i.name,
                    "product_id": i.product_id,
                    "item_id": i.item_id,
                    "price": i.price,
                    "options": dict(i.options),
                }
                for i in self.items
            ],
            "status": self.status,
            "fulfillments": [
                {"tracking_id": list(f.tracking_ids), "item_ids": list(f.item_ids)} for f in self.fulfillments
            ],
            "payment_history": [
                {"transaction_type": p.transaction_type, "amount": p.amount, "payment_method_id": p.payment_method_id}
                for p in self.payment_history
            ],
            "cancel_reason": self.cancel_reason,
            "exchange_items": _ids(self.exchange_items),
            "exchange_new_items": _ids(self.exchange_new_items),
            "exchange_payment_method_id": self.exchange_payment_method_id,
            "exchange_price_difference": self.exchange_price_difference,
            "return_items": _ids(self.return_items),
            "return_payment_method_id": self.return_payment_method_id,
        }
        if self.created_at:
            rec["created_at"] = self.created_at
        return rec


def _ids(values: tuple[str, ...] | None) -> JSON:
    return None if values is None else list(values)
