"""`hibp verify`: check a downloaded Pwned Passwords corpus once, whole."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reuse_audit.cli import options as o
from reuse_audit.cli.output import progress_bar
from reuse_audit.errors import ExitCode


def hibp_verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE",
                                         help="The downloaded corpus: sorted file or range directory.")],
    lang: o.LangOpt = None,
    config: o.ConfigOpt = None,
    quiet: o.QuietOpt = False,
) -> None:
    """Check a whole downloaded HIBP corpus once: line count, format and sort order. Exit 0 ok, 2 not."""
    from reuse_audit.cli.build import language
    from reuse_audit.exposure import verify_hibp_file
    from reuse_audit.i18n import N_, Translator

    lang_code = language(ctx.params)
    with progress_bar(quiet, Translator(lang_code).text(N_("Verifying"))) as update:
        report = verify_hibp_file(file, progress=update)
    typer.echo(report.text(lang_code))
    raise typer.Exit(ExitCode.OK if report.ok else ExitCode.INPUT)


def register(app: typer.Typer) -> None:
    from reuse_audit.cli import guarded

    hibp_app = typer.Typer(help="Tools for the Have I Been Pwned corpus.", no_args_is_help=True)
    hibp_app.command("verify", short_help="Check a downloaded Pwned Passwords corpus.")(guarded(hibp_verify))
    app.add_typer(hibp_app, name="hibp")
