"""The command line: thin typer commands that resolve options and call the library."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from reuse_audit import __version__
from reuse_audit.hygiene.baseline import BaselineOpt
from reuse_audit.hygiene.config import ConfigOpt
from reuse_audit.hygiene.history import HistoryFileOpt
from reuse_audit.hygiene.ignores import IgnoreGroupOpt, IgnoreOpt
from reuse_audit.plan.formats import PlanFormat
from reuse_audit.report.audit_formats import AuditFormat

if TYPE_CHECKING:
    from rich.progress import Progress

    from reuse_audit.audit import AuditOptions, AuditResult
    from reuse_audit.bounces.command import VaultUnlock
    from reuse_audit.credentials import VaultContents
    from reuse_audit.findings import FindingKind
    from reuse_audit.secret import Secret

app = typer.Typer(
    name="reuse-audit",
    help="Find shared, weak and breached passwords in a KeePass vault, and plan what to rotate first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
hibp_app = typer.Typer(help="Tools for the Have I Been Pwned corpus.", no_args_is_help=True)
app.add_typer(hibp_app, name="hibp")

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3


@dataclass(frozen=True)
class ImapOptions:
    user: str | None
    password_stdin: bool
    password_command: str | None
    ca_file: Path | None


def _env(name: str) -> str:
    return f"REUSE_AUDIT_{name}"


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """One clear line on stderr and an exit code; never a traceback."""
    typer.echo(f"reuse-audit: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reuse-audit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """reuse-audit: audit a KeePass vault for shared, weak and breached passwords."""


# ---- options shared by the vault commands (each command declares them after its name) ----
VaultArg = Annotated[Path, typer.Argument(help="The KeePass KDBX file.", show_default=False)]
KeyfileOpt = Annotated[Path | None, typer.Option("--keyfile", envvar=_env("KEYFILE"),
                                                 help="Key file (XML v1/v2, hex, 32-byte or any file).")]
PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", envvar=_env("PASSWORD_STDIN"),
                                                help="Read the master password as one line from stdin.")]
NoPasswordOpt = Annotated[bool, typer.Option("--no-password", envvar=_env("NO_PASSWORD"),
                                             help="The vault has no password (key file only).")]
PasswordCommandOpt = Annotated[str | None, typer.Option(
    "--password-command", envvar=_env("PASSWORD_COMMAND"),
    help="Run CMD (no shell) and read the master password from its stdout's first line.")]
ChecksOpt = Annotated[str, typer.Option("--checks", envvar=_env("CHECKS"),
                                        help="Comma-separated checks: reuse,strength,exposure,variants.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", envvar=_env("OFFLINE"),
                                          help="No network at all (exposure needs --hibp-file then).")]
HibpUrlOpt = Annotated[str, typer.Option("--hibp-url", envvar=_env("HIBP_URL"),
                                         help="Base URL of the Pwned Passwords range API.")]
HibpFileOpt = Annotated[Path | None, typer.Option(
    "--hibp-file", envvar=_env("HIBP_FILE"),
    help="Downloaded Pwned Passwords corpus: one sorted HASH:COUNT file or a directory of range files.")]
HibpWorkersOpt = Annotated[int, typer.Option("--hibp-workers", envvar=_env("HIBP_WORKERS"), min=1, max=64,
                                             help="Concurrent requests to the range API.")]
StrictOpt = Annotated[bool, typer.Option("--strict", envvar=_env("STRICT"),
                                         help="Exit 3 when a check could not complete (unknown exposure).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", envvar=_env("QUIET"),
                                        help="Print nothing on stderr but errors.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", envvar=_env("OUTPUT"),
                                                help="Write the report to FILE (mode 0600) instead of stdout.")]
MinLengthOpt = Annotated[int, typer.Option("--min-length", envvar=_env("MIN_LENGTH"), min=1,
                                           help="Policy: minimum length in characters.")]
RequireSymbolOpt = Annotated[bool, typer.Option("--require-symbol/--no-require-symbol",
                                                envvar=_env("REQUIRE_SYMBOL"),
                                                help="Policy: require a symbol (not a letter or digit).")]
IncludeExcludedOpt = Annotated[bool, typer.Option("--include-excluded", envvar=_env("INCLUDE_EXCLUDED"),
                                                  help="Audit entries marked 'exclude from reports' too.")]
FailOnOpt = Annotated[str, typer.Option("--fail-on", envvar=_env("FAIL_ON"),
                                        help="Comma-separated finding kinds that make the exit code 1.")]
MinPwnedOpt = Annotated[int, typer.Option("--min-pwned-count", envvar=_env("MIN_PWNED_COUNT"), min=1,
                                          help="Ignore breach hits seen fewer than N times (for --fail-on).")]


def _is_tty_stderr() -> bool:
    return sys.stderr.isatty()


def load_contents(vault: Path, keyfile: Path | None, password_stdin: bool, no_password: bool,
                  password_command: str | None) -> VaultContents:
    """Unlock VAULT with the chosen key source, or fail with one line (exit 2)."""
    from reuse_audit.master_key import KeySource, KeySourceError, read_vault_key
    from reuse_audit.vault.errors import VaultError
    from reuse_audit.vault.header import read_header
    from reuse_audit.vault.source import load_vault

    try:
        read_header(vault)  # a missing or foreign file fails before we ask for a password
        key = read_vault_key(KeySource(keyfile, password_stdin, no_password, password_command), vault)
        return load_vault(vault, key)
    except (KeySourceError, VaultError) as exc:
        fail(str(exc))


def emit(text: str, output: Path | None) -> None:
    """Write a report to stdout, or privately and atomically to ``output``."""
    from reuse_audit.safe_write import write_private

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_private(output, text)
    except OSError as exc:
        fail(f"{output}: cannot write the report ({exc.strerror})")


def _progress_bar(quiet: bool, label: str) -> tuple[Progress | None, Callable[[int, int], None] | None]:
    """A rich progress callback on stderr, or None when quiet / not a terminal."""
    if quiet or not _is_tty_stderr():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        if total > 5:
            progress.start()
            progress.update(task, completed=done, total=total)

    return progress, update


@app.command()
def audit(
    vault: VaultArg,
    keyfile: KeyfileOpt = None,
    password_stdin: PasswordStdinOpt = False,
    no_password: NoPasswordOpt = False,
    password_command: PasswordCommandOpt = None,
    checks: ChecksOpt = "reuse,strength,exposure,variants",
    output_format: Annotated[AuditFormat, typer.Option("--format", "-f", envvar=_env("FORMAT"),
                                                       case_sensitive=False, help="Report format.")
                             ] = AuditFormat.TABLE,
    output: OutputOpt = None,
    offline: OfflineOpt = False,
    hibp_url: HibpUrlOpt = "https://api.pwnedpasswords.com",
    hibp_file: HibpFileOpt = None,
    hibp_workers: HibpWorkersOpt = 16,
    min_length: MinLengthOpt = 12,
    require_symbol: RequireSymbolOpt = True,
    include_excluded: IncludeExcludedOpt = False,
    fail_on: FailOnOpt = "master_password,pwned,reused,weak,policy",
    min_pwned_count: MinPwnedOpt = 1,
    strict: StrictOpt = False,
    ignore: IgnoreOpt = None,
    ignore_group: IgnoreGroupOpt = None,
    baseline: BaselineOpt = None,
    history_file: HistoryFileOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Audit VAULT: shared passwords, variants, strength, breach exposure; worst first.

    Exit 0 when nothing at --fail-on, 1 findings, 2 bad input, 3 a check could not complete (--strict).
    """
    from reuse_audit.audit import AuditOptions, ExposureSettings, parse_checks
    from reuse_audit.checks.strength import StrengthPolicy
    from reuse_audit.findings import parse_kinds
    from reuse_audit.hygiene import HygieneInputError
    from reuse_audit.hygiene.commands import HygieneRun
    from reuse_audit.report.audit_formats import summary_line

    try:
        selected = parse_checks(checks)
        fail_kinds = parse_kinds(fail_on)
    except ValueError as exc:
        fail(str(exc))
    try:
        hygiene = HygieneRun.prepare(ignore, ignore_group, baseline, history_file)
    except HygieneInputError as exc:
        fail(str(exc))
    contents = load_contents(vault, keyfile, password_stdin, no_password, password_command)
    options = AuditOptions(
        checks=selected, policy=StrengthPolicy(min_length, require_symbol), include_excluded=include_excluded,
        exposure=ExposureSettings(offline=offline, hibp_url=hibp_url, hibp_file=hibp_file, workers=hibp_workers),
    )
    outcome = hygiene.apply(run_checks(contents, options, quiet))
    emit(outcome.render(output_format, table_width()), output)
    try:
        trend = outcome.record_history()
    except HygieneInputError as exc:
        fail(str(exc))
    if not quiet:
        typer.echo(summary_line(outcome.full), err=True)
        for line in outcome.notes():
            typer.echo(line, err=True)
        if trend:
            typer.echo(trend, err=True)
    raise typer.Exit(_exit_code(outcome.result, fail_kinds, min_pwned_count, strict))


