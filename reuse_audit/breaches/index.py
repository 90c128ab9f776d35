"""Which breaches concern which site: breaches that count, looked up by an entry's host or by their Name.

A breach concerns a host that equals its ``Domain`` or lies under it (``www.adobe.com`` for ``adobe.com``),
and the other hosts our services catalogue lists for the same service (``gmail.com`` and
``mail.google.com`` are one account). A ``Domain`` that is itself a host (``cfire.mail.ru``) concerns that
host and its sub-hosts only, never the rest of ``mail.ru``: the catalogue is consulted for a domain's own
entry, never a parent's. A breach without a domain, or whose domain is a public suffix, concerns nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from reuse_audit.breaches.model import Breach
from reuse_audit.services.catalogue import same_service_hosts
from reuse_audit.services.domains import is_intranet_host, is_public_suffix, normalise_host


def breach_hosts(breach: Breach) -> tuple[str, ...]:
    """The hosts a breach concerns (each with its sub-hosts): its domain, then its service's other hosts."""
    if not breach.domain or not _site(breach.domain):
        return ()
    hosts = [breach.domain, *(h for h in same_service_hosts(breach.domain) if _site(h))]
    return tuple(dict.fromkeys(hosts))


def _site(host: str) -> bool:
    """A public site's host: not a public suffix (``co.jp``, ``github.io``), an IP address or an intranet name."""
    return not is_public_suffix(host) and not is_intranet_host(host)


class BreachIndex:
    """The breaches that count (leaked passwords; not fabricated, spam or retired), by host; all by Name."""

    def __init__(self, breaches: Iterable[Breach]) -> None:
        self._by_host: dict[str, list[Breach]] = {}
        self._by_name: dict[str, Breach] = {}
        self.counted = 0
        for breach in breaches:
            self._by_name.setdefault(breach.name.casefold(), breach)
            if not breach.counts:
                continue
            hosts = breach_hosts(breach)
            self.counted += bool(hosts)
            for host in hosts:
                self._by_host.setdefault(host, []).append(breach)

    def for_host(self, host: str | None) -> tuple[Breach, ...]:
        """The counting breaches that concern ``host`` (most recent first); () for no host or an IP address."""
        normalised = normalise_host(host) if host else None
        if not normalised or is_intranet_host(normalised):
            return ()
        labels = normalised.split(".")
        found: dict[str, Breach] = {}
        for i in range(len(labels)):
            for breach in self._by_host.get(".".join(labels[i:]), ()):
                found.setdefault(breach.name, breach)
        return tuple(sorted(found.values(), key=lambda b: (b.last_day, b.name), reverse=True))

    def by_name(self, name: str) -> Breach | None:
        """The breach called ``name`` (HIBP's ``Name``, any case), whether it counts or not."""
        return self._by_name.get(name.strip().casefold())
