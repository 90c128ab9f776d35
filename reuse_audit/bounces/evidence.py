"""Compromise or forgery: decide, per bounce, whether the bounced mail went out through the user's account.

``via-account``: a believed hop shows the mail leaving the address's provider, or a login as the address
(or a login marker written by the provider), or a webmail login; or the mail is DKIM-signed by the owner's
side. ``backscatter``: a believed hop shows someone else's login, or the mail went straight from a machine
that is not a mail server, or the provider is known and the mail never passed through it, or only a
foreign domain signed it. ``unknown``: the bounce does not say (no copy of the mail came back, or nothing
believable in it). Hops are believed only as :mod:`reuse_audit.bounces.hops` says: made-up ``Received:``
lines naming the owner's domain are counted, never used.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses, parseaddr
from enum import StrEnum

from reuse_audit.bounces.detect import Bounce
from reuse_audit.bounces.fields import decode_text, dkim_domains
from reuse_audit.bounces.hops import ChainHop, chain, is_internal_ip, parse_hop
from reuse_audit.bounces.provider import Provider, SentKnowledge, domain_of, site

_ADDRESS_IN_BRACKETS = re.compile(
    r"<?\"?[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*\"?@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?>?"
)
# Reverse-DNS names of end-user connections (home, mobile, cloud default names), never of a mail server.
_END_HOST_WORDS = re.compile(
    r"(?:^|[.-])(?:dyn|dynamic|dhcp|[axv]?dsl|pool|pppoe?|cable|broadband|bb|cust|customer|clients?|home|res|"
    r"residential|users?|ftth|fttx|fiber|fibertel|wireless|mobile|lte|catv|nat|unassigned|in-addr|rev|"
    r"reverse|ipngn|bbtec|access|dialup|dial)(?:[.-]|\d|$)", re.I)
_MAIL_SERVER_NAME = re.compile(r"^(?:mail|smtp|mx|mta|out|relay|mo|mf|send)[0-9-]*[.-]", re.I)
# Default names of rented servers: a small business may run its own mail server on one, so such a name is
# no proof of a spam bot (the bounce stays unknown rather than backscatter).
_SERVER_HOSTING = re.compile(r"compute|amazonaws|googleusercontent|your-server\.de|linode|vultr|digitalocean|"
                             r"contabo|ovh|hetzner|\bvps|cloud|sakura\.ne\.jp|xserver|conoha", re.I)


class Origin(StrEnum):
    """Where the bounced mail came from, as far as the bounce shows."""

    VIA_ACCOUNT = "via-account"
    BACKSCATTER = "backscatter"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SentFolder:
    """What the user's own Sent mail shows: Message-IDs, recipients and, per sending address, its provider."""

    message_ids: frozenset[str] = frozenset()
    recipients: frozenset[str] = frozenset()
    relay_hosts: frozenset[str] = frozenset()  # every address's relays together: for display only
    given: bool = False
    by_address: Mapping[str, SentKnowledge] = field(default_factory=dict)

    @classmethod
    def from_headers(cls, headers: Iterable[Message]) -> SentFolder:
        """Learn from the header blocks of the Sent messages (bodies are never needed)."""
        ids: set[str] = set()
        recipients: set[str] = set()
        per: dict[str, dict[str, set[str]]] = {}
        counts: dict[str, int] = {}
        for msg in headers:
            message_id = str(msg.get("Message-ID", "")).strip()
            if message_id:
                ids.add(message_id.lower())
            values = [decode_text(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
            recipients.update(a.lower() for _, a in getaddresses(values) if "@" in a)
            _, sender = parseaddr(decode_text(msg.get("From")))
            sender = sender.lower()
            if "@" not in sender:
                continue
            known = per.setdefault(sender, {"relays": set(), "dkim": set(), "ids": set()})
            counts[sender] = counts.get(sender, 0) + 1
            known["relays"].update(received_by_hosts(str(v) for v in msg.get_all("Received", [])))
            known["dkim"].update(dkim_domains(msg))
            if "@" in message_id:
                known["ids"].add(message_id.strip("<>").rpartition("@")[2].lower())
        by_address = {
            a: SentKnowledge(frozenset(k["relays"]), frozenset(k["dkim"]), frozenset(k["ids"]), counts[a])
            for a, k in per.items()
        }
        relays = frozenset().union(*(k.relay_hosts for k in by_address.values()))
        return cls(frozenset(ids), frozenset(recipients), relays, True, by_address)

    def knowledge(self, address: str) -> SentKnowledge | None:
        """What this address's own Sent mail shows (None when none of it was sent from that address)."""
        return self.by_address.get(address.lower())


@dataclass(frozen=True)
class Login:
    """A login that preceded the mail: from which address, and whether through the webmail."""

    ip: str
    webmail: bool


@dataclass(frozen=True)
class Judgement:
    """The origin of one bounce, the reasons found, and what else the believed hops show."""

    origin: Origin
    reasons: tuple[str, ...]
    in_sent: bool = False
    sample_received: str | None = None
    has_original: bool = True
    logins: tuple[Login, ...] = ()
    third_party: tuple[str, ...] = ()  # servers where someone else's account sent it
    forged_hops: int = 0               # unbelieved hops that name the owner's domain or provider
    owner_hosts: tuple[str, ...] = ()  # servers seen accepting a login as the owner (the provider)


def received_by_hosts(lines: Iterable[str]) -> set[str]:
    """The ``by`` host of each Received line, lower-cased."""
    hosts: set[str] = set()
    for line in lines:
        hop = parse_hop(line)
        if hop.by:
            hosts.add(hop.by)
    return hosts


def redact_received(line: str, me: Iterable[str]) -> str:
    """A Received line with every e-mail address except the user's own replaced by ``<redacted>``."""
    own = {address.lower() for address in me}

    def replace(match: re.Match[str]) -> str:
        address = match.group(0).strip("<>")
        return match.group(0) if address.lower() in own else "<redacted>"

    return _ADDRESS_IN_BRACKETS.sub(replace, line)


def looks_like_end_host(rdns: str | None, ip: str | None) -> bool:
    """A reverse-DNS name of a home, mobile or default cloud connection: never a provider's mail server."""
    if not rdns:
        return False
    name = rdns.lower()
    if _SERVER_HOSTING.search(name):
        return False
    if ip:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            address = None
        if address is not None and address.version == 4:
            octets = str(address).split(".")
            if re.search(r"\D?".join(octets), name) or re.search(r"\D?".join(reversed(octets)), name):
                return True
            if "".join(f"{int(o):03d}" for o in octets) in name:
                return True
    return bool(_END_HOST_WORDS.search(name)) and not _MAIL_SERVER_NAME.match(name)


def _is_owner(identity: str, owner: str, at_provider: bool) -> bool:
    identity = identity.lower()
    if identity == owner:
        return True
    local = owner.partition("@")[0]
    return at_provider and (identity == local or identity.partition("@")[0] == local and "@" not in identity)


def _own_hop_names(hop: ChainHop, provider: Provider) -> bool:
    names = [n for n in (hop.hop.by, hop.hop.claimed, hop.hop.rdns) if n]
    return any(provider.owns(n) or site(n) == provider.own_site for n in names)


def _failure_outside(bounce: Bounce, provider: Provider) -> bool:
    """Whether a failed recipient lies outside the owner's own domain (mail going out, not coming in)."""
    recipients = bounce.failed_recipients
    return not recipients or any(site(domain_of(r)) != provider.own_site for r in recipients)


def judge(bounce: Bounce, provider: Provider, *, sent: SentFolder | None = None, me: Iterable[str] = ()) -> Judgement:
    """Decide ``via-account``, ``backscatter`` or ``unknown`` for one bounce about ``provider.address``."""
    own = {a.lower() for a in me} | {provider.address}
    original = bounce.original
    message_id = (original.message_id or "").lower() if original else ""
    sent_ids = sent.message_ids if sent is not None and sent.given and message_id else None
    in_sent = sent_ids is not None and message_id in sent_ids
    outside = _failure_outside(bounce, provider)
    reporting = bool(bounce.reporting_mta and provider.owns(bounce.reporting_mta) and outside
                     and bounce.failed_recipients)
    if original is None or not (original.received or original.dkim_domains):
        if in_sent:
            return Judgement(Origin.UNKNOWN, ("in-sent",), True, has_original=original is not None)
        if reporting:
            return Judgement(Origin.VIA_ACCOUNT, ("provider-reporting-mta",), has_original=original is not None)
        return Judgement(Origin.UNKNOWN, ("no-original" if original is None else "no-path",),
                         has_original=original is not None)

    def leaves_provider(item: ChainHop) -> bool:
        hop = item.hop
        return provider.owns_any(item.writer) and not hop.internal and not provider.owns_any(hop.client_names)

    hops = chain(original.received, site, leaves_provider)
    believed = [h for h in hops if h.trusted]
    via: list[str] = ["provider-reporting-mta"] if reporting else []
    back: list[str] = []
    logins: list[Login] = []
    http_logins: list[Login] = []
    third: list[str] = []
    owner_hosts: list[str] = []
    provider_seen = False
    sample: str | None = None
    for item in believed:
        hop = item.hop
        at_provider = provider.owns_any(item.writer)
        from_provider = provider.owns_any(n for n in hop.client_names if not is_internal_ip(n))
        provider_seen = provider_seen or at_provider or from_provider
        identity = hop.auth_identity
        owner_login = identity is not None and _is_owner(identity, provider.address, at_provider)
        client_ip = hop.ip if hop.ip and not hop.internal else None
        if hop.http:
            if client_ip:
                http_logins.append(Login(client_ip, True))
            if identity is not None and not owner_login and not at_provider:
                back.append("third-party-login")
                third.append(hop.by or "?")
            elif at_provider or owner_login:
                via.append("webmail-login")
                sample = sample or hop.line
            continue
        if hop.auth and (owner_login or at_provider):
            via.append("auth-marker")
            sample = hop.line if sample is None or "auth-marker" not in via[:-1] else sample
            if client_ip:
                logins.append(Login(client_ip, False))
            if owner_login:
                owner_hosts.extend(n for n in item.writer if "." in n and not n.replace(".", "").isdigit())
        elif hop.auth and not at_provider and (identity is not None or provider.known):
            back.append("third-party-login")
            third.append(hop.by or "?")
        if from_provider and not at_provider:
            via.append("provider-hop")  # a server outside received it from the provider: it went out
            sample = sample or hop.line
        elif at_provider and (hop.internal or from_provider or not hop.has_from) and outside:
            via.append("provider-hop")
            sample = sample or hop.line
        elif at_provider and hop.has_from and not hop.auth and not outside:
            back.append("entered-from-outside")  # sent from outside to the owner's own domain
    dkim = original.dkim_domains
    own_dkim = any(provider.signs_as_own(d) for d in dkim)
    chain_via = bool(via)
    if own_dkim:
        via.append("own-dkim")
    forged = sum(1 for h in hops if not h.trusted and _own_hop_names(h, provider))
    first_hop = redact_received(believed[0].hop.line, own) if believed else None
    if not chain_via and believed:
        entry = believed[-1].hop
        if entry.has_from and not entry.auth and not entry.http and not entry.internal and not provider_seen:
            if entry.plain_smtp and (entry.unknown_client or looks_like_end_host(entry.rdns, entry.ip)):
                back.append("origin-not-mail-server")
            elif provider.known:
                back.append("no-provider-hop")
    if dkim and not own_dkim and not chain_via:
        seen_sites = {site(n) for h in believed for n in (*h.writer, *h.hop.client_names)}
        if not any(site(d) in seen_sites for d in dkim):
            back.append("foreign-dkim")
    via_reasons = tuple(dict.fromkeys(via))
    back_reasons = tuple(dict.fromkeys(back))
    if chain_via or (via_reasons and not back_reasons):
        if sent_ids is not None and not in_sent:
            via_reasons += ("not-in-sent",)
        found = tuple(dict.fromkeys([*logins, *http_logins])) if chain_via else ()
        return Judgement(Origin.VIA_ACCOUNT, via_reasons, in_sent, redact_received(sample, own) if sample
                         else first_hop, logins=found, forged_hops=forged,
                         owner_hosts=tuple(dict.fromkeys(owner_hosts)))
    if in_sent:
        return Judgement(Origin.UNKNOWN, ("in-sent",), True, first_hop, forged_hops=forged)
    if back_reasons and not via_reasons:
        return Judgement(Origin.BACKSCATTER, back_reasons, False, first_hop,
                         third_party=tuple(dict.fromkeys(third)), forged_hops=forged)
    reasons = ("conflicting",) if via_reasons else ("unverified",)
    return Judgement(Origin.UNKNOWN, reasons, False, first_hop, forged_hops=forged)
