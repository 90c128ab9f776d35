"""``GET {api}/breaches``: Have I Been Pwned's breach list over the network, conditional and time-bounded.

The request goes through the exposure layer's session (:func:`reuse_audit.exposure.session.build_session`:
versioned User-Agent, TLS verified, sockets a :class:`~reuse_audit.deadline.SocketWatchdog` can cut), without
an API key (the breach list needs none), with ``If-None-Match`` / ``If-Modified-Since`` from the cached copy
so that an unchanged list costs a 304. Each try ends within ``timeout`` seconds, headers and body; all tries
within ``deadline``. Redirects are refused (one could leave HTTPS or the host).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reuse_audit.breaches.model import BreachListError
from reuse_audit.deadline import Deadline, SocketWatchdog
from reuse_audit.errors import Message
from reuse_audit.exposure.endpoint import checked_base_url
from reuse_audit.exposure.model import ExposureServiceError
from reuse_audit.i18n import N_

if TYPE_CHECKING:  # the HTTP stack is imported when the list is fetched, never to check a URL
    from reuse_audit.exposure.session import HttpSession

log = logging.getLogger(__name__)

#: The whole list is about 1 MB (2025); anything far larger is not it.
MAX_BODY_BYTES = 64 << 20
_READ_SIZE = 64 * 1024
_TRIES = 2
_RETRY_WAIT = 1.0


@dataclass(frozen=True)
class Fetched:
    """A 200 (``body`` set) or a 304 (``body`` None: the cached copy is still current), and its validators."""

    body: bytes | None
    etag: str | None
    last_modified: str | None


class _Failed(Exception):
    """One try failed; ``words`` say how ("HTTP 503", "timed out"), ``final`` whether a retry is pointless."""

    def __init__(self, words: str, final: bool = False) -> None:
        super().__init__(words)
        self.words = words
        self.final = final


def breaches_url(api_url: str) -> str:
    """``{api}/breaches``; plain HTTP only to a loopback host (tests), else :class:`BreachListError`."""
    try:
        return checked_base_url(api_url) + "/breaches"
    except ExposureServiceError:
        raise BreachListError(N_("the HIBP API URL must be https:// (plain http only to localhost): {url!r}"),
                              url=api_url) from None


def fetch_breaches(api_url: str, *, etag: str | None = None, last_modified: str | None = None,
                   timeout: float, deadline: float, session: HttpSession | None = None) -> Fetched:
    """Fetch the list (or learn it is unchanged); :class:`BreachListError` with a few words when it fails."""
    from reuse_audit.exposure.session import build_session

    url = breaches_url(api_url)
    headers = {"Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = session is None
    http: Any = build_session(1) if session is None else session
    if own:
        http.headers.pop("Add-Padding", None)  # a range-API header; the breach list has no use for it
    until = Deadline(deadline)
    watchdog = SocketWatchdog(name="hibp-breaches-watchdog")
    last: str = Message(N_("no try made"))
    try:
        for attempt in range(1, _TRIES + 1):
            try:
                return _try(http, url, headers, min(time.monotonic() + timeout, until.at), watchdog)
            except _Failed as failed:
                last = failed.words
                log.debug("HIBP breach list: %s (try %d)", failed.words, attempt)
                if failed.final or attempt == _TRIES or until.remaining() <= _RETRY_WAIT:
                    break
                time.sleep(_RETRY_WAIT)
    finally:
        watchdog.close()
        if own:
            http.close()
    if until.expired():
        last = Message(N_("{last}; deadline of {seconds:g} s reached"), last=last, seconds=deadline)
    raise BreachListError(last)


def _try(http: Any, url: str, headers: dict[str, str], at: float, watchdog: SocketWatchdog) -> Fetched:
    import requests

    from reuse_audit.exposure.session import BodyTooLarge, read_body

    remaining = max(0.001, at - time.monotonic())
    with watchdog.watch(at):
        response = None
        try:
            response = http.get(url, headers=headers, timeout=(min(5.0, remaining), remaining),
                                allow_redirects=False, stream=True)
            status = response.status_code
            validators = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
            if status == 304:
                return Fetched(None, *validators)
            if status != 200:
                raise _Failed(Message(N_("HTTP {status}"), status=status), final=not (status >= 500 or status == 429))
            return Fetched(read_body(response, at, MAX_BODY_BYTES, _READ_SIZE), *validators)
        except _Failed:
            raise
        except BodyTooLarge:
            raise _Failed(Message(N_("response too large")), final=True) from None
        except requests.Timeout:
            raise _Failed(Message(N_("timed out"))) from None
        except Exception as exc:  # noqa: BLE001 - a cut socket surfaces as whatever the read raised
            if time.monotonic() >= at:
                raise _Failed(Message(N_("timed out"))) from None
            raise _Failed(Message(N_("connection error ({name})"), name=type(exc).__name__)) from None
        finally:
            if response is not None:
                response.close()
