"""From the judged bounces about one address to a verdict: ``compromised``, ``undetermined``, ``spoofed`` or
``none``, with the evidence an owner understands first and the technical details after it.

A *burst* is a run of bounces in a sliding window (60 minutes by default; 24 hours for a slow drip) with
enough bounces and distinct failed recipients, most of them never mailed from the Sent folder (when
given). ``compromised``: a burst in which a bounce shows the mail went out through the account.
``spoofed``: every burst is free of such bounces, and at least ``min_bounces`` — and at least half — of
its bounces are proven backscatter (bounces that returned no copy of the mail cannot be judged and do not
block it). ``undetermined``: a burst that cannot be attributed either way; to be safe it is treated like a
compromise (exit code 1). Every threshold is a field of :class:`Thresholds`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from reuse_audit.bounces.detect import Bounce
from reuse_audit.bounces.evidence import Judgement, Login, Origin, SentFolder, redact_received
from reuse_audit.bounces.provider import Provider
from reuse_audit.bounces.settings import Thresholds as Thresholds
from reuse_audit.reasons import Names, Reason
from reuse_audit.reasons import ReasonCode as R

TOP_DOMAINS = 5
TOP_SUBJECTS = 3
TOP_LOGINS = 3
SUBJECT_CHARS = 60
#: Evidence an owner reads first; the other codes are technical details.
FACT_CODES = frozenset({R.BOUNCE_SENT_FROM_ACCOUNT, R.BOUNCE_FORGED_SENDER, R.BOUNCE_UNATTRIBUTED, R.BOUNCE_OWN_BURST,
                        R.BOUNCE_TOP_SUBJECTS, R.BOUNCE_WEBMAIL_LOGIN, R.BOUNCE_ACCOUNT_LOGIN, R.BOUNCE_IN_SENT,
                        R.BOUNCE_NO_ORIGINAL, R.BOUNCE_TEMPORARY})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class Verdict(StrEnum):
    """What the mailbox says about one address."""

    COMPROMISED = "compromised"
    UNDETERMINED = "undetermined"
    SPOOFED = "spoofed"
    NONE = "none"


#: Report order, and which verdicts mean "change the password" (exit code 1).
VERDICT_ORDER = {Verdict.COMPROMISED: 0, Verdict.UNDETERMINED: 1, Verdict.SPOOFED: 2, Verdict.NONE: 3}
BREACHED = frozenset({Verdict.COMPROMISED, Verdict.UNDETERMINED})


@dataclass(frozen=True)
class JudgedBounce:
    """A bounce, the address it is about, and where its original came from."""

    address: str
    bounce: Bounce
    judgement: Judgement

    @property
    def when(self) -> datetime | None:
        """The bounce's date, else the returned original's."""
        if self.bounce.date:
            return self.bounce.date
        return self.bounce.original.date if self.bounce.original else None


@dataclass(frozen=True)
class Burst:
    """One burst of bounces: when, how many, and how they were judged."""

    start: datetime
    end: datetime
    bounces: int
    via_account: int
    backscatter: int
    unknown: int
    recipients: int


@dataclass(frozen=True)
class AccountVerdict:
    """The verdict for one address, the counts behind it and the evidence to show."""

    address: str
    verdict: Verdict
    bounces: int
    via_account: int
    backscatter: int
    unknown: int
    temporary: int
    distinct_recipients: int
    first: datetime | None
    last: datetime | None
    evidence: tuple[Reason, ...] = field(default=())  # the facts behind the verdict, then the details
    no_original: int = 0                              # bounces that returned no copy of the mail
    own_mail: int = 0                                 # bounces of mail found in the Sent folder
    bursts: tuple[Burst, ...] = ()
    subjects: tuple[tuple[str, int], ...] = ()        # top subjects of mail the owner did not send (redacted)
    logins: tuple[Login, ...] = ()
    provider: Provider | None = None


@dataclass(frozen=True)
class _Window:
    items: tuple[JudgedBounce, ...]
    lo: int
    hi: int  # indices into the dated, sorted list (inclusive)

    @property
    def start(self) -> datetime:
        return self.items[0].when or datetime.min

    @property
    def end(self) -> datetime:
        return self.items[-1].when or datetime.min

    @cached_property
    def recipients(self) -> frozenset[str]:
        return frozenset().union(*(j.bounce.failed_recipients for j in self.items))

    def count(self, origin: Origin) -> int:
        return sum(1 for j in self.items if j.judgement.origin is origin)

    def burst(self) -> Burst:
        return Burst(self.start, self.end, len(self.items), self.count(Origin.VIA_ACCOUNT),
                     self.count(Origin.BACKSCATTER), self.count(Origin.UNKNOWN), len(self.recipients))


def _dated(items: Sequence[JudgedBounce]) -> list[JudgedBounce]:
    pairs = [(j.when, j) for j in items if j.when is not None]
    return [j for _, j in sorted(pairs, key=lambda pair: pair[0])]


def _windows(dated: Sequence[JudgedBounce], span: timedelta) -> list[_Window]:
    """Every maximal run of bounces that fits in ``span``, one per right edge."""
    times = [j.when for j in dated]
    out: list[_Window] = []
    left = 0
    for right, end in enumerate(times):
        assert end is not None
        while times[left] < end - span:  # type: ignore[operator]
            left += 1
        out.append(_Window(tuple(dated[left:right + 1]), left, right))
    return out


def _merge(dated: Sequence[JudgedBounce], windows: Iterable[_Window]) -> list[_Window]:
    """Overlapping windows joined into bursts."""
    merged: list[tuple[int, int]] = []
    for w in sorted(windows, key=lambda w: w.lo):
        if merged and w.lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], w.hi))
        else:
            merged.append((w.lo, w.hi))
    return [_Window(tuple(dated[lo:hi + 1]), lo, hi) for lo, hi in merged]


def _never_sent_share(recipients: frozenset[str], sent: SentFolder | None) -> float:
    if not recipients or sent is None or not sent.given:
        return 1.0
    return sum(1 for r in recipients if r not in sent.recipients) / len(recipients)


def _burst_rules(thresholds: Thresholds) -> tuple[tuple[R, timedelta, int], ...]:
    """(evidence code, window length, bounces needed): the hour rule first, then the day rule."""
    return (
        (R.BOUNCE_BURST, timedelta(minutes=thresholds.window_minutes), thresholds.min_bounces),
        (R.BOUNCE_DAY_BURST, timedelta(hours=24), thresholds.day_bounces),
    )


def _qualifies(window: _Window, min_bounces: int, thresholds: Thresholds, sent: SentFolder | None) -> bool:
    return (len(window.items) >= min_bounces and len(window.recipients) >= thresholds.min_recipients
            and _never_sent_share(window.recipients, sent) >= thresholds.unknown_share)


def _bursts(
    items: Sequence[JudgedBounce], thresholds: Thresholds, sent: SentFolder | None, *, need_via: bool
) -> tuple[list[_Window], _Window, R] | None:
    """The bursts of ``items`` under the hour rule, else the day rule: (bursts, largest window, rule code)."""
    dated = _dated(items)
    for code, span, min_bounces in _burst_rules(thresholds):
        found = [w for w in _windows(dated, span) if _qualifies(w, min_bounces, thresholds, sent)
                 and (not need_via or w.count(Origin.VIA_ACCOUNT) >= 1)]
        if found:
            return _merge(dated, found), max(found, key=lambda w: (len(w.items), w.hi)), code
    return None


def _spoof_ok(burst: _Window, thresholds: Thresholds) -> bool:
    """No bounce via the account, and enough of them — at least half — proven backscatter."""
    judged = burst.count(Origin.BACKSCATTER)
    return (burst.count(Origin.VIA_ACCOUNT) == 0 and judged >= thresholds.min_bounces
            and judged * 2 >= len(burst.items))


def clean_subject(subject: str, own: Iterable[str]) -> str:
    """A subject as shown to the owner: one line, no control characters, addresses other than theirs
    replaced by ``<redacted>``, at most ``SUBJECT_CHARS`` characters."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", subject))
    text = " ".join(redact_received(text, own).split())
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1].rstrip() + "…"


