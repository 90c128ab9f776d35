"""Ranks every entry into the rotation plan's tiers, in the order an attacker holding a mailbox would go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.checks.strength import StrengthPolicy
from reuse_audit.checks.variants import variant_kind
from reuse_audit.credentials import Credential
from reuse_audit.findings import FindingKind as K
from reuse_audit.plan.breach import Selection
from reuse_audit.plan.model import Action, BreachContext, Plan, Reason, RotationStep
from reuse_audit.secret import Secret
from reuse_audit.services.catalogue import Service, change_password_url, looks_like_mail_host, lookup_service
from reuse_audit.services.domains import email_domain, host_from_url

HIGH_VALUE = 70
#: Same-domain mailboxes attackers try next, in this order.
ROLE_ORDER = ("admin", "info", "support", "contact", "sales", "webmaster", "office", "mail", "postmaster")
_HYGIENE_ORDER = {K.MASTER_PASSWORD: 0, K.PWNED: 1, K.REUSED: 2, K.VARIANT: 3, K.WEAK: 4, K.POLICY: 4,
                  K.EXPIRED: 5, K.OLD: 6}


@dataclass(frozen=True)
class BreachInput:
    selection: Selection
    selectors: tuple[str, ...]
    passwords: tuple[Secret, ...] = ()  # typed at --breached-password-prompt
    evidence: tuple[str, ...] = ()


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

    variant_kinds = {g.id: ",".join(g.kinds) for g in audit.variant_groups}
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
        sub = 0
        if c.uuid in breached_uuids:
            tier = 1
            reasons.append(Reason.of("breached_account", selector=breach.selection.how[c.uuid] if breach else ""))
        elif sid in breached_ids:
            tier = 2
            reasons.append(Reason.of("linked_to_breached" if c.linked_to else "same_password_as_breached",
                                     what=what))
            sub = _sub_order(c, addresses, svc, reasons)
        elif breached_plain and (kind := variant_of(sid)):
            tier = 3
            reasons.append(Reason.of("variant_of_breached", what=what, kinds=kind))
        elif addresses and _registered_to(c, addresses):
            tier = 4
            reasons.append(Reason.of("registered_to_breached_address", address=_registered_to(c, addresses)))
        else:
            if c.excluded and not include_excluded:
                continue  # exclusion silences hygiene, never a breach
            tier = 5 if r.findings else 6
        if tier <= 3 and master is not None and plain[sid] == master:
            master_hit.append(c.title)
        # In tiers 1-3 the breach reason says it all; group membership would only repeat it.
        reasons += _finding_reasons(r, variant_kinds, audit.options.policy,
                                    skip=(K.REUSED, K.VARIANT) if tier <= 3 else ())
        action = _action(tier, r, svc, c)
        tfa_url = None
        if not c.has_otp and svc is not None and svc.tfa_methods:
            tfa_url = svc.tfa_url
            if action != Action.NONE or tier == 6:
                reasons.append(Reason.of("enable_2fa"))
        elif not c.has_otp and svc is not None and svc.tfa_known and not svc.tfa_methods and tier <= 5:
            reasons.append(Reason.of("no_2fa_offered"))
        if c.has_otp and tier <= 5:
            reasons.append(Reason.of("has_otp"))
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
        steps.append(((0,), RotationStep(
            step=0, tier=0, sub_order=0, uuid=None, title="KeePass vault", username="", url="", group="",
            action=Action.CHANGE_MASTER_PASSWORD,
            reasons=(Reason.of("master_password", entries=", ".join(master_hit)),), change_url=None,
            tfa_url=None)))
    steps.sort(key=lambda t: t[0])
    ordered = tuple(_numbered(s, n) for n, (_k, s) in enumerate(steps, 1))
    context = None
    if breach:
        context = BreachContext(
            selectors=breach.selectors, matched=breach.selection.matched, mailboxes=breach.selection.mailboxes,
            breached_addresses=addresses, password_given=bool(breach.passwords), mailbox_evidence=breach.evidence)
    return Plan(steps=ordered, breach=context, entries_total=audit.vault.entries_total,
                exposure_note=audit.exposure_note)


def _distinct(creds: list[Credential], secret_of: dict[str, int]) -> list[str]:
    out: dict[int, str] = {}
    for c in creds:
        out.setdefault(secret_of[c.uuid], c.password.reveal())
    size = max(out, default=-1) + 1
    return [out.get(i, "") for i in range(size)]


def _what(breach: BreachInput | None, creds: list[Credential]) -> str:
    if breach is None:
        return ""
    if breach.selection.addresses:
        return f"mailbox {breach.selection.addresses[0]}"
    titles = {c.uuid: c.title for c in creds}
    named = ", ".join(titles.get(u, u) for u in breach.selection.matched[:2])
    return f"account {named}" if named else "account"


def _registered_to(c: Credential, addresses: Sequence[str]) -> str | None:
    for value in (c.username, c.email):
        if value.strip().lower() in addresses:
            return value.strip().lower()
    return None


def _sub_order(c: Credential, addresses: Sequence[str], svc: Service | None, reasons: list[Reason]) -> int:
    login = c.username.strip().lower()
    domains = {email_domain(a) for a in addresses}
    host = host_from_url(c.url) if c.url else None
    mail_like = looks_like_mail_host(host) or "mail" in f"{c.title} {c.group}".casefold()
    if mail_like and (email_domain(login) in domains or any(host and host.endswith(str(d)) for d in domains)):
        reasons.append(Reason.of("same_domain_mailbox", domain=next(iter(sorted(d for d in domains if d)), "")))
        return 0
    if login in addresses or c.email.strip().lower() in addresses:
        reasons.append(Reason.of("login_is_breached_address", address=login if login in addresses
                                 else c.email.strip().lower()))
        return 1
    if svc is not None and svc.value_weight >= HIGH_VALUE:
        reasons.append(Reason.of("high_value_service", category=svc.category.value, service=svc.name))
        return 2
    return 3


def _finding_reasons(r: EntryReport, variant_kinds: dict[str, str], policy: StrengthPolicy,
                     skip: tuple[K, ...] = ()) -> list[Reason]:
    out = []
    for k in r.findings:
        if k in skip:
            continue
        if k == K.PWNED and r.exposure is not None:
            out.append(Reason.of("pwned", count=r.exposure.count or 0))
        elif k == K.REUSED:
            out.append(Reason.of("reused", group=r.reuse_group or "", others=max(r.reuse_size - 1, 0)))
        elif k == K.VARIANT:
            out.append(Reason.of("variant", group=r.variant_group or "",
                                 kinds=variant_kinds.get(r.variant_group or "", "")))
        elif k == K.WEAK and r.strength is not None:
            out.append(Reason.of("weak", score=r.strength.score))
        elif k == K.POLICY and r.strength is not None:
            out.append(Reason.of("policy", length=r.strength.length, min_length=policy.min_length,
                                 no_symbol=policy.require_symbol and "symbol" not in r.strength.classes))
        elif k == K.EXPIRED and r.credential.expires is not None:
            out.append(Reason.of("expired", date=r.credential.expires.date().isoformat()))
        elif k == K.OLD and r.credential.password_since is not None:
            out.append(Reason.of("old", date=r.credential.password_since.date().isoformat()))
        elif k == K.MASTER_PASSWORD:
            out.append(Reason.of("master_password", entries=r.credential.title))
    if r.exposure is not None and r.exposure.status == "unknown":
        out.append(Reason.of("exposure_unknown", why=r.exposure.reason or ""))
    if r.credential.linked_to:
        out.append(Reason.of("linked"))
    return out


def _action(tier: int, r: EntryReport, svc: Service | None, c: Credential) -> Action:
    if tier <= 3:
        return Action.CHANGE_PASSWORD
    if tier == 4:
        return Action.SECURE_ACCOUNT
    if tier == 5:
        if set(r.findings) <= {K.OLD, K.VARIANT}:
            return Action.REVIEW
        return Action.CHANGE_PASSWORD
    if not c.has_otp and svc is not None and svc.tfa_methods and svc.value_weight >= HIGH_VALUE:
        return Action.ENABLE_2FA
    return Action.NONE


def _within_key(tier: int, c: Credential, r: EntryReport, value: int) -> tuple[object, ...]:
    """Order inside a tier: no OTP before OTP, higher value first; hygiene by what is worst."""
    local = c.username.split("@", 1)[0].lower()
    role = ROLE_ORDER.index(local) if local in ROLE_ORDER else len(ROLE_ORDER)
    title = (c.title.casefold(), c.uuid)
    if tier == 5:
        worst = min((_HYGIENE_ORDER[k] for k in r.findings), default=9)
        count = (r.exposure.count or 0) if r.exposure is not None else 0
        score = r.strength.score if r.strength is not None else 5
        return (worst, -count, -r.reuse_size, r.reuse_group or "~", c.has_otp, -value, score, *title)
    return (c.has_otp, role, -value, *title)


def _numbered(s: RotationStep, n: int) -> RotationStep:
    from dataclasses import replace

    return replace(s, step=n)
