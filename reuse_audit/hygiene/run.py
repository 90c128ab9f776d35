"""What a scheduled `audit` does besides auditing: ignores, a baseline to compare with, a history to append to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse_audit.audit import AuditResult
from reuse_audit.hygiene.ignores import IgnoreOutcome, IgnoreRules, drop_ignored, find_ignored, ignore_summary

if TYPE_CHECKING:
    from reuse_audit.hygiene.baseline import Baseline, BaselineDiff
    from reuse_audit.report.audit_formats import AuditFormat


@dataclass(frozen=True)
class HygieneRun:
    """What `audit` was asked to do besides auditing: ignores, a baseline, a history file (all checked)."""

    rules: IgnoreRules
    baseline: Baseline | None = None
    baseline_path: Path | None = None
    history_file: Path | None = None

    @classmethod
    def prepare(cls, ignore: Sequence[str] | None = None, ignore_group: Sequence[str] | None = None,
                baseline: Path | None = None, history_file: Path | None = None) -> HygieneRun:
        """Check every input before the vault is unlocked; HygieneInputError (one line) on a bad one."""
        rules = IgnoreRules.parse(ignore or (), ignore_group or ())
        loaded = None
        if baseline is not None:
            from reuse_audit.hygiene.baseline import load_baseline

            loaded = load_baseline(baseline)
        if history_file is not None:
            from reuse_audit.hygiene.history import check_history_file

            check_history_file(history_file)  # a file that is not a history fails now, not after the audit
        return cls(rules, loaded, baseline, history_file)

    def apply(self, result: AuditResult) -> HygieneOutcome:
        """Drop ignored entries' findings, then (with a baseline) keep only the new ones."""
        ignored = find_ignored(result.vault, self.rules)
        full = drop_ignored(result, ignored)
        diff = None
        shown = full
        if self.baseline is not None:
            from reuse_audit.hygiene.baseline import compare, only_new

            diff = compare(full, self.baseline)
            shown = only_new(full, diff)
        return HygieneOutcome(self, full, shown, ignored, diff)


@dataclass(frozen=True)
class HygieneOutcome:
    """``result`` is what to report and exit on; ``full`` has every (non-ignored) finding, for the history."""

    run: HygieneRun
    full: AuditResult
    result: AuditResult
    ignored: IgnoreOutcome
    diff: BaselineDiff | None

    def document(self, lang: str = "en") -> dict[str, Any]:
        """The JSON report without its entries (they are written as they are made), with a ``baseline`` object
        when a baseline was given."""
        from reuse_audit.report.audit_document import audit_document

        doc = audit_document(self.result, lang, entries=False)
        if self.diff is not None and self.run.baseline is not None and self.run.baseline_path is not None:
            from reuse_audit.hygiene.baseline import baseline_section

            doc["baseline"] = baseline_section(self.diff, self.run.baseline, self.run.baseline_path)
        return doc

    def render(self, fmt: AuditFormat, lang: str = "en", width: int | None = None) -> str | Iterator[str]:
        """The report in ``fmt``; JSON carries the baseline section, and comes in pieces, an entry chunk at a time."""
        from reuse_audit.report.audit_formats import AuditRender, json_report, render_audit
        from reuse_audit.report.choices import AuditFormat as Format

        if fmt == Format.JSON:
            return json_report(self.result, AuditRender(lang, width, self.document(lang)))
        return render_audit(self.result, fmt, AuditRender(lang, width))

    def notes(self, lang: str = "en", *, check_notes: bool = True) -> list[str]:
        """Lines for stderr after the summary: the per-entry checks' notes (the breach list's source, age and
        credit; not with ``check_notes`` False, when the report on the same screen ends with them), what was
        ignored and why, stale rules, the baseline diff."""
        from reuse_audit.hygiene import wording as W
        from reuse_audit.i18n import Translator

        t = Translator(lang)
        lines = t.reasons(self.full.check_notes) if check_notes else []
        summary = ignore_summary(self.ignored, self.full.skipped, lang)
        if summary:
            lines.append(summary)
        lines += [t.text(W.STALE_RULE, rule=rule) for rule in self.ignored.unmatched]
        if self.diff is not None and self.run.baseline is not None:
            from reuse_audit.hygiene.baseline import baseline_notes

            lines += baseline_notes(self.diff, self.run.baseline, lang)
        return lines

    def record_history(self, arrow: str = "→", lang: str = "en") -> str | None:
        """Append this run to the history file (if any); return the trend line against the previous run."""
        if self.run.history_file is None:
            return None
        from reuse_audit.hygiene.history import append_history, trend_line

        previous, current = append_history(self.run.history_file, self.full)
        return trend_line(previous, current, arrow, lang)
