"""Every command-line option, declared once: its flag, environment variable, help and default.

Defaults come from the options dataclasses of the layers (``AuditOptions``, ``StrengthPolicy``,
``ExposureSettings``, ``Thresholds``), never written here a second time. Each option also reads
``REUSE_AUDIT_<NAME>``; the config file fills the command's ``default_map`` through the eager ``--config``.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from reuse_audit.bounces.settings import DEFAULT_IMAP_DEADLINE
from reuse_audit.breaches.settings import DEFAULT_HIBP_API_URL
from reuse_audit.checks.strength import StrengthPolicy
from reuse_audit.exposure.settings import DEFAULT_DEADLINE, DEFAULT_HIBP_URL, DEFAULT_WORKERS
from reuse_audit.findings import DEFAULT_FAIL_ON, Check, FindingKind

F = TypeVar("F", bound=Callable[..., Any])

# Module-level constants are what the signatures use as defaults (typer reads them from the signature).
ALL_CHECKS_TEXT = ",".join(Check)
FAIL_ON_TEXT = ",".join(k.value for k in FindingKind if k in DEFAULT_FAIL_ON)
MIN_LENGTH = StrengthPolicy.min_length
REQUIRE_SYMBOL = StrengthPolicy.require_symbol
HIBP_URL = DEFAULT_HIBP_URL
HIBP_WORKERS = DEFAULT_WORKERS
HIBP_DEADLINE = DEFAULT_DEADLINE
IMAP_DEADLINE = DEFAULT_IMAP_DEADLINE
HIBP_API_URL = DEFAULT_HIBP_API_URL


def env(name: str) -> str:
    """The environment variable of an option: ``REUSE_AUDIT_<NAME>``."""
    return f"REUSE_AUDIT_{name}"


#: ``ctx.meta`` key of a config file that could not be read: raised once the command's options are parsed.
CONFIG_ERROR = "reuse_audit.config_error"


def _config_callback(ctx: typer.Context, _param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Eager ``--config``: fill ``ctx.default_map`` from the file before any other option is resolved."""
    from reuse_audit.hygiene import HygieneInputError
    from reuse_audit.hygiene.config import RESOLVED, command_path, find_config, settings_for

    if ctx.default_map is not None and ctx.default_map.get(RESOLVED):
        return value  # `config show` resolved the file already (its own --config / REUSE_AUDIT_CONFIG)
    try:
        cfg = find_config(value)
        if cfg is not None:
            settings = settings_for(cfg, ctx.find_root().command, command_path(ctx))
            ctx.default_map = {**(ctx.default_map or {}), **{k: v.value for k, v in settings.items()}}
    except HygieneInputError as exc:
        # said when the command starts (cli.guarded), in its --lang, which is not parsed yet (this is eager)
        ctx.meta[CONFIG_ERROR] = exc
    return value


# ---- unlocking a vault ----
VaultArg = Annotated[Path, typer.Argument(metavar="VAULT", help="The KeePass KDBX file.", show_default=False)]
KeyfileOpt = Annotated[Path | None, typer.Option("--keyfile", envvar=env("KEYFILE"), metavar="FILE",
                                                 help="Key file (XML v1/v2, hex, 32-byte or any file).")]
PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", envvar=env("PASSWORD_STDIN"),
                                                help="Read the master password as one line from stdin.")]
NoPasswordOpt = Annotated[bool, typer.Option("--no-password", envvar=env("NO_PASSWORD"),
                                             help="The vault has no password (key file only).")]
PasswordCommandOpt = Annotated[str | None, typer.Option(
    "--password-command", envvar=env("PASSWORD_COMMAND"), metavar="CMD",
    help="Run CMD (no shell) and read the master password from its stdout's first line.")]

# ---- checks ----
ChecksOpt = Annotated[str, typer.Option("--checks", envvar=env("CHECKS"), metavar="LIST", show_default="all",
                                        help=f"Comma-separated checks: {', '.join(Check)}.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", envvar=env("OFFLINE"),
                                          help="No network at all (exposure needs --hibp-file then; breaches use "
                                               "--breaches-file or the cached list).")]
HibpUrlOpt = Annotated[str, typer.Option("--hibp-url", envvar=env("HIBP_URL"), metavar="URL",
                                         help="Base URL of the Pwned Passwords range API.")]
HibpFileOpt = Annotated[Path | None, typer.Option(
    "--hibp-file", envvar=env("HIBP_FILE"), metavar="FILE",
    help="Downloaded Pwned Passwords corpus: one sorted HASH:COUNT file or a directory of range files.")]
HibpWorkersOpt = Annotated[int, typer.Option("--hibp-workers", envvar=env("HIBP_WORKERS"), min=1, max=64, metavar="N",
                                             help="Concurrent requests to the range API.")]
HibpApiUrlOpt = Annotated[str, typer.Option(
    "--hibp-api-url", envvar=env("HIBP_API_URL"), metavar="URL",
    help="Base URL of the Have I Been Pwned API, for its breach list (GET URL/breaches, no API key).")]
