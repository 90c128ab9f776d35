"""The baseline file: findings accepted on one day, so a scheduled audit fails only on what is new.

A finding is identified by (entry UUID, finding kind, the time the entry's current password was set);
a password that changes is re-evaluated, one that does not stays accepted whatever else was edited.
The file holds no password-derived data at all: UUIDs, kinds, times and (unless slim) titles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reuse_audit import __version__
from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.file_access import read_text_input
from reuse_audit.findings import SEVERITY, FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.i18n import N_
from reuse_audit.times import iso
from reuse_audit.vault.source import normalise_uuid

BASELINE_VERSION = 1



@dataclass(frozen=True)
class BaselineFinding:
    """One finding as a baseline knows it; ``title`` is empty in a slim baseline."""

    uuid: str
    kind: FindingKind
    password_since: str | None
    title: str = ""

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.uuid, self.kind.value, self.password_since)

    def as_dict(self, with_title: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"uuid": self.uuid, "kind": self.kind.value, "password_since": self.password_since}
        if with_title:
            out["title"] = self.title
        return out


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline (already upgraded to the current ``baseline_version``)."""

    version: int
    created: str | None
    findings: tuple[BaselineFinding, ...]

    @property
    def keys(self) -> frozenset[tuple[str, str, str | None]]:
        return frozenset(f.key for f in self.findings)


@dataclass(frozen=True)
class BaselineDiff:
    """Today's findings against a baseline.

    ``new`` and ``accepted`` are today's findings; ``fixed`` are baseline findings whose entry is still
    audited but no longer has them (or has a changed password); ``gone`` are baseline findings whose
    entry is no longer audited at all (deleted, in the Recycle Bin, ignored or excluded); ``not_checked``
    are baseline findings today's run could not decide (their check was not selected, or the breach check
    was offline or failed): neither fixed nor new.
    """

    new: tuple[BaselineFinding, ...]
    accepted: tuple[BaselineFinding, ...]
    fixed: tuple[BaselineFinding, ...]
    gone: tuple[BaselineFinding, ...]
    not_checked: tuple[BaselineFinding, ...] = ()


def _sort_key(f: BaselineFinding) -> tuple[str, int]:
    return (f.uuid, SEVERITY.index(f.kind))


def current_findings(result: AuditResult) -> tuple[BaselineFinding, ...]:
    """Every finding of an audit, identified the baseline way."""
    out = [BaselineFinding(e.credential.uuid, k, iso(e.credential.password_since), e.credential.title)
           for e in result.entries for k in e.findings]
    return tuple(sorted(out, key=_sort_key))


def _document_findings(doc: Mapping[str, Any]) -> tuple[BaselineFinding, ...]:
    out = [BaselineFinding(e["uuid"], FindingKind(k), e.get("password_since"), e.get("title", ""))
           for e in doc["entries"] for k in e["findings"]]
    return tuple(sorted(out, key=_sort_key))


def create_baseline(doc_or_result: AuditResult | Mapping[str, Any], slim: bool = False,
                    now: datetime | None = None) -> dict[str, Any]:
    """The baseline document of an audit (result or its JSON document); ``slim`` leaves titles out."""
    if isinstance(doc_or_result, AuditResult):
        findings = current_findings(doc_or_result)
        checks = sorted(c.value for c in doc_or_result.options.checks)
    else:
        findings = _document_findings(doc_or_result)
        checks = sorted(doc_or_result.get("checks", []))
    return {
        "baseline_version": BASELINE_VERSION,
        "tool": {"name": "reuse-audit", "version": __version__},
        "created": iso(now or datetime.now(UTC)),
        "checks": checks,
        "slim": slim,
        "findings": [f.as_dict(with_title=not slim) for f in findings],
    }


def dumps_baseline(data: Mapping[str, Any]) -> str:
    """The baseline as written to disk: stable key order, one finding per line for readable diffs."""
    head = {k: v for k, v in data.items() if k != "findings"}
    lines = [json.dumps(f, ensure_ascii=False) for f in data["findings"]]
    body = json.dumps(head, indent=2, ensure_ascii=False)[:-2]
    return body + ',\n  "findings": [' + ("\n    " + ",\n    ".join(lines) + "\n  " if lines else "") + "]\n}\n"


