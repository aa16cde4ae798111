"""The seams between the engine and everything it talks to, as Protocols."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from bot.types import (
    Address,
    Conversation,
    Decision,
    DocKind,
    EngineName,
    Event,
    Handoff,
    Handshake,
    Inbound,
    Language,
    Message,
    Order,
    Outgoing,
    Passage,
    Product,
    ShopUser,
    Understanding,
    WebhookRequest,
)


class Retriever(Protocol):
    """Finds passages of the shop's knowledge for a query."""

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        kind: DocKind | None = None,
        language: Language | None = None,
        customer_id: str | None = None,
    ) -> list[Passage]:
        """Best passages first. Order passages are returned only when customer_id is given,
        and then only that customer's."""
        ...


class IngestReport(Protocol):
    """What one ingestion did, counted in documents."""

    @property
    def failed(self) -> Sequence[tuple[str, str]]:
        """(source or file name, reason) of every document that could not be loaded or stored."""
        ...

    def counts(self) -> dict[str, int]:
        """added, updated, unchanged, removed, failed."""
        ...


@runtime_checkable
class KnowledgeAdmin(Protocol):
    """The shop's knowledge as the admin routes manage it: ingest files and folders (incremental by content hash),
    count what is stored, and know the policies folder a re-index follows."""

    @property
    def policies_dir(self) -> Path:
        """The policies folder the index follows (SHOPKEEPER_KNOWLEDGE_DIR, else the bundled demo policies)."""
        ...

    @property
    def model_name(self) -> str:
        """The embedding model of the stored vectors."""
        ...

    @property
    def relevance_thresholds(self) -> Mapping[Language, float]:
        """Per-language relevance under which the best passage is not evidence."""
        ...

    def check_mapping(self, mapping: str | Mapping[str, str]) -> None:
        """bot.errors.BadInput when a catalogue field mapping is malformed or names an unknown field."""
        ...

    def ingest_paths(
        self, paths: Iterable[Path | str], kind: DocKind = "policy", *, mapping: str | Mapping[str, str] | None = None
    ) -> IngestReport:
        """Ingest files and folders; a folder is owned whole (its vanished files are removed). Catalogue files
        (csv, json, jsonl) are read through `mapping`: "field=column" pairs ("id=sku,title=name") or a dict."""
        ...

    def count(self) -> int:
        """Chunks stored, all kinds."""
        ...


class OrderBackend(Protocol):
    """Read access to the shop's customers and orders (write actions arrive with the tools issue)."""

    def get_user(self, user_id: str) -> ShopUser | None: ...

    def find_user_by_email(self, email: str) -> str | None: ...

    def find_user_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> str | None: ...

    def get_order(self, order_id: str) -> Order | None: ...

    def list_orders(self, user_id: str) -> list[Order]: ...


class InventoryBackend(Protocol):
    """Read access to the catalogue and stock."""

    def get_product(self, product_id: str) -> Product | None: ...

    def list_products(self) -> list[Product]: ...

    def find_variant(self, item_id: str) -> tuple[Product, str] | None:
        """The product holding variant item_id, and the item id, or None."""
        ...


class OrderActions(Protocol):
    """Write actions on orders and customers, with tau2-bench retail semantics (docs/tools.md).

    Every method checks everything before it changes anything and raises
    bot.errors.ActionRefused with the shop's sentence when it refuses. With preview=True it
    returns what the record would look like and changes nothing, so the bot can state exactly
    what will happen before the shopper confirms. Ownership is the caller's job (the tools).
    """

    def cancel_pending_order(self, order_id: str, reason: str, *, preview: bool = False) -> Order: ...

    def modify_pending_order_address(self, order_id: str, address: Address, *, preview: bool = False) -> Order: ...

    def modify_pending_order_payment(
        self, order_id: str, payment_method_id: str, *, preview: bool = False
    ) -> Order: ...

    def modify_pending_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order: ...

    def modify_user_address(self, user_id: str, address: Address, *, preview: bool = False) -> ShopUser: ...

    def return_delivered_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, preview: bool = False
    ) -> Order: ...

    def exchange_delivered_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        *,
        preview: bool = False,
    ) -> Order: ...


