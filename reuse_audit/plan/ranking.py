"""Ranks every entry into the rotation plan's tiers, in the order an attacker holding a mailbox would go, and
tells from the vault alone how far the user got with each step since the breach.

The breached password is the one the breached account held *when it was breached*: with a breach time,
each entry's password at that time comes from its history; without one, every password the breached
account held in the last 90 days counts as breached, so a plan re-run after rotating the mailbox still finds
every account that shares or varies the old one. Plaintext passwords are compared in memory only.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.checks.second_factor import TWO_FACTOR_ELSEWHERE_TAG, service_of
from reuse_audit.checks.site_names import entry_site_names
from reuse_audit.checks.variants import variant_kind
from reuse_audit.credentials import Credential, HeldAt
from reuse_audit.exposure.model import ExposureStatus
from reuse_audit.findings import Check
from reuse_audit.findings import FindingKind as K
from reuse_audit.plan.breach import Selection
from reuse_audit.plan.model import (
    Action,
    BreachContext,
    BreachTime,
    ChecklistCode,
    ChecklistItem,
    Mailbox,
    Plan,
    RotationStep,
    StepStatus,
    SubOrder,
    Tier,
)
from reuse_audit.reasons import Names, Reason, Subject, SubjectKind
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.secret import Secret
from reuse_audit.services.catalogue import (
    Service,
    ServiceRole,
    catalogue_date,
    change_password_url,
    is_public_mail_domain,
    looks_like_mail_host,
    lookup_service,
    mailbox_provider_domains,
)
from reuse_audit.services.domains import email_domain, host_from_url, host_within, registrable_domain

#: Same-domain mailboxes attackers try next, in this order.
ROLE_ORDER = ("admin", "info", "support", "contact", "sales", "webmaster", "office", "mail", "postmaster")
_HYGIENE_ORDER = {K.MASTER_PASSWORD: 0, K.PWNED: 1, K.SITE_BREACHED: 1, K.REUSED: 2, K.VARIANT: 3, K.WEAK: 4,
                  K.POLICY: 4, K.EXPIRED: 5, K.OLD: 6}
#: Reasons that put a hygiene step with the exposed ones (sharers and variants of a breached site's password).
_EXPOSED_BY_SITE = (R.SAME_PASSWORD_AS_BREACHED_SITE, R.VARIANT_OF_BREACHED_SITE)
#: Without a breach time, every password the breached account held this recently counts as breached.
RECENT = timedelta(days=90)
#: The tag a user puts on an entry when a step that is not a password change is done (one checklist item:
#: ``reuse-audit:done:remove_forwarding``).
DONE_TAG = "reuse-audit:done"
#: Findings about the password itself: only these put a step in general hygiene and call for a new password.
PASSWORD_KINDS = frozenset(_HYGIENE_ORDER)


@dataclass(frozen=True)
class BreachInput:
    """What the user said was breached, resolved against the vault."""

    selection: Selection
    selectors: tuple[str, ...]
    passwords: tuple[Secret, ...] = ()  # typed at --breached-password-prompt
    evidence: tuple[Reason, ...] = ()
    time: BreachTime = field(default_factory=BreachTime)


class _Breached:
    """The breached secrets and how a password relates to them: the same, a variant (of which kind), or not.

    Each secret carries the site names of the account that held it (none for a typed password), so a
    site-name variant (``blue-kettle-gmail`` / ``blue-kettle-twitter``) is found as the audit finds it.
    """

    def __init__(self, secrets: Sequence[tuple[str, frozenset[str]]]) -> None:
        merged: dict[str, frozenset[str]] = {}
        for secret, names in secrets:
            merged[secret] = merged.get(secret, frozenset()) | names
        self.secrets = merged
        self._cache: dict[tuple[str, frozenset[str]], tuple[bool, str | None]] = {}

    def relation(self, password: str | None, names: frozenset[str] = frozenset()) -> tuple[bool, str | None]:
        """(same as a breached secret, the variant kind when a variant of one)."""
        if password is None or not self.secrets:
            return False, None
        found = self._cache.get((password, names))
        if found is None:
            same = password in self.secrets
            kind = None if same else next((k for s, held_by in self.secrets.items()
                                           if (k := variant_kind(s, password, names_a=held_by, names_b=names))),
                                          None)
            found = self._cache[(password, names)] = (same, kind)
        return found


@dataclass
class _Entry:
    """One entry's place in the breach: its passwords then and now, and how each relates."""

    credential: Credential
    report: EntryReport
    held: HeldAt | None  # None without a breach time
    then: str | None  # the password held at the breach time, when known
    same_then: bool = False
    kind_then: str | None = None
    same_now: bool = False
    kind_now: str | None = None
    names: frozenset[str] = frozenset()  # the entry's site names


