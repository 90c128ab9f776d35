"""`trend` (the history of scheduled audits) and `config show` (every setting and where it came from)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reuse_audit.cli import options as o
from reuse_audit.cli.output import chosen_format, emit, text_width
from reuse_audit.errors import ExitCode
from reuse_audit.hygiene.choices import TrendFormat


def trend(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The history file written by `audit --history-file`.",
                                         show_default=False)],
    output_format: Annotated[TrendFormat, typer.Option("--format", "-f", envvar=o.env("FORMAT"),
                                                       case_sensitive=False, help="table, json or html.")
                             ] = TrendFormat.TABLE,
    output: o.OutputOpt = None,
    lang: o.LangOpt = None,
    config: o.ConfigOpt = None,
) -> None:
    """Show the findings per run recorded in FILE: a table, JSON, or a self-contained HTML chart.

    Exit 0 shown, 2 bad input.
    """
    from reuse_audit.cli.build import language
    from reuse_audit.hygiene.history import render_trend

    fmt = chosen_format(ctx, output_format, output)
    emit(render_trend(file, fmt, text_width(), language(ctx.params)), output)
    raise typer.Exit(ExitCode.OK)


def config_show(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", envvar=o.env("CONFIG"), metavar="FILE",
        help="Settings file (default: reuse-audit.toml in the user config dir).")] = None,
    command: Annotated[str, typer.Option(
        "--command", envvar=o.env("COMMAND"), metavar="NAME",
        help="Which command's settings: audit, plan, bounces, 'baseline create', trend, demo "
             "or 'hibp verify'.")] = "audit",
    lang: Annotated[str | None, typer.Option(
        "--lang", envvar=o.env("LANG"), metavar="en|ja",
        help="en or ja (default: from the locale). The command's own --lang goes after `--`.")] = None,
) -> None:
    """Print every setting of a command, its resolved value and where it came from.

    Options after `--` are read as that command's own, e.g. `config show -- --fail-on pwned`.
    Exit 0 shown, 2 bad input.
    """
    from reuse_audit.cli.build import language
    from reuse_audit.cli.output import text_width
    from reuse_audit.hygiene.config import (
        CONFIG_FILE_NONE,
        CONFIG_FILE_USED,
        SETTINGS_OF,
        default_config_path,
        find_config,
        render_settings,
        resolve_settings,
    )
    from reuse_audit.i18n import Translator

    lang_code = language(ctx.params)
    t = Translator(lang_code)
    cfg = find_config(config)
    settings = resolve_settings(ctx.find_root().command, tuple(command.split()), ctx.args, cfg)
    typer.echo(t.text(CONFIG_FILE_USED, path=cfg.path) if cfg is not None
               else t.text(CONFIG_FILE_NONE, path=default_config_path()))
    typer.echo(render_settings(settings, t.text(SETTINGS_OF, command=command), lang_code, text_width()), nl=False)
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    from reuse_audit.cli import guarded

    app.command("trend", short_help="The findings per run that --history-file recorded.")(guarded(trend))
    config_app = typer.Typer(help="The config file (reuse-audit.toml).", no_args_is_help=True)
    config_app.command("show", short_help="Every setting of a command and where it came from.",
                       context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
        guarded(config_show))
    app.add_typer(config_app, name="config")