class ConversationStore(Protocol):
    """Durable conversation state and transcripts. In-process by default, Redis at scale."""

    def create(self, conversation: Conversation) -> None: ...

    def get(self, conversation_id: str) -> Conversation | None: ...

    def save(self, conversation: Conversation) -> None:
        """Replace the stored state of an existing conversation."""
        ...

    def append(self, message: Message) -> Message:
        """Store a message; returns it with its transcript position (seq) assigned."""
        ...

    def messages(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        """Transcript in order, messages with seq > after_seq."""
        ...

    def list_ids(self, state: str | None = None) -> list[str]:
        """Conversation ids, optionally only those in one state."""
        ...


class EventBus(Protocol):
    """Fan-out of conversation events to every watcher, across replicas when backed by Redis."""

    def publish(self, event: Event) -> None:
        """Safe to call from any thread."""
        ...

    def subscribe(self, conversation_id: str) -> AsyncIterator[Event]:
        """Events of one conversation ("*" for all) from now on, until the consumer stops."""
        ...


class Scrubber(Protocol):
    """Personal data in a text <-> placeholders such as "<EMAIL_1>" (bot.privacy.scrubber.PiiScrubber)."""

    def scrub(self, text: str, vault: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """The text with placeholders, and the vault with the placeholders it added."""
        ...

    def restore(self, text: str, vault: Mapping[str, str]) -> str: ...


class Engine(Protocol):
    """Decides one turn from the scrubbed text and what nlu understood, and composes the handoffs the turn's
    handoff policy decides (bot/agent/turn.py, decide_turn): the engine reports, the turn decides."""

    @property
    def name(self) -> EngineName:
        """The engine whose replies the trace names (a decision may say otherwise: Decision.engine)."""
        ...

    @property
    def waits_on_network(self) -> bool:
        """True when deciding mostly waits on a remote model: the turn gives its CPU slot up meanwhile."""
        ...

    def decide(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        history: Sequence[Message],
    ) -> Decision:
        """The answer to the message; what the handoff policy reads after it is in Decision.counted,
        transfers and failed."""
        ...

    def hand_off(
        self,
        conversation: Conversation,
        scrubbed_text: str,
        understanding: Understanding,
        handoff: Handoff,
        decided: Decision | None = None,
    ) -> Decision:
        """The turn's decision when the policy hands off: the shopper told in their language, the summary for
        the agent, the dialogue state left for when the bot gets the conversation back. `decided`: the
        engine's own decision for this message when the policy judged after it; None when before it."""
        ...


class Channel(Protocol):
    """An IM platform as the webhook flow drives it: verify first, then handshake or parse; send replies.

    connectors.channels.base.WebhookChannel is the base class every platform module implements."""

    @property
    def name(self) -> str:
        """The platform, as in /v1/webhooks/{name}."""
        ...

    @property
    def ack_body(self) -> str:
        """What the platform gets back once a delivery is accepted (answered before processing)."""
        ...

    def verify(self, request: WebhookRequest, now: float) -> bool:
        """True only for a request that provably comes from the platform (and is fresh where signed)."""
        ...

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        """The URL-verification answer when this (verified) request is one; None otherwise."""
        ...

    def parse(self, request: WebhookRequest) -> list[Inbound]:
        """Shopper messages of a verified delivery; [] for ignored events; bot.errors.BadPayload if malformed."""
        ...

    async def send(self, out: Outgoing) -> None:
        """Deliver one reply; raises bot.errors.DeliveryError when the platform refuses it."""
        ...


@runtime_checkable
class Pulls(Protocol):
    """A channel whose callback only announces messages (WeCom customer service): they are fetched after the ack."""

    async def pull(self, notice: Inbound) -> list[Inbound]:
        """The messages the notice announces (the notice itself when it carries one)."""
        ...


NobodyReason = Literal["no_agents", "closed", "nobody_online"]
"""Why no person can take a handoff now: no agent accounts are configured, it is outside the agents'
working hours, or no agent is signed in to the console."""


@dataclass(frozen=True)
class Nobody:
    """No person can answer now, and why (the shopper is told, and offered to leave a message instead)."""

    reason: NobodyReason
    hours: str = ""
    """The agents' working hours as configured (reason "closed"), e.g. "mon-fri 09:00-18:00 (UTC)"."""


class DeskAvailability(Protocol):
    """The human desk as a turn sees it (bot.desk.handoff.HandoffDesk): whether a handoff would reach a
    person now, and where a shopper's message goes when none can answer."""

    def nobody(self, at: float) -> Nobody | None:
        """Why no person can take a handoff at `at` (Unix seconds); None when one can."""
        ...

    def take_message(self, conversation_id: str, reply_to: str, text: str, reason: str) -> None:
        """Store the shopper's message as a ticket agents see in the console: answer `text` by email to
        `reply_to` (real values, not placeholders). `reason`: the handoff that found nobody."""
        ...


# The LLM engine talks to its endpoint through LangChain (bot/agent/llm/), so it needs no port here.
