"""The audit report as a JSON-ready document (schema_version 1): the one source every format renders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from reuse_audit import __version__
from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.exposure import ExposureResult
from reuse_audit.exposure.model import ExposureStatus, failure_counts
from reuse_audit.i18n import Translator
from reuse_audit.times import iso

SCHEMA_VERSION = 1


def exposure_dict(r: ExposureResult | None) -> dict[str, Any]:
    """The per-entry exposure object; a check that did not run is "skipped", never "not_found"."""
    if r is None:
        return {"status": ExposureStatus.SKIPPED.value, "count": None, "reason": "exposure check not selected",
                "failure": None}
    return {"status": r.status.value, "count": r.count, "reason": r.reason,
            "failure": r.failure.value if r.failure is not None else None}


def entry_dict(e: EntryReport, t: Translator) -> dict[str, Any]:
    c = e.credential
    return {
        "uuid": c.uuid,
        "title": c.title,
        "username": c.username,
        "url": c.url,
        "group": c.group,
        "reuse_group": e.reuse_group,
        "variant_group": e.variant_group,
        "linked_to": c.linked_to,
        "has_otp": c.has_otp,
        "excluded": c.excluded,
        "findings": [k.value for k in e.findings],
        "strength": None if e.strength is None else {
            "score": e.strength.score,
            "length": e.strength.length,
            "classes": list(e.strength.classes),
            "meets_policy": e.strength.meets_policy,
            "policy_failures": list(e.strength.policy_failures),
        },
        "exposure": exposure_dict(e.exposure),
        "expires": iso(c.expires),
        "password_since": iso(c.password_since),
        "rank": e.rank,
        "reasons": t.reasons(e.reasons),
        "reason_codes": [r.code.value for r in e.reasons],
    }


def entry_dicts(result: AuditResult, lang: str = "en") -> Iterator[dict[str, Any]]:
    """The document's ``entries``, one at a time (a large report is written as they are made)."""
    t = Translator(lang)
    return (entry_dict(e, t) for e in result.entries)


def audit_document(result: AuditResult, lang: str = "en", *, entries: bool = True) -> dict[str, Any]:
    """Build the versioned JSON document of an audit; ``reasons`` are sentences in ``lang``. Without
    ``entries``, its ``entries`` list is left empty, for :func:`entry_dicts` to fill as it is written."""
    t = Translator(lang)
    opts = result.options
    counts = result.counts()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "reuse-audit", "version": __version__},
        "vault": {
            "kdbx_version": result.vault.kdbx_version,
            "entries_total": result.vault.entries_total,
            "entries_audited": len(result.entries),
            "skipped": [{**asdict(s), "reason": str(s.reason)} for s in result.skipped],
        },
        "checks": sorted(c.value for c in opts.checks),
        "policy": {"min_length": opts.policy.min_length, "require_symbol": opts.policy.require_symbol,
                   "weak_score_at_most": 2},
        "summary": {
            "findings": counts,
            "not_checked": sorted(k for k, v in counts.items() if v is None),
            "entries_with_findings": sum(1 for e in result.entries if e.findings),
            "reuse_groups": len(result.reuse_groups),
            "variant_groups": len(result.variant_groups),
            "exposure_unknown": result.unknown_exposure,
            "exposure_failures": failure_counts(e.exposure for e in result.entries if e.exposure is not None),
            "exposure_note": t.reason(result.exposure_note) if result.exposure_note else None,
            "notes": t.reasons(result.check_notes),
        },
        "reuse_groups": [{"id": g.id, "size": g.size, "entries": list(g.entries)} for g in result.reuse_groups],
        "variant_groups": [{"id": g.id, "size": g.size, "entries": list(g.entries), "kinds": list(g.kinds)}
                           for g in result.variant_groups],
        "entries": [entry_dict(e, t) for e in result.entries] if entries else [],
    }
