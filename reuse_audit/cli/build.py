"""The one place that turns parsed command-line options into the library's options objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse_audit.errors import InputError
from reuse_audit.i18n import N_

if TYPE_CHECKING:
    from reuse_audit.audit import AuditOptions
    from reuse_audit.bounces import ImapLogin
    from reuse_audit.breaches import BreachSettings
    from reuse_audit.credentials import VaultContents
    from reuse_audit.exposure.settings import ExposureSettings
    from reuse_audit.vault.source import PasswordSink


DERIVING = N_("Deriving the vault key")  # the progress bar while the key derivation runs


def language(params: Mapping[str, Any]) -> str:
    """``--lang`` (or the locale when not given) as "en" or "ja"; exit 2 for another language."""
    from reuse_audit.i18n import resolve_lang

    try:
        return resolve_lang(params.get("lang"))
    except ValueError:
        raise InputError(N_("unknown --lang {lang!r} (en or ja)"), lang=params.get("lang")) from None


def exposure_settings(params: Mapping[str, Any]) -> ExposureSettings:
    """``--offline``, ``--hibp-url``, ``--hibp-file``, ``--hibp-workers``, ``--hibp-deadline``."""
    from reuse_audit.exposure.settings import ExposureSettings

    return ExposureSettings(offline=params["offline"], hibp_url=params["hibp_url"], hibp_file=params["hibp_file"],
                            workers=params["hibp_workers"], deadline=params["hibp_deadline"])


def audit_options(params: Mapping[str, Any], *, include_excluded: bool | None = None) -> AuditOptions:
    """The checks, the password policy and exposure settings of `audit`, `plan` and `baseline create`."""
    from reuse_audit.audit import AuditOptions
    from reuse_audit.checks.strength import StrengthPolicy
    from reuse_audit.findings import Check, parse_checks

    checks = parse_checks(params["checks"])
    return AuditOptions(
        checks=checks,
        policy=StrengthPolicy(params["min_length"], params["require_symbol"]),
        include_excluded=params["include_excluded"] if include_excluded is None else include_excluded,
        exposure=exposure_settings(params),
        check_settings={Check.BREACHES.value: breach_settings(params, read_file=Check.BREACHES in checks)},
    )


def breach_settings(params: Mapping[str, Any], *, read_file: bool = True) -> BreachSettings:
    """``--hibp-api-url`` (checked now) and ``--breaches-file`` (read now, once, so a pipe works: exit 2 when it is
    not a breach list)."""
    from reuse_audit.breaches import BreachSettings
    from reuse_audit.breaches.fetch import breaches_url
    from reuse_audit.breaches.load import read_breaches_file
    from reuse_audit.breaches.settings import DEFAULT_HIBP_API_URL

    api_url = params.get("hibp_api_url") or DEFAULT_HIBP_API_URL
    breaches_url(api_url)
    file: Path | None = params.get("breaches_file")
    preloaded = read_breaches_file(file) if file is not None and read_file else None
    return BreachSettings(api_url=api_url, file=file, preloaded=preloaded)


def unlock(params: Mapping[str, Any], vault: Path | None = None, passwords: PasswordSink | None = None
           ) -> VaultContents:
    """Unlock the vault (``vault`` or the command's VAULT argument) with the key options the user gave;
    ``passwords`` as :func:`~reuse_audit.vault.source.load_vault` has it."""
    from reuse_audit.cli.output import progress_bar
    from reuse_audit.master_key import KeySource, read_vault_key
    from reuse_audit.vault.header import read_header
    from reuse_audit.vault.source import load_vault

    path = vault if vault is not None else params["vault"]
    read_header(path)  # a missing or foreign file fails before we ask for a password
    from reuse_audit.i18n import Translator

    lang = language(params)
    source = KeySource(params["keyfile"], params["password_stdin"], params["no_password"],
                       params["password_command"], lang)
    key = read_vault_key(source, path)
    with progress_bar(bool(params.get("quiet")), Translator(lang).gettext(DERIVING)) as update:
        return load_vault(path, key, progress=update, passwords=passwords)


@dataclass(frozen=True)
class MailToRead:
    """The mail a command reads (``bounces``' SOURCEs, ``plan --breached-from``) and how: whose it is
    (``--me``), the Sent folders, the relay hosts and how far back (``--since``)."""

    sources: tuple[str, ...]
    me: tuple[str, ...]
    sent: tuple[str, ...]
    relays: tuple[str, ...]
    since: datetime | None

    @property
    def needs_imap(self) -> bool:
        from reuse_audit.bounces.sources import is_imap_url

        return any(map(is_imap_url, (*self.sources, *self.sent)))


def _address(text: str) -> str:
    """An address as mail names it: no surrounding space, no final dot of a fully qualified domain, lower case."""
    return text.strip().rstrip(".").lower()


def mail_to_read(params: Mapping[str, Any], sources: list[str]) -> MailToRead:
    """The mail options, checked before any password is asked for: a bad ``imaps://`` URL, ``--since`` or
    ``--me`` (a typo would silently clear a compromised address) is exit 2 at once."""
    from reuse_audit.bounces.sources import ImapFolder, is_imap_url
    from reuse_audit.services.domains import is_email
    from reuse_audit.times import parse_since

    since = parse_since(params["since"]) if params["since"] else None
    if params["password_stdin"] and params["imap_password_stdin"]:
        raise InputError(N_("only one option may read stdin: --password-stdin or --imap-password-stdin"))
    sent = tuple(params["sent"] or ())
    for spec in (*sources, *sent):
        if is_imap_url(spec):
            ImapFolder.parse(spec)
    me = tuple(_address(a) for a in params["me"] or ())  # " Admin@AAA.JP. " is admin@aaa.jp: it matched nothing
    for given, address in zip(params["me"] or (), me, strict=True):
        if not is_email(address):
            raise InputError(N_("--me {value!r} is not an e-mail address"), value=given)
    return MailToRead(tuple(sources), me, sent, tuple(params["relay"] or ()), since)


def imap_login(params: Mapping[str, Any], *, stdin_taken: bool) -> ImapLogin:
    """The IMAP login from ``--imap-user`` and a password from stdin, a command, or a hidden prompt.

    ``stdin_taken``: another option (the vault password) already reads stdin; only one of them may.
    """
    import getpass
    import sys

    from reuse_audit.bounces import ImapLogin
    from reuse_audit.master_key import password_from_command
    from reuse_audit.secret import Secret

    user, ca_file = params["imap_user"], params["ca_file"]
    from_stdin, command = params["imap_password_stdin"], params["imap_password_command"]
    if not user:
        raise InputError(N_("an imaps:// source needs --imap-user"))
    if from_stdin and command:
        raise InputError(N_("give only one of --imap-password-stdin and --imap-password-command"))
    if ca_file is not None and not ca_file.is_file():
        raise InputError(N_("--ca-file: no such file: {path}"), path=ca_file)
    if from_stdin:
        if stdin_taken:
            raise InputError(N_("only one option may read stdin: --password-stdin or --imap-password-stdin"))
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError(N_("--imap-password-stdin: nothing on standard input"))
        password = Secret(line)
    elif command:
        password = password_from_command(command, "--imap-password-command")
    else:
        from reuse_audit.cli.output import terminal_available

        if not terminal_available():  # getpass would warn, then read the password from stdin, echoed
            raise InputError(N_("no terminal to ask for the IMAP password: use --imap-password-stdin or "
                                "--imap-password-command CMD"))
        try:
            from reuse_audit.i18n import Translator

            prompt = Translator(language(params)).text(N_("IMAP password for {user}: "), user=user)
            password = Secret(getpass.getpass(prompt))
        except (EOFError, KeyboardInterrupt):
            raise InputError(N_("no IMAP password given")) from None
    return ImapLogin(user, password, ca_file, deadline=params["imap_deadline"])
