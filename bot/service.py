"""The service facade that the HTTP server, the CLI and the evals drive: conversations, turns, signed identities."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.agent.turn import TurnHandler
from bot.desk.handoff import HandoffDesk
from bot.errors import BadInput, Forbidden, NotFound, TooLarge, Unauthorized
from bot.ports import (
    ConversationStore,
    EventBus,
    InventoryBackend,
    OrderBackend,
    Retriever,
)
from bot.settings import Settings
from bot.types import Conversation, Customer, Language, Message, TurnResult, new_id, now, token_hash

log = logging.getLogger(__name__)


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


def shopper_text(text: str, max_chars: int) -> str:
    """A shopper's message as a turn takes it: stripped, not empty, at most `max_chars` characters."""
    text = text.strip()
    if not text:
        raise BadInput("text must not be empty")
    if len(text) > max_chars:
        raise TooLarge(f"text is longer than {max_chars} characters")
    return text


class Conversations:
    """Starting, authorizing and reading conversations: what Service and the test FakeService share.

    A conversation's bearer token is issued once and kept only as a hash; the admin token opens them all.
    Subclasses say how a signed identity is checked (_verify_identity).
    """

    def __init__(self, store: ConversationStore, admin_token: str) -> None:
        self.store = store
        self._admin_hash = token_hash(admin_token)

    def start_conversation(
        self, channel: str = "web", locale: Language | None = None, identity: SignedIdentity | None = None
    ) -> tuple[Conversation, str]:
        """A new stored conversation and its bearer token (the one time the token is seen)."""
        customer = self._verify_identity(identity) if identity else None
        token = secrets.token_urlsafe(32)
        conversation = Conversation(
            id=new_id("c_"), channel=channel, locale=locale, customer=customer, token_hash=token_hash(token)
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
        if not hmac.compare_digest(token_hash(token), conversation.token_hash):
            raise Forbidden("this token does not belong to this conversation")
        return conversation

    def is_admin(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token_hash(token or ""), self._admin_hash)

    def transcript(self, conversation_id: str, after_seq: int = 0) -> list[Message]:
        if self.store.get(conversation_id) is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return self.store.messages(conversation_id, after_seq)

    def _verify_identity(self, identity: SignedIdentity) -> Customer:
        """The customer a signed identity names; Unauthorized (or BadInput) when it does not hold."""
        raise NotImplementedError


class Service(Conversations):
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
        super().__init__(store, admin_token)
        self.settings = settings
        self.bus = bus
        self.turns = turns
        self.orders = orders
        self.inventory = inventory
        self.retriever = retriever
        self._checks = checks or {}
        self._on_close = on_close
        self.handoff = handoff

    # ----------------------------------------------------------------- turns

    def post_message(self, conversation_id: str, text: str) -> TurnResult:
        text = shopper_text(text, self.settings.max_message_chars)
        result = self.turns.handle(conversation_id, text)
        if self.handoff is not None:
            self.handoff.after_turn(conversation_id, text, result)  # queue tickets, CSAT answers
        return result

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
