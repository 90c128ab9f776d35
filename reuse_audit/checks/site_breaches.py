"""`site_breached`: a site the entry logs in to was breached (passwords leaked) after its password was set.

The breach list is Have I Been Pwned's (:mod:`reuse_audit.breaches`); a breach concerns an entry when its
URL's host is the breach's domain, lies under it, or is another host of the same catalogued service
(:mod:`reuse_audit.breaches.index`). It flags the entry when the current password was set on or before the
breach: the password's date is ``Credential.password_since`` (history-derived, as for ``old``), the
breach's is its ``BreachDate`` read to the end of its month or year when HIBP only knows that much.

When the only date is the entry's creation time (no history tells when the password was set: KeePass may
have imported it, or kept no history), the reason says "password date unknown", and the creation time is
taken as the best estimate of the password's date.

A list that cannot be had (offline without a cache or file, the fetch failed without one) decides nothing:
the kind is *not checked*, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from reuse_audit.breaches.index import BreachIndex
from reuse_audit.breaches.load import load_breach_list
from reuse_audit.breaches.model import Breach, BreachListError
from reuse_audit.breaches.settings import BreachSettings
from reuse_audit.checks.entry import CheckContext, EntryCheckOutcome, EntryFinding
from reuse_audit.credentials import Credential
from reuse_audit.findings import Check, FindingKind
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.services.domains import host_from_url


def password_date(c: Credential) -> tuple[datetime | None, bool]:
    """When the entry's current password was set as far as we can tell, and whether that is really known.

    Known: history shows when the current password came in. Unknown: the date is the creation time (or
    there is none).
    """
    since = c.password_since
    if since is None:
        return c.created, False
    return since, not (c.created is not None and since == c.created)


def predates(c: Credential, breach: Breach) -> bool:
    """Whether the entry's password (by its best-known date) was set on or before the breach.

    An entry with no time at all is taken to predate every breach: what cannot be dated is never called safe.
    """
    when, _known = password_date(c)
    return when is None or when <= breach.happened_by


def breach_reason(c: Credential, breach: Breach) -> Reason:
    """The ``site_breached`` reason: the breach, its domain and dates, and the password's date (or none)."""
    when, known = password_date(c)
    dated: dict[str, date] = {}
    if known and when is not None:
        dated["since"] = when.date()
    elif when is not None:
        dated["created"] = when.date()
    return Reason.of(R.SITE_BREACHED, breach=breach.name, title=breach.title, domain=breach.domain,
                     breached=breach.breach_date, precision=breach.precision.value, added=breach.added.date(),
                     **dated)


def breach_of(c: Credential, index: BreachIndex) -> Breach | None:
    """The most recent breach of the entry's site that its password predates, or None."""
    host = host_from_url(c.real_url) if c.real_url else None  # as held: the breach list's words are shown
    return next((b for b in index.for_host(host) if predates(c, b)), None)


def site_breach_findings(credentials: Sequence[Credential], index: BreachIndex) -> dict[str, tuple[EntryFinding, ...]]:
    """One ``site_breached`` finding per entry whose site was breached after its password was set."""
    out: dict[str, tuple[EntryFinding, ...]] = {}
    for c in credentials:
        breach = breach_of(c, index)
        if breach is not None:
            out[c.uuid] = (EntryFinding(FindingKind.SITE_BREACHED, breach_reason(c, breach)),)
    return out


class SiteBreachCheck:
    """``--checks breaches``: decides ``site_breached`` for every entry, or nothing when the list is missing."""

    name: Check = Check.BREACHES
    kinds: frozenset[FindingKind] = frozenset({FindingKind.SITE_BREACHED})

    def run(self, credentials: Sequence[Credential], context: CheckContext) -> EntryCheckOutcome:
        settings = context.settings.get(Check.BREACHES.value)
        if not isinstance(settings, BreachSettings):
            settings = BreachSettings()
        try:
            breaches = load_breach_list(settings, offline=context.exposure.offline, now=context.now)
        except BreachListError as exc:
            return EntryCheckOutcome.undecided(Reason.of(R.BREACH_LIST_UNAVAILABLE, why=exc.message))
        return EntryCheckOutcome(site_breach_findings(credentials, breaches.index), True, breaches.notes)
