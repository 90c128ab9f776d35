"""Runs the selected checks over a vault's credentials and assembles the audit result (worst first)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reuse_audit.checks.entry import CheckContext, EntryCheckOutcome, EntryFinding, registered_checks
from reuse_audit.checks.reuse import ReuseGroup, find_reuse_groups, secret_index
from reuse_audit.checks.strength import EarlyScoring, StrengthPolicy, StrengthResult, start_scoring
from reuse_audit.checks.variants import VariantCluster, find_variant_groups
from reuse_audit.checks.workers import cpu_pool
from reuse_audit.credentials import Credential, SkippedEntry, SkipReason, VaultContents
from reuse_audit.exposure.model import ExposureStatus
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.findings import SEVERITY, Check, FindingKind, parse_checks
from reuse_audit.reasons import Names, Reason
from reuse_audit.reasons import ReasonCode as R

__all__ = ["ALL_CHECKS", "AuditOptions", "AuditResult", "Check", "EntryReport", "ExposureSettings", "VariantGroup",
           "parse_checks", "run_audit", "severity_key"]

if TYPE_CHECKING:
    from reuse_audit.exposure import ExposureResult


ALL_CHECKS: frozenset[Check] = frozenset(Check)
OLD_AFTER = timedelta(days=730)
MAX_SHARERS = 4  # titles of other sharers a reuse reason carries (it shows three, then "and N more")


#: From this many entries the variant search's worker makes their site names (:func:`variant_search`): it
#: loads the service catalogue for them (0.1 s), which is less than making them here from about 2,500 entries.
NAMES_IN_WORKER_FROM = 2_500
POLL_EVERY = 512  # entries between two looks at the workers while this process works (a few milliseconds)


@dataclass(frozen=True)
class AuditOptions:
    """What to check and how; every default is the CLI's default too."""

    checks: frozenset[Check] = ALL_CHECKS
    policy: StrengthPolicy = field(default_factory=StrengthPolicy)
    include_excluded: bool = False
    exposure: ExposureSettings = field(default_factory=ExposureSettings)
    now: datetime | None = None
    check_settings: Mapping[str, object] = field(default_factory=dict)  # per-entry checks' own settings


@dataclass(frozen=True)
class VariantGroup:
    """Entries whose passwords are near-identical variants of each other."""

    id: str
    entries: tuple[str, ...]
    kinds: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class EntryReport:
    """One audited entry: its findings and reasons. ``credential.password`` is never rendered."""

    credential: Credential
    findings: tuple[FindingKind, ...]
    reasons: tuple[Reason, ...]  # one per finding, in the same order, then notes (exposure unknown, linked)
    reuse_group: str | None = None
    reuse_size: int = 0
    variant_group: str | None = None
    strength: StrengthResult | None = None
    exposure: ExposureResult | None = None
    rank: int = 0