def _mails(items: Iterable[JudgedBounce]) -> int:
    """Distinct mails behind the bounces: one per Message-ID, one per bounce without one."""
    ids: set[str] = set()
    count = 0
    for j in items:
        message_id = j.bounce.original.message_id if j.bounce.original else None
        if message_id:
            ids.add(message_id.lower())
        else:
            count += 1
    return count + len(ids)


def _subjects(items: Iterable[JudgedBounce], own: Iterable[str]) -> tuple[tuple[str, int], ...]:
    own = tuple(own)
    counts: Counter[str] = Counter()
    for j in items:
        original = j.bounce.original
        if original is not None and original.subject.strip():
            counts[clean_subject(original.subject, own)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:TOP_SUBJECTS])


def _logins(items: Iterable[JudgedBounce]) -> tuple[Login, ...]:
    counts: Counter[Login] = Counter(login for j in items for login in j.judgement.logins)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], not item[0].webmail, item[0].ip))
    return tuple(login for login, _ in ranked[:TOP_LOGINS])


def _span(bursts: Sequence[_Window]) -> tuple[datetime, datetime]:
    return min(b.start for b in bursts), max(b.end for b in bursts)


def _facts(verdict: Verdict, bursts: Sequence[_Window], subjects: tuple[tuple[str, int], ...],
           logins: tuple[Login, ...]) -> list[Reason]:
    """What happened, in words an owner understands: the lead of the evidence."""
    facts: list[Reason] = []
    if not bursts:
        return facts
    start, end = _span(bursts)
    items = [j for b in bursts for j in b.items]
    if verdict is Verdict.COMPROMISED:
        suspects = [j for j in items if j.judgement.origin is not Origin.BACKSCATTER]
        facts.append(Reason.of(R.BOUNCE_SENT_FROM_ACCOUNT, count=_mails(suspects), start=start, end=end,
                               bursts=len(bursts)))
    elif verdict is Verdict.SPOOFED:
        facts.append(Reason.of(R.BOUNCE_FORGED_SENDER, count=sum(b.count(Origin.BACKSCATTER) for b in bursts),
                               start=start, end=end))
    elif verdict is Verdict.UNDETERMINED and all(j.judgement.in_sent for j in items):
        facts.append(Reason.of(R.BOUNCE_OWN_BURST, count=len(items), start=start, end=end))
    elif verdict is Verdict.UNDETERMINED:
        facts.append(Reason.of(R.BOUNCE_UNATTRIBUTED, count=len(items), start=start, end=end,
                               judged=sum(1 for j in items if j.judgement.origin is not Origin.UNKNOWN)))
    if subjects:
        facts.append(Reason.of(R.BOUNCE_TOP_SUBJECTS, subjects=Names(s for s, _ in subjects)))
    if verdict is Verdict.COMPROMISED:
        webmail = Names(dict.fromkeys(login.ip for login in logins if login.webmail))
        other = Names(dict.fromkeys(login.ip for login in logins if not login.webmail))
        if webmail:
            facts.append(Reason.of(R.BOUNCE_WEBMAIL_LOGIN, ips=webmail))
        if other:
            facts.append(Reason.of(R.BOUNCE_ACCOUNT_LOGIN, ips=other))
    return facts