def build_plan(audit: AuditResult, breach: BreachInput | None, *, include_excluded: bool = False,
               now: datetime | None = None) -> Plan:
    """Order every audited entry into tiers 0-6 with reasons and a status. ``audit`` must include excluded
    entries (exclusion silences hygiene, never a breach)."""
    now = now or audit.options.now or datetime.now(UTC)
    creds = [e.credential for e in audit.entries]
    held_by = {c.uuid: c for c in audit.vault.credentials}  # a {REF:} link's target, excluded ones included
    reports = {e.credential.uuid: e for e in audit.entries}
    at = breach.time.at if breach is not None else None
    breached_uuids = set(breach.selection.matched) if breach else set()
    breached = _Breached(_breached_secrets(breach, creds, at, now))
    addresses = tuple(breach.selection.addresses) if breach else ()  # as shown: vault passwords in them hidden
    held = (tuple(breach.selection.held_addresses) or addresses) if breach else ()  # as held: to compare
    hide = audit.vault.redact
    what = _what(breach, creds)
    master = audit.vault.master_password.reveal() if audit.vault.master_password else None

    steps: list[tuple[tuple[object, ...], RotationStep]] = []
    master_hit: list[str] = []
    unknown_at_breach = 0
    breached_sites = _breached_sites(audit)
    own_domains = _own_domains(held)
    mailbox_uuids = {m.uuid for m in breach.selection.mailboxes if m.uuid} if breach else set()
    services = [service_of(c) for c in creds]
    mail_hosts = [svc for svc in services if svc is not None and svc.role is ServiceRole.HOSTING]
    for c, svc in zip(creds, services, strict=True):
        r = reports[c.uuid]
        e = _relate(c, r, at, breached, held_by)
        if e.held == HeldAt.UNKNOWN:
            unknown_at_breach += 1
        reasons: list[Reason] = []
        sub = SubOrder.SAME_DOMAIN_MAILBOX
        registered = _registered_to(c, held) if held else None
        key_of = _domain_key(c, svc, own_domains) if c.uuid not in breached_uuids else None
        if c.uuid in breached_uuids:
            tier = Tier.BREACHED_ACCOUNT
            reasons.append(Reason.of(R.BREACHED_ACCOUNT, selector=breach.selection.how[c.uuid] if breach else ""))
        elif e.same_now or e.same_then:
            tier = Tier.SAME_PASSWORD
            reasons.append(Reason.of(R.LINKED_TO_BREACHED if c.linked_to else R.SAME_PASSWORD_AS_BREACHED,
                                     what=what))
            if key_of is None:  # the domain's keys come first, with their own reason (below)
                sub = _sub_order(c, held, svc, reasons, hide)
        elif (kind := e.kind_then or e.kind_now) is not None:
            tier = Tier.VARIANT
            reasons.append(Reason.of(R.VARIANT_OF_BREACHED, what=what, kinds=(kind,)))
        elif registered or key_of is not None:
            tier = Tier.REGISTERED
            if registered:
                reasons.append(Reason.of(R.REGISTERED_TO_BREACHED_ADDRESS, address=hide(registered)))
        else:
            if c.excluded and not include_excluded:
                continue  # exclusion silences hygiene, never a breach
            # a password whose breach check could not run is unknown, never "fine": it is reviewed with the rest
            unknown = r.exposure is not None and r.exposure.status == ExposureStatus.UNKNOWN
            tier = Tier.HYGIENE if PASSWORD_KINDS & set(r.findings) or unknown else Tier.NOTHING
        if key_of is not None and Tier.SAME_PASSWORD <= tier <= Tier.REGISTERED:
            # the web host, registrar or DNS of the breached address's domain holds the keys to its mail
            sub = SubOrder.DOMAIN_KEYS
            reasons.insert(1 if tier != Tier.REGISTERED or registered else 0,
                           Reason.of(R.DOMAIN_KEY, domain=hide(key_of[0]), role=key_of[1]))
            if tier == Tier.REGISTERED and not registered and addresses:
                reasons.append(Reason.of(R.CHECK_LOGIN_ADDRESS, address=addresses[0]))
        if tier <= Tier.VARIANT and master is not None and master in (c.password.reveal(), e.then):
            master_hit.append(c.title)
        # In tiers 1-3 the breach reason says it all; group membership would only repeat it.
        repeated = (R.REUSED, R.VARIANT) if tier <= Tier.VARIANT else ()
        reasons += [x for x in r.reasons if x.code not in repeated]
        reasons += _site_exposure(e, breached_sites)
        action = _action(tier, r, svc, c, audit.options.checks)
        reasons += _second_factor_reasons(tier, action, r, svc, c, addresses)
        status, why = _status(e, tier, action, at)
        if c.uuid in mailbox_uuids:
            checklist = _checklist(svc, mail_hosts, status, c, at)
        elif status == StepStatus.DONE and tier <= Tier.REGISTERED and action == Action.CHANGE_PASSWORD \
                and svc is not None and svc.tfa_url and _wants_2fa(r, svc, c, audit.options.checks):
            # the new password is in, but whoever holds the breached mailbox can still reset it: the step is
            # finished when the second factor is on too (an OTP in the entry, or the done tag)
            checklist = _second_factor_left(svc.tfa_url, c, at)
        else:
            checklist = ()
        host = host_from_url(c.url) if c.url else None
        change_url = change_password_url(host) if host and action in (Action.CHANGE_PASSWORD,
                                                                        Action.SECURE_ACCOUNT) else None
        tfa_url = svc.tfa_url if svc is not None and action in (Action.ENABLE_2FA, Action.SECURE_ACCOUNT,
                                                                Action.CHANGE_PASSWORD, Action.REVIEW) and _wants_2fa(
            r, svc, c, audit.options.checks) else None  # a review (an unknown breach check) keeps its 2FA link
        passkey_url = svc.passkey_url if svc is not None and K.PASSKEY_AVAILABLE in r.findings else None
        exposed = any(x.code in _EXPOSED_BY_SITE for x in reasons)
        order = (tier, status != StepStatus.REDO, sub.rank, action == Action.NONE,
                 *_within_key(tier, c, r, svc.value_weight if svc else 0, exposed))
        steps.append((order, RotationStep(
            step=0, tier=tier, sub_order=sub, uuid=c.uuid, title=c.title, username=c.username, url=c.url,
            group=c.group, action=action, reasons=tuple(reasons), change_url=change_url, tfa_url=tfa_url,
            has_otp=c.has_otp, category=svc.category.value if svc else None, service=svc.name if svc else None,
            findings=tuple(k.value for k in r.findings), reuse_group=r.reuse_group, variant_group=r.variant_group,
            status=status, status_reasons=why, checklist=checklist, passkey_url=passkey_url,
        )))
    for mailbox in breach.selection.mailboxes if breach else ():
        if mailbox.uuid is None:  # kept outside the vault: still the first thing to take back
            steps.append(((Tier.BREACHED_ACCOUNT,), _outside_mailbox_step(mailbox, mail_hosts)))
    if any(K.MASTER_PASSWORD in reports[c.uuid].findings for c in creds) and not master_hit:
        master_hit = [c.title for c in creds if K.MASTER_PASSWORD in reports[c.uuid].findings]
    if master_hit:
        steps.append(((Tier.MASTER_PASSWORD,), _master_step(master_hit, audit.vault.master_key_changed, at,
                                                            breached.relation(master))))
    steps.sort(key=lambda t: t[0])
    ordered = tuple(replace(s, step=n) for n, (_k, s) in enumerate(steps, 1))
    context = None
    notes = audit.check_notes
    if breach:
        context = BreachContext(
            selectors=breach.selectors, matched=breach.selection.matched, mailboxes=breach.selection.mailboxes,
            breached_addresses=addresses, password_given=bool(breach.passwords), mailbox_evidence=breach.evidence,
            time=breach.time)
        notes = _rule_notes(breach, creds, audit.vault.path, now, unknown_at_breach) + notes
    return Plan(steps=ordered, breach=context, entries_total=audit.vault.entries_total,
                exposure_note=audit.exposure_note, notes=notes,
                unknown_at_breach=unknown_at_breach if at is not None else 0, vault_id=audit.vault.root_uuid)


