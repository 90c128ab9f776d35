"""Which base URLs the HIBP clients may talk to (HTTPS, or plain HTTP to a loopback host): checked when the
options are read, without bringing in the HTTP stack."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from reuse_audit.exposure.model import ExposureErrorCode, ExposureServiceError
from reuse_audit.i18n import N_

__all__ = ["checked_base_url"]


def checked_base_url(url: str) -> str:
    """The HIBP base URL without a trailing slash; plain HTTP is refused except to a loopback host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError:  # "http://[::1": an unclosed IPv6 address
        raise ExposureServiceError(ExposureErrorCode.INVALID_ARGUMENT, N_("not a valid URL: {url!r}"),
                                   url=url) from None
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ExposureServiceError(
        ExposureErrorCode.INSECURE_URL,
        N_("HIBP URL must be https:// (plain http only to localhost): {url!r}"), url=url,
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