def run_checks(contents: VaultContents, options: AuditOptions, quiet: bool) -> AuditResult:
    """Run the audit with a progress bar for the breach check; a bad HIBP file fails with one line."""
    from reuse_audit.audit import run_audit
    from reuse_audit.exposure import ExposureServiceError

    progress, update = _progress_bar(quiet, "Have I Been Pwned")
    try:
        return run_audit(contents, options, update)
    except ExposureServiceError as exc:
        fail(str(exc))
    finally:
        if progress is not None:
            progress.stop()


def table_width() -> int | None:
    """The terminal's width for tables, or 160 columns when stdout is not a terminal."""
    import shutil

    return shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 160


def _exit_code(result: AuditResult, fail_kinds: frozenset[FindingKind], min_pwned: int, strict: bool) -> int:
    from reuse_audit.findings import FindingKind

    if strict and result.unknown_exposure:
        return EXIT_INCOMPLETE
    for e in result.entries:
        for k in e.findings:
            if k not in fail_kinds:
                continue
            if k == FindingKind.PWNED and e.exposure is not None and (e.exposure.count or 0) < min_pwned:
                continue
            return EXIT_FINDINGS
    return EXIT_OK


@app.command()
def plan(
    vault: VaultArg,
    breached: Annotated[list[str] | None, typer.Option(
        "--breached", envvar=_env("BREACHED"),
        help="What was breached: entry UUID, e-mail address, title, or host/domain (repeatable).")] = None,
    breached_from: Annotated[list[str] | None, typer.Option(
        "--breached-from", envvar=_env("BREACHED_FROM"),
        help="Mail source(s) to read bounces from; breaches every address found compromised (repeatable).")
    ] = None,
    breached_password_prompt: Annotated[bool, typer.Option(
        "--breached-password-prompt", envvar=_env("BREACHED_PASSWORD_PROMPT"),
        help="Ask (hidden) for the stolen password, to find sharers and variants of a mailbox kept "
             "outside the vault.")] = False,
    imap_user: Annotated[str | None, typer.Option("--imap-user", envvar=_env("IMAP_USER"),
                                                  help="IMAP login for an imaps:// --breached-from.")] = None,
    imap_password_stdin: Annotated[bool, typer.Option("--imap-password-stdin", envvar=_env("IMAP_PASSWORD_STDIN"),
                                                      help="Read the IMAP password from stdin.")] = False,
    imap_password_command: Annotated[str | None, typer.Option(
        "--imap-password-command", envvar=_env("IMAP_PASSWORD_COMMAND"),
        help="Run CMD (no shell) for the IMAP password.")] = None,
    ca_file: Annotated[Path | None, typer.Option("--ca-file", envvar=_env("CA_FILE"),
                                                 help="CA certificate for a private IMAP server.")] = None,
    keyfile: KeyfileOpt = None,
    password_stdin: PasswordStdinOpt = False,
    no_password: NoPasswordOpt = False,
    password_command: PasswordCommandOpt = None,
    checks: ChecksOpt = "reuse,strength,exposure,variants",
    output_format: Annotated[PlanFormat, typer.Option("--format", "-f", envvar=_env("FORMAT"),
                                                      case_sensitive=False, help="Plan format.")
                             ] = PlanFormat.TABLE,
    output: OutputOpt = None,
    show_all: Annotated[bool, typer.Option("--all", envvar=_env("ALL"), help="Show every entry, not only those "
                                                                           "with something to do.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", envvar=_env("LANG"),
                                             help="en or ja (default: from the locale).")] = None,
    offline: OfflineOpt = False,
    hibp_url: HibpUrlOpt = "https://api.pwnedpasswords.com",
    hibp_file: HibpFileOpt = None,
    hibp_workers: HibpWorkersOpt = 16,
    min_length: MinLengthOpt = 12,
    require_symbol: RequireSymbolOpt = True,
    include_excluded: IncludeExcludedOpt = False,
    strict: StrictOpt = False,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Make an ordered, explained rotation plan: what to change first after a breach, and why.

    Exit 0 the plan was made, 2 usage or input error, 3 a check could not complete (--strict).
    """
    from reuse_audit.audit import AuditOptions, ExposureSettings, parse_checks
    from reuse_audit.checks.strength import StrengthPolicy

    try:
        selected = parse_checks(checks)
    except ValueError as exc:
        fail(str(exc))
    language = _lang(lang)
    imap = ImapOptions(imap_user, imap_password_stdin, imap_password_command, ca_file)
    evidence, from_addresses = _breached_from(breached_from or [], language, quiet, imap, password_stdin)
    selectors = list(breached or []) + from_addresses
    stolen = _prompt_stolen_password() if breached_password_prompt else ()
    contents = load_contents(vault, keyfile, password_stdin, no_password, password_command)
    options = AuditOptions(
        checks=selected, policy=StrengthPolicy(min_length, require_symbol), include_excluded=True,
        exposure=ExposureSettings(offline=offline, hibp_url=hibp_url, hibp_file=hibp_file, workers=hibp_workers),
    )
    _make_plan(contents, options, selectors, stolen, evidence, output_format, language, show_all, include_excluded,
               output, quiet, strict)


def _lang(lang: str | None) -> str:
    from reuse_audit.plan.i18n import resolve_lang

    if lang is not None and lang.lower() not in ("en", "ja"):
        fail(f"unknown --lang {lang!r} (en or ja)")
    return resolve_lang(lang)


def _prompt_stolen_password() -> tuple[Secret, ...]:
    import getpass
    import os

    from reuse_audit.secret import Secret as Stolen

    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))  # only proves a terminal exists
    except OSError:
        fail("--breached-password-prompt needs a terminal to ask on")
    try:
        value = getpass.getpass("The stolen (breached) password, hidden: ")
    except (EOFError, KeyboardInterrupt):
        fail("no breached password entered")
    if not value:
        fail("no breached password entered")
    return (Stolen(value),)


def _breached_from(sources: list[str], language: str, quiet: bool, imap: ImapOptions,
                   stdin_taken: bool) -> tuple[tuple[str, ...], list[str]]:
    """Read bounces from each source; return what the mailbox showed and the compromised addresses."""
    if not sources:
        return (), []
    from reuse_audit.bounces import MailSourceError, find_compromised
    from reuse_audit.bounces.command import BadInput, imap_login_from_options
    from reuse_audit.bounces.report import plan_header_lines
    from reuse_audit.bounces.sources import is_imap_url

    try:
        login = None
        if any(is_imap_url(s) for s in sources):
            login = imap_login_from_options(imap.user, password_stdin=imap.password_stdin,
                                            password_command=imap.password_command, ca_file=imap.ca_file,
                                            stdin_taken=stdin_taken)
        scan = find_compromised(sources, imap_login=login, lang=language)
    except (MailSourceError, BadInput) as exc:
        fail(f"--breached-from: {exc}")
    addresses = list(scan.compromised)
    if not addresses and not quiet:
        typer.echo("reuse-audit: the mail showed no compromised address; the plan covers general hygiene only",
                   err=True)
    return tuple(plan_header_lines(scan, language)), addresses


def _make_plan(contents: VaultContents, options: AuditOptions, selectors: list[str], stolen: tuple[Secret, ...],
               evidence: tuple[str, ...], fmt: PlanFormat, language: str, show_all: bool, include_excluded: bool,
               output: Path | None, quiet: bool, strict: bool) -> NoReturn:
    from dataclasses import replace

    from reuse_audit.plan.breach import SelectorError, select
    from reuse_audit.plan.formats import render_plan
    from reuse_audit.plan.ranking import BreachInput, build_plan
    from reuse_audit.report.audit_document import audit_document

    creds = list(contents.credentials)
    breach = None
    if selectors or stolen:
        try:
            selection = select(selectors, creds)
        except SelectorError as exc:
            fail(contents.redact(str(exc)))
        # a selector is echoed in the plan: never let one that happens to be a password through
        hide = contents.redact
        selection = replace(selection, how={u: hide(v) for u, v in selection.how.items()})
        breach = BreachInput(selection, tuple(hide(x) for x in selectors), stolen, evidence)
    elif evidence:
        from reuse_audit.plan.breach import Selection

        breach = BreachInput(Selection((), (), (), {}), (), (), evidence)
    result = run_checks(contents, options, quiet)
    made = build_plan(result, breach, include_excluded=include_excluded)
    doc = audit_document(result)
    extra = {"vault": doc["vault"], "reuse_groups": doc["reuse_groups"], "variant_groups": doc["variant_groups"]}
    emit(render_plan(made, fmt, lang=language, show_all=show_all, width=table_width(), extra=extra), output)
    if not quiet:
        typer.echo(f"plan: {len(made.todo)} of {len(made.steps)} steps have something to do"
                   + (f" (exposure: {made.exposure_note})" if made.exposure_note else ""), err=True)
    if strict and result.unknown_exposure:
        raise typer.Exit(EXIT_INCOMPLETE)
    raise typer.Exit(EXIT_OK)


@app.command()
def demo(
    output_format: Annotated[PlanFormat, typer.Option("--format", "-f", envvar=_env("FORMAT"),
                                                      case_sensitive=False, help="Plan format.")
                             ] = PlanFormat.TABLE,
    lang: Annotated[str | None, typer.Option("--lang", envvar=_env("LANG"), help="en or ja.")] = None,
    show_all: Annotated[bool, typer.Option("--all", envvar=_env("ALL"), help="Show every entry.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Run the main job on the bundled demo vault: `plan --breached admin@aaa.jp`, offline.

    The demo vault's master password is aaa-demo-2026; its breach-corpus excerpt ships with it.
    """
    from reuse_audit.audit import AuditOptions, ExposureSettings
    from reuse_audit.demo import demo_paths, demo_vault

    language = _lang(lang)
    with demo_paths() as (vault_path, pwned_path):
        contents = demo_vault(vault_path)
        options = AuditOptions(include_excluded=True,
                               exposure=ExposureSettings(offline=True, hibp_file=pwned_path))
        _make_plan(contents, options, ["admin@aaa.jp"], (), (), output_format, language, show_all, False, None, quiet,
                   False)


@hibp_app.command("verify")
def hibp_verify(
    file: Annotated[Path, typer.Argument(help="The downloaded corpus: sorted file or range directory.")],
    quiet: QuietOpt = False,
) -> None:
    """Check a whole downloaded HIBP corpus once: line count, format and sort order. Exit 0 ok, 2 not."""
    from reuse_audit.exposure import ExposureServiceError, verify_hibp_file

    progress, update = _progress_bar(quiet, "Verifying")
    try:
        report = verify_hibp_file(file, progress=update)
    except ExposureServiceError as exc:
        fail(str(exc))
    finally:
        if progress is not None:
            progress.stop()
    typer.echo(str(report))
    raise typer.Exit(EXIT_OK if getattr(report, "ok", False) else EXIT_INPUT)


def _vault_logins(vault: Path, unlock: VaultUnlock) -> list[str]:
    """`bounces --vault`: every e-mail address used as a login in the vault."""
    from reuse_audit.services.domains import is_email

    contents = load_contents(vault, unlock.keyfile, unlock.password_stdin, unlock.no_password, unlock.password_command)
    seen: dict[str, None] = {}
    for c in contents.credentials:
        for value in (c.username, c.email):
            if value and is_email(value.strip()):
                seen.setdefault(value.strip().lower())
    return list(seen)


def _register_bounces() -> None:
    from reuse_audit.bounces.command import make_bounces_command

    app.command("bounces", help="Detect a hijacked mailbox from a flood of bounces (mbox, Maildir, .eml, IMAP)."
                )(make_bounces_command(me_from_vault=_vault_logins))


_register_bounces()


def main() -> None:
    """Console-script entry point: one line per error and never a traceback, whatever happens."""
    import signal

    # SIGTERM unwinds like Ctrl-C, so an atomic write can remove its temporary file
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        typer.echo("reuse-audit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a type name, never a message with data
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click's usage and parameter errors
            message = " ".join(str(exc.format_message()).split())
            if message:  # empty when the help was shown instead (no arguments at all)
                typer.echo(f"reuse-audit: error: {message} (see --help)", err=True)
            sys.exit(int(exc.exit_code))
        if type(exc).__name__ == "Abort":  # Ctrl-C at a prompt
            typer.echo("reuse-audit: interrupted", err=True)
            sys.exit(130)
        typer.echo(f"reuse-audit: internal error ({type(exc).__name__}); please report it", err=True)
        sys.exit(EXIT_INPUT)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


from reuse_audit.hygiene.commands import register as _register_hygiene  # noqa: E402 - needs every command above

_register_hygiene(app)