def _breached_sites(audit: AuditResult) -> list[tuple[Credential, Reason, _Breached]]:
    """Every entry whose site was breached after its password was set, with that reason and its password as a
    breached secret: its password is exposed, so its sharers and variants are too."""
    out = []
    for e in audit.entries:
        reason = next((x for x in e.reasons if x.code == R.SITE_BREACHED), None)
        if reason is not None:
            c = e.credential
            out.append((c, reason, _Breached([(c.password.reveal(), entry_site_names(c))])))
    return out


def _site_exposure(e: _Entry, sites: list[tuple[Credential, Reason, _Breached]]) -> list[Reason]:
    """Why the entry's password is exposed by another entry's breached site: the same password, or a variant
    (plaintext compared in memory only)."""
    out: list[Reason] = []
    c = e.credential
    for breached, reason, leaked in sites:
        if breached.uuid == c.uuid:
            continue
        params = {k: v for k, v in reason.params if k in ("breach", "title", "breached", "precision")}
        same, kind = leaked.relation(c.password.reveal(), e.names)
        if same:
            out.append(Reason.of(R.SAME_PASSWORD_AS_BREACHED_SITE, entry=breached.title, **params))
        elif kind is not None:
            out.append(Reason.of(R.VARIANT_OF_BREACHED_SITE, entry=breached.title, kinds=(kind,), **params))
    return out[:2]


