"""Retry with backoff for the adapters' HTTP calls (one tenacity policy, sync and async), honouring Retry-After."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception, retry_if_result, stop_after_attempt


class WaitTooLong(Exception):
    """The platform asked for a longer wait than the caller accepts (Backoff.refuse_longer)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"asked to wait {seconds:g}s")
        self.seconds = seconds


@dataclass(frozen=True)
class Backoff:
    """How often one call is tried again and how long to wait in between."""

    retries: int = 3
    """Tries after the first one."""
    base_s: float = 0.5
    """The wait before try n+1 is base_s * 2**(n-1) unless the platform asks for another."""
    max_wait_s: float = 30.0
    refuse_longer: bool = False
    """A wait over max_wait_s: False waits max_wait_s; True raises WaitTooLong (a shopper is waiting)."""


def header_retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the Retry-After header asks for (a number or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (now if now is not None else time.time()))


Asked = Callable[[httpx.Response], "float | None"]
OnRetry = Callable[["httpx.Response | None", float], None]
"""Called before each wait with the response that asked for it (None after an exception) and the seconds."""


def retrying(
    backoff: Backoff,
    *,
    retry_response: Callable[[httpx.Response], bool],
    retry_error: Callable[[BaseException], bool],
    sleep: Callable[[float], None] = time.sleep,
    asked: Asked = header_retry_after,
    on_retry: OnRetry | None = None,
) -> Retrying:
    """Call it with the request function and its arguments: the first response not to retry, or the last one;
    an exception not to retry, or the last one, is raised as it is."""
    return Retrying(sleep=sleep, **_options(backoff, retry_response, retry_error, asked, on_retry))


def async_retrying(
    backoff: Backoff,
    *,
    retry_response: Callable[[httpx.Response], bool],
    retry_error: Callable[[BaseException], bool],
    sleep: Callable[[float], Awaitable[None]],
    asked: Asked = header_retry_after,
    on_retry: OnRetry | None = None,
) -> AsyncRetrying:
    """`retrying` for an async request function (awaited)."""
    return AsyncRetrying(sleep=sleep, **_options(backoff, retry_response, retry_error, asked, on_retry))


def _options(
    backoff: Backoff,
    retry_response: Callable[[httpx.Response], bool],
    retry_error: Callable[[BaseException], bool],
    asked: Asked,
    on_retry: OnRetry | None,
) -> dict[str, Any]:
    def wait(state: RetryCallState) -> float:
        if state.attempt_number > backoff.retries:
            return 0.0  # the last try: nothing follows, so no wait is asked for
        response = _response(state)
        wanted = asked(response) if response is not None else None
        seconds = wanted if wanted is not None else backoff.base_s * 2 ** (state.attempt_number - 1)
        if seconds > backoff.max_wait_s:
            if backoff.refuse_longer:
                raise WaitTooLong(seconds)
            return backoff.max_wait_s
        return seconds

    def before_sleep(state: RetryCallState) -> None:
        if on_retry is not None:
            on_retry(_response(state), state.upcoming_sleep)

    return {
        "stop": stop_after_attempt(backoff.retries + 1),
        "retry": retry_if_exception(retry_error) | retry_if_result(retry_response),
        "wait": wait,
        "before_sleep": before_sleep,
        # Out of tries: the last outcome as it was (a response is returned, an exception raised).
        "retry_error_callback": lambda state: state.outcome.result() if state.outcome is not None else None,
    }


def _response(state: RetryCallState) -> httpx.Response | None:
    outcome = state.outcome
    if outcome is None or outcome.failed:
        return None
    result = outcome.result()
    return result if isinstance(result, httpx.Response) else None
