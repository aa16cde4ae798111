"""The one retry policy of the adapters' HTTP calls: waits (Retry-After, backoff, cap or refusal), last outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from connectors.retry import Backoff, WaitTooLong, async_retrying, header_retry_after, retrying


def _answers(*responses: httpx.Response | Exception) -> tuple[list[int], Callable[[], httpx.Response]]:
    calls: list[int] = []
    queue = list(responses)

    def call() -> httpx.Response:
        calls.append(1)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return calls, call


def _retry_5xx(response: httpx.Response) -> bool:
    return response.status_code >= 500 or response.status_code == 429


def _transport(error: BaseException) -> bool:
    return isinstance(error, httpx.TransportError)


def test_waits_follow_retry_after_then_backoff_and_the_last_response_is_returned() -> None:
    sleeps: list[float] = []
    calls, call = _answers(
        httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(503), httpx.Response(500), httpx.Response(502)
    )
    attempts = retrying(Backoff(), retry_response=_retry_5xx, retry_error=_transport, sleep=sleeps.append)
    response = attempts(call)
    assert response.status_code == 502 and len(calls) == 4
    assert sleeps == [0.0, 1.0, 2.0]  # Retry-After: 0 is honoured, then 0.5 * 2**n


def test_a_long_wait_is_capped_or_refused() -> None:
    sleeps: list[float] = []
    _, call = _answers(httpx.Response(429, headers={"Retry-After": "90"}), httpx.Response(200))
    capped = retrying(Backoff(max_wait_s=30), retry_response=_retry_5xx, retry_error=_transport, sleep=sleeps.append)
    assert capped(call).status_code == 200 and sleeps == [30.0]
    _, call = _answers(httpx.Response(429, headers={"Retry-After": "90"}), httpx.Response(200))
    refusing = retrying(
        Backoff(max_wait_s=10, refuse_longer=True),
        retry_response=_retry_5xx,
        retry_error=_transport,
        sleep=sleeps.append,
    )
    with pytest.raises(WaitTooLong) as refused:
        refusing(call)
    assert refused.value.seconds == 90


def test_exceptions_retry_when_asked_and_the_last_one_is_raised_as_it_is() -> None:
    calls, call = _answers(httpx.ConnectError("down"), httpx.ConnectError("still down"))
    attempts = retrying(Backoff(retries=1), retry_response=_retry_5xx, retry_error=_transport, sleep=lambda s: None)
    with pytest.raises(httpx.ConnectError, match="still down"):
        attempts(call)
    calls, call = _answers(ValueError("a bug"))
    with pytest.raises(ValueError):
        attempts(call)
    assert len(calls) == 1


def test_the_async_variant_awaits_its_sleep_and_reports_each_retry() -> None:
    sleeps: list[float] = []
    seen: list[tuple[int | None, float]] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    queue = [httpx.Response(503), httpx.Response(200)]

    async def call() -> httpx.Response:
        return queue.pop(0)

    attempts = async_retrying(
        Backoff(),
        retry_response=_retry_5xx,
        retry_error=_transport,
        sleep=sleep,
        on_retry=lambda response, wait: seen.append((response.status_code if response else None, wait)),
    )
    assert asyncio.run(attempts(call)).status_code == 200
    assert sleeps == [0.5] and seen == [(503, 0.5)]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert header_retry_after(httpx.Response(429, headers={"Retry-After": "2.5"})) == 2.5
    dated = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert header_retry_after(dated, now=1445412480.0) == pytest.approx(10.0)
    assert header_retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert header_retry_after(httpx.Response(429)) is None