def _breached_secrets(breach: BreachInput | None, creds: list[Credential], at: datetime | None,
                      now: datetime) -> list[tuple[str, frozenset[str]]]:
    """The passwords the attacker holds: each breached account's password at the breach time (every one it
    held since, when its history does not reach back); without a time, every one held in the last 90 days;
    and any password typed at the prompt."""
    if breach is None:
        return []
    matched = set(breach.selection.matched)
    out: list[tuple[str, frozenset[str]]] = []
    for c in creds:
        if c.uuid not in matched:
            continue
        names = entry_site_names(c)
        if at is not None:
            held, password = c.password_at(at)
            if held == HeldAt.KNOWN and password is not None:
                out.append((password.reveal(), names))
                continue
            out += [(p.reveal(), names) for p in c.passwords_since(at)]
        else:
            out += [(p.reveal(), names) for p in c.passwords_since(now - RECENT)]
    out += [(p.reveal(), frozenset()) for p in breach.passwords]
    return out


def _relate(c: Credential, r: EntryReport, at: datetime | None, breached: _Breached,
            held_by: dict[str, Credential]) -> _Entry:
    held, then = (None, None) if at is None else c.password_at(at)
    target = held_by.get(c.linked_to) if c.linked_to else None
    if target is not None and at is not None and held == HeldAt.KNOWN:
        # A {REF:P@I:...} link holds whatever its target holds: the site still has what the target held at the
        # breach, until this entry gets a password of its own (changing the target in KeePass changes no site).
        held, then = target.password_at(at)
    e = _Entry(c, r, held, then.reveal() if then is not None else None)
    e.names = names = entry_site_names(c)
    e.same_now, e.kind_now = breached.relation(c.password.reveal(), names)
    e.same_then, e.kind_then = breached.relation(e.then, names)
    return e


