"""The base class every IM platform module implements (the bot.ports.Channel seam), and helpers for them."""

from __future__ import annotations

import hmac
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from bot.errors import BadPayload
from bot.types import Handshake, Inbound, Outgoing, WebhookRequest

#: Signed timestamps older (or further in the future) than this are replays: 401.
REPLAY_WINDOW_S = 300


class WebhookChannel(ABC):
    """An IM platform (a bot.ports.Channel). The webhook flow calls verify first and only then handshake / parse."""

    name: ClassVar[str]
    ack_body: ClassVar[str] = "ok"
    """What the platform gets back once a delivery is accepted (answered before processing)."""

    @abstractmethod
    def verify(self, request: WebhookRequest, now: float) -> bool:
        """True only for a request that provably comes from the platform (and is fresh where signed)."""

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        """The URL-verification answer when this (verified) request is one; None otherwise."""
        return None

    @abstractmethod
    def parse(self, request: WebhookRequest) -> list[Inbound]:
        """Shopper messages of a verified delivery; [] for ignored events (echoes, receipts); BadPayload if bad."""

    @abstractmethod
    async def send(self, out: Outgoing) -> None:
        """Deliver one reply; raises DeliveryError when the platform refuses it."""


# --------------------------------------------------------------------------- helpers for modules


def same(expected: str | bytes, given: str | bytes) -> bool:
    """Constant-time equality of two secrets or signatures; empty never matches."""
    a = expected.encode() if isinstance(expected, str) else expected
    b = given.encode() if isinstance(given, str) else given
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


def fresh(timestamp: str, now: float, window: float = REPLAY_WINDOW_S) -> bool:
    """A signed unix-seconds timestamp within the replay window."""
    try:
        value = float(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now - value) <= window


def load_json(body: bytes | str) -> dict[str, Any]:
    """The body as a JSON object, or BadPayload."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload("the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise BadPayload("the body is not a JSON object")
    return data


def obj(value: Any) -> dict[str, Any]:
    """A nested JSON object, or {} when the field is missing or of another type (so odd events are ignored)."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array field; anything else is dropped."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text_of(value: Any) -> str:
    """A string field, or "" (numbers become strings: platform ids are sometimes numeric)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (str, int)):
        return str(value)
    return ""


def button_fallback(out: Outgoing) -> str:
    """The text with its buttons listed, for platforms (or sizes) without quick replies."""
    if not out.buttons:
        return out.text
    return out.text + "\n" + " / ".join(out.buttons)


def secret(value: Any) -> str:
    """The plain value of a SecretStr-or-str setting ("" when unset)."""
    if value is None:
        return ""
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter else str(value)


def bearer(token: str) -> Mapping[str, str]:
    return {"Authorization": f"Bearer {token}"}
