"""The ``reuse-audit bounces`` command: thin typer wiring around :func:`find_compromised`.

Exit codes: 0 nothing compromised, 1 an address is compromised, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import getpass
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from reuse_audit.bounces.messages import Lang, text
from reuse_audit.bounces.report import OutputFormat
from reuse_audit.bounces.scan import find_compromised
from reuse_audit.bounces.sources import ImapFolder, ImapLogin, MailSourceError, is_imap_url
from reuse_audit.bounces.verdict import Thresholds
from reuse_audit.master_key import KeySource, KeySourceError, password_from_command
from reuse_audit.safe_write import write_private
from reuse_audit.secret import Secret

# How `--vault` is unlocked: the same choices as `audit` (never a password on the command line).
VaultUnlock = KeySource
MeFromVault = Callable[[Path, VaultUnlock], list[str]]
_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class BadInput(Exception):
    """A command-line value or input file the command cannot use; shown as one line, exit 2."""


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``14d``, ``36h``, ``2w``, ``90m`` (ago), or an ISO date/time (UTC when no zone is given)."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(value)
    if match:
        return now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"--since: expected e.g. 14d, 36h or 2024-05-01, got {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def imap_login_from_options(
    user: str | None,
    *,
    password_stdin: bool = False,
    password_command: str | None = None,
    ca_file: Path | None = None,
    stdin_taken: bool = False,
) -> ImapLogin:
    """Build the IMAP login from the options: stdin, a command, or a hidden prompt, in that order.

    ``stdin_taken`` is for a command where another option (the vault password) already reads stdin:
    the two are different secrets, so only one of them may.
    """
    if not user:
        raise BadInput("an imaps:// source needs --imap-user")
    if password_stdin and password_command:
        raise BadInput("give only one of --imap-password-stdin and --imap-password-command")
    if ca_file is not None and not ca_file.is_file():
        raise BadInput(f"--ca-file: no such file: {ca_file}")
    if password_stdin:
        if stdin_taken:
            raise BadInput("only one option may read stdin; the vault password already does")
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise BadInput("--imap-password-stdin: nothing on standard input")
        password = Secret(line)
    elif password_command:
        try:
            password = password_from_command(password_command, "--imap-password-command")
        except KeySourceError as exc:
            raise BadInput(str(exc)) from None
    else:
        try:
            password = Secret(getpass.getpass(f"IMAP password for {user}: "))
        except (EOFError, KeyboardInterrupt):
            raise BadInput("no IMAP password given") from None
    return ImapLogin(user, password, ca_file)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"reuse-audit: error: {message}", err=True)
    return typer.Exit(2)


def make_bounces_command(me_from_vault: MeFromVault | None = None) -> Callable[..., None]:
    """The typer command function; ``me_from_vault`` reads the e-mail logins of a vault for ``--vault``."""

    def bounces_command(
        sources: Annotated[list[str], typer.Argument(
            help="Mailboxes to read: mbox file, Maildir, directory of .eml files, or imaps://host[:port]/FOLDER.",
            show_default=False)],
        me: Annotated[list[str] | None, typer.Option(
            "--me", help="Your own address (repeatable). Default: the vault's e-mail logins with --vault, "
            "else every address the bounces are about.", envvar="REUSE_AUDIT_ME")] = None,
        sent: Annotated[list[str] | None, typer.Option(
            "--sent", help="Your Sent folder (repeatable): recipients, Message-IDs and relay hosts.",
            envvar="REUSE_AUDIT_SENT")] = None,
        relay: Annotated[list[str] | None, typer.Option(
            "--relay", help="Your provider's submission or relay host (repeatable).",
            envvar="REUSE_AUDIT_RELAY")] = None,
        vault: Annotated[Path | None, typer.Option(
            "--vault", help="KeePass vault whose e-mail logins are your addresses (default for --me).",
            envvar="REUSE_AUDIT_VAULT")] = None,
        keyfile: Annotated[Path | None, typer.Option(
            "--keyfile", help="Key file of --vault.", envvar="REUSE_AUDIT_KEYFILE")] = None,
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="Read --vault's master password as one line from stdin.",
            envvar="REUSE_AUDIT_PASSWORD_STDIN")] = False,
        no_password: Annotated[bool, typer.Option(
            "--no-password", help="--vault has no password (key file only).",
            envvar="REUSE_AUDIT_NO_PASSWORD")] = False,
        password_command: Annotated[str | None, typer.Option(
            "--password-command", help="Run CMD (no shell) for --vault's master password.",
            envvar="REUSE_AUDIT_PASSWORD_COMMAND")] = None,
        since: Annotated[str | None, typer.Option(
            "--since",
            help="Only mail since then: 14d, 36h, 2w or a date. Default: 14d for IMAP, all for files.",
            envvar="REUSE_AUDIT_SINCE")] = None,
        imap_user: Annotated[str | None, typer.Option(
            "--imap-user", help="IMAP login (often your full address).",
            envvar="REUSE_AUDIT_IMAP_USER")] = None,
        imap_password_stdin: Annotated[bool, typer.Option(
            "--imap-password-stdin", help="Read the IMAP password from the first line of stdin.",
            envvar="REUSE_AUDIT_IMAP_PASSWORD_STDIN")] = False,
        imap_password_command: Annotated[str | None, typer.Option(
            "--imap-password-command", help="Run CMD and use the first line it prints as the IMAP password.",
            envvar="REUSE_AUDIT_IMAP_PASSWORD_COMMAND")] = None,
        ca_file: Annotated[Path | None, typer.Option(
            "--ca-file", help="CA certificate(s) to trust for IMAP TLS (private CA).",
            envvar="REUSE_AUDIT_CA_FILE")] = None,
        window_minutes: Annotated[int, typer.Option(
            "--window-minutes", min=1, help="Length of the sliding window.",
            envvar="REUSE_AUDIT_WINDOW_MINUTES")] = Thresholds.window_minutes,
        min_bounces: Annotated[int, typer.Option(
            "--min-bounces", min=1, help="Bounces in the window for a compromise.",
            envvar="REUSE_AUDIT_MIN_BOUNCES")] = Thresholds.min_bounces,
        min_recipients: Annotated[int, typer.Option(
            "--min-recipients", min=0, help="Distinct failed recipients in the window for a compromise.",
            envvar="REUSE_AUDIT_MIN_RECIPIENTS")] = Thresholds.min_recipients,
        unknown_share: Annotated[float, typer.Option(
            "--unknown-share", min=0.0, max=1.0,
            help="Share of those recipients never in your Sent folder (with --sent).",
            envvar="REUSE_AUDIT_UNKNOWN_SHARE")] = Thresholds.unknown_share,
        day_bounces: Annotated[int, typer.Option(
            "--day-bounces", min=1, help="Bounces within 24 hours that also mean a compromise.",
            envvar="REUSE_AUDIT_DAY_BOUNCES")] = Thresholds.day_bounces,
        output_format: Annotated[OutputFormat, typer.Option(
            "--format", "-f", help="Report format.", envvar="REUSE_AUDIT_FORMAT")] = OutputFormat.TABLE,
        output: Annotated[Path | None, typer.Option(
            "-o", "--output", help="Write the report to FILE (mode 0600) instead of stdout.",
            envvar="REUSE_AUDIT_OUTPUT")] = None,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="No summary or progress on stderr.", envvar="REUSE_AUDIT_QUIET")] = False,
        lang: Annotated[Lang, typer.Option(
            "--lang", help="Language of the report.", envvar="REUSE_AUDIT_LANG")] = Lang.EN,
    ) -> None:
        """Tell from a flood of bounces whether your mail account is used by someone else."""
        thresholds = Thresholds(window_minutes, min_bounces, min_recipients, unknown_share, day_bounces)
        try:
            since_at = parse_since(since) if since else None
            if password_stdin and imap_password_stdin:
                raise BadInput("only one option may read stdin: --password-stdin or --imap-password-stdin")
            addresses = list(me or [])
            if not addresses and vault is not None:
                if me_from_vault is None:
                    raise BadInput("--vault is not available here; give --me ADDRESS")
                if not vault.is_file():
                    raise BadInput(f"no such vault: {vault}")
                addresses = me_from_vault(vault, VaultUnlock(keyfile, password_stdin, no_password,
                                                             password_command))
            login = None
            imap_specs = [s for s in [*sources, *(sent or [])] if is_imap_url(s)]
            for spec in imap_specs:
                ImapFolder.parse(spec)  # a bad URL is reported before any password is asked for
            if imap_specs:
                login = imap_login_from_options(imap_user, password_stdin=imap_password_stdin,
                                                password_command=imap_password_command, ca_file=ca_file,
                                                stdin_taken=password_stdin)
            show_progress = not quiet and sys.stderr.isatty()

            def progress(count: int) -> None:
                if show_progress:
                    typer.echo(f"\r{count} messages…", err=True, nl=False)

            result = find_compromised(sources, me=addresses, sent=sent or [], relays=relay or [],
                                      thresholds=thresholds, since=since_at, imap_login=login,
                                      lang=str(lang), progress=progress)
        except (BadInput, MailSourceError) as exc:
            raise _fail(str(exc)) from None
        rendered = output_format.formatter()(result, lang=str(lang), vault=str(vault) if vault else None)
        if output is not None:
            try:
                write_private(output, rendered)
            except OSError as exc:
                raise _fail(f"cannot write {output}: {exc.strerror or exc.__class__.__name__}") from None
        else:
            typer.echo(rendered, nl=False)
        if not quiet:
            if show_progress:
                typer.echo("\r", err=True, nl=False)
            typer.echo(text(str(lang), "scanned", messages=result.messages, bounces=result.bounces), err=True)
        raise typer.Exit(1 if result.compromised else 0)

    return bounces_command


bounces_command = make_bounces_command()
