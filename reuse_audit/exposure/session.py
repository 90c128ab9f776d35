"""The one place where the HTTP session for HIBP is built: headers, TLS, connection pool."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from reuse_audit import __version__
from reuse_audit.exposure.model import ExposureErrorCode, ExposureServiceError

USER_AGENT = f"reuse-audit/{__version__}"


def build_session(workers: int) -> requests.Session:
    """A session sending ``Add-Padding: true`` and a versioned User-Agent, TLS verified, pooled for workers.

    Retries are not delegated to urllib3: the range client owns them so it can honour ``Retry-After``
    and a total time budget.
    """
    session = requests.Session()
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Add-Padding": "true",
            "Accept": "text/plain",
        }
    )
    session.verify = True
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, workers), max_retries=0, pool_block=True)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def checked_base_url(url: str) -> str:
    """The HIBP base URL without a trailing slash; plain HTTP is refused except to a loopback host."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ExposureServiceError(
        ExposureErrorCode.INSECURE_URL,
        f"HIBP URL must be https:// (plain http only to localhost): {url!r}",
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
