"""Scan mailboxes for bounces and turn them into per-address verdicts: the flow behind the command.

sources → header screen (ordinary mail skipped, look-alikes counted apart) → full parse of likely bounces
only → per-address provider knowledge → judgement per bounce → verdict per address.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import Message

from reuse_audit.bounces.detect import Bounce, NotBounce, message_date, parse_headers, read_message, screen
from reuse_audit.bounces.evidence import Judgement, SentFolder, judge
from reuse_audit.bounces.notbounce import NotBounceKind
from reuse_audit.bounces.provider import Provider, parse_relays, provider_for, site
from reuse_audit.bounces.sources import ImapLogin, MailSource, is_imap_url, open_source
from reuse_audit.bounces.verdict import (
    BREACHED,
    VERDICT_ORDER,
    AccountVerdict,
    JudgedBounce,
    Thresholds,
    Verdict,
    decide,
)
from reuse_audit.reasons import Reason

Progress = Callable[[int], None]
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class BounceScan:
    """What a mailbox scan found: a verdict per address, and one summary line per breached address."""

    accounts: tuple[AccountVerdict, ...]
    summaries: dict[str, Reason] = field(default_factory=dict)  # compromised/undetermined address -> summary
    messages: int = 0
    bounces: int = 0
    not_bounces: dict[str, int] = field(default_factory=dict)  # NotBounceKind value -> count
    unattributed: int = 0  # bounces about none of the given addresses
    unreadable: int = 0  # message files of a folder that could not be read, left out

    @property
    def compromised(self) -> tuple[str, ...]:
        """The addresses judged compromised, in report order."""
        return tuple(a.address for a in self.accounts if a.verdict is Verdict.COMPROMISED)

    @property
    def undetermined(self) -> tuple[str, ...]:
        """The addresses with a burst of bounces that cannot be attributed, in report order."""
        return tuple(a.address for a in self.accounts if a.verdict is Verdict.UNDETERMINED)

    def hidden(self, hide: Callable[[str], str]) -> BounceScan:
        """The scan as shown beside a vault (``--vault``): a vault password in what the mail shows (an address,
        a subject, a Received line) hidden as in the vault's own fields."""
        accounts = tuple(replace(a, address=hide(a.address), evidence=tuple(r.hidden(hide) for r in a.evidence),
                                 subjects=tuple((hide(s), n) for s, n in a.subjects)) for a in self.accounts)
        summaries = {hide(k): v.hidden(hide) for k, v in self.summaries.items()}
        return replace(self, accounts=accounts, summaries=summaries)

    @property
    def breached(self) -> tuple[str, ...]:
        """The addresses whose password should be changed: compromised, then undetermined (exit code 1)."""
        return tuple(a.address for a in self.accounts if a.verdict in BREACHED)


@dataclass
class MailRead:
    """What reading the mailboxes produced."""

    bounces: list[Bounce] = field(default_factory=list)
    messages: int = 0
    not_bounces: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0  # copies of a message already read (INBOX and All Mail, a Maildir and its backup)
    unreadable: int = 0  # message files of a folder that could not be read (no permission, not a regular file)


def about(bounce: Bounce, me: frozenset[str]) -> str | None:
    """The user's address a bounce is about: the envelope sender, else the bounce's recipient, else From.

    With ``me`` given, only one of those addresses counts; the bounce is ignored otherwise.
    """
    original_sender = bounce.original.sender if bounce.original else None
    candidates = [bounce.postfix_sender, *bounce.bounce_to, original_sender]
    present = [c.lower() for c in candidates if c]
    if me:
        return next((c for c in present if c in me), None)
    return present[0] if present else None


def read_mail(
    sources: Iterable[MailSource], since: datetime | None = None, progress: Progress | None = None
) -> MailRead:
    """Every bounce in ``sources``, the look-alikes counted by kind; ordinary mail is never parsed whole."""
    read = MailRead()
    seen: set[object] = set()
    for source in sources:
        for message in source.messages():
            if not message.readable:
                read.unreadable += 1
                continue
            read.messages += 1
            if progress is not None and read.messages % 1000 == 0:
                progress(read.messages)
            try:
                headers = parse_headers(message.headers)
            except Exception:  # noqa: BLE001, S112 - a header block the parser rejects is no bounce we can read
                continue
            # One message read twice (two copies of a mailbox, a folder given twice) is one: counted twice, 12
            # bounces a day became a burst of 24. Its Message-ID, else its whole header block, names it.
            key: object = " ".join(str(headers.get("Message-ID") or "").split()).lower() or hash(message.headers)
            if key in seen:
                read.duplicates += 1
                continue
            seen.add(key)
            if since is not None:
                when = message_date(headers)
                if when is not None and when < since:
                    continue
            found = screen(headers)
            if found.kind is not None:
                read.not_bounces[found.kind.value] += 1
                continue
            if not found.candidate:
                continue
            result = read_message(message.full(), headers, found)
            if isinstance(result, Bounce):
                read.bounces.append(result)
            elif isinstance(result, NotBounce):
                read.not_bounces[result.kind.value] += 1
    return read


def read_bounces(
    sources: Iterable[MailSource], since: datetime | None = None, progress: Progress | None = None
) -> tuple[list[Bounce], int]:
    """Every bounce in ``sources`` (and the number of messages read)."""
    read = read_mail(sources, since, progress)
    return read.bounces, read.messages