def _details(window: _Window, code: R, sent: SentFolder | None, items: Sequence[JudgedBounce]) -> list[Reason]:
    """The technical evidence: the window's numbers, recipients by domain, reasons, hops."""
    recipients = window.recipients
    domains = Counter(r.rpartition("@")[2] for r in recipients)
    ranked = sorted(domains.items(), key=lambda item: (-item[1], item[0]))  # ties by name: the same every run
    top = ", ".join(f"{d} ({n})" for d, n in ranked[:TOP_DOMAINS]) or "-"
    reasons = Counter(reason for j in items for reason in j.judgement.reasons)
    details = [
        Reason.of(code, bounces=len(window.items), start=window.start, end=window.end,
                  via_account=window.count(Origin.VIA_ACCOUNT), unknown=window.count(Origin.UNKNOWN),
                  backscatter=window.count(Origin.BACKSCATTER)),
        Reason.of(R.BOUNCE_RECIPIENTS, count=len(recipients), top_domains=top),
    ]
    if sent is not None and sent.given and recipients:
        details.append(Reason.of(R.BOUNCE_NEVER_SENT, percent=round(_never_sent_share(recipients, sent) * 100)))
    for reason, count in sorted(reasons.items()):
        details.append(Reason.of(R.BOUNCE_REASON, reason=reason, bounces=count))
    third = Counter(host for j in items for host in j.judgement.third_party)
    if third:
        details.append(Reason.of(R.BOUNCE_THIRD_PARTY, hosts=Names(h for h, _ in third.most_common(TOP_LOGINS))))
    forged = sum(1 for j in items if j.judgement.forged_hops)
    if forged:
        details.append(Reason.of(R.BOUNCE_FORGED_HOPS, count=forged))
    dkim = Counter(d for j in items if j.bounce.original for d in dict.fromkeys(j.bounce.original.dkim_domains))
    if dkim:
        details.append(Reason.of(R.BOUNCE_DKIM, domains=Names(d for d, _ in dkim.most_common(TOP_LOGINS))))
    reporting = Counter(j.bounce.reporting_mta for j in items if j.bounce.reporting_mta)
    if reporting:
        details.append(Reason.of(R.BOUNCE_REPORTING_MTA,
                                 hosts=Names(h for h, _ in reporting.most_common(TOP_LOGINS))))
    samples = list(dict.fromkeys(j.judgement.sample_received for j in items if j.judgement.sample_received))
    for line in samples[:2]:
        details.append(Reason.of(R.BOUNCE_RECEIVED, line=line))
    return details


