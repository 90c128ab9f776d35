"""Ranks every entry into the rotation plan's tiers, in the order an attacker holding a mailbox would go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.checks.variants import variant_kind
from reuse_audit.credentials import Credential
from reuse_audit.findings import FindingKind as K
from reuse_audit.plan.breach import Selection
from reuse_audit.plan.model import Action, BreachContext, Plan, RotationStep, SubOrder, Tier
from reuse_audit.reasons import Names, Reason, Subject, SubjectKind
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.secret import Secret
from reuse_audit.services.catalogue import Service, change_password_url, looks_like_mail_host, lookup_service
from reuse_audit.services.domains import email_domain, host_from_url

#: Same-domain mailboxes attackers try next, in this order.
ROLE_ORDER = ("admin", "info", "support", "contact", "sales", "webmaster", "office", "mail", "postmaster")
_HYGIENE_ORDER = {K.MASTER_PASSWORD: 0, K.PWNED: 1, K.REUSED: 2, K.VARIANT: 3, K.WEAK: 4, K.POLICY: 4,
                  K.EXPIRED: 5, K.OLD: 6}


@dataclass(frozen=True)
class BreachInput:
    selection: Selection
    selectors: tuple[str, ...]
    passwords: tuple[Secret, ...] = ()  # typed at --breached-password-prompt
    evidence: tuple[Reason, ...] = ()


def build_plan(audit: AuditResult, breach: BreachInput | None, *, include_excluded: bool = False) -> Plan:
    """Order every audited entry into tiers 0-6 with reasons. ``audit`` must include excluded entries."""
    creds = [e.credential for e in audit.entries]
    reports = {e.credential.uuid: e for e in audit.entries}
    secret_of = audit.secret_of
    plain = _distinct(creds, secret_of)  # index = the audit's distinct-password id; in memory only

    breached_uuids = set(breach.selection.matched) if breach else set()
    breached_ids = {secret_of[u] for u in breached_uuids if u in secret_of}
    extra_pw = [p.reveal() for p in breach.passwords] if breach else []
    for pw in extra_pw:
        breached_ids.update(i for i, p in enumerate(plain) if p == pw)
    breached_plain = [plain[i] for i in sorted(breached_ids)] + [p for p in extra_pw if p not in plain]
    addresses = tuple(breach.selection.addresses) if breach else ()
    what = _what(breach, creds)

    variant_cache: dict[int, str | None] = {}

    def variant_of(sid: int) -> str | None:
        if sid not in variant_cache:
            kinds = [k for bp in breached_plain if (k := variant_kind(bp, plain[sid]))]
            variant_cache[sid] = kinds[0] if kinds else None
        return variant_cache[sid]

    steps: list[tuple[tuple[object, ...], RotationStep]] = []
    master = audit.vault.master_password.reveal() if audit.vault.master_password else None
    master_hit: list[str] = []
    for c in creds:
        r = reports[c.uuid]
        sid = secret_of[c.uuid]
        svc = lookup_service(host_from_url(c.url)) if c.url else None
        value = svc.value_weight if svc else 0
        reasons: list[Reason] = []
        sub = SubOrder.SAME_DOMAIN_MAILBOX
        registered = _registered_to(c, addresses) if addresses else None
        if c.uuid in breached_uuids:
            tier = Tier.BREACHED_ACCOUNT
            reasons.append(Reason.of(R.BREACHED_ACCOUNT, selector=breach.selection.how[c.uuid] if breach else ""))
        elif sid in breached_ids:
            tier = Tier.SAME_PASSWORD
            reasons.append(Reason.of(R.LINKED_TO_BREACHED if c.linked_to else R.SAME_PASSWORD_AS_BREACHED,
                                     what=what))
            sub = _sub_order(c, addresses, svc, reasons)
        elif breached_plain and (kind := variant_of(sid)):
            tier = Tier.VARIANT
            reasons.append(Reason.of(R.VARIANT_OF_BREACHED, what=what, kinds=(kind,)))
        elif registered:
            tier = Tier.REGISTERED
            reasons.append(Reason.of(R.REGISTERED_TO_BREACHED_ADDRESS, address=registered))
        else:
            if c.excluded and not include_excluded:
                continue  # exclusion silences hygiene, never a breach
            tier = Tier.HYGIENE if r.findings else Tier.NOTHING
        if tier <= Tier.VARIANT and master is not None and plain[sid] == master:
            master_hit.append(c.title)
        # In tiers 1-3 the breach reason says it all; group membership would only repeat it.
        repeated = (R.REUSED, R.VARIANT) if tier <= Tier.VARIANT else ()
        reasons += [x for x in r.reasons if x.code not in repeated]
        action = _action(tier, r, svc, c)
        tfa_url = None
        if not c.has_otp and svc is not None and svc.tfa_methods:
            tfa_url = svc.tfa_url
            if action != Action.NONE or tier == Tier.NOTHING:
                reasons.append(Reason.of(R.ENABLE_2FA))
        elif not c.has_otp and svc is not None and svc.tfa_known and not svc.tfa_methods and tier <= Tier.HYGIENE:
            reasons.append(Reason.of(R.NO_2FA_OFFERED))
        if c.has_otp and tier <= Tier.HYGIENE:
            reasons.append(Reason.of(R.HAS_OTP))
        host = host_from_url(c.url) if c.url else None
        change_url = change_password_url(host) if host and action in (Action.CHANGE_PASSWORD,
                                                                        Action.SECURE_ACCOUNT) else None
        key = (tier, sub, action == Action.NONE, *_within_key(tier, c, r, value))
        steps.append((key, RotationStep(
            step=0, tier=tier, sub_order=sub, uuid=c.uuid, title=c.title, username=c.username, url=c.url,
            group=c.group, action=action, reasons=tuple(reasons), change_url=change_url, tfa_url=tfa_url,
            has_otp=c.has_otp, category=svc.category.value if svc else None, service=svc.name if svc else None,
            findings=tuple(k.value for k in r.findings), reuse_group=r.reuse_group, variant_group=r.variant_group,
        )))
    if any(K.MASTER_PASSWORD in reports[c.uuid].findings for c in creds) and not master_hit:
        master_hit = [c.title for c in creds if K.MASTER_PASSWORD in reports[c.uuid].findings]
    if master_hit:
        steps.append(((Tier.MASTER_PASSWORD,), RotationStep(
            step=0, tier=Tier.MASTER_PASSWORD, sub_order=SubOrder.SAME_DOMAIN_MAILBOX, uuid=None,
            title="KeePass vault", username="", url="", group="", action=Action.CHANGE_MASTER_PASSWORD,
            reasons=(Reason.of(R.MASTER_PASSWORD_USED, entries=Names(master_hit)),), change_url=None,
            tfa_url=None)))
    steps.sort(key=lambda t: t[0])
    ordered = tuple(_numbered(s, n) for n, (_k, s) in enumerate(steps, 1))
    context = None
    if breach:
        context = BreachContext(
            selectors=breach.selectors, matched=breach.selection.matched, mailboxes=breach.selection.mailboxes,
            breached_addresses=addresses, password_given=bool(breach.passwords), mailbox_evidence=breach.evidence)
    return Plan(steps=ordered, breach=context, entries_total=audit.vault.entries_total,
                exposure_note=audit.exposure_note,
                notes=tuple(n for outcome in audit.entry_checks.values() for n in outcome.notes))


def _distinct(creds: list[Credential], secret_of: dict[str, int]) -> list[str]:
    out: dict[int, str] = {}
    for c in creds:
        out.setdefault(secret_of[c.uuid], c.password.reveal())
    size = max(out, default=-1) + 1
    return [out.get(i, "") for i in range(size)]


def _what(breach: BreachInput | None, creds: list[Credential]) -> Subject:
    """What the breach reasons point at: the breached mailbox, else the first breached accounts."""
    if breach is not None and breach.selection.addresses:
        return Subject(SubjectKind.MAILBOX, breach.selection.addresses[0])
    titles = {c.uuid: c.title for c in creds}
    matched = breach.selection.matched[:2] if breach is not None else ()
    return Subject(SubjectKind.ACCOUNT, ", ".join(titles.get(u, u) for u in matched))


def _registered_to(c: Credential, addresses: Sequence[str]) -> str | None:
    for value in (c.username, c.email):
        if value.strip().lower() in addresses:
            return value.strip().lower()
    return None


def _sub_order(c: Credential, addresses: Sequence[str], svc: Service | None, reasons: list[Reason]) -> SubOrder:
    login = c.username.strip().lower()
    domains = {email_domain(a) for a in addresses}
    host = host_from_url(c.url) if c.url else None
    mail_like = looks_like_mail_host(host) or "mail" in f"{c.title} {c.group}".casefold()
    if mail_like and (email_domain(login) in domains or any(host and host.endswith(str(d)) for d in domains)):
        reasons.append(Reason.of(R.SAME_DOMAIN_MAILBOX, domain=next(iter(sorted(d for d in domains if d)), "")))
        return SubOrder.SAME_DOMAIN_MAILBOX
    if login in addresses or c.email.strip().lower() in addresses:
        reasons.append(Reason.of(R.LOGIN_IS_BREACHED_ADDRESS, address=login if login in addresses
                                 else c.email.strip().lower()))
        return SubOrder.LOGIN_IS_ADDRESS
    if svc is not None and svc.high_value:
        reasons.append(Reason.of(R.HIGH_VALUE_SERVICE, category=svc.category.value, service=svc.name))
        return SubOrder.HIGH_VALUE
    return SubOrder.REST


def _action(tier: Tier, r: EntryReport, svc: Service | None, c: Credential) -> Action:
    if tier <= Tier.VARIANT:
        return Action.CHANGE_PASSWORD
    if tier == Tier.REGISTERED:
        return Action.SECURE_ACCOUNT
    if tier == Tier.HYGIENE:
        if set(r.findings) <= {K.OLD, K.VARIANT}:
            return Action.REVIEW
        return Action.CHANGE_PASSWORD
    if not c.has_otp and svc is not None and svc.tfa_methods and svc.high_value:
        return Action.ENABLE_2FA
    return Action.NONE


def _within_key(tier: Tier, c: Credential, r: EntryReport, value: int) -> tuple[object, ...]:
    """Order inside a tier: no OTP before OTP, higher value first; hygiene by what is worst."""
    local = c.username.split("@", 1)[0].lower()
    role = ROLE_ORDER.index(local) if local in ROLE_ORDER else len(ROLE_ORDER)
    title = (c.title.casefold(), c.uuid)
    if tier == Tier.HYGIENE:
        worst = min((_HYGIENE_ORDER[k] for k in r.findings), default=9)
        count = (r.exposure.count or 0) if r.exposure is not None else 0
        score = r.strength.score if r.strength is not None else 5
        return (worst, -count, -r.reuse_size, r.reuse_group or "~", c.has_otp, -value, score, *title)
    return (c.has_otp, role, -value, *title)


def _numbered(s: RotationStep, n: int) -> RotationStep:
    from dataclasses import replace

    return replace(s, step=n)
