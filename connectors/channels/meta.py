"""What WhatsApp Cloud API and Messenger share: X-Hub-Signature-256 over the raw body, the hub.challenge GET."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from bot.types import Handshake, WebhookRequest
from connectors.channels.base import WebhookChannel, items, load_json, same
from connectors.channels.outbound import Outbound


def hub_signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta sends: sha256= + hex HMAC-SHA256 of the body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class MetaChannel(WebhookChannel):
    """Verification and the webhook envelope for both Meta platforms; subclasses parse their events and send."""

    ack_body = "EVENT_RECEIVED"
    webhook_object: str
    """The envelope's "object" for this platform's events; a webhook with another object is none of ours."""

    def __init__(self, app_secret: str, verify_token: str, api_base: str, outbound: Outbound) -> None:
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound

    def entries(self, request: WebhookRequest) -> list[dict[str, Any]]:
        """The envelope's "entry" list, or none when the webhook's object is not this platform's."""
        data = load_json(request.body)
        return items(data.get("entry")) if data.get("object") == self.webhook_object else []

    def verify(self, request: WebhookRequest, now: float) -> bool:
        if request.method == "GET":
            # The subscription handshake carries no signature: the verify token we chose is the proof.
            return request.query.get("hub.mode") == "subscribe" and same(
                self._verify_token, request.query.get("hub.verify_token", "")
            )
        # Meta signs no timestamp, so there is no replay window; message ids deduplicate instead.
        return same(hub_signature(self._app_secret, request.body), request.header("x-hub-signature-256"))

    def handshake(self, request: WebhookRequest) -> Handshake | None:
        if request.method == "GET":
            return Handshake(request.query.get("hub.challenge", ""))
        return None
