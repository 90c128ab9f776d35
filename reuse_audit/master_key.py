"""Where the master password comes from: hidden prompt, one line of stdin, a command — never argv."""

from __future__ import annotations

import locale
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from reuse_audit.errors import Message, ReuseAuditError, os_reason
from reuse_audit.i18n import N_, Translator
from reuse_audit.secret import Secret
from reuse_audit.vault.unlock import VaultKey


class KeySourceError(ReuseAuditError):
    """The master password could not be obtained; the message is one line for the user."""


@dataclass(frozen=True)
class KeySource:
    keyfile: Path | None = None
    password_stdin: bool = False
    no_password: bool = False
    password_command: str | None = None
    lang: str = "en"  # of the hidden prompt


def read_vault_key(src: KeySource, vault: Path) -> VaultKey:
    """Resolve the vault key from the chosen source; never hang on a prompt without a terminal."""
    chosen = sum([src.password_stdin, src.no_password, src.password_command is not None])
    if chosen > 1:
        raise KeySourceError(N_("choose one of --password-stdin, --no-password and --password-command"))
    if src.no_password:
        if src.keyfile is None:
            raise KeySourceError(N_("--no-password needs --keyfile (a vault must have some key)"))
        return VaultKey(None, src.keyfile)
    if src.password_stdin:
        return VaultKey(password_from_stdin(), src.keyfile)
    if src.password_command is not None:
        return VaultKey(password_from_command(src.password_command), src.keyfile)
    if not sys.stdin.isatty():
        raise KeySourceError(N_(
            "no terminal to ask for the master password: use --password-stdin, --password-command CMD, "
            "or --keyfile with --no-password"
        ))
    import getpass

    try:
        typed = getpass.getpass(Translator(src.lang).text(N_("Master password for {name}: "), name=vault.name))
    except (EOFError, KeyboardInterrupt):
        raise KeySourceError(N_("no master password entered")) from None
    except UnicodeDecodeError:
        raise KeySourceError(_NOT_TEXT, source=Message(_TYPED)) from None
    if not _is_text(typed):
        raise KeySourceError(_NOT_TEXT, source=Message(_TYPED))
    return VaultKey(Secret(typed), src.keyfile)


_NOT_TEXT = N_("{source} is not valid text in UTF-8 (or this system's encoding); KeePass master passwords "
               "are text")
_TYPED = N_("the typed master password")
_STDIN_LINE = N_("{option}: the line on standard input")


def _is_text(value: str) -> bool:
    """False for a str holding undecodable bytes (surrogate escapes), which no KeePass password can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_password(raw: bytes, source: str) -> Secret:
    """One line of bytes as a password: UTF-8, else this system's encoding; KeySourceError when neither fits.

    ``source`` names where it came from ("--password-stdin") for the message, which never quotes the bytes;
    a :class:`~reuse_audit.errors.Message` to be translated.
    """
    line = raw.rstrip(b"\r\n")
    encodings = dict.fromkeys(["utf-8", locale.getpreferredencoding(False) or "utf-8"])
    for encoding in encodings:
        try:
            text = line.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if text.startswith("\ufeff"):
            text = text[1:]  # a byte-order mark some Windows tools put first is not part of the password
        return Secret(text)
    raise KeySourceError(_NOT_TEXT, source=source)


def password_from_stdin(option: str = "--password-stdin") -> Secret:
    """The first line of standard input, read as bytes so that any encoding problem is one clear line."""
    stream = sys.stdin
    if stream is None:
        raise KeySourceError(N_("{option}: there is no standard input"), option=option)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            raw: bytes = buffer.readline()
        else:  # a text-only stdin (embedded use): re-encode what it decoded, undecodable bytes included
            raw = stream.readline().encode("utf-8", "surrogateescape")
    except UnicodeDecodeError:
        raise KeySourceError(_NOT_TEXT, source=Message(_STDIN_LINE, option=option)) from None
    except OSError as exc:
        raise KeySourceError(N_("{option}: cannot read standard input ({reason})"), option=option,
                             reason=os_reason(exc, fallback="None")) from None
    if not raw:
        raise KeySourceError(N_("{option}: nothing on standard input"), option=option)
    _remember_stdin_file(stream)
    return decode_password(raw, Message(_STDIN_LINE, option=option))


def _remember_stdin_file(stream: TextIO) -> None:
    """A file redirected to stdin (``< pw.txt``) is an input: ``-o pw.txt`` must not write the report over it."""
    from reuse_audit.file_access import remember_input

    try:
        remember_input(os.fstat(stream.fileno()), N_("master password file"))
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        pass  # no descriptor (embedded use, a StringIO): nothing to protect


def split_command(command: str, windows: bool = os.name == "nt") -> list[str]:
    """The words of a command line: the POSIX shell's rules; on Windows, where a backslash separates folders,
    its own: spaces separate words, double quotes group them and are removed, backslashes stay
    (``"C:\\Program Files\\KeePassXC\\keepassxc-cli.exe" show ...``). ValueError for an unclosed quote."""
    import shlex

    if not windows:
        return shlex.split(command)
    return [w[1:-1] if len(w) >= 2 and w[0] == w[-1] == '"' else w for w in shlex.split(command, posix=False)]


#: Seconds a password command may take (a pinentry waiting for the user included), as a pipe's writer may pause.
COMMAND_WAIT = 120.0


def password_from_command(command: str, option: str = "--password-command") -> Secret:
    """Run ``command`` (no shell) and return the first line it prints, masked.

    Any failure is a :class:`KeySourceError` naming ``option``; a non-zero exit carries the last line
    of the command's stderr (never its stdout, which may hold the password).
    """
    try:
        argv = split_command(command)
    except ValueError as exc:
        raise KeySourceError(N_("{option}: cannot parse the command ({reason})"), option=option, reason=str(exc)
                             ) from None
    if not argv:
        raise KeySourceError(N_("{option} is empty"), option=option)
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=COMMAND_WAIT, check=False)
    except FileNotFoundError:
        raise KeySourceError(N_("{option}: {command}: command not found"), option=option, command=argv[0]) from None
    except subprocess.TimeoutExpired:
        raise KeySourceError(N_("{option}: {command} did not finish within {seconds:g} s (is it waiting for input "
                                "that nobody can give?)"), option=option, command=argv[0], seconds=COMMAND_WAIT
                             ) from None
    except OSError as exc:
        raise KeySourceError(N_("{option}: {command} failed ({name})"), option=option, command=argv[0],
                             name=type(exc).__name__) from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode(locale.getpreferredencoding(False) or "utf-8", "replace")
        lines = stderr.strip().splitlines()
        last = lines[-1] if lines else Message(N_("(no message)"))
        raise KeySourceError(N_("{option}: {command} exited {code}: {last}"), option=option, command=argv[0],
                             code=proc.returncode, last=last)
    printed = proc.stdout.splitlines()
    if not printed:
        raise KeySourceError(N_("{option}: {command} printed nothing"), option=option, command=argv[0])
    return decode_password(printed[0], Message(N_("{option}: what {command} printed"), option=option, command=argv[0]))
