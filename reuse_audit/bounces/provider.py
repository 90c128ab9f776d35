"""What is known of the mail provider behind each of the user's addresses, learned per address.

A bounce can only show that mail went out *through an account* if it is clear which servers are that
account's provider. That knowledge is kept per address, never pooled: a Gmail Sent folder says nothing
about the shop address hosted elsewhere. It comes from the address's own Sent mail (relay hosts, DKIM
domains, Message-ID domains), ``--relay HOST`` (every address) or ``--relay ADDRESS=HOST``, the known hosts
of the large providers (Gmail, Outlook, Yahoo, iCloud), and servers the bounces themselves show accepting a
login as that address. No DNS lookup is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from reuse_audit.bounces.hops import is_internal_ip
from reuse_audit.services.domains import host_within, registrable_domain


@dataclass(frozen=True)
class KnownProvider:
    """A large provider: the domains its users' addresses are at, and the sites its servers are under."""

    name: str
    address_domains: frozenset[str]
    server_sites: frozenset[str]
    dkim_domains: frozenset[str]


def _known(name: str, addresses: str, servers: str, dkim: str) -> KnownProvider:
    return KnownProvider(name, frozenset(addresses.split()), frozenset(servers.split()), frozenset(dkim.split()))


KNOWN_PROVIDERS: tuple[KnownProvider, ...] = (
    _known("Gmail", "gmail.com googlemail.com", "google.com gmail.com googlemail.com",
           "gmail.com googlemail.com google.com"),
    _known("Outlook", "outlook.com outlook.jp hotmail.com hotmail.co.jp hotmail.co.uk live.com live.jp msn.com",
           "outlook.com hotmail.com live.com office365.com", "outlook.com hotmail.com live.com"),
    _known("Yahoo", "yahoo.com yahoo.co.jp ymail.com rocketmail.com yahoo.co.uk",
           "yahoo.com yahoo.co.jp yahoodns.net yahoo.net", "yahoo.com yahoo.co.jp ymail.com"),
    _known("iCloud", "icloud.com me.com mac.com", "icloud.com me.com mac.com apple.com", "icloud.com me.com mac.com"),
)
_BY_ADDRESS_DOMAIN: Mapping[str, KnownProvider] = {d: p for p in KNOWN_PROVIDERS for d in p.address_domains}
# Reserved or made-up top-level names the Public Suffix List does not know: group by the last two labels.
_LOCAL_TLDS = frozenset({"example", "test", "invalid", "localhost", "local", "lan", "internal", "corp", "home"})


@lru_cache(maxsize=16384)
def site(host: str) -> str:
    """The organisation a host belongs to: its registrable domain (``mta.aaa.co.jp`` → ``aaa.co.jp``).

    IP addresses are their own site. Names under reserved top-level domains (``.example``, ``.test``) are
    grouped by their last two labels, as a registrable domain would be.
    """
    host = host.strip().rstrip(".").lower()
    if not host or is_ip(host):
        return host
    labels = host.split(".")
    if labels[-1] in _LOCAL_TLDS:
        return ".".join(labels[-2:])
    return registrable_domain(host)


def is_ip(host: str) -> bool:
    """True for an IPv4 or IPv6 literal."""
    return host.replace(".", "").isdigit() or (":" in host and all(c in "0123456789abcdef:." for c in host.lower()))


def domain_of(address: str) -> str:
    """The domain of an address, lower-cased."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


@dataclass(frozen=True)
class SentKnowledge:
    """What one address's Sent mail shows about its provider."""

    relay_hosts: frozenset[str] = frozenset()
    dkim_domains: frozenset[str] = frozenset()
    message_id_domains: frozenset[str] = frozenset()
    messages: int = 0


@dataclass(frozen=True)
class Provider:
    """The servers that are the provider of one address, as far as they are known."""

    address: str
    hosts: frozenset[str] = frozenset()          # exact server names (relays, --relay, learned)
    sites: frozenset[str] = frozenset()          # organisations whose servers count as the provider
    dkim_domains: frozenset[str] = frozenset()
    message_id_domains: frozenset[str] = frozenset()
    known: bool = False                           # more is known than the address's own domain
    learned_from: tuple[str, ...] = field(default=())  # "sent", "relay", "known:Gmail", "bounces"

    @property
    def own_site(self) -> str:
        """The organisation of the address's own domain."""
        return site(domain_of(self.address))

    def owns(self, host: str | None) -> bool:
        """Whether ``host`` (a name or an address literal) is one of this provider's servers."""
        if not host or is_ip(host) and is_internal_ip(host):
            return False
        host = host.lower().rstrip(".")
        return host in self.hosts or site(host) in self.sites

    def owns_any(self, hosts: Iterable[str]) -> bool:
        """Whether any of ``hosts`` is one of this provider's servers."""
        return any(self.owns(h) for h in hosts)

    def signs_as_own(self, dkim_domain: str) -> bool:
        """A DKIM signature that the owner's side makes: their own domain, or one their provider signs with."""
        domain = dkim_domain.lower().rstrip(".")
        return (domain in self.dkim_domains or site(domain) == self.own_site
                or any(host_within(domain, d) for d in self.dkim_domains))

    def with_hosts(self, hosts: Iterable[str], source: str) -> Provider:
        """This knowledge with more server names (and their sites) added."""
        new = {h.lower().rstrip(".") for h in hosts
               if h and ("." in h or ":" in h) and not (is_ip(h) and is_internal_ip(h))}
        if not new - self.hosts:
            return self
        return replace(self, hosts=self.hosts | new, sites=self.sites | {site(h) for h in new if not is_ip(h)},
                       known=True, learned_from=tuple(dict.fromkeys((*self.learned_from, source))))

    def summary(self) -> dict[str, object]:
        """What is known, for the JSON report."""
        return {"hosts": sorted(self.hosts), "sites": sorted(self.sites), "dkim_domains": sorted(self.dkim_domains),
                "message_id_domains": sorted(self.message_id_domains), "known": self.known,
                "learned_from": list(self.learned_from)}


def parse_relays(relays: Iterable[str]) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """``--relay`` values: plain ``HOST`` (every address) and ``ADDRESS=HOST`` (that address only)."""
    general: set[str] = set()
    per: dict[str, set[str]] = {}
    for value in relays:
        text = value.strip()
        if "=" in text:
            address, _, host = text.partition("=")
            if address.strip() and host.strip():
                per.setdefault(address.strip().lower(), set()).add(host.strip().lower().rstrip("."))
        elif text:
            general.add(text.lower().rstrip("."))
    return frozenset(general), {a: frozenset(h) for a, h in per.items()}


def provider_for(
    address: str,
    sent: SentKnowledge | None = None,
    relays: Iterable[str] = (),
    address_relays: Iterable[str] = (),
) -> Provider:
    """Everything known of ``address``'s provider before the bounces are read."""
    address = address.lower()
    domain = domain_of(address)
    provider = Provider(address, sites=frozenset({site(domain)}) if domain else frozenset(),
                        dkim_domains=frozenset({domain}) if domain else frozenset())
    known = _BY_ADDRESS_DOMAIN.get(domain)
    if known is not None:
        provider = replace(provider, sites=provider.sites | known.server_sites,
                           dkim_domains=provider.dkim_domains | known.dkim_domains, known=True,
                           learned_from=(f"known:{known.name}",))
    if sent is not None and sent.messages:
        provider = provider.with_hosts(sent.relay_hosts, "sent")
        provider = replace(provider, dkim_domains=provider.dkim_domains | sent.dkim_domains,
                           message_id_domains=sent.message_id_domains)
    return provider.with_hosts([*relays, *address_relays], "relay")
