"""The ``urls`` check: ``insecure_url``, an entry whose URL sends its password over the network in clear.

Decided from the URL field alone, offline (no DNS): the scheme is ``http`` or ``ftp`` and the host is a
public one. Loopback (``localhost``, ``127.0.0.1``, ``::1``), private and link-local addresses (RFC 1918,
shared address space, ``fe80::``), intranet names without a public suffix (``nas``, ``router.lan``,
``wiki.corp.local``, ``x.home.arpa``) and Tor onion services (encrypted end to end) are left alone: the
password does not cross the Internet. A URL without a scheme (``example.com/login``) says nothing about
how the browser will connect, and is left alone too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from reuse_audit.checks.entry import CheckContext, EntryCheckOutcome, EntryFinding
from reuse_audit.credentials import Credential
from reuse_audit.findings import Check, FindingKind
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.redact import MASK
from reuse_audit.services.domains import host_from_url, host_within, is_intranet_host

INSECURE_SCHEMES = frozenset({"http", "ftp"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*)://")
# Special-use names (RFC 6761, 8375, 7686) that never reach a public host in clear.
_LOCAL_NAMES = ("localhost", "home.arpa", "onion")


def is_public_host(host: str) -> bool:
    """Whether ``host`` (normalised, as :func:`host_from_url` gives it) is reached over the Internet."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if any(host_within(host, name) for name in _LOCAL_NAMES):
            return False
        return not is_intranet_host(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def insecure_url(url: str) -> tuple[str, str] | None:
    """``(scheme, host)`` when ``url`` is ``http://`` or ``ftp://`` to a public host, else None."""
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in INSECURE_SCHEMES:
        return None
    host = host_from_url(url)
    if host is None or not is_public_host(host):
        return None
    return match.group(1).lower(), host


class InsecureUrlCheck:
    """``--checks urls``: ``insecure_url`` (see the module docstring)."""

    name: Check = Check.URLS
    kinds: frozenset[FindingKind] = frozenset({FindingKind.INSECURE_URL})

    def run(self, credentials: Sequence[Credential], context: CheckContext) -> EntryCheckOutcome:
        out: dict[str, tuple[EntryFinding, ...]] = {}
        for c in credentials:
            found = insecure_url(c.real_url) if c.real_url else None  # the URL as held decides
            if found is not None:
                shown = insecure_url(c.url) if c.url != c.real_url else found  # a vault password in it hidden
                scheme, host = found[0], shown[1] if shown is not None else MASK
                out[c.uuid] = (EntryFinding(FindingKind.INSECURE_URL,
                                            Reason.of(R.INSECURE_URL, scheme=scheme, host=host)),)
        return EntryCheckOutcome(out)