def decide(
    address: str,
    judged: Sequence[JudgedBounce],
    thresholds: Thresholds | None = None,
    sent: SentFolder | None = None,
    *,
    provider: Provider | None = None,
    me: Iterable[str] = (),
) -> AccountVerdict:
    """The verdict for ``address`` from every bounce about it (permanent and temporary).

    Bounces of mail found in the Sent folder are the user's own and never count; temporary failures are
    counted apart.
    """
    thresholds = thresholds or Thresholds()
    own = (address, *me)
    permanent = [j for j in judged if not j.bounce.temporary]
    temporary = [j for j in judged if j.bounce.temporary]
    counted = [j for j in permanent if not j.judgement.in_sent]
    suspects = [j for j in counted if j.judgement.origin is not Origin.BACKSCATTER]
    bursts: list[_Window] = []
    details: list[Reason] = []
    hijack = _bursts(suspects, thresholds, sent, need_via=True)
    if hijack is not None:
        verdict = Verdict.COMPROMISED
        bursts, main, code = hijack
        in_bursts = [j for b in bursts for j in b.items]
        details = _details(main, code, sent, in_bursts)
    else:
        found = _bursts(counted, thresholds, sent, need_via=False)
        if found is not None:
            bursts, _, _ = found
            unclear = [b for b in bursts if not _spoof_ok(b, thresholds)]
            verdict = Verdict.UNDETERMINED if unclear else Verdict.SPOOFED
            main = max(unclear or bursts, key=lambda b: (len(b.items), b.hi))
            in_bursts = [j for b in bursts for j in b.items]
            details = _details(main, R.BOUNCE_LARGEST_BURST if unclear else R.BOUNCE_BACKSCATTER_BURST, sent,
                               in_bursts)
        else:
            verdict = Verdict.NONE
            in_bursts = []
            # Mail in the Sent folder is the owner's own, but webmail also saves what a hijacker sends through it:
            # a burst of it (by the same rules) of as many separate mails as bounces needed cannot be told from
            # spam, so it is not "no hijack pattern". One newsletter to many (one mail, its dead addresses) is.
            own_burst = _bursts([j for j in permanent if j.judgement.in_sent], thresholds, None, need_via=False)
            if own_burst is not None and _mails(j for b in own_burst[0] for j in b.items) < thresholds.min_bounces:
                own_burst = None
            if own_burst is not None:
                verdict = Verdict.UNDETERMINED
                bursts, main, _ = own_burst
                in_bursts = [j for b in bursts for j in b.items]
                details = _details(main, R.BOUNCE_LARGEST_BURST, sent, in_bursts)
            else:
                windows = _windows(_dated(counted), timedelta(minutes=thresholds.window_minutes))
                largest = max(windows, key=lambda w: (len(w.items), w.hi), default=None)
                if largest is not None:
                    details = _details(largest, R.BOUNCE_LARGEST_BURST, sent, largest.items)
    if verdict is Verdict.COMPROMISED:
        shown = [j for j in in_bursts if j.judgement.origin is not Origin.BACKSCATTER]
    elif verdict is Verdict.SPOOFED:
        shown = [j for j in in_bursts if j.judgement.origin is Origin.BACKSCATTER]
    else:
        shown = in_bursts
    subjects = _subjects(shown, own)
    logins = _logins(in_bursts)
    facts = _facts(verdict, bursts, subjects, logins)
    no_original = sum(1 for j in permanent if not j.judgement.has_original)
    original_less = sum(1 for j in in_bursts if not j.judgement.has_original)
    if original_less:
        facts.append(Reason.of(R.BOUNCE_NO_ORIGINAL, count=original_less))
    own_mail = sum(1 for j in permanent if j.judgement.in_sent)
    if own_mail:
        facts.append(Reason.of(R.BOUNCE_IN_SENT, count=own_mail))
    if temporary:
        facts.append(Reason.of(R.BOUNCE_TEMPORARY, count=len(temporary)))
    dates = [j.when for j in judged if j.when]
    return AccountVerdict(
        address=address,
        verdict=verdict,
        bounces=len(permanent),
        via_account=sum(1 for j in permanent if j.judgement.origin is Origin.VIA_ACCOUNT),
        backscatter=sum(1 for j in permanent if j.judgement.origin is Origin.BACKSCATTER),
        unknown=sum(1 for j in permanent if j.judgement.origin is Origin.UNKNOWN),
        temporary=len(temporary),
        distinct_recipients=len(frozenset().union(*(j.bounce.failed_recipients for j in permanent))),
        first=min(dates, default=None),
        last=max(dates, default=None),
        evidence=(*facts, *details),
        no_original=no_original,
        own_mail=own_mail,
        bursts=tuple(b.burst() for b in bursts),
        subjects=subjects,
        logins=logins,
        provider=provider,
    )
