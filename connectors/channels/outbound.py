"""Calls to platform send APIs: httpx with retries and backoff on 429/5xx, honouring Retry-After."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from bot.errors import DeliveryError
from connectors.channels.base import text_of
from connectors.retry import Backoff, async_retrying, header_retry_after

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


#: Graph API error codes meaning "slow down" although the status is 400: app (4), account (80007),
#: throughput (130429) and per-recipient pair rate (131056) limits of WhatsApp and Messenger.
META_THROTTLING = frozenset({4, 80007, 130429, 131056})


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def throttled(response: httpx.Response) -> bool:
    """Worth retrying: 429, a 5xx, or a Graph API rate-limit error dressed as a 400."""
    if response.status_code == 429 or response.status_code >= 500:
        return True
    if response.status_code == 400:
        error = _error_body(response).get("error")
        return isinstance(error, dict) and error.get("code") in META_THROTTLING
    return False


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the platform asked us to wait (Retry-After as seconds or a date, Telegram's
    parameters.retry_after), or None."""
    if response.headers.get("retry-after", "").strip():
        return header_retry_after(response, now)
    parameters = _error_body(response).get("parameters") if response.status_code == 429 else None
    asked = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(asked) if isinstance(asked, (int, float)) and not isinstance(asked, bool) else None


def _unreachable(error: BaseException) -> bool:
    return isinstance(error, httpx.TransportError)


class Outbound:
    """One shared async client; every platform module sends through `request`."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 3,
        backoff_s: float = 0.5,
        max_wait_s: float = 30.0,
        timeout_s: float = 10.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._client = httpx.AsyncClient(transport=transport, timeout=timeout_s)
        self.backoff = Backoff(retries=retries, base_s=backoff_s, max_wait_s=max_wait_s)
        self._sleep = sleep

    async def request(
        self,
        platform: str,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """The 2xx response; DeliveryError after the last retry or on a 4xx other than 429."""

        def retrying_in(response: httpx.Response | None, wait: float) -> None:
            if response is not None:
                # Logged without the URL: some APIs carry the token in it (Telegram, Graph query strings).
                log.info("%s answered %d; retrying in %.1f s", platform, response.status_code, wait)

        attempts = async_retrying(
            self.backoff,
            retry_response=throttled,
            retry_error=_unreachable,
            sleep=self._sleep,
            asked=retry_after,
            on_retry=retrying_in,
        )
        try:
            response: httpx.Response = await attempts(
                self._client.request, method, url, json=json, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise DeliveryError(f"{platform}: could not reach the API ({type(exc).__name__})") from exc
        if throttled(response):
            raise DeliveryError(f"{platform}: the API answered {response.status_code} after retries")
        if response.status_code >= 400:
            raise DeliveryError(f"{platform}: the API refused the message ({response.status_code})")
        return response

    async def aclose(self) -> None:
        await self._client.aclose()


def json_body(platform: str, response: httpx.Response) -> dict[str, Any]:
    """A platform's JSON answer; DeliveryError when it is not JSON (a misrouted API base, say)."""
    try:
        data = response.json()
    except ValueError as exc:
        raise DeliveryError(f"{platform}: the API answered with something other than JSON") from exc
    if not isinstance(data, dict):
        raise DeliveryError(f"{platform}: the API answered with an unexpected JSON shape")
    return data


def coded_json(
    platform: str,
    response: httpx.Response,
    failure: str,
    *,
    code: str = "errcode",
    absent_ok: bool = True,
    needs: str = "",
) -> dict[str, Any]:
    """A JSON answer that reports its outcome as a number, 0 on success (WeCom's errcode, Feishu's code).

    DeliveryError "<platform>: <failure> (<code> <value>)" when it is not 0 (or absent, unless absent_ok),
    or when the field `needs` (the token asked for, say) is empty."""
    answer = json_body(platform, response)
    outcome = answer.get(code, 0 if absent_ok else None)
    if outcome != 0 or (needs and not text_of(answer.get(needs))):
        raise DeliveryError(f"{platform}: {failure} ({code} {text_of(answer.get(code))})")
    return answer


class TokenCache:
    """A platform access token kept until five minutes before it expires (at least 30 s), fetched again after."""

    def __init__(self) -> None:
        self._token = ""
        self._expires = 0.0

    async def get(self, fetch: Callable[[], Awaitable[tuple[str, object]]]) -> str:
        """The cached token, or fetch() -> (token, lifetime in seconds as the platform sent it)."""
        if self._token and time.time() < self._expires:
            return self._token
        token, lifetime = await fetch()
        seconds = float(lifetime) if isinstance(lifetime, (int, float)) else 600.0
        self._token, self._expires = token, time.time() + max(seconds - 300, 30)
        return token
