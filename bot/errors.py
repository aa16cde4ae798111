"""Errors the service turns into clear HTTP statuses or CLI messages (never tracebacks)."""

from __future__ import annotations


class ShopkeeperError(Exception):
    """Base class; `status` is the HTTP status the API answers with."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(ShopkeeperError):
    status = 400


class Unauthorized(ShopkeeperError):
    status = 401


class Forbidden(ShopkeeperError):
    status = 403


class NotFound(ShopkeeperError):
    status = 404


class Conflict(ShopkeeperError):
    status = 409


class TooLarge(ShopkeeperError):
    status = 413


class ConfigError(ShopkeeperError):
    """A setting is missing or wrong; raised at startup with a sentence saying which and why."""


class BackendError(ShopkeeperError):
    """A dependency (shop API, vector store, model endpoint) failed."""

    status = 502


class BadPayload(BadInput):
    """A verified webhook request whose body is not what the platform documents: 400, nothing processed."""


class DeliveryError(BackendError):
    """Sending to an IM platform failed after retries; the message says which platform and how, never the text."""


class ActionRefused(Conflict):
    """A shop refused a write action (wrong status, unknown item, short balance ...); the message
    is the shop's own sentence, e.g. "Non-pending order cannot be cancelled"."""