@dataclass(frozen=True)
class AuditResult:
    vault: VaultContents
    options: AuditOptions
    entries: tuple[EntryReport, ...]  # audited entries, worst first, rank 1..n
    skipped: tuple[SkippedEntry, ...]
    reuse_groups: tuple[ReuseGroup, ...]
    variant_groups: tuple[VariantGroup, ...]
    exposure_note: Reason | None = None  # why exposure was skipped / partly unknown, for the summary
    secret_of: dict[str, int] = field(default_factory=dict)  # uuid -> distinct password index
    entry_checks: Mapping[Check, EntryCheckOutcome] = field(default_factory=dict)  # the per-entry checks run

    def count(self, kind: FindingKind) -> int:
        return sum(1 for e in self.entries if kind in e.findings)

    @property
    def unchecked_kinds(self) -> frozenset[FindingKind]:
        """Kinds this run could not decide for every entry: their counts are unknown, never zero."""
        checks = self.options.checks
        out: set[FindingKind] = set()
        if Check.REUSE not in checks:
            out.add(FindingKind.REUSED)
        if Check.VARIANTS not in checks:
            out.add(FindingKind.VARIANT)
        if Check.STRENGTH not in checks:
            out |= {FindingKind.WEAK, FindingKind.POLICY}
        for check in registered_checks():
            outcome = self.entry_checks.get(check.name)
            if outcome is None or not outcome.decided:
                out |= check.kinds
        if any(not self.checked(e, FindingKind.PWNED) for e in self.entries):
            out.add(FindingKind.PWNED)
        return frozenset(out)

    def checked(self, entry: EntryReport, kind: FindingKind) -> bool:
        """Whether this run decided ``kind`` for ``entry`` (a skipped or unknown check decides nothing)."""
        if kind == FindingKind.PWNED:
            return entry.exposure is not None and entry.exposure.status in (ExposureStatus.PWNED,
                                                                            ExposureStatus.NOT_FOUND)
        checks = self.options.checks
        needed = {FindingKind.REUSED: Check.REUSE, FindingKind.VARIANT: Check.VARIANTS,
                  FindingKind.WEAK: Check.STRENGTH, FindingKind.POLICY: Check.STRENGTH}.get(kind)
        for check in registered_checks():
            if kind in check.kinds:
                outcome = self.entry_checks.get(check.name)
                return outcome is not None and outcome.decided
        return needed is None or needed in checks

    @property
    def notes(self) -> tuple[Reason, ...]:
        """What the run wants said once: the exposure note, then each per-entry check's notes."""
        own = (self.exposure_note,) if self.exposure_note is not None else ()
        return own + self.check_notes

    def counts(self) -> dict[str, int | None]:
        """Entries per finding kind; None for a kind this run could not decide for every entry."""
        unchecked = self.unchecked_kinds
        return {k.value: None if k in unchecked else self.count(k) for k in FindingKind}

    @property
    def check_notes(self) -> tuple[Reason, ...]:
        """What the per-entry checks want said about the run (the breach list's source, age and credit)."""
        return tuple(n for outcome in self.entry_checks.values() for n in outcome.notes)

    @property
    def unknown_exposure(self) -> int:
        return sum(1 for e in self.entries if e.exposure is not None and e.exposure.status == ExposureStatus.UNKNOWN)


ProgressFn = Callable[[int, int], None]


