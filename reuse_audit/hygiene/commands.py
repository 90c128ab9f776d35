"""The hygiene commands (`baseline create`, `trend`, `config show`) and the steps `audit` runs for them.

No ``from __future__ import annotations`` here: the commands are defined inside :func:`register` with the
CLI's own option aliases, which typer must be able to evaluate there.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from reuse_audit.audit import AuditResult
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.baseline import (
    Baseline,
    BaselineDiff,
    baseline_notes,
    baseline_section,
    compare,
    create_baseline,
    dumps_baseline,
    load_baseline,
    only_new,
)
from reuse_audit.hygiene.config import (
    CONFIG_ENV,
    ConfigOpt,
    default_config_path,
    find_config,
    render_settings,
    resolve_settings,
)
from reuse_audit.hygiene.history import append_history, read_history, render_trend, trend_line
from reuse_audit.hygiene.ignores import (
    IgnoreGroupOpt,
    IgnoreOpt,
    IgnoreOutcome,
    IgnoreRules,
    drop_ignored,
    find_ignored,
    ignore_summary,
)


@dataclass(frozen=True)
class HygieneRun:
    """What `audit` was asked to do besides auditing: ignores, a baseline, a history file (all checked)."""

    rules: IgnoreRules
    baseline: Baseline | None = None
    baseline_path: Path | None = None
    history_file: Path | None = None

    @classmethod
    def prepare(cls, ignore: Sequence[str] | None = None, ignore_group: Sequence[str] | None = None,
                baseline: Path | None = None, history_file: Path | None = None) -> "HygieneRun":
        """Check every input before the vault is unlocked; HygieneInputError (one line) on a bad one."""
        rules = IgnoreRules.parse(ignore or (), ignore_group or ())
        loaded = load_baseline(baseline) if baseline is not None else None
        if history_file is not None and history_file.exists():
            read_history(history_file)  # a file that is not a history fails now, not after the audit
        return cls(rules, loaded, baseline, history_file)

    def apply(self, result: AuditResult) -> "HygieneOutcome":
        """Drop ignored entries' findings, then (with a baseline) keep only the new ones."""
        ignored = find_ignored(result.vault, self.rules)
        full = drop_ignored(result, ignored)
        diff = compare(full, self.baseline) if self.baseline is not None else None
        shown = only_new(full, diff) if diff is not None else full
        return HygieneOutcome(self, full, shown, ignored, diff)


@dataclass(frozen=True)
class HygieneOutcome:
    """``result`` is what to report and exit on; ``full`` has every (non-ignored) finding, for the history."""

    run: HygieneRun
    full: AuditResult
    result: AuditResult
    ignored: IgnoreOutcome
    diff: BaselineDiff | None

    def document(self) -> dict[str, Any]:
        """The JSON report, with a ``baseline`` object when a baseline was given."""
        from reuse_audit.report.audit_document import audit_document

        doc = audit_document(self.result)
        if self.diff is not None and self.run.baseline is not None and self.run.baseline_path is not None:
            doc["baseline"] = baseline_section(self.diff, self.run.baseline, self.run.baseline_path)
        return doc

    def render(self, fmt: Any, width: int | None) -> str:
        """The report in ``fmt`` (an AuditFormat); JSON carries the baseline section."""
        from reuse_audit.report.audit_formats import AuditFormat

        chosen = AuditFormat(fmt)
        if chosen == AuditFormat.JSON:
            return json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n"
        text: str = chosen.formatter()(self.result, width)
        return text

    def notes(self) -> list[str]:
        """Lines for stderr after the summary: what was ignored and why, stale rules, the baseline diff."""
        lines = []
        summary = ignore_summary(self.ignored, self.full.skipped)
        if summary:
            lines.append(summary)
        lines += [f"warning: {rule} matches no entry" for rule in self.ignored.unmatched]
        if self.diff is not None and self.run.baseline is not None:
            lines += baseline_notes(self.diff, self.run.baseline)
        return lines

    def record_history(self, arrow: str = "→") -> str | None:
        """Append this run to the history file (if any); return the trend line against the previous run."""
        if self.run.history_file is None:
            return None
        previous, current = append_history(self.run.history_file, self.full)
        return trend_line(previous, current, arrow)


