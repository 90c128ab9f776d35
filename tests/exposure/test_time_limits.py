"""A slow or dripping range server cannot stretch the exposure check: per-request limits and the deadline.

Each check runs under a guard (``within``) far longer than the limits it tests, so a regression fails the
test instead of hanging the suite. Every server is shut down, and its drips stopped, by its context.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from reuse_audit.exposure import ExposureFailure, ExposureResult, ExposureStatus, RetryPolicy, check_exposure
from reuse_audit.secret import Secret
from tests.exposure.hibp_fakes import drip_server

T = TypeVar("T")
ONE_TRY = RetryPolicy(tries=1)


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run ``work`` in a daemon thread; fail the test if it has not returned after ``seconds``."""
    box: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s")
    if errors:
        raise errors[0]
    return box[0]


def check(url: str, *, timeout: float, deadline: float, policy: RetryPolicy = ONE_TRY,
          passwords: tuple[str, ...] = ("hunter2",)) -> list[ExposureResult]:
    return check_exposure([Secret(p) for p in passwords], hibp_url=url, timeout=timeout, deadline=deadline,
                          retry_policy=policy, workers=4)


@pytest.mark.parametrize("mode", ["head", "body"])
def test_a_dripping_server_is_cut_at_the_request_time_limit(mode: str) -> None:
    with drip_server(mode, interval=0.2) as server:
        (result,) = within(15, lambda: check(server.url, timeout=1.0, deadline=60))
        assert (result.status, result.failure) == (ExposureStatus.UNKNOWN, ExposureFailure.TIMEOUT)
        assert result.reason == "timed out after 1 try"


def test_a_request_cut_at_its_limit_closes_its_connection() -> None:
    with drip_server("body", interval=0.1) as server:
        within(15, lambda: check(server.url, timeout=0.5, deadline=60))
        assert server.cut.wait(10)  # the server's next byte found nobody listening


def test_every_try_of_a_dripping_server_is_cut() -> None:
    with drip_server("head", interval=0.2) as server:
        policy = RetryPolicy(tries=3, backoff_base=0.01, backoff_cap=0.02)
        (result,) = within(20, lambda: check(server.url, timeout=0.6, deadline=60, policy=policy))
        assert result.reason == "timed out after 3 tries"
        assert server.connections == 3


def test_the_deadline_ends_the_check_while_requests_still_drip() -> None:
    with drip_server("body", interval=0.2) as server:
        passwords = tuple(f"pw-{i}" for i in range(10))
        results = within(15, lambda: check(server.url, timeout=30, deadline=1.0, passwords=passwords))
        assert {r.failure for r in results} == {ExposureFailure.DEADLINE}
        assert {r.reason for r in results} == {"deadline of 1 s reached"}


def test_the_deadline_ends_the_check_against_a_slow_server() -> None:
    with drip_server("slow", latency=8.0) as server:
        results = within(15, lambda: check(server.url, timeout=20, deadline=0.5, passwords=("a", "b", "c")))
        assert {r.failure for r in results} == {ExposureFailure.DEADLINE}


def test_a_slow_server_within_the_limits_still_answers() -> None:
    with drip_server("slow", latency=0.3) as server:
        (result,) = within(15, lambda: check(server.url, timeout=5, deadline=10))
        assert result.status is ExposureStatus.NOT_FOUND