def run_audit(vault: VaultContents, options: AuditOptions, exposure_progress: ProgressFn | None = None,
              early: EarlyScoring | None = None) -> AuditResult:
    """Run the selected checks. Credentials excluded from reports still count for others' reuse.

    ``early``: zxcvbn scores started while the vault was read, on the workers :func:`cpu_pool` takes now.
    """
    creds = list(vault.credentials)
    passwords, of_cred = secret_index(creds)
    checks = options.checks
    now = options.now or datetime.now(UTC)

    audited_idx = [i for i, c in enumerate(creds) if options.include_excluded or not c.excluded]
    needed = sorted({of_cred[i] for i in audited_idx})

    strength: dict[int, StrengthResult] = {}
    exposure: dict[int, ExposureResult] = {}
    exposure_note: Reason | None = None
    variants_wanted = Check.VARIANTS in checks and len(passwords) > 1
    # CPU-bound checks go to worker processes (started first, before any thread, so they may fork); the
    # breach check waits on the network or the disk, so it runs in a daemon thread meanwhile, which an
    # interrupt never waits for. Waiting for a pool result, or a poll, is what feeds the workers their next tasks.
    cpu_work = len(passwords) if (variants_wanted or Check.STRENGTH in checks) else 0
    sites = [(c.title, c.url) for c in creds] if variants_wanted else []
    with cpu_pool(cpu_work) as pool:
        from reuse_audit.background import Background

        # The longest task after scoring: first in the workers' queue. A large vault's site names are made there
        # too; a small one's here (the worker would load the service catalogue only for them).
        clusters_pending = None
        if pool and variants_wanted and len(creds) >= NAMES_IN_WORKER_FROM:
            clusters_pending = pool.apply_async(variant_search, (passwords, sites, of_cred), first=True)
        elif pool and variants_wanted:
            names = password_site_names(len(passwords), sites, of_cred)
            clusters_pending = pool.apply_async(find_variant_groups, (passwords, names), first=True)
        scoring = None
        if Check.STRENGTH in checks and needed:
            inputs: dict[int, set[str]] = defaultdict(set)
            for n, (c, s) in enumerate(zip(creds, of_cred, strict=True), 1):
                inputs[s].update(_user_inputs(c))
                if pool is not None and n % POLL_EVERY == 0:
                    pool.poll()  # a worker done with its task takes the next one
            scoring = start_scoring([passwords[s] for s in needed], [sorted(inputs[s]) for s in needed],
                                    options.policy, pool, early)
        context = CheckContext(now, options.exposure, options.check_settings)
        entry_pending = [(check.name, Background(check.run, creds, context, name=f"check-{check.name}"))
                         for check in registered_checks() if check.name in checks]
        pending = None
        if Check.EXPOSURE in checks and passwords:
            pending = Background(_exposure, passwords, options.exposure, exposure_progress, name="hibp-check")
        elif Check.EXPOSURE not in checks:
            exposure_note = Reason.of(R.EXPOSURE_NOT_SELECTED)
        if pool is not None:
            pool.poll()
        groups = find_reuse_groups(creds, of_cred) if Check.REUSE in checks else []  # while the workers work
        group_of = {u: g for g in groups for u in g.entries}

        if scoring is not None:
            strength = dict(zip(needed, scoring(), strict=True))
        if pending is not None:
            exposure, exposure_note = pending.result()
        entry_outcomes = {name: job.result() for name, job in entry_pending}
        # Every finding but the variant one, made while a worker runs the variant search (the longest task).
        master = vault.master_password.reveal() if vault.master_password is not None else None
        title_of = {c.uuid: c.title for c in creds}
        drafts: list[_Draft] = []
        for i in audited_idx:
            c = creds[i]
            s = of_cred[i]
            group = group_of.get(c.uuid)
            sharers = Names([title_of[u] for u in group.entries if u != c.uuid][:MAX_SHARERS] if group else [])
            drafts.append(_draft(c, passwords[s] == master if master else False, group, sharers, strength.get(s),
                                 exposure.get(s), options.policy, now,
                                 [f for o in entry_outcomes.values() for f in o.findings.get(c.uuid, ())]))
        variant_groups: list[VariantGroup] = []
        if variants_wanted:
            clusters = (clusters_pending.get() if clusters_pending  # here: no caches dropped (later steps use them)
                        else find_variant_groups(passwords, password_site_names(len(passwords), sites, of_cred)))
            variant_groups = _variant_groups(creds, of_cred, clusters)
    variant_of = {u: g for g in variant_groups for u in g.entries}
    reports = [d.report(variant_of.get(d.credential.uuid)) for d in drafts]
    reports.sort(key=severity_key)
    ranked = tuple(_with_rank(r, n) for n, r in enumerate(reports, 1))
    skipped = list(vault.skipped)
    if not options.include_excluded:
        skipped += [SkippedEntry(c.uuid, c.title, SkipReason.EXCLUDED) for c in creds if c.excluded]
    return AuditResult(
        vault=vault, options=options, entries=ranked, skipped=tuple(skipped), reuse_groups=tuple(groups),
        variant_groups=tuple(variant_groups), exposure_note=exposure_note,
        secret_of={c.uuid: s for c, s in zip(creds, of_cred, strict=True)}, entry_checks=entry_outcomes,
    )


def _with_entry_findings(report: EntryReport, found: list[EntryFinding]) -> EntryReport:
    """Merge per-entry checks' findings into the report, every finding in severity order."""
    if not found:
        return report
    from dataclasses import replace

    pairs = list(zip(report.findings, report.reasons, strict=False)) + [(f.kind, f.reason) for f in found]
    pairs.sort(key=lambda pair: SEVERITY.index(pair[0]))
    notes = report.reasons[len(report.findings):]
    return replace(report, findings=tuple(k for k, _ in pairs), reasons=tuple(r for _, r in pairs) + notes)


def _user_inputs(c: Credential) -> set[str]:
    from reuse_audit.services.domains import host_from_url

    out = {c.title, c.username, c.email}
    host = host_from_url(c.url) if c.url else None
    if host:
        out.add(host)
        out.update(part for part in host.split(".") if len(part) > 2)
    if "@" in c.username:
        out.update(c.username.split("@"))
    return {x for x in out if x}