#: baseline_version N -> a function turning a version-N document into a version-N+1 one.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older baseline document up to BASELINE_VERSION, one version step at a time."""
    version = data.get("baseline_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise HygieneInputError(N_("has no valid baseline_version"))
    if version > BASELINE_VERSION:
        raise HygieneInputError(N_("was made by a newer reuse-audit (baseline_version {version}, this one "
                                   "reads up to {supported}); upgrade reuse-audit"), version=version,
                                supported=BASELINE_VERSION)
    while version < BASELINE_VERSION:
        step = UPGRADES.get(version)
        if step is None:
            raise HygieneInputError(N_("baseline_version {version} cannot be upgraded"), version=version)
        data = step(data)
        version += 1
        data["baseline_version"] = version
    return data


def _finding(item: object) -> BaselineFinding:
    if not isinstance(item, dict):
        raise HygieneInputError(N_("has a finding that is not an object"))
    u = normalise_uuid(str(item.get("uuid", "")))
    if u is None:
        raise HygieneInputError(N_("has a finding with a bad uuid {uuid!r}"), uuid=item.get("uuid"))
    try:
        kind = FindingKind(str(item.get("kind")))
    except ValueError:
        raise HygieneInputError(N_("has an unknown finding kind {kind!r}"), kind=item.get("kind")) from None
    since = item.get("password_since")
    if since is not None and not isinstance(since, str):
        raise HygieneInputError(N_("has a finding whose password_since is not a time"))
    title = item.get("title", "")
    return BaselineFinding(u, kind, since, title if isinstance(title, str) else "")


def load_baseline(path: Path) -> Baseline:
    """Read and check a baseline file; any problem is one HygieneInputError line naming the file."""
    text = read_text_input(path, N_("baseline file"), error=HygieneInputError)
    try:
        data = json.loads(text)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") is no text to show
    except (ValueError, RecursionError):  # bad JSON; an integer of over 4,300 digits; nesting past the stack
        raise HygieneInputError(N_("{path}: not a reuse-audit baseline (not JSON)"), path=path) from None
    if not isinstance(data, dict) or "baseline_version" not in data:
        raise HygieneInputError(N_("{path}: not a reuse-audit baseline (no baseline_version)"), path=path)
    try:
        data = upgrade(data)
        items = data.get("findings")
        if not isinstance(items, list):
            raise HygieneInputError(N_("has no findings list"))
        findings = tuple(_finding(x) for x in items)
    except HygieneInputError as exc:
        raise HygieneInputError(N_("{path}: baseline {problem}"), path=path, problem=exc.message) from None
    created = data.get("created")
    return Baseline(BASELINE_VERSION, created if isinstance(created, str) else None, findings)


def compare(result: AuditResult, baseline: Baseline) -> BaselineDiff:
    """Split today's findings into new and accepted, and find the baseline's fixed and gone ones."""
    today = current_findings(result)
    accepted_keys = baseline.keys
    today_keys = {f.key for f in today}
    by_uuid = {e.credential.uuid: e for e in result.entries}
    fixed: list[BaselineFinding] = []
    not_checked: list[BaselineFinding] = []
    gone: list[BaselineFinding] = []
    for f in baseline.findings:
        if f.key in today_keys:
            continue
        entry = by_uuid.get(f.uuid)
        if entry is None:
            gone.append(f)
        # A finding whose check did not run (or could not decide) today is not fixed: it is simply not re-checked.
        elif result.checked(entry, f.kind):
            fixed.append(replace(f, title=entry.credential.title))
        else:
            not_checked.append(replace(f, title=entry.credential.title))
    return BaselineDiff(
        new=tuple(f for f in today if f.key not in accepted_keys),
        accepted=tuple(f for f in today if f.key in accepted_keys),
        fixed=tuple(fixed),
        gone=tuple(gone),
        not_checked=tuple(not_checked),
    )


def only_new(result: AuditResult, diff: BaselineDiff) -> AuditResult:
    """The audit with each entry's accepted findings (and their reasons) removed, re-ranked worst first."""
    from reuse_audit.audit import severity_key

    new = {(f.uuid, f.kind) for f in diff.new}
    entries = [_keep_new(e, new) for e in result.entries]
    entries.sort(key=severity_key)
    return replace(result, entries=tuple(replace(e, rank=n) for n, e in enumerate(entries, 1)))


def _keep_new(e: EntryReport, new: set[tuple[str, FindingKind]]) -> EntryReport:
    kept = tuple(k for k in e.findings if (e.credential.uuid, k) in new)
    if len(kept) == len(e.findings):
        return e
    dropped = {k.value for k in e.findings if k not in kept}  # a finding's reason has the kind's code
    return replace(e, findings=kept, reasons=tuple(r for r in e.reasons if r.code.value not in dropped))


def baseline_section(diff: BaselineDiff, baseline: Baseline, path: Path) -> dict[str, Any]:
    """The ``baseline`` object added to the JSON report when ``audit --baseline FILE`` runs."""
    return {
        "file": str(path),
        "created": baseline.created,
        "new": [f.as_dict() for f in diff.new],
        "accepted": [f.as_dict() for f in diff.accepted],
        "fixed": [f.as_dict() for f in diff.fixed],
        "gone": [f.as_dict() for f in diff.gone],
        "not_checked": [f.as_dict() for f in diff.not_checked],
    }


def baseline_notes(diff: BaselineDiff, baseline: Baseline, lang: str = "en") -> list[str]:
    """Lines for stderr: counts, then what was fixed since the baseline (titles when it has them)."""
    from reuse_audit.hygiene import wording as W
    from reuse_audit.i18n import Translator
    from reuse_audit.report.escape import visible_controls as shown  # vault and file text reach a terminal

    t = Translator(lang)
    head = t.text(W.BASELINE, new=len(diff.new), accepted=len(diff.accepted), fixed=len(diff.fixed))
    extra = [t.text(W.BASELINE_SINCE, date=shown(baseline.created[:10]))] if baseline.created else []
    if diff.gone:
        extra.append(t.text(W.BASELINE_GONE, n=len(diff.gone)))
    if diff.not_checked:
        extra.append(t.text(W.BASELINE_NOT_CHECKED, n=len(diff.not_checked)))
    lines = [t.join([head, *extra])]
    lines += [t.text(W.FIXED, title=shown(f.title or f.uuid), kind=f.kind.value) for f in diff.fixed]
    lines += [t.text(W.GONE, title=shown(f.title or f.uuid), kind=f.kind.value) for f in diff.gone]
    return lines
