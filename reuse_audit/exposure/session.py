"""The one place where the HTTP session for HIBP is built: headers, TLS, connection pool, cut-off sockets.

Every connection of the session puts its socket under the calling thread's current
:class:`~reuse_audit.deadline.SocketWatchdog` watch when it starts reading a response, so the range client
can bound a request's *total* time (headers and body), not just each read. urllib3's debug lines, which
would name the request path (and with it the hash prefix), are redacted.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from reuse_audit import __version__
from reuse_audit.deadline import attach_current

USER_AGENT = f"reuse-audit/{__version__}"


class HttpResponse(Protocol):
    """What the range client reads of a response (``requests.Response`` has it; tests may fake it)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def iter_content(self, chunk_size: int) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class HttpSession(Protocol):
    """What the range client needs of a session (``requests.Session`` has it; tests may fake it)."""

    def get(self, url: str, *, timeout: tuple[float, float], allow_redirects: bool, stream: bool) -> Any: ...

    def close(self) -> None: ...


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        attach_current(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        attach_current(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose connections (direct or through an HTTP proxy) can be cut by the watchdog."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager).__name__ == "ProxyManager":  # not SOCKS: its pools are its own
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


def build_session(workers: int) -> requests.Session:
    """A session sending ``Add-Padding: true`` and a versioned User-Agent, TLS verified, pooled for workers.

    Retries are not delegated to urllib3: the range client owns them so it can honour ``Retry-After``
    and a total time budget. The pool does not block: a connection abandoned at a deadline never starves
    the others.
    """
    _redact_urllib3_logs()
    session = requests.Session()
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Add-Padding": "true",
            "Accept": "text/plain",
        }
    )
    session.verify = True
    adapter = _WatchedAdapter(pool_connections=1, pool_maxsize=max(1, workers), max_retries=0, pool_block=False)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_RANGE_PATH = re.compile(r"/range/[0-9A-Fa-f]{5}")


class BodyTimeUp(Exception):
    """A request's own time limit passed while its body was still arriving."""


class BodyTooLarge(Exception):
    """A body larger than the caller allows."""


def read_body(response: HttpResponse, at: float, max_bytes: int, piece: int) -> bytes:
    """A streamed response's whole body, read ``piece`` bytes at a time with a look at the clock between reads:
    :class:`BodyTimeUp` past ``at`` (``time.monotonic()``), :class:`BodyTooLarge` beyond ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(piece):
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
        if time.monotonic() >= at:
            raise BodyTimeUp
    return b"".join(chunks)


class _RedactRangePaths(logging.Filter):
    """urllib3 logs each request's path at debug level: ``/range/1A2B3`` becomes ``/range/<prefix>``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _RANGE_PATH.search(message):
            record.msg = _RANGE_PATH.sub("/range/<prefix>", message)
            record.args = None
        return True


_REDACTOR = _RedactRangePaths()


def _redact_urllib3_logs() -> None:
    for name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection", "urllib3.response"):
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
