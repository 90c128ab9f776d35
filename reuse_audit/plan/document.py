"""The plan as data: the versioned JSON document (every step, reasons as sentences and as codes) and CSV rows."""

from __future__ import annotations

from typing import Any

from reuse_audit import __version__
from reuse_audit.i18n import Translator
from reuse_audit.plan.model import Action, BreachContext, Mailbox, Plan, RotationStep, StepStatus, Tier
from reuse_audit.plan.view import action_text, checklist_text, heading
from reuse_audit.report import escape
from reuse_audit.times import iso

SCHEMA_VERSION = 1
_ENGLISH = Translator("en")


def _mailbox_dict(m: Mailbox, t: Translator) -> dict[str, Any]:
    # "why" stays English in every language: scripts match on it; "why_text" is in --lang, as the reports show it
    return {"uuid": m.uuid, "address": m.address, "why": _ENGLISH.join_parts(_ENGLISH.reasons(m.why)),
            "why_codes": [r.code.value for r in m.why], "why_text": t.join_parts(t.reasons(m.why))}


def _breach_dict(b: BreachContext | None, t: Translator) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "selectors": list(b.selectors),
        "matched": list(b.matched),
        "mailbox": _mailbox_dict(b.mailboxes[0], t) if b.mailboxes else None,
        "mailboxes": [_mailbox_dict(m, t) for m in b.mailboxes],
        "breached_addresses": list(b.breached_addresses),
        "password_given": b.password_given,
        "mailbox_evidence": t.reasons(b.mailbox_evidence),
        "breached_at": iso(b.time.at),
        "breached_at_source": b.time.source.value,
    }


def _step_dict(s: RotationStep, t: Translator) -> dict[str, Any]:
    return {
        "step": s.step,
        "uuid": s.uuid,
        "title": s.title,
        "username": s.username,
        "url": s.url,
        "group": s.group,
        "tier": int(s.tier),
        "sub_order": int(s.sub_order),
        "action": s.action.value,
        "action_text": action_text(t, s.action),
        "reasons": t.reasons(s.reasons),
        "reason_codes": list(s.reason_codes),
        "reason_params": [r.json_params() for r in s.reasons],
        "change_url": s.change_url,
        "tfa_url": s.tfa_url,
        "passkey_url": s.passkey_url,
        "has_otp": s.has_otp,
        "category": s.category,
        "service": s.service,
        "findings": list(s.findings),
        "reuse_group": s.reuse_group,
        "variant_group": s.variant_group,
        "status": s.status.value,
        "status_reasons": [r.code.value for r in s.status_reasons],
        "status_text": t.reasons(s.status_reasons),
        "finished": s.finished,  # done, checklist included (what summary.progress.done counts)
        "checklist": [{"code": i.code.value, "text": checklist_text(t, i), "url": i.url, "status": i.status.value}
                      for i in s.checklist],
    }


def plan_document(plan: Plan, *, lang: str = "en", extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The versioned JSON document of a plan: every step in plan order, reasons as sentences in ``lang``
    and as codes. ``extra`` adds top-level keys; it may not replace one of the document's own."""
    t = Translator(lang)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "reuse-audit", "version": __version__},
        "lang": t.lang,
        "breach": _breach_dict(plan.breach, t),
        "entries_total": plan.entries_total,
        "exposure_note": t.reason(plan.exposure_note) if plan.exposure_note else None,
        "notes": t.reasons(plan.notes),
        "note_codes": [n.code.value for n in plan.notes],
        "summary": {
            "steps_total": len(plan.steps),
            "to_do": len(plan.todo),
            "left": sum(1 for s in plan.todo if not s.finished),
            "progress": plan.progress(),
            "by_tier": {str(int(tier)): sum(1 for s in plan.steps if s.tier == tier) for tier in Tier},
            "by_action": {a.value: sum(1 for s in plan.steps if s.action == a) for a in Action},
        },
        "steps": [_step_dict(s, t) for s in plan.steps],
    }
    clash = sorted(set(doc) & set(extra or {}))
    if clash:
        raise ValueError(f"extra keys would replace the plan's own: {', '.join(clash)}")
    doc.update(extra or {})
    return doc


def render_json(plan: Plan, lang: str, extra: dict[str, Any] | None) -> str:
    return escape.json_text(plan_document(plan, lang=lang, extra=extra))


CSV_COLUMNS = ("step", "tier", "action", "status", "title", "username", "url", "group", "reasons", "reason_codes",
               "change_url", "tfa_url", "has_otp", "uuid", "finished", "checklist_left")


def render_csv(plan: Plan, lang: str) -> str:
    """One row per step (all of them); every cell neutralised against spreadsheet formulas."""
    t = Translator(lang)
    rows = []
    for s in plan.steps:
        row = {
            "step": s.step, "tier": int(s.tier), "action": s.action.value, "status": s.status.value,
            "title": heading(t, "vault_step") if s.tier == Tier.MASTER_PASSWORD and s.uuid is None else s.title,
            "username": s.username, "url": s.url, "group": s.group,
            "reasons": t.join_parts(t.reasons(s.reasons)),
            "reason_codes": ",".join(s.reason_codes), "change_url": s.change_url or "",
            "tfa_url": s.tfa_url or "", "has_otp": "yes" if s.has_otp else "no", "uuid": s.uuid or "",
            # "done" is the password's status; finished is the step's, checklist included (what the progress counts)
            "finished": "yes" if s.finished else "no",
            "checklist_left": sum(1 for i in s.checklist if i.status != StepStatus.DONE),
        }
        rows.append([row[c] for c in CSV_COLUMNS])
    return escape.csv_text(CSV_COLUMNS, rows)
