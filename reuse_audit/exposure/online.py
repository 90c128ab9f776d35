"""The online HIBP range client: one request per distinct prefix, concurrent, retried, time-bounded."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

from reuse_audit.exposure.hashing import HashKey, suffixes_by_prefix
from reuse_audit.exposure.model import ProgressCallback
from reuse_audit.exposure.range_body import MalformedRangeBody, RangeOutcome, find_counts
from reuse_audit.exposure.session import build_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one range before calling its passwords unknown."""

    tries: int = 4
    backoff_base: float = 0.5  # seconds before the 2nd try; doubles each time, with jitter
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0  # a server's Retry-After is honoured up to this many seconds
    # When this many ranges have given up on connection errors or timeouts and none has ever succeeded, the
    # service is taken as unreachable: the remaining ranges are unknown at once instead of each retrying
    # (no network would otherwise cost minutes).
    unreachable_after: int = 8

    def backoff(self, failed_tries: int) -> float:
        """Exponential backoff with full jitter in [50%, 100%] of the nominal delay."""
        nominal: float = min(self.backoff_cap, self.backoff_base * 2.0 ** (failed_tries - 1))
        return nominal * random.uniform(0.5, 1.0)


class RangeClient:
    """Fetches ``GET {base}/range/{PREFIX}`` with explicit timeouts, retries and a deadline shared by every
    fetch: ``total_timeout`` seconds from the client's creation."""

    def __init__(
        self, session: requests.Session, base_url: str, *, timeout: float, total_timeout: float, policy: RetryPolicy
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._connect_timeout = min(timeout, 5.0)
        self._read_timeout = timeout
        self._deadline = time.monotonic() + total_timeout
        self._total_timeout = total_timeout
        self._policy = policy
        self._lock = threading.Lock()
        self._succeeded = 0
        self._unreached = 0  # ranges that gave up without ever getting an HTTP answer

    def _unreachable(self) -> bool:
        with self._lock:
            return self._succeeded == 0 and self._unreached >= self._policy.unreachable_after

    def fetch(self, prefix: str, suffixes: Iterable[str]) -> RangeOutcome:
        """Look up the wanted suffixes of one prefix. Only ``prefix`` leaves the machine."""
        outcome, answered = self._fetch(prefix, list(suffixes))
        with self._lock:
            if outcome.counts is not None:
                self._succeeded += 1
            elif not answered:
                self._unreached += 1
        return outcome

    def _fetch(self, prefix: str, wanted: list[str]) -> tuple[RangeOutcome, bool]:
        """The outcome, and whether the server answered at all (for the unreachable-service cut-off)."""
        url = f"{self._base_url}/range/{prefix}"
        failure = "not checked"
        tries = 0
        answered = False
        while True:
            if self._unreachable():
                why = f"not tried: the service looks unreachable ({self._policy.unreachable_after} ranges failed to "
                return self._failed(prefix, why + "connect and none succeeded)"), answered
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                why = f"{failure}, total time limit of {self._total_timeout:g} s reached"
                return self._failed(prefix, why), answered
            tries += 1
            wait: float | None = None
            try:
                response = self._session.get(
                    url,
                    timeout=(min(self._connect_timeout, remaining), min(self._read_timeout, remaining)),
                    allow_redirects=False,  # a redirect could downgrade to plain HTTP or leave HIBP
                )
                body = response.content
            except requests.Timeout:
                failure = "timed out"
            except requests.RequestException as exc:
                failure = f"connection error ({type(exc).__name__})"
            else:
                answered = True
                status = response.status_code
                if status == 200:
                    try:
                        return RangeOutcome(prefix, find_counts(body, wanted), None), answered
                    except MalformedRangeBody as exc:
                        failure = str(exc)
                elif status == 429:
                    failure = "HTTP 429 (rate limited)"
                    wait = _retry_after_seconds(response.headers.get("Retry-After"), self._policy)
                elif status >= 500:
                    failure = f"HTTP {status}"
                else:
                    return self._failed(prefix, f"HTTP {status}"), answered
            if tries >= self._policy.tries:
                return self._failed(prefix, f"{failure} after {_tries(tries)}"), answered
            if wait is None:
                wait = self._policy.backoff(tries)
            if time.monotonic() + wait >= self._deadline:
                return self._failed(
                    prefix,
                    f"{failure} after {_tries(tries)}, total time limit of {self._total_timeout:g} s reached",
                ), answered
            log.debug("HIBP range %s: %s, retrying in %.2f s", prefix, failure, wait)
            time.sleep(wait)

    @staticmethod
    def _failed(prefix: str, why: str) -> RangeOutcome:
        log.debug("HIBP range %s: giving up: %s", prefix, why)
        return RangeOutcome(prefix, None, f"HIBP range {prefix}: {why}")


def check_online(
    keys: Iterable[HashKey],
    *,
    base_url: str,
    workers: int,
    timeout: float,
    total_timeout: float,
    policy: RetryPolicy,
    progress: ProgressCallback | None = None,
    session: requests.Session | None = None,
) -> dict[str, RangeOutcome]:
    """Fetch every distinct prefix once, ``workers`` at a time; returns outcomes keyed by prefix.

    ``progress(done, total)`` is called from the calling thread after each prefix completes.
    """
    by_prefix = suffixes_by_prefix(keys)
    total = len(by_prefix)
    if total == 0:
        return {}
    own_session = session is None
    http = build_session(workers) if session is None else session
    client = RangeClient(http, base_url, timeout=timeout, total_timeout=total_timeout, policy=policy)
    outcomes: dict[str, RangeOutcome] = {}
    executor = ThreadPoolExecutor(max_workers=max(1, min(workers, total)), thread_name_prefix="hibp")
    try:
        futures = [executor.submit(client.fetch, prefix, sorted(by_prefix[prefix])) for prefix in sorted(by_prefix)]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            outcomes[outcome.prefix] = outcome
            if progress is not None:
                progress(done, total)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if own_session:
            http.close()
    return outcomes


def _retry_after_seconds(value: str | None, policy: RetryPolicy) -> float | None:
    """Seconds to wait per a ``Retry-After`` header (delta-seconds or HTTP-date), capped by the policy."""
    if not value:
        return None
    value = value.strip()
    seconds: float
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, policy.retry_after_cap))


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"
