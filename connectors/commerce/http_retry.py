"""HTTP for platform adapters: retry with backoff on rate limits (Retry-After) and transient failures."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.errors import ActionRefused, BackendError
from connectors.retry import Backoff, WaitTooLong, retrying

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_WAIT_S = 10.0
"""A platform asking us to wait longer than this gets a BackendError instead: the shopper is waiting."""


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    retries: int = 3,
    base_delay: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """One request, retried up to `retries` times. A write (not GET) is retried only on 429, which the
    platforms send before doing anything; a 5xx or a timeout on a write might have taken effect."""
    idempotent = method.upper() == "GET"
    attempts = retrying(
        Backoff(retries=retries, base_s=base_delay, max_wait_s=MAX_WAIT_S, refuse_longer=True),
        retry_response=lambda r: r.status_code == 429 or (idempotent and r.status_code in RETRY_STATUSES),
        retry_error=lambda error: idempotent and isinstance(error, httpx.HTTPError),
        sleep=sleep,
    )
    try:
        response: httpx.Response = attempts(client.request, method, url, json=json, params=params)
    except httpx.HTTPError as exc:
        raise BackendError(f"{method} {url} failed: {exc.__class__.__name__}") from exc
    except WaitTooLong as exc:
        raise BackendError(f"{method} {url}: the platform asks to wait {exc.seconds:g}s") from None
    return response


def call_json(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    platform: str,
    refused_status: int,
    error_text: Callable[[httpx.Response], str],
    json: Any = None,
    params: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Any:
    """send() and read the JSON answer the way every platform adapter does: None for 404, ActionRefused
    when a write gets the platform's "unprocessable" status, BackendError for any other failure."""
    kwargs: dict[str, Any] = {"json": json, "params": params}
    if sleep is not None:
        kwargs["sleep"] = sleep
    response = send(client, method, url, **kwargs)
    if response.status_code == 404:
        return None
    if response.status_code == refused_status and method != "GET":
        raise ActionRefused(error_text(response) or "The shop refused the change")
    if response.status_code >= 300:
        raise BackendError(f"{platform} {method} {url} answered {response.status_code}: {error_text(response)}")
    try:
        return response.json()
    except ValueError as exc:
        raise BackendError(f"{platform} {method} {url} returned invalid JSON") from exc
