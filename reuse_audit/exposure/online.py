"""The online HIBP range client: one request per distinct prefix, concurrent, retried, time-bounded.

Time bounds, all on the monotonic clock:

- each request (connecting, the headers and the whole body) ends within ``timeout`` seconds: the body is
  streamed with a check between reads, and a :class:`~reuse_audit.deadline.SocketWatchdog` cuts the socket
  of a request that is still reading when its time is up (a server dripping one byte a second included);
- the whole check ends within ``deadline`` seconds: the caller stops waiting then, every range still open
  is unknown (``deadline``), and open sockets are cut.

Requests run in daemon threads that nobody joins, so an interrupt (Ctrl-C, SIGTERM) of the main thread
never waits for the network, and the interpreter exits without waiting for them either.

Nothing here names a hash prefix in a reason, a log line or an exception.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

from reuse_audit.deadline import Deadline, SocketWatchdog
from reuse_audit.exposure.hashing import HashKey, suffixes_by_prefix
from reuse_audit.exposure.model import ExposureFailure, ExposureResult, ProgressCallback, deadline_reason
from reuse_audit.exposure.range_body import MalformedRangeBody, RangeOutcome, find_counts, results_by_key
from reuse_audit.exposure.session import (
    BodyTimeUp,
    BodyTooLarge,
    HttpResponse,
    HttpSession,
    build_session,
    read_body,
)

log = logging.getLogger(__name__)

#: A range response is 20-40 KB (with padding); anything far bigger is not one.
MAX_BODY_BYTES = 1 << 20
_READ_SIZE = 16 * 1024


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


@dataclass(frozen=True)
class _Attempt:
    """What one try gave: a body (HTTP 200), or a failure kind and its words, and whether HTTP answered."""

    body: bytes | None
    failure: ExposureFailure | None
    words: str  # "HTTP 503", "timed out", "connection error", ...
    answered: bool
    retry_after: float | None = None


class RangeClient:
    """Fetches ``GET {base}/range/{PREFIX}`` with per-request time limits, retries and a shared deadline."""

    def __init__(
        self,
        session: HttpSession,
        base_url: str,
        *,
        timeout: float,
        deadline: Deadline,
        policy: RetryPolicy,
        watchdog: SocketWatchdog | None = None,
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._connect_timeout = min(timeout, 5.0)
        self._timeout = timeout
        self._deadline = deadline
        self._policy = policy
        self._watchdog = watchdog or SocketWatchdog()
        self._lock = threading.Lock()
        self._succeeded = 0
        self._unreached = 0  # ranges that gave up without ever getting an HTTP answer
        self.stopped = threading.Event()  # set when the caller stops waiting: no new try starts

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
        last: _Attempt | None = None
        tries = 0
        answered = False
        while True:
            if self._unreachable():
                why = (f"the service looks unreachable: {self._policy.unreachable_after} "
                       "requests failed to connect and none succeeded")
                return RangeOutcome.failed(prefix, ExposureFailure.UNREACHABLE, why), answered
            if self._deadline.expired() or self.stopped.is_set():
                return self._deadline_passed(prefix, last, tries), answered
            tries += 1
            attempt = self._try(url)
            answered = answered or attempt.answered
            if attempt.failure is ExposureFailure.TIMEOUT and self._deadline.expired():
                return self._deadline_passed(prefix, last, tries - 1), answered  # cut by the deadline
            if attempt.body is not None:
                try:
                    return RangeOutcome(prefix, find_counts(attempt.body, wanted)), answered
                except MalformedRangeBody as exc:
                    log.debug("HIBP range request: %s", exc)
                    attempt = _Attempt(None, ExposureFailure.MALFORMED_RESPONSE, "malformed response", True)
            last = attempt
            failure = attempt.failure or ExposureFailure.INTERNAL_ERROR
            if failure is ExposureFailure.HTTP_ERROR and not attempt.words.startswith("HTTP 5"):
                return RangeOutcome.failed(prefix, failure, attempt.words), answered
            if tries >= self._policy.tries:
                why = f"{attempt.words} after {_tries(tries)}"
                return RangeOutcome.failed(prefix, failure, why), answered
            wait = attempt.retry_after if attempt.retry_after is not None else self._policy.backoff(tries)
            if time.monotonic() + wait >= self._deadline.at:  # not reached yet: waiting would pass it
                return self._deadline_passed(prefix, last, tries, wait), answered
            log.debug("HIBP range request: %s, retrying in %.2f s", attempt.words, wait)
            if self.stopped.wait(wait):
                return self._deadline_passed(prefix, last, tries), answered

    def _deadline_passed(self, prefix: str, last: _Attempt | None, tries: int, wait: float | None = None
                         ) -> RangeOutcome:
        limit = deadline_reason(self._deadline.seconds)
        if wait is not None:  # the server asked to wait (Retry-After) or the back-off would: past the deadline
            limit = f"waiting {wait:g} s more to try again would pass the deadline of {self._deadline.seconds:g} s"
        why = f"{last.words} after {_tries(tries)}; {limit}" if last else limit
        return RangeOutcome.failed(prefix, ExposureFailure.DEADLINE, why)

    def _try(self, url: str) -> _Attempt:
        """One request, whole, within ``min(timeout, time left)``: never raises."""
        at = min(time.monotonic() + self._timeout, self._deadline.at)
        remaining = max(0.001, at - time.monotonic())
        with self._watchdog.watch(at):
            response: HttpResponse | None = None
            try:
                response = self._session.get(
                    url,
                    timeout=(min(self._connect_timeout, remaining), remaining),
                    allow_redirects=False,  # a redirect could downgrade to plain HTTP or leave HIBP
                    stream=True,  # the body is read below, with a check of the time between reads
                )
                return self._answer(response, at)
            except requests.Timeout:
                return self._timed_out(answered=response is not None)
            except BodyTooLarge:
                return _Attempt(None, ExposureFailure.MALFORMED_RESPONSE, "response too large", True)
            except Exception as exc:  # noqa: BLE001 - any failure of one try is that try's failure
                # A socket cut by the watchdog surfaces as whatever error the read in progress raises.
                if isinstance(exc, BodyTimeUp) or time.monotonic() >= at:
                    return self._timed_out(answered=response is not None)
                log.debug("HIBP range request: connection error (%s)", type(exc).__name__)
                return _Attempt(None, ExposureFailure.CONNECTION_ERROR, "connection error", response is not None)
            finally:
                if response is not None:
                    response.close()

    def _answer(self, response: HttpResponse, at: float) -> _Attempt:
        status = response.status_code
        if status == 200:
            return _Attempt(read_body(response, at, MAX_BODY_BYTES, _READ_SIZE), None, "HTTP 200", True)
        if status == 429:
            wait = _retry_after_seconds(response.headers.get("Retry-After"), self._policy)
            return _Attempt(None, ExposureFailure.RATE_LIMITED, "rate limited, HTTP 429", True, wait)
        return _Attempt(None, ExposureFailure.HTTP_ERROR, f"HTTP {status}", True)

    @staticmethod
    def _timed_out(*, answered: bool) -> _Attempt:
        return _Attempt(None, ExposureFailure.TIMEOUT, "timed out", answered)


class RangeApiSource:
    """The range API as an exposure source: ``GET {base}/range/{PREFIX}`` once per distinct prefix.

    ``session`` may be injected (tests pass a fake one); otherwise one pooled session is built per lookup
    and closed after it. Only sockets of a session built here can be cut mid-read; with another session a
    request is still abandoned at its time limit and the whole lookup still ends by its deadline.
    """

    def __init__(
        self,
        base_url: str,
        *,
        workers: int,
        timeout: float,
        deadline: float,
        policy: RetryPolicy,
        session: HttpSession | None = None,
    ) -> None:
        self.base_url = base_url
        self.workers = workers
        self.timeout = timeout
        self.deadline = deadline
        self.policy = policy
        self._session = session

    def lookup(self, keys: Sequence[HashKey], progress: ProgressCallback | None = None) -> list[ExposureResult]:
        """One result per key, in order; ``progress(done, total)`` per distinct prefix, from this thread."""
        by_prefix = suffixes_by_prefix(keys)
        if not by_prefix:
            return []
        deadline = Deadline(self.deadline)
        session = self._session if self._session is not None else build_session(self.workers)
        watchdog = SocketWatchdog(name="hibp-watchdog")
        client = RangeClient(session, self.base_url, timeout=self.timeout, deadline=deadline, policy=self.policy,
                             watchdog=watchdog)
        todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        for prefix in sorted(by_prefix):
            todo.put(prefix)
        done: queue.SimpleQueue[RangeOutcome] = queue.SimpleQueue()
        for _ in range(max(1, min(self.workers, len(by_prefix)))):
            threading.Thread(target=_work, args=(client, todo, by_prefix, done), name="hibp-range",
                             daemon=True).start()
        outcomes: dict[str, RangeOutcome] = {}
        try:
            while len(outcomes) < len(by_prefix):
                remaining = deadline.remaining()
                if remaining <= 0:
                    break
                try:
                    outcome = done.get(timeout=remaining)
                except queue.Empty:
                    break
                outcomes[outcome.prefix] = outcome
                if progress is not None:
                    progress(len(outcomes), len(by_prefix))
        finally:
            # Whatever is still running is abandoned, never waited for: no new try starts, open sockets
            # are cut, and the session (if ours) is closed.
            client.stopped.set()
            watchdog.close()
            if self._session is None:
                session.close()
        return results_by_key(keys, outcomes, deadline=self.deadline)


def _work(client: RangeClient, todo: queue.SimpleQueue[str], wanted: dict[str, set[str]],
          done: queue.SimpleQueue[RangeOutcome]) -> None:
    """A request thread: fetch ranges until none is left or the caller stopped waiting."""
    while not client.stopped.is_set():
        try:
            prefix = todo.get_nowait()
        except queue.Empty:
            return
        try:
            outcome = client.fetch(prefix, sorted(wanted[prefix]))
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the caller waiting for the deadline
            log.debug("HIBP range request: internal error (%s)", type(exc).__name__)
            outcome = RangeOutcome.failed(prefix, ExposureFailure.INTERNAL_ERROR,
                                          f"internal error: {type(exc).__name__}")
        done.put(outcome)


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
