"""From the judged bounces about one address to a verdict: ``compromised``, ``spoofed`` or ``none``.

A sliding window (60 minutes by default) looks for the burst the hijack story describes; a 24-hour rule
catches a slower one. Every threshold is a field of :class:`Thresholds`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from reuse_audit.bounces.detect import Bounce
from reuse_audit.bounces.evidence import Judgement, Origin, SentFolder
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R

TOP_DOMAINS = 5


class Verdict(StrEnum):
    """What the mailbox says about one address."""

    COMPROMISED = "compromised"
    SPOOFED = "spoofed"
    NONE = "none"


@dataclass(frozen=True)
class Thresholds:
    """When a burst of bounces counts as a hijack (defaults from the feature request)."""

    window_minutes: int = 60
    min_bounces: int = 5
    min_recipients: int = 10
    unknown_share: float = 0.8
    day_bounces: int = 20


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
    evidence: tuple[Reason, ...] = field(default=())  # the facts behind the verdict


@dataclass(frozen=True)
class _Window:
    items: tuple[JudgedBounce, ...]
    start: datetime
    end: datetime

    @cached_property
    def recipients(self) -> frozenset[str]:
        return frozenset().union(*(j.bounce.failed_recipients for j in self.items))

    def count(self, origin: Origin) -> int:
        return sum(1 for j in self.items if j.judgement.origin is origin)


def _windows(items: Sequence[JudgedBounce], span: timedelta) -> list[_Window]:
    """Every maximal run of bounces that fits in ``span``, one per right edge."""
    dated = sorted(((when, j) for j in items if (when := j.when) is not None), key=lambda pair: pair[0])
    times = [when for when, _ in dated]
    judged = [j for _, j in dated]
    out: list[_Window] = []
    left = 0
    for right, end in enumerate(times):
        while times[left] < end - span:
            left += 1
        out.append(_Window(tuple(judged[left:right + 1]), times[left], end))
    return out


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


def _hijack_window(
    suspects: Sequence[JudgedBounce], thresholds: Thresholds, sent: SentFolder | None
) -> tuple[_Window, R] | None:
    """The largest window meeting the hour rule, else the largest meeting the day rule, with its kind."""
    for kind, span, min_bounces in _burst_rules(thresholds):
        found = [
            window for window in _windows(suspects, span)
            if len(window.items) >= min_bounces
            and window.count(Origin.VIA_ACCOUNT) >= 1
            and len(window.recipients) >= thresholds.min_recipients
            and _never_sent_share(window.recipients, sent) >= thresholds.unknown_share
        ]
        if found:
            return max(found, key=lambda w: len(w.items)), kind
    return None


def _spoof_window(counted: Sequence[JudgedBounce], thresholds: Thresholds) -> _Window | None:
    """The first window, hour rule then day rule, that is a burst of backscatter only."""
    for _, span, min_bounces in _burst_rules(thresholds):
        for window in _windows(counted, span):
            if (
                len(window.items) >= min_bounces
                and len(window.recipients) >= thresholds.min_recipients
                and window.count(Origin.BACKSCATTER) == len(window.items)
            ):
                return window
    return None


def _largest(items: Sequence[JudgedBounce], thresholds: Thresholds) -> _Window | None:
    windows = _windows(items, timedelta(minutes=thresholds.window_minutes))
    return max(windows, key=lambda w: (len(w.items), w.end), default=None)


def _window_evidence(window: _Window, code: R, sent: SentFolder | None) -> list[Reason]:
    recipients = window.recipients
    domains = Counter(r.rpartition("@")[2] for r in recipients)
    ranked = sorted(domains.items(), key=lambda item: (-item[1], item[0]))  # ties by name: the same every run
    top = ", ".join(f"{d} ({n})" for d, n in ranked[:TOP_DOMAINS]) or "-"
    reasons = Counter(reason for j in window.items for reason in j.judgement.reasons)
    evidence = [
        Reason.of(code, bounces=len(window.items), start=window.start, end=window.end,
                  via_account=window.count(Origin.VIA_ACCOUNT), unknown=window.count(Origin.UNKNOWN),
                  backscatter=window.count(Origin.BACKSCATTER)),
        Reason.of(R.BOUNCE_RECIPIENTS, count=len(recipients), top_domains=top),
    ]
    if sent is not None and sent.given and recipients:
        share = _never_sent_share(recipients, sent)
        evidence.append(Reason.of(R.BOUNCE_NEVER_SENT, percent=round(share * 100)))
    for reason, count in sorted(reasons.items()):
        evidence.append(Reason.of(R.BOUNCE_REASON, reason=reason, bounces=count))
    samples = list(dict.fromkeys(j.judgement.sample_received for j in window.items
                                 if j.judgement.sample_received))
    for line in samples[:2]:
        evidence.append(Reason.of(R.BOUNCE_RECEIVED, line=line))
    return evidence


def decide(
    address: str,
    judged: Sequence[JudgedBounce],
    thresholds: Thresholds | None = None,
    sent: SentFolder | None = None,
) -> AccountVerdict:
    """The verdict for ``address`` from every bounce about it (permanent and temporary).

    ``compromised``: a window holding at least ``min_bounces`` via-account/unknown bounces, one of them
    via-account, ``min_recipients`` distinct failed recipients and an ``unknown_share`` of recipients never
    mailed from the Sent folder (when given); or ``day_bounces`` such bounces within 24 hours (with the
    same recipient conditions: a few recipients retried all day is not the hijack pattern).
    ``spoofed``: such a burst made of backscatter only. Bounces of mail found in the Sent folder are the
    user's own and never count.
    """
    thresholds = thresholds or Thresholds()
    permanent = [j for j in judged if not j.bounce.temporary]
    temporary = [j for j in judged if j.bounce.temporary]
    counted = [j for j in permanent if not j.judgement.in_sent]
    suspects = [j for j in counted if j.judgement.origin is not Origin.BACKSCATTER]
    hijack = _hijack_window(suspects, thresholds, sent)
    evidence: list[Reason] = []
    if hijack is not None:
        verdict = Verdict.COMPROMISED
        evidence = _window_evidence(*hijack, sent)
    else:
        spoof = _spoof_window(counted, thresholds)
        if spoof is not None:
            verdict = Verdict.SPOOFED
            evidence = _window_evidence(spoof, R.BOUNCE_BACKSCATTER_BURST, sent)
        else:
            verdict = Verdict.NONE
            largest = _largest(counted, thresholds)
            if largest is not None:
                evidence = _window_evidence(largest, R.BOUNCE_LARGEST_BURST, sent)
    if temporary:
        evidence.append(Reason.of(R.BOUNCE_TEMPORARY, count=len(temporary)))
    own = sum(1 for j in permanent if j.judgement.in_sent)
    if own:
        evidence.append(Reason.of(R.BOUNCE_IN_SENT, count=own))
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
        evidence=tuple(evidence),
    )