def _status(e: _Entry, tier: Tier, action: Action, at: datetime | None) -> tuple[StepStatus, tuple[Reason, ...]]:
    """The step's status and why, from the vault alone (see the README's "day 2")."""
    if action == Action.NONE:
        return StepStatus.DONE, ()
    if at is None:
        return StepStatus.TODO, (Reason.of(R.NO_BREACH_TIME),)
    c = e.credential
    if tier > Tier.VARIANT or action != Action.CHANGE_PASSWORD:
        # not a password change: done when the user tagged the entry done since the breach, unless the entry's
        # own password is still pwned, shared or weak (the tag cannot close what the vault shows open)
        since = c.tag_since(DONE_TAG)
        if since is not None and since > at:
            still = _own_problems(e.report)
            if still:
                return StepStatus.REDO, still
            return StepStatus.DONE, (Reason.of(R.MARKED_DONE, tag=DONE_TAG, date=since.date()),)
        return StepStatus.TODO, ()
    if e.held == HeldAt.UNKNOWN:
        return StepStatus.TODO, (Reason.of(R.UNKNOWN_AT_BREACH),)
    if e.held == HeldAt.NOT_CREATED:
        return StepStatus.TODO, (Reason.of(R.CREATED_AFTER_BREACH),)
    if c.linked_to and (e.same_then or e.kind_then is not None):
        return StepStatus.TODO, (Reason.of(R.UNCHANGED_SINCE_BREACH),)  # still a link: its site was not changed
    if e.then == c.password.reveal():
        if any(p.reveal() != e.then for p in c.passwords_since(at)):  # changed after the breach, then back
            return StepStatus.REDO, (Reason.of(R.CHANGED_TO_BREACHED),)
        return StepStatus.TODO, (Reason.of(R.UNCHANGED_SINCE_BREACH),)
    problems: list[Reason] = []
    if e.same_now:
        problems.append(Reason.of(R.CHANGED_TO_BREACHED))
    elif e.kind_now is not None:
        problems.append(Reason.of(R.CHANGED_TO_VARIANT, kinds=(e.kind_now,)))
    problems += _own_problems(e.report)
    if problems:
        return StepStatus.REDO, tuple(problems)
    changed = c.password_since.date() if c.password_since is not None else at.date()
    # a new password that only misses the length/symbol guidance (some sites allow no symbols) is done
    notes = tuple(x for x in e.report.reasons if x.code == R.POLICY)
    return StepStatus.DONE, (Reason.of(R.CHANGED_SINCE_BREACH, date=changed), *notes)


def _own_problems(r: EntryReport) -> tuple[Reason, ...]:
    """What is wrong with an entry's password today, whatever the breach: shared with another entry, pwned
    (where checked), weak (zxcvbn 2 of 4 or less). Missing only the length/symbol guidance is not a problem."""
    problems: list[Reason] = []
    sharing = next((x for x in r.reasons if x.code == R.REUSED), None)
    if sharing is not None:
        others, names = sharing.get("others"), sharing.get("names")
        problems.append(Reason.of(R.NOW_SHARED, others=others if isinstance(others, int) else 0,
                                  names=names if isinstance(names, Names) else Names()))
    if r.exposure is not None and r.exposure.status == ExposureStatus.PWNED:
        problems.append(Reason.of(R.NOW_PWNED, count=r.exposure.count or 0))
    problems += [x for x in r.reasons if x.code == R.WEAK]
    return tuple(problems)


def _outside_mailbox_step(mailbox: Mailbox, mail_hosts: list[Service]) -> RotationStep:
    """The step of a breached mailbox that no entry of the vault is: take it back, with its recovery checklist
    (the provider's pages where the catalogue knows the address's provider, else the web host in the vault).
    The vault cannot show it done: it stays to do (the HTML page can tick it)."""
    domain = email_domain(mailbox.address) or ""
    svc = next((found for d in mailbox_provider_domains(domain) if (found := lookup_service(d))), None)
    return RotationStep(
        step=0, tier=Tier.BREACHED_ACCOUNT, sub_order=SubOrder.SAME_DOMAIN_MAILBOX, uuid=None, title=mailbox.address,
        username="", url="", group="", action=Action.CHANGE_PASSWORD,
        reasons=(Reason.of(R.BREACHED_ACCOUNT, selector=mailbox.address), *mailbox.why),
        change_url=None, tfa_url=svc.tfa_url if svc is not None else None,
        category=svc.category.value if svc is not None else None, service=svc.name if svc is not None else None,
        status=StepStatus.TODO, checklist=_checklist(svc, mail_hosts, StepStatus.TODO, None, None))


