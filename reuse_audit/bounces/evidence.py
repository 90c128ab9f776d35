"""Compromise or forgery: decide, per bounce, whether the bounced mail went out through the user's account.

``via-account``: the mail passed through the user's provider after logging in (a provider hop or
reporting MTA, a submission-authentication marker, a DKIM signature of the user's domain).
``backscatter``: the mail merely forged the address and never touched the provider. ``unknown``: the
bounce does not say. Absence of an authentication marker proves nothing (Postfix does not write one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses
from enum import StrEnum

from reuse_audit.bounces.detect import Bounce, decode_text

_AUTH_MARKER = re.compile(
    r"\(Authenticated sender: [^)]*\)|\bwith E?SMTPS?A\b|\(authenticated bits=\d+\)|\bsmtp\.auth=", re.I
)
_BY_HOST = re.compile(r"\bby\s+\[?([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[0-9.:a-fA-F]+)\]?", re.I)
_ADDRESS_IN_BRACKETS = re.compile(
    r"<?\"?[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*\"?@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?>?"
)


class Origin(StrEnum):
    """Where the bounced mail came from, as far as the bounce shows."""

    VIA_ACCOUNT = "via-account"
    BACKSCATTER = "backscatter"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SentFolder:
    """What the user's own Sent mail shows: Message-IDs, recipients and the provider's relay hosts."""

    message_ids: frozenset[str] = frozenset()
    recipients: frozenset[str] = frozenset()
    relay_hosts: frozenset[str] = frozenset()
    given: bool = False

    @classmethod
    def from_headers(cls, headers: Iterable[Message]) -> SentFolder:
        """Learn from the header blocks of the Sent messages (bodies are never needed)."""
        ids: set[str] = set()
        recipients: set[str] = set()
        relays: set[str] = set()
        for msg in headers:
            message_id = str(msg.get("Message-ID", "")).strip()
            if message_id:
                ids.add(message_id.lower())
            values = [decode_text(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
            recipients.update(a.lower() for _, a in getaddresses(values) if "@" in a)
            relays.update(received_by_hosts(str(v) for v in msg.get_all("Received", [])))
        return cls(frozenset(ids), frozenset(recipients), frozenset(relays), given=True)


@dataclass(frozen=True)
class Judgement:
    """The origin of one bounce, the reasons found, and whether its original is in the Sent folder."""

    origin: Origin
    reasons: tuple[str, ...]
    in_sent: bool = False
    sample_received: str | None = None


def received_by_hosts(lines: Iterable[str]) -> set[str]:
    """The ``by`` host of each Received line, lower-cased."""
    hosts: set[str] = set()
    for line in lines:
        match = _BY_HOST.search(line)
        if match:
            hosts.add(match.group(1).lower().rstrip("."))
    return hosts


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _within(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains if d)


def redact_received(line: str, me: Iterable[str]) -> str:
    """A Received line with every e-mail address except the user's own replaced by ``<redacted>``."""
    own = {address.lower() for address in me}
    def replace(match: re.Match[str]) -> str:
        address = match.group(0).strip("<>")
        return match.group(0) if address.lower() in own else "<redacted>"

    return _ADDRESS_IN_BRACKETS.sub(replace, line)


def judge(
    bounce: Bounce,
    *,
    me: Iterable[str],
    sent: SentFolder | None = None,
    relays: Iterable[str] = (),
) -> Judgement:
    """Decide ``via-account``, ``backscatter`` or ``unknown`` for one bounce, with the reasons.

    Provider hosts are the relays learned from Sent mail, those named with ``--relay``, and hosts under
    the user's own mail domains. Without any known relay, backscatter needs positive proof (a foreign
    DKIM signature and none of the user's domain).
    """
    own = [address.lower() for address in me]
    domains = sorted({_domain(a) for a in own})
    relay_hosts = {h.lower().rstrip(".") for h in relays} | set(sent.relay_hosts if sent else ())

    def provider(host: str) -> bool:
        return host in relay_hosts or _within(host, relay_hosts) or _within(host, domains)

    original = bounce.original
    received = original.received if original else ()
    reasons: list[str] = []
    sample: str | None = None
    if bounce.reporting_mta and provider(bounce.reporting_mta):
        reasons.append("provider-reporting-mta")
    for line in received:
        hosts = received_by_hosts([line])
        at_provider = any(provider(h) for h in hosts)
        authenticated = bool(_AUTH_MARKER.search(line))
        if at_provider:
            if "provider-hop" not in reasons:
                reasons.append("provider-hop")
            sample = sample or line
        if authenticated and (at_provider or not relay_hosts):
            if "auth-marker" not in reasons:
                reasons.append("auth-marker")
            sample = line if sample is None or not _AUTH_MARKER.search(sample) else sample
    dkim = original.dkim_domains if original else ()
    own_dkim = any(_within(d, domains) for d in dkim)
    if own_dkim:
        reasons.append("own-dkim")
    message_id = (original.message_id or "").lower() if original else ""
    sent_ids = sent.message_ids if sent is not None and sent.given and message_id else None
    in_sent = sent_ids is not None and message_id in sent_ids
    if reasons:
        if sent_ids is not None and not in_sent:
            reasons.append("not-in-sent")
        return Judgement(Origin.VIA_ACCOUNT, tuple(reasons), in_sent,
                         redact_received(sample, own) if sample else None)
    if in_sent:
        return Judgement(Origin.UNKNOWN, ("in-sent",), True)
    first_hop = redact_received(received[0], own) if received else None
    if dkim and not own_dkim:
        return Judgement(Origin.BACKSCATTER, ("foreign-dkim",), False, first_hop)
    if relay_hosts and (received or bounce.reporting_mta):
        return Judgement(Origin.BACKSCATTER, ("no-provider-hop",), False, first_hop)
    return Judgement(Origin.UNKNOWN, (), False)
