"""The composition root: wires settings into a running Service (the one place bot/ meets knowledge/ and connectors/)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine import TurnHandler
from bot.errors import BadInput, Forbidden, NotFound, TooLarge, Unauthorized
from bot.handoff import HandoffDesk, open_desk
from bot.ports import (
    ConversationStore,
    EventBus,
    InventoryBackend,
    OrderBackend,
    Retriever,
)
from bot.settings import Settings
from bot.stage_timing import timed_proxy
from bot.turn_slots import TurnSlots
from bot.types import Conversation, Customer, Language, Message, TurnResult, new_id, now

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
"""Reports heavy work: (stage label, done, total)."""


def _no_progress(label: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class SignedIdentity:
    """A customer id signed by the host page: hex HMAC-SHA256 with the shop's identity secret of the
    customer id, or of "customer_id:expires_at" when the identity carries an expiry (Unix seconds)."""

    customer_id: str
    signature: str
    expires_at: int | None = None


def sign_identity(secret: str, customer_id: str, expires_at: int | None = None) -> str:
    """What the shop's server computes for the widget (documented for integrators, used by tests)."""
    message = customer_id if expires_at is None else f"{customer_id}:{expires_at}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Service:
    """What the HTTP server, the CLI and the evals drive: conversations and turns."""

    def __init__(
        self,
        settings: Settings,
        store: ConversationStore,
        bus: EventBus,
        turns: TurnHandler,
        orders: OrderBackend,
        inventory: InventoryBackend,
        retriever: Retriever,
        admin_token: str,
        checks: dict[str, Callable[[], bool]] | None = None,
        on_close: Callable[[], None] | None = None,
        handoff: HandoffDesk | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.bus = bus
        self.turns = turns
        self.orders = orders
        self.inventory = inventory
        self.retriever = retriever
        self._admin_hash = _token_hash(admin_token)
        self._checks = checks or {}
        self._on_close = on_close
        self.handoff = handoff

    # ----------------------------------------------------------------- conversations

    def start_conversation(
        self, channel: str = "web", locale: Language | None = None, identity: SignedIdentity | None = None
    ) -> tuple[Conversation, str]:
        customer = self._verify_identity(identity) if identity else None
        token = secrets.token_urlsafe(32)
        conversation = Conversation(
            id=new_id("c_"), channel=channel, locale=locale, customer=customer, token_hash=_token_hash(token)
        )
        self.store.create(conversation)
        return conversation, token

    def authorize(self, conversation_id: str, token: str | None) -> Conversation:
        if not token:
            raise Unauthorized("missing bearer token")
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        if self.is_admin(token):
            return conversation
        if not hmac.compare_digest(_token_hash(token), conversation.token_hash):
            raise Forbidden("this token does not belong to this conversation")
        return conversation

    def is_admin(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(_token_hash(token or ""), self._admin_hash)

    def post_message(self, conversation_id: str, text: str) -> TurnResult:
        text = text.strip()
        if not text:
            raise BadInput("text must not be empty")
        if len(text) > self.settings.max_message_chars:
            raise TooLarge(f"text is longer than {self.settings.max_message_chars} characters")
        result = self.turns.handle(conversation_id, text)
        if self.handoff is not None:
            self.handoff.after_turn(conversation_id, text, result)  # queue tickets, CSAT answers
        return result

    def transcript(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        if self.store.get(conversation_id) is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return self.store.messages(conversation_id, after_seq)

    # ----------------------------------------------------------------- operations

    def readiness(self) -> dict[str, bool]:
        result: dict[str, bool] = {}
        for name, check in self._checks.items():
            try:
                result[name] = bool(check())
            except Exception:  # a failing dependency makes us unready, not crash
                log.exception("readiness check %s failed", name)
                result[name] = False
        return result

    def close(self) -> None:
        if self._on_close:
            self._on_close()

    def _verify_identity(self, identity: SignedIdentity) -> Customer:
        secret = self.settings.identity_secret
        if secret is None:
            raise BadInput("signed identities are not enabled on this shop (SHOPKEEPER_IDENTITY_SECRET is unset)")
        expected = sign_identity(secret.get_secret_value(), identity.customer_id, identity.expires_at)
        if not hmac.compare_digest(expected, identity.signature.lower()):
            raise Unauthorized("identity signature does not match")
        if identity.expires_at is not None and identity.expires_at < now():
            raise Unauthorized("identity has expired; sign a fresh one")
        user = self.orders.get_user(identity.customer_id)
        if user is None:
            raise Unauthorized("identity names an unknown customer")
        return Customer(
            customer_id=user.user_id,
            name=f"{user.first_name} {user.last_name}".strip(),
            email=user.email,
            verified_by="signed_identity",
        )


def model_threads(settings: Settings) -> int:
    """BLAS/torch threads per model call: the cores shared out among the turn slots, at most torch_threads.

    Two turns each running the embedder on two threads oversubscribe two cores, and OpenBLAS then spins:
    a query took 260-870 ms instead of 15-35 ms on one thread here (docs/performance.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(settings.torch_threads, cores // max(1, settings.turn_slots)))


def build_service(settings: Settings, progress: ProgressFn | None = None) -> Service:
    """Open (and on first start, build) everything the service needs. Heavy: models load here."""
    # Imported here so that importing bot.service stays cheap for the CLI's --help.
    from bot.agent.embedded import EmbeddedEngine
    from bot.agent.guardrails import guard_output
    from bot.agent.llm.choose import choose_engine
    from bot.nlu import Understander
    from bot.pii import PiiScrubber
    from bot.stores import open_store
    from connectors.channels import check_channel_settings
    from connectors.commerce import open_shop
    from connectors.commerce.catalogue import catalogue_documents
    from knowledge import DEMO_KNOWLEDGE_DIR, KnowledgeBase

    check_channel_settings(settings)  # an enabled IM platform without its secret stops here, before the heavy work
    report = progress or _no_progress
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    shop = open_shop(settings, progress=lambda done, total: report("Building the shop", done, total))
    kb = KnowledgeBase.open(settings.model_copy(update={"torch_threads": model_threads(settings)}))
    policies = settings.knowledge_dir or DEMO_KNOWLEDGE_DIR
    kb.ingest_paths(
        [policies], kind="policy", progress=lambda done, total, label: report("Indexing policies", done, total)
    )
    kb.ingest_documents(
        catalogue_documents(shop),
        progress=lambda done, total, label: report("Indexing the catalogue", done, total),
        prune_kind="product",
    )

    scrubber = PiiScrubber()
    understander = Understander(cache_dir=settings.data_dir / "models")
    # Warm the models now so the first shopper does not wait for them and /readyz means ready.
    report("Loading models", 0, 1)
    kb.search("warm up", k=1)
    scrubber.scrub("warm up me@example.com", {})
    understander.warm_up()
    # The sentiment models load on their language's first message (SnowNLP took ~10 s here): load them now.
    understander.understand("Thanks, that was really helpful!", None)
    understander.understand("谢谢，这次的快递很快，包装也很好，非常满意，下次还会再来买的。", None)
    report("Loading models", 1, 1)

    store, bus = open_store(settings)
    # Everything reaches the index and the shop through timing proxies (forwarding all else), so a turn's trace
    # shows its retrieval and tool time as decide.retrieval / decide.tools (bot/stage_timing.py).
    kb, shop = timed_proxy(kb, "retrieval"), timed_proxy(shop, "tools")
    embedded = EmbeddedEngine(orders=shop, inventory=shop, retriever=kb, actions=shop)  # writes after a yes
    engine = choose_engine(settings, embedded, shop, shop, kb, bus, actions=shop, scrubber=scrubber)  # LLM when set
    turns = TurnHandler(
        store=store,
        bus=bus,
        scrubber=scrubber,
        understand=lambda text, locale: understander.understand(text, locale=locale),
        engine=engine,
        guard=guard_output,
        slots=TurnSlots(settings.turn_slots),
    )

    if settings.admin_token is not None:
        admin_token = settings.admin_token.get_secret_value()
    else:
        admin_token = secrets.token_urlsafe(24)
        log.warning("SHOPKEEPER_ADMIN_TOKEN is unset; this run's admin token is %s", admin_token)

    return Service(
        settings=settings,
        store=store,
        bus=bus,
        turns=turns,
        orders=shop,
        inventory=shop,
        retriever=kb,
        admin_token=admin_token,
        handoff=open_desk(settings, store, bus),
        checks={
            "shop": lambda: not shop.is_empty(),
            "knowledge": lambda: kb.count() > 0,
            "store": lambda: store.get("__readyz__") is None,  # a round trip to Redis when configured
        },
    )

