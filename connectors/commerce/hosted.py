"""What the hosted-shop adapters (Shopify, WooCommerce) share: the API client, field coercion, tau2's cancel and
return rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import httpx

from bot.errors import ActionRefused
from bot.types import Order
from connectors.commerce.http_retry import call_json
from connectors.commerce.retail_actions import CANCEL_REASONS
from connectors.commerce.unsupported import RefusesUnsupportedWrites


class HostedShop(RefusesUnsupportedWrites):
    """A hosted platform's REST API: its base URL, an authenticated client, and how it says no."""

    platform: ClassVar[str]
    """The name errors give ("Shopify")."""
    refused_status: ClassVar[int]
    """The status of a write the platform will not do (ActionRefused with its message)."""

    def __init__(self, base: str, client: httpx.Client | None, sleep: Callable[[float], None] | None) -> None:
        self.base = base
        self._client = client or httpx.Client(timeout=10.0)
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    @staticmethod
    def error_text(response: httpx.Response) -> str:
        """The platform's error message in a failed response."""
        return response.text[:200]

    def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None) -> Any:
        return call_json(
            self._client,
            method,
            self.base + path,
            platform=self.platform,
            refused_status=self.refused_status,
            error_text=self.error_text,
            json=json,
            params=params,
            sleep=self._sleep,
        )


def as_text(value: Any) -> str:
    """A platform field as a string; a missing one is "" (ids arrive as numbers on both platforms)."""
    return "" if value is None else str(value)


def as_money(value: Any) -> float:
    """An amount; both platforms send decimal strings ("199.00"), and a missing one counts as 0."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def check_cancel(order: Order, reason: str) -> None:
    """tau2's preconditions of a cancellation, refused with its own sentences."""
    if order.status != "pending":
        raise ActionRefused("Non-pending order cannot be cancelled")
    if reason not in CANCEL_REASONS:
        raise ActionRefused("Invalid reason")


def returned_lines(
    order: Order, lines: Sequence[dict[str, Any]], item_ids: Sequence[str], item_of: Callable[[dict[str, Any]], str]
) -> list[tuple[dict[str, Any], int]]:
    """The platform's order lines a return takes, each with how many of its units: tau2 lists one item id per
    unit, the platforms one line per item with a quantity. Refused unless the order is delivered and every
    unit asked for is on it."""
    if order.status != "delivered":
        raise ActionRefused("Non-delivered order cannot be returned")
    counts = Counter(item_ids)
    taken: list[tuple[dict[str, Any], int]] = []
    for line in lines:
        wanted = counts.pop(item_of(line), 0)
        if wanted > int(line.get("quantity") or 1):
            raise ActionRefused("Some item not found")
        if wanted:
            taken.append((line, wanted))
    if counts or not taken:
        raise ActionRefused("Some item not found")
    return taken