def _master_step(entries: list[str], changed: datetime | None, at: datetime | None,
                 now: tuple[bool, str | None] = (False, None)) -> RotationStep:
    """The master password's step: done once the master key changed after the breach, unless the master password
    is still (or became) a breached one or a variant of one (``now``: how it relates to the breached secrets) —
    the master key also changes when only a key file is added."""
    changed_after = at is not None and changed is not None and changed > at
    same, kind = now
    status: StepStatus
    why: tuple[Reason, ...]
    if changed_after and same:
        status, why = StepStatus.REDO, (Reason.of(R.CHANGED_TO_BREACHED),)
    elif changed_after and kind is not None:
        status, why = StepStatus.REDO, (Reason.of(R.CHANGED_TO_VARIANT, kinds=(kind,)),)
    elif changed_after and changed is not None:
        status, why = StepStatus.DONE, (Reason.of(R.MASTER_KEY_CHANGED, date=changed.date()),)
    else:
        status, why = StepStatus.TODO, (() if at is not None else (Reason.of(R.NO_BREACH_TIME),))
    return RotationStep(
        step=0, tier=Tier.MASTER_PASSWORD, sub_order=SubOrder.SAME_DOMAIN_MAILBOX, uuid=None,
        title="KeePass vault", username="", url="", group="", action=Action.CHANGE_MASTER_PASSWORD,
        reasons=(Reason.of(R.MASTER_PASSWORD_USED, entries=Names(entries)),), change_url=None, tfa_url=None,
        status=status, status_reasons=why)


def _rule_notes(breach: BreachInput, creds: list[Credential], vault: str, now: datetime,
                unknown_at_breach: int) -> tuple[Reason, ...]:
    """What the header says about the breach rule: the time used (or the 90-day rule), a suggested
    ``--breached-at`` with the exact command to re-run, and entries whose past is unknown."""
    at = breach.time.at
    if at is not None:
        notes = [Reason.of(R.RULE_BREACHED_AT, at=at, source=breach.time.source.value)]
        if unknown_at_breach:
            notes.append(Reason.of(R.UNKNOWN_AT_BREACH_COUNT, count=unknown_at_breach))
        return tuple(notes)
    notes = [Reason.of(R.RULE_RECENT, days=RECENT.days)]
    breached = set(breach.selection.matched)
    matched = [c for c in creds if c.uuid in breached]
    changes = [(c, when) for c in matched if (when := _last_change(c)) is not None]
    for c, when in changes:
        if len(c.history) < 2 and when > now - RECENT and not breach.passwords:
            notes.append(Reason.of(R.PREVIOUS_PASSWORD_MISSING, title=c.title, changed=when))
    if changes:
        c, when = max(changes, key=lambda pair: pair[1])
        suggested = (when - timedelta(minutes=1)).replace(second=0, microsecond=0)
        words = ["reuse-audit", "plan", vault, *(w for s in breach.selectors for w in ("--breached", s)),
                 "--breached-at", suggested.strftime("%Y-%m-%dT%H:%MZ")]
        notes.append(Reason.of(R.SUGGEST_BREACHED_AT, title=c.title, changed=when, command=shlex.join(words)))
    return tuple(notes)


def _last_change(c: Credential) -> datetime | None:
    """When the entry's password last changed, as far as the vault tells: the start of its last run; for an
    entry whose history does not reach its creation (history off), its last modification."""
    if len(c.history) >= 2:
        return c.history[-1].start
    cut = c.history_reach is not None and c.created is not None and c.history_reach > c.created
    return c.modified if cut and c.modified is not None else None


def _what(breach: BreachInput | None, creds: list[Credential]) -> Subject:
    """What the breach reasons point at: the breached mailbox, else the first breached accounts."""
    if breach is not None and breach.selection.addresses:
        return Subject(SubjectKind.MAILBOX, breach.selection.addresses[0])
    titles = {c.uuid: c.title for c in creds}
    matched = breach.selection.matched[:2] if breach is not None else ()
    return Subject(SubjectKind.ACCOUNT, ", ".join(titles.get(u, u) for u in matched))


def _registered_to(c: Credential, addresses: Sequence[str]) -> str | None:
    """The breached address ``c`` signs in with (its login or e-mail field as held; ``addresses`` as held)."""
    for value in (c.real_username, c.real_email):
        if value.strip().lower() in addresses:
            return value.strip().lower()
    return None