def variant_search(passwords: list[str], sites: list[tuple[str, str]], of_cred: list[int]) -> list[VariantCluster]:
    """The variant clusters of the distinct ``passwords``, with the site names of the entries holding each (from
    ``sites``: each entry's title and URL, not secrets; ``of_cred``: each entry's password): a worker's task."""
    from reuse_audit.checks.site_names import forget_site_names

    names = password_site_names(len(passwords), sites, of_cred)
    forget_site_names()
    return find_variant_groups(passwords, names)


def password_site_names(count: int, sites: list[tuple[str, str]], of_cred: list[int]) -> list[tuple[str, ...]]:
    """For each of ``count`` distinct passwords, the site names of every entry holding it (see
    :func:`variant_search`), sorted."""
    from reuse_audit.checks.site_names import site_names

    # A sorted tuple per password, and a set only for a password several entries share: a set each would cost
    # a worker 40 MB more at 50,000 entries, held through the search.
    holders = [0] * count
    for s in of_cred:
        holders[s] += 1
    names: list[tuple[str, ...]] = [()] * count
    shared: dict[int, set[str]] = {}
    for (title, url), s in zip(sites, of_cred, strict=True):
        found = site_names(title, url)
        if holders[s] == 1:
            names[s] = tuple(sorted(found))
        else:
            shared.setdefault(s, set()).update(found)
    for s, merged in shared.items():
        names[s] = tuple(sorted(merged))
    return names


def _variant_groups(creds: list[Credential], of_cred: list[int], clusters: list[VariantCluster]
                    ) -> list[VariantGroup]:
    holders: dict[int, list[Credential]] = defaultdict(list)
    for c, s in zip(creds, of_cred, strict=True):
        holders[s].append(c)
    position = {c.uuid: i for i, c in enumerate(creds)}
    raw = []
    for cl in clusters:
        members = [c for s in cl.members for c in holders[s]]
        members.sort(key=lambda c: position[c.uuid])
        raw.append((members, cl.kinds))
    raw.sort(key=lambda t: (-len(t[0]), t[0][0].title.casefold(), t[0][0].uuid))
    return [VariantGroup(f"V{n}", tuple(c.uuid for c in m), tuple(k)) for n, (m, k) in enumerate(raw, 1)]


def _exposure(passwords: list[str], settings: ExposureSettings, progress: ProgressFn | None
              ) -> tuple[dict[int, ExposureResult], Reason | None]:
    from reuse_audit.exposure.hashing import HashKey
    from reuse_audit.exposure.sources import open_exposure_source
    from reuse_audit.secret import Secret

    results = open_exposure_source(settings).lookup([HashKey.of(Secret(p)) for p in passwords], progress)
    return dict(enumerate(results)), exposure_note(results, settings)


def exposure_note(results: Sequence[ExposureResult], settings: ExposureSettings) -> Reason | None:
    """What the summary says once about the breach check: skipped (offline), misses left unknown in an
    unverified corpus, or how many passwords could not be checked."""
    from reuse_audit.exposure.model import ExposureFailure

    statuses = {r.status for r in results}
    unknown = [r for r in results if r.status == ExposureStatus.UNKNOWN]
    if statuses == {ExposureStatus.SKIPPED}:
        if settings.offline and settings.hibp_file is None:
            return Reason.of(R.EXPOSURE_OFFLINE)
        return Reason.of(R.EXPOSURE_SKIPPED, why=next((r.reason for r in results if r.reason), ""))
    if unknown and all(r.failure == ExposureFailure.UNVERIFIED_CORPUS for r in unknown):
        return Reason.of(R.EXPOSURE_UNVERIFIED_CORPUS, count=len(unknown), path=str(settings.hibp_file or ""))
    if unknown:
        return Reason.of(R.EXPOSURE_INCOMPLETE, count=len(unknown))
    return None


