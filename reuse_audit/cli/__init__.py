"""The command line: thin typer commands, one module per command family, that parse options, call the library
and print. Errors of every layer (:class:`~reuse_audit.errors.ReuseAuditError`) become one line on stderr, in
the run's language (:mod:`reuse_audit.failure`), and their exit code here, in one place; the first SIGINT
or SIGTERM ends the run with exit 130 or 143.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import typer

from reuse_audit import __version__
from reuse_audit.errors import ExitCode, ReuseAuditError

app = typer.Typer(
    name="reuse-audit",
    help="Find shared, weak and breached passwords in a KeePass vault, and plan what to rotate first.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
F = TypeVar("F", bound=Callable[..., Any])


class _Run:
    """The running command's parameters (its ``--lang``), kept for the lines :func:`main` prints after the
    command has unwound (an interruption)."""

    params: Mapping[str, Any] | None = None


def guarded(command: F) -> F:
    """Wrap a command so that a library error is one line on stderr (in the command's ``--lang``) and its exit
    code, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        # the command's parsed parameters: its context's, else the keyword arguments typer calls it with (typer
        # hands a command the option parser's own Context, not an instance of typer.Context)
        ctx = next((a for a in (*args, *kwargs.values()) if hasattr(a, "get_parameter_source")), None)
        _Run.params = ctx.params if ctx is not None else kwargs
        from reuse_audit.cli.options import CONFIG_ERROR
        from reuse_audit.file_access import forget_inputs

        forget_inputs()  # the files an earlier command of this process read are not this one's (see -o)
        try:
            if ctx is not None and ctx.meta.get(CONFIG_ERROR) is not None:
                raise ctx.meta[CONFIG_ERROR]
            return command(*args, **kwargs)
        except ReuseAuditError as exc:
            typer.echo(_error_line(exc), err=True)
            raise typer.Exit(int(exc.exit_code)) from None

    return run  # type: ignore[return-value]


def _error_line(exc: ReuseAuditError) -> str:
    from reuse_audit.failure import error_line, run_lang

    return error_line(exc, run_lang(_Run.params))


def _said(kind: str, name: str = "") -> str:
    """"interrupted" or an internal error's line in the run's language; in English if even that fails."""
    try:
        from reuse_audit.failure import internal_error_line, interrupted_line, run_lang

        lang = run_lang(_Run.params)
        return interrupted_line(lang) if kind == "interrupted" else internal_error_line(name, lang)
    except Exception:  # noqa: BLE001 - the last words must not fail
        return "reuse-audit: interrupted" if kind == "interrupted" else \
            f"reuse-audit: internal error ({name}); please report it"


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


def _register() -> None:
    from reuse_audit.cli import audit_cmd, bounces_cmd, hibp_cmd, hygiene_cmd, plan_cmd

    for module in (audit_cmd, plan_cmd, bounces_cmd, hygiene_cmd, hibp_cmd):
        module.register(app)


_register()


class _Stop(BaseException):
    """Raised in the main thread by the first SIGINT/SIGTERM: unwinds (temp files, worker processes)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, _frame: object) -> None:
    if getattr(_on_signal, "stopping", False):
        os._exit(128 + signum)  # a second signal while unwinding: leave at once
    _on_signal.stopping = True  # type: ignore[attr-defined]
    raise _Stop(signum)


def _leave(code: int, message: str | None = None, *, now: bool = False) -> None:
    """Exit with ``code``; ``now``: without waiting for helper threads still blocked on the network."""
    if message:
        typer.echo(message, err=True)
    if not now:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main() -> None:
    """Console-script entry point: one line per error and never a traceback, whatever happens."""
    import logging

    from reuse_audit.gc_tuning import tune_gc

    tune_gc()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    # Libraries' log records (pykeepass logs each value it cannot decrypt) never reach stderr: what matters
    # is said in our own words. REUSE_AUDIT_DEBUG=1 shows them (they never hold a secret of ours).
    if os.environ.get("REUSE_AUDIT_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    else:
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        code = app(standalone_mode=False)
    except _Stop as stop:
        _leave(128 + stop.signum, _said("interrupted"), now=True)
    except KeyboardInterrupt:
        _leave(ExitCode.INTERRUPTED, _said("interrupted"), now=True)
    except BrokenPipeError:  # `reuse-audit ... | head`: the reader left; nothing more to say
        _leave(ExitCode.OK, now=True)
    except ReuseAuditError as exc:  # raised outside a command (a callback)
        _leave(int(exc.exit_code), _error_line(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence: a type name, never a message with data
        if type(exc).__name__ == "NoArgsIsHelpError":  # `reuse-audit`, `reuse-audit config`: their help
            typer.echo(exc.ctx.get_help())  # type: ignore[attr-defined]
            _leave(ExitCode.INPUT)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click's usage and parameter errors
            # click's sentence, in the run's language where we know it; folded onto one line
            from reuse_audit.failure import argv_lang, parser_error_line, run_lang

            ctx_params = getattr(getattr(exc, "ctx", None), "params", None) or {}
            line = parser_error_line(exc, run_lang({"lang": argv_lang(), **ctx_params}))
            if line:
                typer.echo(line, err=True)
            _leave(int(exc.exit_code))
        if type(exc).__name__ == "Abort":  # Ctrl-C at a prompt
            _leave(ExitCode.INTERRUPTED, _said("interrupted"), now=True)
        _leave(ExitCode.INPUT, _said("internal", type(exc).__name__))
    _finish(code if isinstance(code, int) else ExitCode.OK)


def _finish(code: int) -> None:
    """Exit with ``code`` once the command is done (its output written and flushed): the exit hooks run
    (workers reaped, logging flushed), then the interpreter's teardown, which only frees memory (a large vault's
    objects: a tenth of a second and more), is skipped. Every helper thread is a daemon: none is waited for."""
    import atexit

    try:
        sys.stdout.flush()  # what is left is written now, and a failure to write it is said, as emit's would be
    except BrokenPipeError:
        pass  # the reader left (`| head`): as main() has it
    except (OSError, ValueError) as exc:
        code = ExitCode.INPUT
        typer.echo(_said("internal", type(exc).__name__), err=True)
    atexit._run_exitfuncs()
    _leave(code, now=True)