def register(app: typer.Typer) -> None:
    """Add `baseline create`, `trend` and `config show` to ``app`` (the reuse-audit CLI)."""
    from reuse_audit import cli as c

    baseline_app = typer.Typer(help="Accept today's findings, so scheduled audits fail only on new ones.",
                               no_args_is_help=True)
    config_app = typer.Typer(help="The config file (reuse-audit.toml).", no_args_is_help=True)
    app.add_typer(baseline_app, name="baseline")
    app.add_typer(config_app, name="config")

    @baseline_app.command("create")
    def baseline_create(
        vault: c.VaultArg,
        keyfile: c.KeyfileOpt = None,
        password_stdin: c.PasswordStdinOpt = False,
        no_password: c.NoPasswordOpt = False,
        password_command: c.PasswordCommandOpt = None,
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", envvar="REUSE_AUDIT_OUTPUT",
            help="Write the baseline to FILE (mode 0600) instead of stdout.")] = None,
        slim: Annotated[bool, typer.Option("--slim", envvar="REUSE_AUDIT_SLIM",
                                           help="Leave entry titles out of the baseline.")] = False,
        checks: c.ChecksOpt = "reuse,strength,exposure,variants",
        offline: c.OfflineOpt = False,
        hibp_url: c.HibpUrlOpt = "https://api.pwnedpasswords.com",
        hibp_file: c.HibpFileOpt = None,
        hibp_workers: c.HibpWorkersOpt = 16,
        min_length: c.MinLengthOpt = 12,
        require_symbol: c.RequireSymbolOpt = True,
        include_excluded: c.IncludeExcludedOpt = False,
        ignore: IgnoreOpt = None,
        ignore_group: IgnoreGroupOpt = None,
        config: ConfigOpt = None,
        quiet: c.QuietOpt = False,
    ) -> None:
        """Record VAULT's findings today as accepted: `audit --baseline FILE` then fails only on new ones.

        The baseline holds entry UUIDs, finding kinds, password times and titles (none with --slim),
        never a password or anything derived from one. Exit 0 written, 2 bad input.
        """
        from reuse_audit.audit import AuditOptions, ExposureSettings, parse_checks
        from reuse_audit.checks.strength import StrengthPolicy

        try:
            selected = parse_checks(checks)
            run = HygieneRun.prepare(ignore, ignore_group)
        except (ValueError, HygieneInputError) as exc:
            c.fail(str(exc))
        contents = c.load_contents(vault, keyfile, password_stdin, no_password, password_command)
        options = AuditOptions(
            checks=selected, policy=StrengthPolicy(min_length, require_symbol), include_excluded=include_excluded,
            exposure=ExposureSettings(offline=offline, hibp_url=hibp_url, hibp_file=hibp_file,
                                      workers=hibp_workers),
        )
        outcome = run.apply(c.run_checks(contents, options, quiet))
        data = create_baseline(outcome.full, slim=slim)
        c.emit(dumps_baseline(data), output)
        if not quiet:
            entries = len({f["uuid"] for f in data["findings"]})
            where = f" to {output}" if output is not None else ""
            typer.echo(f"baseline: {len(data['findings'])} finding(s) in {entries} entr"
                       f"{'y' if entries == 1 else 'ies'} accepted{where}", err=True)
            for line in outcome.notes():
                typer.echo(line, err=True)
            if outcome.full.unknown_exposure:
                typer.echo(f"warning: {outcome.full.unknown_exposure} password(s) could not be checked against "
                           "Have I Been Pwned; a later audit reports them as new if they are pwned", err=True)
        raise typer.Exit(c.EXIT_OK)

    @app.command("trend")
    def trend(
        file: Annotated[Path, typer.Argument(help="The history file written by `audit --history-file`.",
                                             show_default=False)],
        output_format: Annotated[str, typer.Option("--format", "-f", envvar="REUSE_AUDIT_FORMAT",
                                                   help="table, json or html.")] = "table",
        output: c.OutputOpt = None,
    ) -> None:
        """Show the findings per run recorded in FILE: a table, JSON, or a self-contained HTML chart.

        Exit 0 shown, 2 bad input.
        """
        try:
            text = render_trend(file, output_format, c.table_width())
        except HygieneInputError as exc:
            c.fail(str(exc))
        c.emit(text, output)
        raise typer.Exit(c.EXIT_OK)

    @config_app.command("show", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def config_show(
        ctx: typer.Context,
        config: Annotated[Path | None, typer.Option(
            "--config", envvar=CONFIG_ENV, metavar="FILE",
            help="Settings file (default: reuse-audit.toml in the user config dir).")] = None,
        command: Annotated[str, typer.Option(
            "--command", envvar="REUSE_AUDIT_COMMAND",
            help="Which command's settings: audit, plan, 'baseline create', ...")] = "audit",
    ) -> None:
        """Print every setting of a command, its resolved value and where it came from.

        Options after `--` are read as that command's own, e.g. `config show -- --fail-on pwned`.
        Exit 0 shown, 2 bad input.
        """
        try:
            cfg = find_config(config)
            root = ctx.find_root().command
            settings = resolve_settings(root, tuple(command.split()), ctx.args, cfg)
        except HygieneInputError as exc:
            c.fail(str(exc))
        where = (f"config file: {cfg.path}" if cfg is not None
                 else f"config file: none ({default_config_path()} does not exist)")
        typer.echo(where)
        typer.echo(render_settings(settings, f"{command} settings:"), nl=False)
        raise typer.Exit(c.EXIT_OK)
