"""`audit` and `baseline create`: the report of a vault's findings, and today's findings accepted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reuse_audit.cli import options as o
from reuse_audit.cli.output import chosen_format, emit, note, on_one_screen, progress_bar, text_width
from reuse_audit.errors import ExitCode
from reuse_audit.report.choices import AuditFormat

if TYPE_CHECKING:
    from reuse_audit.audit import AuditOptions, AuditResult
    from reuse_audit.checks.strength import EarlyScoring
    from reuse_audit.credentials import VaultContents
    from reuse_audit.findings import FindingKind


def audit_vault(params: dict[str, Any], options: AuditOptions, quiet: bool) -> AuditResult:
    """Unlock the command's VAULT and run the checks on it, with a progress bar for the breach check on a
    terminal."""
    contents, early = unlock_scoring(params, options)
    return run_checks(contents, options, quiet, early)


def unlock_scoring(params: dict[str, Any], options: AuditOptions) -> tuple[VaultContents, EarlyScoring | None]:
    """Unlock the command's VAULT for the checks ``options`` selects.

    A large vault's workers are forked before it is loaded (:func:`~reuse_audit.checks.workers.prestart`), so
    that none of them carries its memory, and score passwords while it is read
    (:class:`~reuse_audit.checks.strength.EarlyScoring`): give the scoring to :func:`run_checks`. The workers are
    killed if the vault cannot be read.
    """
    from reuse_audit.checks.workers import discard_prestarted, prestart, prestarted
    from reuse_audit.cli.build import unlock
    from reuse_audit.findings import Check

    try:
        prestart(Path(params["vault"]).stat().st_size)
    except OSError:
        pass  # unlocking says what is wrong with the path
    pool = prestarted()
    early = None
    if pool is not None and Check.STRENGTH in options.checks:
        from reuse_audit.checks.strength import EarlyScoring

        early = EarlyScoring(pool)
    try:
        return unlock(params, passwords=early), early
    except BaseException:
        discard_prestarted()
        raise


def run_checks(contents: VaultContents, options: AuditOptions, quiet: bool, early: EarlyScoring | None = None
               ) -> AuditResult:
    """Run the audit, with a progress bar for the breach check on a terminal."""
    from reuse_audit.audit import run_audit

    with progress_bar(quiet, "Have I Been Pwned") as update:
        return run_audit(contents, options, update, early)


def incomplete(result: AuditResult) -> bool:
    """A check could not complete (``--strict``): a password's exposure is unknown, or online a per-entry check
    could not get its data (the breach list); offline, what is not at hand is skipped, as for exposure."""
    if result.unknown_exposure:
        return True
    return not result.options.exposure.offline and any(not o.decided for o in result.entry_checks.values())


def exit_code(result: AuditResult, fail_kinds: frozenset[FindingKind], min_pwned: int, strict: bool) -> int:
    """1 when an entry has a finding of a ``--fail-on`` kind; 3 under ``--strict`` when a check was unknown."""
    from reuse_audit.findings import FindingKind

    if strict and incomplete(result):
        return ExitCode.INCOMPLETE
    for e in result.entries:
        for k in e.findings:
            if k not in fail_kinds:
                continue
            if k == FindingKind.PWNED and e.exposure is not None and (e.exposure.count or 0) < min_pwned:
                continue
            return ExitCode.FINDINGS
    return ExitCode.OK


@o.with_options(before=o.VAULT + o.UNLOCK, after=o.CHECKS)
def audit(
    ctx: typer.Context,
    output_format: Annotated[AuditFormat, typer.Option("--format", "-f", envvar=o.env("FORMAT"),
                                                       case_sensitive=False, help="Report format.")
                             ] = AuditFormat.TABLE,
    output: o.OutputOpt = None,
    lang: o.LangOpt = None,
    fail_on: o.FailOnOpt = o.FAIL_ON_TEXT,
    min_pwned_count: o.MinPwnedOpt = 1,
    strict: o.StrictOpt = False,
    ignore: o.IgnoreOpt = None,
    ignore_group: o.IgnoreGroupOpt = None,
    baseline: o.BaselineOpt = None,
    history_file: o.HistoryFileOpt = None,
    config: o.ConfigOpt = None,
    quiet: o.QuietOpt = False,
) -> None:
    """Audit VAULT: shared passwords, variants, strength, breach exposure; worst first.

    Exit 0 when nothing at --fail-on, 1 findings, 2 bad input, 3 a check could not complete (--strict).
    """
    from reuse_audit.cli.build import audit_options, language
    from reuse_audit.findings import parse_kinds
    from reuse_audit.hygiene.run import HygieneRun
    from reuse_audit.report.audit_formats import summary_line

    params = ctx.params
    lang_code = language(params)
    options = audit_options(params)
    fail_kinds = parse_kinds(fail_on)
    hygiene = HygieneRun.prepare(ignore, ignore_group, baseline, history_file)
    outcome = hygiene.apply(audit_vault(params, options, quiet))
    fmt = chosen_format(ctx, output_format, output)
    emit(outcome.render(fmt, lang_code, text_width()), output)
    trend = outcome.record_history(lang=lang_code)
    if not quiet:
        note(summary_line(outcome.full, lang_code))
        for line in outcome.notes(lang_code, check_notes=not (fmt is AuditFormat.TABLE and on_one_screen(output))):
            note(line)
        if trend:
            note(trend)
    raise typer.Exit(exit_code(outcome.result, fail_kinds, min_pwned_count, strict))


@o.with_options(before=o.VAULT + o.UNLOCK, after=o.CHECKS)
def baseline_create(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", envvar=o.env("OUTPUT"), metavar="FILE", callback=o.dash_is_stdout,
        help="Write the baseline to FILE (mode 0600) instead of stdout; - is stdout.")] = None,
    slim: Annotated[bool, typer.Option("--slim", envvar=o.env("SLIM"),
                                       help="Leave entry titles out of the baseline.")] = False,
    ignore: o.IgnoreOpt = None,
    ignore_group: o.IgnoreGroupOpt = None,
    lang: o.LangOpt = None,
    config: o.ConfigOpt = None,
    quiet: o.QuietOpt = False,
) -> None:
    """Record VAULT's findings today as accepted: `audit --baseline FILE` then fails only on new ones.

    The baseline holds entry UUIDs, finding kinds, password times and titles (none with --slim),
    never a password or anything derived from one. Exit 0 written, 2 bad input.
    """
    from reuse_audit.cli.build import audit_options, language
    from reuse_audit.hygiene import wording as W
    from reuse_audit.hygiene.baseline import create_baseline, dumps_baseline
    from reuse_audit.hygiene.run import HygieneRun
    from reuse_audit.i18n import Translator

    params = ctx.params
    lang_code = language(params)
    t = Translator(lang_code)
    options = audit_options(params)
    run = HygieneRun.prepare(ignore, ignore_group)
    outcome = run.apply(audit_vault(params, options, quiet))
    data = create_baseline(outcome.full, slim=slim)
    emit(dumps_baseline(data), output)
    if not quiet:
        entries = len({f["uuid"] for f in data["findings"]})
        line = t.plural(W.BASELINE_CREATED, entries, findings=len(data["findings"]))
        note(line if output is None else t.text(W.WITH_WHERE, line=line, where=t.text(W.BASELINE_WRITTEN, path=output)))
        for line in outcome.notes(lang_code):
            note(line)
        if outcome.full.unknown_exposure:
            note(t.text(W.BASELINE_UNKNOWN, n=outcome.full.unknown_exposure))
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    from reuse_audit.cli import guarded

    app.command("audit", short_help="Find shared, variant, weak and breached passwords.")(guarded(audit))
    baseline_app = typer.Typer(help="Accept today's findings, so scheduled audits fail only on new ones.",
                               short_help="Accept today's findings: fail only on new ones.", no_args_is_help=True)
    baseline_app.command("create", short_help="Record the vault's findings today as accepted.")(
        guarded(baseline_create))
    app.add_typer(baseline_app, name="baseline")