BreachesFileOpt = Annotated[Path | None, typer.Option(
    "--breaches-file", envvar=env("BREACHES_FILE"), metavar="FILE",
    help="A saved copy of Have I Been Pwned's breach list (JSON of GET /api/v3/breaches), instead of the network "
         "and the cache.")]
#: The longest time limit an option takes (a week): a longer one is a typo, and `inf` or 1e300 seconds cannot be
#: a clock's deadline.
MAX_SECONDS = 7 * 24 * 3600.0


def finite(value: float | None) -> float | None:
    """A float option's callback: NaN passes click's range check (every comparison with it is false), so it is
    refused here; so is infinity where an option has no maximum."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number")
    return value


HibpDeadlineOpt = Annotated[float, typer.Option(
    "--hibp-deadline", envvar=env("HIBP_DEADLINE"), min=0.1, max=MAX_SECONDS, callback=finite, metavar="SECONDS",
    help="Time limit of the whole breach check; what is left unanswered then is unknown.")]
MinLengthOpt = Annotated[int, typer.Option("--min-length", envvar=env("MIN_LENGTH"), min=1, metavar="N",
                                           help="Policy: minimum length in characters.")]
RequireSymbolOpt = Annotated[bool, typer.Option("--require-symbol/--no-require-symbol",
                                                envvar=env("REQUIRE_SYMBOL"),
                                                help="Policy: require a symbol (not a letter or digit).")]
IncludeExcludedOpt = Annotated[bool, typer.Option("--include-excluded", envvar=env("INCLUDE_EXCLUDED"),
                                                  help="Audit entries marked 'exclude from reports' too.")]

# ---- what to report, and how ----
FailOnOpt = Annotated[str, typer.Option("--fail-on", envvar=env("FAIL_ON"), metavar="LIST",
                                        show_default=FAIL_ON_TEXT.replace(",", ", "),
                                        help="Comma-separated finding kinds that make the exit code 1.")]
MinPwnedOpt = Annotated[int, typer.Option("--min-pwned-count", envvar=env("MIN_PWNED_COUNT"), min=1, metavar="N",
                                          help="Ignore breach hits seen fewer than N times (for --fail-on).")]
StrictOpt = Annotated[bool, typer.Option("--strict", envvar=env("STRICT"),
                                         help="Exit 3 when a check could not complete (unknown exposure).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", envvar=env("QUIET"),
                                        help="Print nothing on stderr but errors.")]
def dash_is_stdout(value: Path | None) -> Path | None:
    """``-o -`` writes to stdout, as "-" means for most tools (it created a file named "-")."""
    return None if value is not None and str(value) == "-" else value


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", envvar=env("OUTPUT"), metavar="FILE",
                                                callback=dash_is_stdout,
                                                help="Write the report to FILE (mode 0600) instead of stdout; "
                                                     "- is stdout.")]
LangOpt = Annotated[str | None, typer.Option("--lang", envvar=env("LANG"), metavar="en|ja",
                                             help="en or ja (default: from the locale).")]
ShowAllOpt = Annotated[bool, typer.Option("--all", envvar=env("ALL"),
                                          help="Show every entry, not only those with something to do.")]

# ---- scheduled audits ----
IgnoreOpt = Annotated[list[str] | None, typer.Option(
    "--ignore", envvar=env("IGNORE"), metavar="UUID",
    help="Leave this entry out of the findings (repeatable; 32-hex or hyphenated UUID).")]
IgnoreGroupOpt = Annotated[list[str] | None, typer.Option(
    "--ignore-group", envvar=env("IGNORE_GROUP"), metavar="PATH",
    help="Leave a group and its subgroups out of the findings, e.g. Mail/PINs (repeatable).")]
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", envvar=env("BASELINE"), metavar="FILE",
    help="Report and fail only on findings not in this baseline (made by `baseline create`); list what was "
         "fixed since.")]
HistoryFileOpt = Annotated[Path | None, typer.Option(
    "--history-file", envvar=env("HISTORY_FILE"), metavar="FILE",
    help="Append this run's counts per finding kind to FILE (JSON lines, mode 0600) and print the trend.")]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", envvar=env("CONFIG"), metavar="FILE", is_eager=True, expose_value=False,
    callback=_config_callback,
    help="Settings file (TOML); default: reuse-audit.toml in the user config dir. "
         "Command line > environment > this file > defaults.")]

# ---- mail (bounces, plan --breached-from) ----
ImapUserOpt = Annotated[str | None, typer.Option("--imap-user", envvar=env("IMAP_USER"), metavar="USER",
                                                 help="IMAP login for an imaps:// source (often your address).")]
ImapPasswordStdinOpt = Annotated[bool, typer.Option(
    "--imap-password-stdin", envvar=env("IMAP_PASSWORD_STDIN"),
    help="Read the IMAP password from the first line of stdin.")]
ImapPasswordCommandOpt = Annotated[str | None, typer.Option(
    "--imap-password-command", envvar=env("IMAP_PASSWORD_COMMAND"), metavar="CMD",
    help="Run CMD (no shell) and use the first line it prints as the IMAP password.")]
ImapDeadlineOpt = Annotated[float, typer.Option(
    "--imap-deadline", envvar=env("IMAP_DEADLINE"), min=1.0, max=MAX_SECONDS, callback=finite, metavar="SECONDS",
    help="Time limit of the whole IMAP fetch (exit 2 when it is reached).")]
MeOpt = Annotated[list[str] | None, typer.Option(
    "--me", envvar=env("ME"), metavar="ADDRESS",
    help="Your own address (repeatable). Default: every address the bounces are about (bounces --vault: the "
         "vault's e-mail logins).")]
SentOpt = Annotated[list[str] | None, typer.Option(
    "--sent", envvar=env("SENT"), metavar="SOURCE",
    help="Your Sent folder (repeatable): recipients, Message-IDs and relay hosts.")]
RelayOpt = Annotated[list[str] | None, typer.Option(
    "--relay", envvar=env("RELAY"), metavar="HOST",
    help="Your provider's submission or relay host (repeatable); ADDRESS=HOST for one of your addresses only.")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", envvar=env("SINCE"), metavar="WHEN",
    help="Only mail since then: 14d, 36h, 2w or a date. Default: 14d for IMAP, all for files.")]
CaFileOpt = Annotated[Path | None, typer.Option("--ca-file", envvar=env("CA_FILE"), metavar="FILE",
                                                help="CA certificate(s) to trust for IMAP TLS (private CA).")]


# ---- groups of options several commands share, declared once -------------------------------------------------

def _option(name: str, annotation: object, default: object = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


#: The vault to unlock, as the command's first argument.
VAULT = (_option("vault", VaultArg),)
#: How to unlock it.
UNLOCK = (
    _option("keyfile", KeyfileOpt, None),
    _option("password_stdin", PasswordStdinOpt, False),
    _option("no_password", NoPasswordOpt, False),
    _option("password_command", PasswordCommandOpt, None),
)
#: Which checks run, where exposure and the breach list come from, and the strength policy
#: (``cli.build.audit_options`` reads them from the parsed parameters).
CHECKS = (
    _option("checks", ChecksOpt, ALL_CHECKS_TEXT),
    _option("offline", OfflineOpt, False),
    _option("hibp_url", HibpUrlOpt, HIBP_URL),
    _option("hibp_file", HibpFileOpt, None),
    _option("hibp_workers", HibpWorkersOpt, HIBP_WORKERS),
    _option("hibp_deadline", HibpDeadlineOpt, HIBP_DEADLINE),
    _option("hibp_api_url", HibpApiUrlOpt, HIBP_API_URL),
    _option("breaches_file", BreachesFileOpt, None),
    _option("min_length", MinLengthOpt, MIN_LENGTH),
    _option("require_symbol", RequireSymbolOpt, REQUIRE_SYMBOL),
    _option("include_excluded", IncludeExcludedOpt, False),
)
#: Reading mail over IMAP (``cli.build.imap_login`` reads them from the parsed parameters).
#: Whose mail, and what else to read with it (``bounces``; ``plan --breached-from``).
MAIL = (
    _option("me", MeOpt, None),
    _option("sent", SentOpt, None),
    _option("relay", RelayOpt, None),
    _option("since", SinceOpt, None),
)
#: The login of an ``imaps://`` source.
IMAP = (
    _option("imap_user", ImapUserOpt, None),
    _option("imap_password_stdin", ImapPasswordStdinOpt, False),
    _option("imap_password_command", ImapPasswordCommandOpt, None),
    _option("ca_file", CaFileOpt, None),
    _option("imap_deadline", ImapDeadlineOpt, IMAP_DEADLINE),
)


def with_options(*, before: tuple[inspect.Parameter, ...] = (),
                 after: tuple[inspect.Parameter, ...] = ()) -> Callable[[F], F]:
    """Give a command the shared option groups ``before`` and ``after`` its own parameters (its
    ``typer.Context`` stays first). typer reads the command's signature, so the groups appear in ``--help``
    and are parsed like the command's own options; the command itself is called with its own parameters only
    and reads the shared ones from ``ctx.params``."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = list(signature.parameters.values())
        head = [p for p in own if p.annotation is typer.Context]
        rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own if p not in head]
        parameters = [*head, *before, *rest, *after]
        names = set(signature.parameters)
        contexts = {p.name for p in head}

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            for ctx in [*args[:len(head)], *(kwargs[p.name] for p in head if p.name in kwargs)]:
                # the values as typer converted them (a Path, not its text)
                ctx.params.update((k, v) for k, v in kwargs.items() if k not in contexts)
            if isinstance(kwargs.get("output"), Path):
                from reuse_audit.cli.output import refuse_output_over_input

                refuse_output_over_input(kwargs["output"], kwargs)  # before any work: never over the vault
            return command(*args, **{k: v for k, v in kwargs.items() if k in names})

        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run  # type: ignore[return-value]

    return decorate
