"""Scan mailboxes for bounces and turn them into per-address verdicts: the flow behind the command.

sources → header pre-check → full parse of likely bounces only → judgement per bounce → verdict per address.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message

from reuse_audit.bounces.detect import Bounce, header_signals, message_date, parse_headers, read_bounce
from reuse_audit.bounces.evidence import SentFolder, judge
from reuse_audit.bounces.sources import ImapLogin, MailSource, is_imap_url, open_source
from reuse_audit.bounces.verdict import AccountVerdict, JudgedBounce, Thresholds, Verdict, decide
from reuse_audit.reasons import Reason

Progress = Callable[[int], None]
DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class BounceScan:
    """What a mailbox scan found: a verdict per address, and one summary line per compromised address."""

    accounts: tuple[AccountVerdict, ...]
    summaries: dict[str, Reason] = field(default_factory=dict)  # compromised address -> what the mail showed
    messages: int = 0
    bounces: int = 0

    @property
    def compromised(self) -> tuple[str, ...]:
        """The addresses judged compromised, in report order."""
        return tuple(a.address for a in self.accounts if a.verdict is Verdict.COMPROMISED)


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


def read_bounces(
    sources: Iterable[MailSource], since: datetime | None = None, progress: Progress | None = None
) -> tuple[list[Bounce], int]:
    """Every bounce in ``sources`` (and the number of messages read); ordinary mail is never parsed whole."""
    bounces: list[Bounce] = []
    count = 0
    for source in sources:
        for message in source.messages():
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
            try:
                headers = parse_headers(message.headers)
            except Exception:  # noqa: BLE001, S112 - a header block the parser rejects is no bounce we can read
                continue
            if since is not None:
                when = message_date(headers)
                if when is not None and when < since:
                    continue
            if not header_signals(headers):
                continue
            bounce = read_bounce(message.full(), headers)
            if bounce is not None:
                bounces.append(bounce)
    return bounces, count


def read_sent(sources: Iterable[MailSource]) -> SentFolder:
    """Learn Message-IDs, recipients and relay hosts from Sent folders (header blocks only)."""

    def headers() -> Iterable[Message]:
        for source in sources:
            for message in source.messages():
                try:
                    yield parse_headers(message.headers)
                except Exception:  # noqa: BLE001, S112 - skip a header block the parser rejects
                    continue

    return SentFolder.from_headers(headers())


def verdicts(
    bounces: Sequence[Bounce],
    *,
    me: Iterable[str] = (),
    sent: SentFolder | None = None,
    relays: Iterable[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[AccountVerdict, ...]:
    """Judge each bounce and decide per address; compromised first, then by number of bounces."""
    own = frozenset(a.lower() for a in me)
    relay_list = tuple(relays)
    by_address: dict[str, list[JudgedBounce]] = defaultdict(list)
    for bounce in bounces:
        address = about(bounce, own)
        if address is None:
            continue
        judgement = judge(bounce, me=own or {address}, sent=sent, relays=relay_list)
        by_address[address].append(JudgedBounce(address, bounce, judgement))
    order = {Verdict.COMPROMISED: 0, Verdict.SPOOFED: 1, Verdict.NONE: 2}
    results = [decide(address, items, thresholds, sent) for address, items in by_address.items()]
    return tuple(sorted(results, key=lambda v: (order[v.verdict], -v.bounces, v.address)))


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
    from reuse_audit.bounces.wording import compromised_summary

    sent = read_sent(sent_sources) if sent_sources else None
    bounces, count = read_bounces(sources, since, progress)
    accounts = verdicts(bounces, me=me, sent=sent, relays=relays, thresholds=thresholds)
    summaries = {
        a.address: compromised_summary(a, thresholds.window_minutes)
        for a in accounts if a.verdict is Verdict.COMPROMISED
    }
    return BounceScan(accounts, summaries, count, len(bounces))


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

    For ``plan --breached-from``: ``result.compromised`` are the addresses to breach and
    ``result.summaries[address]`` the one line the plan header shows. Local files are read whole unless
    ``since`` is given; IMAP folders are searched from ``since``, by default the last 14 days. Raises
    ``MailSourceError`` for a missing or unreadable source, a bad IMAP URL or a refused login.
    """
    imap_since = since or datetime.now(UTC) - IMAP_DEFAULT_SINCE

    def open_one(spec: str) -> MailSource:
        return open_source(spec, login=imap_login, since=imap_since if is_imap_url(spec) else since)

    mail = [open_one(s) for s in sources]
    sent_mail = [open_one(s) for s in sent]
    return scan(mail, me=me, sent_sources=sent_mail, relays=relays, thresholds=thresholds, since=since,
                progress=progress)