def read_sent(sources: Iterable[MailSource]) -> SentFolder:
    """Learn Message-IDs, recipients and, per sending address, provider hosts from Sent folders."""

    def headers() -> Iterable[Message]:
        for source in sources:
            for message in source.messages():
                if not message.readable:
                    continue
                try:
                    yield parse_headers(message.headers)
                except Exception:  # noqa: BLE001, S112 - skip a header block the parser rejects
                    continue

    return SentFolder.from_headers(headers())


def _learned(provider: Provider, judgements: Iterable[Judgement], bounces: Iterable[Bounce]) -> Provider:
    """The provider with the servers the bounces show accepting a login as the address, and the
    reporting servers of the same organisations."""
    hosts = [h for j in judgements for h in j.owner_hosts]
    learned = provider.with_hosts(hosts, "bounces")
    if learned is provider:
        return provider
    reporting = [b.reporting_mta for b in bounces if b.reporting_mta and site(b.reporting_mta) in learned.sites]
    return learned.with_hosts(reporting, "bounces")


def providers(
    addresses: Iterable[str], sent: SentFolder | None, relays: Iterable[str]
) -> dict[str, Provider]:
    """What is known of each address's provider before its bounces are read (never pooled)."""
    general, per = parse_relays(relays)
    return {
        a: provider_for(a, sent.knowledge(a) if sent is not None else None, general, per.get(a, ()))
        for a in addresses
    }


def verdicts(
    bounces: Sequence[Bounce],
    *,
    me: Iterable[str] = (),
    sent: SentFolder | None = None,
    relays: Iterable[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[AccountVerdict, ...]:
    """Judge each bounce against its own address's provider and decide per address.

    Two passes per address: the first finds servers that accepted a login as the address (its provider,
    learned from the bounces themselves), the second judges every bounce with that knowledge.
    """
    own = frozenset(a.lower() for a in me)
    relay_list = tuple(relays)
    by_address: dict[str, list[Bounce]] = defaultdict(list)
    for bounce in bounces:
        address = about(bounce, own)
        if address is not None:
            by_address[address].append(bounce)
    known = providers(by_address, sent, relay_list)
    results = []
    for address, items in by_address.items():
        first = [judge(b, known[address], sent=sent, me=own) for b in items]
        provider = _learned(known[address], first, items)
        judged = first if provider is known[address] else [judge(b, provider, sent=sent, me=own) for b in items]
        results.append(decide(address, [JudgedBounce(address, b, j) for b, j in zip(items, judged, strict=True)],
                              thresholds, sent, provider=provider, me=own))
    return tuple(sorted(results, key=lambda v: (VERDICT_ORDER[v.verdict], -v.bounces, v.address)))


def unattributed(bounces: Sequence[Bounce], me: Iterable[str]) -> int:
    """Bounces about none of the given addresses (without addresses: bounces that name no address at all)."""
    own = frozenset(a.lower() for a in me)
    return sum(1 for b in bounces if about(b, own) is None)


def scan(
    sources: Sequence[MailSource],
    *,
    me: Iterable[str] = (),
    sent_sources: Sequence[MailSource] = (),
    relays: Iterable[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    since: datetime | None = None,
    progress: Progress | None = None,
) -> BounceScan:
    """Read the mailboxes and return a :class:`BounceScan`. Raises ``MailSourceError`` on unreadable input."""
    from reuse_audit.bounces.wording import breached_summary

    me = tuple(me)
    sent = read_sent(sent_sources) if sent_sources else None
    read = read_mail(sources, since, progress)
    accounts = verdicts(read.bounces, me=me, sent=sent, relays=relays, thresholds=thresholds)
    summaries = {a.address: breached_summary(a, thresholds.window_minutes) for a in accounts if a.verdict in BREACHED}
    not_bounces = {kind.value: read.not_bounces.get(kind.value, 0) for kind in NotBounceKind}
    return BounceScan(accounts, summaries, read.messages, len(read.bounces), not_bounces,
                      unattributed(read.bounces, me), read.unreadable)


IMAP_DEFAULT_SINCE = timedelta(days=14)


def find_compromised(
    sources: Sequence[str],
    *,
    me: Sequence[str] = (),
    sent: Sequence[str] = (),
    relays: Sequence[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    since: datetime | None = None,
    imap_login: ImapLogin | None = None,
    progress: Progress | None = None,
) -> BounceScan:
    """Scan SOURCE arguments (paths or ``imaps://`` URLs) as ``reuse-audit bounces`` does.

    For ``plan --breached-from``: ``result.breached`` (``compromised`` then ``undetermined``) are the
    addresses to breach and ``result.summaries[address]`` the one line the plan header shows.
    ``relays`` are ``HOST`` (every address) or ``ADDRESS=HOST`` (that address only). Local files are read
    whole unless ``since`` is given; IMAP folders are searched from ``since``, by default the last 14 days.
    Raises ``MailSourceError`` for a missing or unreadable source, a bad IMAP URL or a refused login.
    """
    imap_since = since or datetime.now(UTC) - IMAP_DEFAULT_SINCE

    def open_one(spec: str) -> MailSource:
        return open_source(spec, login=imap_login, since=imap_since if is_imap_url(spec) else since)

    mail = [open_one(s) for s in sources]
    sent_mail = [open_one(s) for s in sent]
    return scan(mail, me=me, sent_sources=sent_mail, relays=relays, thresholds=thresholds, since=since,
                progress=progress)