def _sub_order(c: Credential, addresses: Sequence[str], svc: Service | None, reasons: list[Reason],
               hide: Callable[[str], str]) -> SubOrder:
    """Where ``c`` ranks within tier 2, compared on its fields and the breached ``addresses`` as held; the reason
    added says it through ``hide``."""
    login = c.real_username.strip().lower()
    domains = {email_domain(a) for a in addresses}
    host = host_from_url(c.real_url) if c.real_url else None
    mail_like = looks_like_mail_host(host) or "mail" in f"{c.real_title} {c.group}".casefold()
    if mail_like and (email_domain(login) in domains or any(host and host.endswith(str(d)) for d in domains)):
        reasons.append(Reason.of(R.SAME_DOMAIN_MAILBOX,
                                 domain=hide(next(iter(sorted(d for d in domains if d)), ""))))
        return SubOrder.SAME_DOMAIN_MAILBOX
    if login in addresses or c.real_email.strip().lower() in addresses:
        reasons.append(Reason.of(R.LOGIN_IS_BREACHED_ADDRESS, address=hide(login if login in addresses
                                                                             else c.real_email.strip().lower())))
        return SubOrder.LOGIN_IS_ADDRESS
    if svc is not None and svc.high_value:
        reasons.append(Reason.of(R.HIGH_VALUE_SERVICE, category=svc.category.value, service=svc.name))
        return SubOrder.HIGH_VALUE
    return SubOrder.REST


def _action(tier: Tier, r: EntryReport, svc: Service | None, c: Credential, checks: frozenset[Check]) -> Action:
    if tier <= Tier.VARIANT:
        return Action.CHANGE_PASSWORD
    if tier == Tier.REGISTERED:
        return Action.SECURE_ACCOUNT
    if tier == Tier.HYGIENE:
        if PASSWORD_KINDS & set(r.findings) <= {K.OLD, K.VARIANT}:
            return Action.REVIEW
        return Action.CHANGE_PASSWORD
    # Nothing wrong with the password: never "nothing to do" on a high-value account without a second factor.
    if svc is not None and svc.high_value and not c.has_otp and not _tagged_2fa_elsewhere(c):
        if _wants_2fa(r, svc, c, checks):
            return Action.ENABLE_2FA
        if not svc.offers_strong_2fa:
            return Action.CHECK_2FA
    if K.INSECURE_URL in r.findings:
        return Action.REVIEW
    return Action.NONE


def _tagged_2fa_elsewhere(c: Credential) -> bool:
    return c.has_tag(TWO_FACTOR_ELSEWHERE_TAG)


def _wants_2fa(r: EntryReport, svc: Service, c: Credential, checks: frozenset[Check]) -> bool:
    """The site offers a strong second factor and the entry shows none (the 2fa check's finding; without
    that check, the catalogue)."""
    if Check.TWO_FACTOR in checks:
        return K.NO_2FA in r.findings
    return not c.has_otp and svc.offers_strong_2fa and not _tagged_2fa_elsewhere(c)


def _second_factor_reasons(tier: Tier, action: Action, r: EntryReport, svc: Service | None, c: Credential,
                           addresses: Sequence[str]) -> list[Reason]:
    """What the step says about the site's second factor (the 2fa check's own reason is there already)."""
    out: list[Reason] = []
    if svc is None:
        return [Reason.of(R.HAS_OTP)] if c.has_otp and tier <= Tier.HYGIENE else []
    said = K.NO_2FA in r.findings
    if not said and not c.has_otp and svc.offers_strong_2fa and (action != Action.NONE or tier == Tier.NOTHING) \
            and not _tagged_2fa_elsewhere(c):
        out.append(Reason.of(R.ENABLE_2FA))
    if action == Action.CHECK_2FA or (tier <= Tier.HYGIENE and not c.has_otp and svc.tfa_known
                                      and not svc.tfa_methods):
        if svc.tfa_known and not svc.tfa_methods:
            as_of = catalogue_date()
            out.append(Reason.of(R.NO_2FA_OFFERED, as_of=as_of) if as_of else Reason.of(R.NO_2FA_OFFERED))
        if action == Action.CHECK_2FA:
            out.append(Reason.of(R.CHECK_2FA))
    weak = next((x for x in r.reasons if x.code == R.WEAK_2FA), None)
    methods = weak.get("methods") if weak is not None else None
    if tier <= Tier.REGISTERED and addresses and isinstance(methods, tuple) and "email" in methods:
        out.append(Reason.of(R.CODES_BY_BREACHED_MAILBOX, address=addresses[0]))
    if c.has_otp and tier <= Tier.HYGIENE:
        out.append(Reason.of(R.HAS_OTP))
    return out


