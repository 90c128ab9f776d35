"""`plan` and `demo`: what to rotate first after a breach, and why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reuse_audit.cli import options as o
from reuse_audit.cli.output import chosen_format, emit, note, text_width, use_color
from reuse_audit.errors import ExitCode, InputError
from reuse_audit.i18n import N_
from reuse_audit.plan.choices import PlanFormat

if TYPE_CHECKING:
    from collections.abc import Callable

    from reuse_audit.audit import AuditOptions
    from reuse_audit.breaches.load import BreachList
    from reuse_audit.checks.strength import EarlyScoring
    from reuse_audit.credentials import VaultContents
    from reuse_audit.plan.model import BreachTime
    from reuse_audit.plan.ranking import BreachInput
    from reuse_audit.reasons import Reason
    from reuse_audit.secret import Secret


PlanFormatOpt = Annotated[PlanFormat, typer.Option("--format", "-f", envvar=o.env("FORMAT"), case_sensitive=False,
                                                   help="Plan format.")]

def _no_breach_time() -> BreachTime:
    """No breach time given (the plan's model is imported when a plan is made, not to declare the options)."""
    from reuse_audit.plan.model import BreachTime

    return BreachTime()


@dataclass(frozen=True)
class BreachRequest:
    """What the user said was breached: selectors, a typed stolen password, what the mailbox showed."""

    selectors: tuple[str, ...] = ()
    stolen: tuple[Secret, ...] = ()
    evidence: tuple[Reason, ...] = ()
    time: BreachTime = field(default_factory=_no_breach_time)
    shown_compromised: tuple[str, ...] = ()  # addresses the mail showed compromised (--breached-from)
    mail_read: bool = False  # --breached-from was given (and maybe showed nothing)


@dataclass(frozen=True)
class PlanOutput:
    """How to show the plan."""

    fmt: PlanFormat
    lang: str
    show_all: bool
    output: Path | None
    quiet: bool
    strict: bool


class _SharedBreachList:
    """The breach list `--breached NAME` is resolved with: loaded at most once, then handed to the check."""

    def __init__(self, options: AuditOptions) -> None:
        from reuse_audit.breaches import BreachSettings
        from reuse_audit.findings import Check

        given = options.check_settings.get(Check.BREACHES.value)
        self.settings = given if isinstance(given, BreachSettings) else BreachSettings()
        self.offline = options.exposure.offline
        self.loaded: BreachList | None = None

    def load(self) -> BreachList:
        from reuse_audit.breaches.load import load_breach_list

        if self.loaded is None:
            self.loaded = load_breach_list(self.settings, offline=self.offline)
        return self.loaded

    def share(self, options: AuditOptions) -> AuditOptions:
        """``options`` whose breach check uses the list already loaded (none is fetched twice)."""
        from reuse_audit.findings import Check

        if self.loaded is None:
            return options
        settings = replace(self.settings, preloaded=self.loaded)
        return replace(options, check_settings={**options.check_settings, Check.BREACHES.value: settings})


def _breach(request: BreachRequest, contents: VaultContents, breach_list: _SharedBreachList | None = None
            ) -> BreachInput | None:
    """Resolve the selectors against the vault (exit 2 with near matches when one matches nothing)."""
    from reuse_audit.plan.breach import Selection, SelectorError, select
    from reuse_audit.plan.model import BreachTime, BreachTimeSource
    from reuse_audit.plan.ranking import BreachInput

    if not (request.selectors or request.stolen or request.evidence):
        return None
    hide = contents.redact  # a selector is echoed in the plan: never let one that happens to be a password through
    if not (request.selectors or request.stolen):
        return BreachInput(Selection((), (), (), {}), (), (), _hidden(request.evidence, hide), request.time)
    try:
        selection = select(request.selectors, list(contents.credentials),
                           breach_list.load if breach_list is not None else None, hide,
                           outside_ok=bool(request.stolen), outside=frozenset(request.shown_compromised))
    except SelectorError as exc:
        raise SelectorError(exc.message.redacted(hide)) from None
    selection = replace(selection, how={u: hide(v) for u, v in selection.how.items()})
    time = request.time
    if time.at is None and selection.breached_at is not None:  # a breach of the list: its BreachDate
        time = BreachTime(selection.breached_at, BreachTimeSource.BREACH_LIST)
    return BreachInput(selection, tuple(hide(x) for x in request.selectors), request.stolen,
                       _hidden(request.evidence, hide), time)


def _hidden(evidence: tuple[Reason, ...], hide: Callable[[str], str]) -> tuple[Reason, ...]:
    """What the mail showed, as the plan shows it: an address that holds a vault password hidden, as in the
    vault's own fields ("bounces about tanaka@[hidden].jp")."""
    return tuple(reason.hidden(hide) for reason in evidence)


def make_plan(contents: VaultContents, options: AuditOptions, request: BreachRequest, how: PlanOutput, *,
              include_excluded: bool, early: EarlyScoring | None = None) -> None:
    """Select the breach, run the checks (with the scoring ``early`` started while the vault was read), rank, and
    print the plan; exits."""
    from reuse_audit.cli.audit_cmd import incomplete, run_checks
    from reuse_audit.i18n import Translator
    from reuse_audit.plan.formats import RenderOptions, render_plan
    from reuse_audit.plan.ranking import build_plan
    from reuse_audit.plan.wording import STDERR_SUMMARY, WITH_NOTE
    from reuse_audit.reasons import Reason, ReasonCode
    from reuse_audit.report.audit_document import audit_document

    breach_list = _SharedBreachList(options)
    if early is not None:
        early.poll()  # each worker takes a task of the scoring left before the breach is resolved
    if request.stolen:  # the typed stolen password is hidden wherever vault text holds it, as the vault's own are
        from reuse_audit.vault.source import hiding_also

        contents = hiding_also(contents, (s.reveal() for s in request.stolen))
    breach = _breach(request, contents, breach_list)
    result = run_checks(contents, breach_list.share(options), how.quiet, early)
    made = build_plan(result, breach, include_excluded=include_excluded)
    if request.mail_read and not request.shown_compromised:  # the saved plan says so too, not stderr only
        made = replace(made, notes=(Reason.of(ReasonCode.MAIL_SHOWED_NOTHING), *made.notes))
    doc = audit_document(result, entries=False)  # its vault and groups only
    extra = {"vault": doc["vault"], "reuse_groups": doc["reuse_groups"], "variant_groups": doc["variant_groups"]}
    rendering = RenderOptions(lang=how.lang, show_all=how.show_all, width=text_width(),
                              color=use_color(how.output), extra=extra, vault_name=Path(contents.path).name)
    emit(render_plan(made, how.fmt, rendering), how.output)
    if not how.quiet:
        t = Translator(how.lang)
        line = t.text(STDERR_SUMMARY, todo=sum(1 for s in made.todo if not s.finished), total=len(made.todo))
        if made.exposure_note:
            line = t.text(WITH_NOTE, line=line, note=t.reason(made.exposure_note))
        note(line)
    if how.strict and incomplete(result):
        raise typer.Exit(ExitCode.INCOMPLETE)
    raise typer.Exit(ExitCode.OK)


def _prompt_stolen_password(lang: str) -> tuple[Secret, ...]:
    import getpass

    from reuse_audit.cli.output import terminal_available
    from reuse_audit.i18n import Translator
    from reuse_audit.secret import Secret as Stolen

    if not terminal_available():
        raise InputError(N_("--breached-password-prompt needs a terminal to ask on"))
    try:
        value = getpass.getpass(Translator(lang).gettext(N_("The stolen (breached) password, hidden: ")))
    except (EOFError, KeyboardInterrupt):
        raise InputError(N_("no breached password entered")) from None
    if not value:
        raise InputError(N_("no breached password entered"))
    return (Stolen(value),)


def breach_time(ctx: typer.Context, evidence: tuple[Reason, ...]) -> BreachTime:
    """``--breached-at`` (command line or REUSE_AUDIT_BREACHED_AT, never the config file), else the start of
    the bounce burst that made an address compromised."""
    from datetime import datetime

    from reuse_audit.plan.model import BreachTime, BreachTimeSource
    from reuse_audit.reasons import ReasonCode
    from reuse_audit.times import parse_instant

    text = ctx.params.get("breached_at")
    if text:
        source = getattr(ctx.get_parameter_source("breached_at"), "name", "")
        if source not in ("COMMANDLINE", "ENVIRONMENT"):
            raise InputError(N_("--breached-at is taken from the command line or REUSE_AUDIT_BREACHED_AT only, "
                                "never from the config file (an old incident must not apply silently)"))
        at = parse_instant(text, "--breached-at")  # (a time in the future is refused there)
        if at.year < 1990:  # before any password manager: a typo (1900 for 2019)
            raise InputError(N_("--breached-at {at} is before 1990: give the date of this breach"), at=text)
        return BreachTime(at, BreachTimeSource.OPTION if source == "COMMANDLINE" else BreachTimeSource.ENVIRONMENT)
    shows = (ReasonCode.MAILBOX_SHOWS_COMPROMISED, ReasonCode.MAILBOX_SHOWS_UNDETERMINED)
    starts = [s for e in evidence if e.code in shows and isinstance(s := e.get("start"), datetime)]
    if starts:
        return BreachTime(min(starts), BreachTimeSource.BOUNCES)
    return BreachTime()


def _breached_from(ctx: typer.Context, lang: str, quiet: bool) -> tuple[tuple[Reason, ...], list[str]]:
    """Read bounces from each ``--breached-from`` source; what the mail showed, and the compromised addresses."""
    params = ctx.params
    sources: list[str] = params["breached_from"] or []
    if not sources:
        given = [f"--{p.name}" for p in o.MAIL
                 if params[p.name] and getattr(ctx.get_parameter_source(p.name), "name", "") == "COMMANDLINE"]
        if given:  # typed for --breached-from's mail, they would be ignored (the config file's and the
            # environment's serve `bounces` too)
            raise InputError(N_("{options}: only with --breached-from SOURCE (how to read its mail)"),
                             options=", ".join(given))
        return (), []
    from reuse_audit.bounces import find_compromised
    from reuse_audit.cli.build import imap_login, mail_to_read
    from reuse_audit.i18n import Translator
    from reuse_audit.plan.wording import NO_COMPROMISED

    # a bad source is said as `bounces` says it (the message names the path or URL, of --breached-from or --sent)
    mail = mail_to_read(params, sources)
    if mail.needs_imap and params["offline"]:
        raise InputError(N_("--offline opens no connection: an imaps:// source needs one (save the folder as an mbox "
                            "file, or leave --offline out)"))
    login = imap_login(params, stdin_taken=params["password_stdin"]) if mail.needs_imap else None
    scan = find_compromised(mail.sources, me=mail.me, sent=mail.sent, relays=mail.relays, since=mail.since,
                            imap_login=login)
    if not scan.breached and not quiet:
        note(f"reuse-audit: {Translator(lang).text(NO_COMPROMISED)}")
    return tuple(scan.summaries[a] for a in scan.breached), list(scan.breached)


@o.with_options(before=o.VAULT, after=o.MAIL + o.IMAP + o.UNLOCK + o.CHECKS)
def plan(
    ctx: typer.Context,
    breached: Annotated[list[str] | None, typer.Option(
        "--breached", envvar=o.env("BREACHED"), metavar="SELECTOR",
        help="What was breached: entry UUID, e-mail address, title, a breach's Name in Have I Been Pwned's "
             "list, or host/domain (repeatable).")] = None,
    breached_from: Annotated[list[str] | None, typer.Option(
        "--breached-from", envvar=o.env("BREACHED_FROM"), metavar="SOURCE",
        help="Mail source(s) to read bounces from; breaches every address found compromised (repeatable).")
    ] = None,
    breached_at: Annotated[str | None, typer.Option(
        "--breached-at", envvar=o.env("BREACHED_AT"), metavar="TIME",
        help="When the breach happened (ISO 8601 date or date-time; Z, an offset, or local time): each account's "
             "breached password is the one it held then. Default: from --breached-from, else the last 90 days.")
    ] = None,
    breached_password_prompt: Annotated[bool, typer.Option(
        "--breached-password-prompt", envvar=o.env("BREACHED_PASSWORD_PROMPT"),
        help="Ask (hidden) for the stolen password, to find sharers and variants of a mailbox kept "
             "outside the vault.")] = False,
    output_format: PlanFormatOpt = PlanFormat.TABLE,
    output: o.OutputOpt = None,
    show_all: o.ShowAllOpt = False,
    lang: o.LangOpt = None,
    strict: o.StrictOpt = False,
    config: o.ConfigOpt = None,
    quiet: o.QuietOpt = False,
) -> None:
    """Make an ordered, explained rotation plan: what to change first after a breach, and why.

    Exit 0 the plan was made, 2 usage or input error, 3 a check could not complete (--strict).
    """
    from reuse_audit.checks.workers import discard_prestarted
    from reuse_audit.cli.audit_cmd import unlock_scoring
    from reuse_audit.cli.build import audit_options, language

    params = ctx.params
    lang_code = language(params)
    # every check of the plan runs on excluded entries too: exclusion silences hygiene, never a breach
    options = audit_options(params, include_excluded=True)
    evidence, from_addresses = _breached_from(ctx, lang_code, quiet)
    time = breach_time(ctx, evidence)
    stolen = _prompt_stolen_password(lang_code) if breached_password_prompt else ()
    request = BreachRequest(tuple(breached or []) + tuple(from_addresses), stolen, evidence, time,
                            tuple(from_addresses), mail_read=bool(breached_from))
    how = PlanOutput(chosen_format(ctx, output_format, output), lang_code, show_all, output, quiet, strict)
    contents, early = unlock_scoring(params, options)
    try:
        make_plan(contents, options, request, how, include_excluded=bool(params["include_excluded"]), early=early)
    finally:
        discard_prestarted()  # a plan that ends before its checks (no such entry) leaves no worker behind


def demo(
    ctx: typer.Context,
    output_format: PlanFormatOpt = PlanFormat.TABLE,
    output: o.OutputOpt = None,
    lang: o.LangOpt = None,
    show_all: o.ShowAllOpt = False,
    quiet: o.QuietOpt = False,
    config: o.ConfigOpt = None,
) -> None:
    """Run the main job on the bundled demo vault: `plan --breached admin@aaa.jp`, offline.

    The demo vault's master password is aaa-demo-2026; its breach-corpus excerpt ships with it.
    """
    from reuse_audit.audit import AuditOptions
    from reuse_audit.cli.build import language
    from reuse_audit.demo import demo_paths, demo_vault
    from reuse_audit.exposure.settings import ExposureSettings
    from reuse_audit.findings import Check

    how = PlanOutput(chosen_format(ctx, output_format, output), language(ctx.params), show_all, output, quiet, False)
    with demo_paths() as (vault_path, pwned_path):
        # offline, as on the day of a breach without a network: the breach list would only say "not checked"
        options = AuditOptions(checks=frozenset(Check) - {Check.BREACHES}, include_excluded=True,
                               exposure=ExposureSettings(offline=True, hibp_file=pwned_path))
        make_plan(demo_vault(vault_path), options, BreachRequest(("admin@aaa.jp",)), how, include_excluded=False)


def register(app: typer.Typer) -> None:
    from reuse_audit.cli import guarded

    app.command("plan", short_help="What to change first after a breach, and why.")(guarded(plan))
    app.command("demo", short_help="The plan on the bundled demo vault, offline.")(guarded(demo))
