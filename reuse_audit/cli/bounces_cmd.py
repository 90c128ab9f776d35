"""`bounces`: tell from a flood of bounces whether a mail account of yours is used by someone else.

Exit codes: 0 nothing to act on, 1 an address is compromised or shows a burst of bounces that cannot be
attributed (undetermined), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reuse_audit.bounces.settings import OutputFormat, Thresholds
from reuse_audit.cli import options as o
from reuse_audit.cli.output import chosen_format, emit, note
from reuse_audit.errors import ExitCode

if TYPE_CHECKING:
    from reuse_audit.redact import Redactor


def vault_logins(params: dict[str, object], vault: Path) -> tuple[list[str], Redactor]:
    """`bounces --vault`: every e-mail address used as a login in the vault, and what hides its passwords."""
    from reuse_audit.cli.build import unlock
    from reuse_audit.services.domains import is_email

    contents = unlock(params, vault)
    seen: dict[str, None] = {}
    for c in contents.credentials:
        for value in (c.real_username, c.real_email):
            if value and is_email(value.strip()):
                seen.setdefault(value.strip().lower())
    return list(seen), contents.redact


@o.with_options(before=o.MAIL, after=o.UNLOCK + o.IMAP)
def bounces(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE...",
        help="Mailboxes to read: mbox file, Maildir, directory of .eml files, or imaps://host[:port]/FOLDER.",
        show_default=False)],
    vault: Annotated[Path | None, typer.Option(
        "--vault", metavar="VAULT", help="KeePass vault whose e-mail logins are your addresses (default for --me).",
        envvar=o.env("VAULT"))] = None,
    window_minutes: Annotated[int, typer.Option(
        "--window-minutes", min=1, metavar="MINUTES", max=366 * 24 * 60, help="Length of the sliding window.",
        envvar=o.env("WINDOW_MINUTES"))] = Thresholds.window_minutes,
    min_bounces: Annotated[int, typer.Option(
        "--min-bounces", min=1, metavar="N", help="Bounces in the window for a compromise.",
        envvar=o.env("MIN_BOUNCES"))] = Thresholds.min_bounces,
    min_recipients: Annotated[int, typer.Option(
        "--min-recipients", min=0, metavar="N", help="Distinct failed recipients in the window for a compromise.",
        envvar=o.env("MIN_RECIPIENTS"))] = Thresholds.min_recipients,
    unknown_share: Annotated[float, typer.Option(
        "--unknown-share", min=0.0, max=1.0, metavar="SHARE", callback=o.finite,
        help="Share of those recipients never in your Sent folder (with --sent).",
        envvar=o.env("UNKNOWN_SHARE"))] = Thresholds.unknown_share,
    day_bounces: Annotated[int, typer.Option(
        "--day-bounces", min=1, metavar="N", help="Bounces within 24 hours that also mean a compromise.",
        envvar=o.env("DAY_BOUNCES"))] = Thresholds.day_bounces,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Report format.", envvar=o.env("FORMAT"))] = OutputFormat.TABLE,
    output: o.OutputOpt = None,
    lang: o.LangOpt = None,
    config: o.ConfigOpt = None,
    quiet: o.QuietOpt = False,
) -> None:
    """Tell from a flood of bounces whether your mail account is used by someone else."""
    from reuse_audit.bounces import find_compromised
    from reuse_audit.bounces.wording import ME_UNMATCHED, SCANNED, SCANNED_ONE, UNREADABLE
    from reuse_audit.cli.build import imap_login, language, mail_to_read
    from reuse_audit.i18n import N_, Translator

    params = ctx.params
    lang_code = language(params)
    output_format = chosen_format(ctx, output_format, output)  # -o x.json writes JSON; -o x.html is refused
    thresholds = Thresholds(window_minutes, min_bounces, min_recipients, unknown_share, day_bounces)
    mail = mail_to_read(params, sources)
    addresses = list(mail.me)
    hide = None
    if vault is not None:  # its passwords are hidden in what the mail shows, --me given or not
        logins, hide = vault_logins(params, vault)
        addresses = addresses or logins
    login = imap_login(params, stdin_taken=bool(params["password_stdin"])) if mail.needs_imap else None
    show_progress = not quiet and sys.stderr.isatty()
    t = Translator(lang_code)

    def progress(count: int) -> None:
        if show_progress:
            typer.echo("\r" + t.text(N_("{count} messages…"), count=count), err=True, nl=False)

    result = find_compromised(mail.sources, me=addresses, sent=mail.sent, relays=mail.relays, thresholds=thresholds,
                              since=mail.since, imap_login=login, progress=progress)
    about = {a.address.lower() for a in result.accounts}
    if hide is not None:
        result = result.hidden(hide)
    emit(output_format.formatter()(result, lang=lang_code, vault=str(vault) if vault else None), output)
    for address in () if quiet else mail.me:  # no bounce is about it while others are: a typo, another address
        if address not in about and result.unattributed:
            note(t.plural(ME_UNMATCHED, result.unattributed, address=hide(address) if hide else address))
    if not quiet:
        if show_progress:
            typer.echo("\r", err=True, nl=False)
        if result.unreadable:
            note(t.plural(UNREADABLE, result.unreadable))
        note(t.plural(SCANNED_ONE, result.bounces) if result.messages == 1
             else t.plural(SCANNED, result.bounces, messages=f"{result.messages:,}"))
    raise typer.Exit(ExitCode.FINDINGS if result.breached else ExitCode.OK)


def register(app: typer.Typer) -> None:
    from reuse_audit.cli import guarded

    app.command("bounces", help="Detect a hijacked mailbox from a flood of bounces (mbox, Maildir, .eml, IMAP).",
                short_help="Tell from bounces whether a mailbox is hijacked.")(
        guarded(bounces))