@dataclass(frozen=True)
class _Draft:
    """An entry's findings but the variant one, whose search may still be running: worst first (the order of
    :data:`SEVERITY`), around the variant finding's place."""

    credential: Credential
    before: tuple[tuple[FindingKind, Reason], ...]  # graver than a variant
    after: tuple[tuple[FindingKind, Reason], ...]
    notes: tuple[Reason, ...]
    group: ReuseGroup | None
    strength: StrengthResult | None
    exposure: ExposureResult | None
    checked: tuple[EntryFinding, ...]  # the per-entry checks' findings

    def report(self, variant: VariantGroup | None) -> EntryReport:
        found = list(self.before)
        if variant is not None:
            found.append((FindingKind.VARIANT, Reason.of(R.VARIANT, group=variant.id, kinds=variant.kinds)))
        found += self.after
        group = self.group
        report = EntryReport(
            credential=self.credential, findings=tuple(k for k, _ in found),
            reasons=tuple(r for _, r in found) + self.notes, reuse_group=group.id if group else None,
            reuse_size=group.size if group else 0, variant_group=variant.id if variant else None,
            strength=self.strength, exposure=self.exposure,
        )
        return _with_entry_findings(report, list(self.checked))


def _draft(c: Credential, is_master: bool, group: ReuseGroup | None, sharers: Names, strength: StrengthResult | None,
           exposure: ExposureResult | None, policy: StrengthPolicy, now: datetime, checked: list[EntryFinding]
           ) -> _Draft:
    """One entry's findings, each with its reason, but the variant finding."""
    before: list[tuple[FindingKind, Reason]] = []
    if is_master:
        before.append((FindingKind.MASTER_PASSWORD, Reason.of(R.MASTER_PASSWORD)))
    if exposure is not None and exposure.status == ExposureStatus.PWNED:
        before.append((FindingKind.PWNED, Reason.of(R.PWNED, count=exposure.count or 0)))
    if group is not None:
        before.append((FindingKind.REUSED, Reason.of(R.REUSED, group=group.id, others=group.size - 1,
                                                     names=sharers)))
    after: list[tuple[FindingKind, Reason]] = []
    if strength is not None:
        if strength.weak:
            after.append((FindingKind.WEAK, Reason.of(R.WEAK, score=strength.score)))
        if not strength.meets_policy:
            after.append((FindingKind.POLICY, Reason.of(
                R.POLICY, length=strength.length, min_length=policy.min_length,
                no_symbol=policy.require_symbol and "symbol" not in strength.classes)))
    if c.expires is not None and c.expires <= now:
        after.append((FindingKind.EXPIRED, Reason.of(R.EXPIRED, date=c.expires.date())))
    if c.password_since is not None and now - c.password_since > OLD_AFTER:
        after.append((FindingKind.OLD, Reason.of(R.OLD, date=c.password_since.date())))
    notes: list[Reason] = []
    if exposure is not None and exposure.status == ExposureStatus.UNKNOWN:
        failure = exposure.failure.value if exposure.failure is not None else ""
        notes.append(Reason.of(R.EXPOSURE_UNKNOWN, why=exposure.reason or "", failure=failure))
    if c.linked_to:
        notes.append(Reason.of(R.LINKED))
    return _Draft(c, tuple(before), tuple(after), tuple(notes), group, strength, exposure, tuple(checked))


def severity_key(r: EntryReport) -> tuple[object, ...]:
    """Sort key, worst first: the gravest finding kind, then breach count, reuse size, zxcvbn score."""
    worst = min((SEVERITY.index(k) for k in r.findings), default=len(SEVERITY))
    count = r.exposure.count if r.exposure is not None and r.exposure.count else 0
    score = r.strength.score if r.strength is not None else 5
    return (worst, -count, -r.reuse_size, r.reuse_group or "~", score, -len(r.findings),
            r.credential.title.casefold(), r.credential.uuid)


def _with_rank(r: EntryReport, rank: int) -> EntryReport:
    """``r`` ranked (made anew: :func:`dataclasses.replace` costs three times as much, for every entry)."""
    return EntryReport(credential=r.credential, findings=r.findings, reasons=r.reasons, reuse_group=r.reuse_group,
                       reuse_size=r.reuse_size, variant_group=r.variant_group, strength=r.strength,
                       exposure=r.exposure, rank=rank)