def _own_domains(addresses: Sequence[str]) -> list[str]:
    """The registrable domains of breached addresses that are the owner's own (not a public mail provider)."""
    out: list[str] = []
    for address in addresses:
        domain = email_domain(address)
        if domain and not is_public_mail_domain(domain):
            own = registrable_domain(domain)
            if own not in out:
                out.append(own)
    return out


def _domain_key(c: Credential, svc: Service | None, own_domains: list[str]) -> tuple[str, str] | None:
    """(domain, role) when ``c`` may hold the keys to the mail of a breached own domain: its web host,
    registrar or DNS (the catalogue's role), or a site under that domain that is not itself a mailbox."""
    if not own_domains:
        return None
    if svc is not None and svc.role is not None:
        return own_domains[0], svc.role.value
    host = host_from_url(c.real_url) if c.real_url else None
    if host and not looks_like_mail_host(host):
        for domain in own_domains:
            if host_within(host, domain):
                return domain, "host"
    return None


def _checklist(svc: Service | None, mail_hosts: list[Service], status: StepStatus, c: Credential | None,
               at: datetime | None) -> tuple[ChecklistItem, ...]:
    """The breached mailbox's recovery checklist, with the provider's pages where the catalogue knows them:
    the mailbox's own service, else the web host that holds an own-domain mailbox."""
    links: dict[str, str] = dict(svc.recovery) if svc is not None else {}
    if not links and mail_hosts:
        links = dict(mail_hosts[0].recovery)
    if svc is not None and svc.tfa_url and ChecklistCode.ENABLE_2FA.value not in links:
        links[ChecklistCode.ENABLE_2FA.value] = svc.tfa_url
    items = []
    for code in ChecklistCode:
        if code == ChecklistCode.CHANGE_PASSWORD:
            done = status == StepStatus.DONE
        elif c is None:  # a mailbox outside the vault: no tag can say it
            done = False
        elif code == ChecklistCode.ENABLE_2FA and c.has_otp:  # the entry holds its one-time code: it is on
            done = True
        else:
            since = c.tag_since(f"{DONE_TAG}:{code.value}") or c.tag_since(DONE_TAG)
            done = at is not None and since is not None and since > at
        items.append(ChecklistItem(code, links.get(code.value), StepStatus.DONE if done else StepStatus.TODO))
    return tuple(items)


def _second_factor_left(tfa_url: str, c: Credential, at: datetime | None) -> tuple[ChecklistItem, ...]:
    """The one item left of an account whose password was changed after the breach: its second factor."""
    since = c.tag_since(f"{DONE_TAG}:{ChecklistCode.ENABLE_2FA.value}") or c.tag_since(DONE_TAG)
    done = at is not None and since is not None and since > at
    return (ChecklistItem(ChecklistCode.ENABLE_2FA, tfa_url, StepStatus.DONE if done else StepStatus.TODO),)


def _within_key(tier: Tier, c: Credential, r: EntryReport, value: int, exposed: bool = False) -> tuple[object, ...]:
    """Order inside a tier: no OTP before OTP, higher value first; hygiene by what is worst (a password a
    breached site leaked, or a variant of one, ranks with the pwned ones)."""
    local = c.username.split("@", 1)[0].lower()
    role = ROLE_ORDER.index(local) if local in ROLE_ORDER else len(ROLE_ORDER)
    title = (c.title.casefold(), c.uuid)
    if tier == Tier.HYGIENE:
        worst = min([_HYGIENE_ORDER.get(k, len(_HYGIENE_ORDER)) for k in r.findings]
                    + ([_HYGIENE_ORDER[K.SITE_BREACHED]] if exposed else []), default=99)
        count = (r.exposure.count or 0) if r.exposure is not None else 0
        score = r.strength.score if r.strength is not None else 5
        return (worst, -count, -r.reuse_size, r.reuse_group or "~", c.has_otp, -value, score, *title)
    return (c.has_otp, role, -value, *title)
