"""Where the master password comes from: hidden prompt, one line of stdin, a command — never argv."""

from __future__ import annotations

import getpass
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from reuse_audit.errors import ReuseAuditError
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


def read_vault_key(src: KeySource, vault: Path) -> VaultKey:
    """Resolve the vault key from the chosen source; never hang on a prompt without a terminal."""
    chosen = sum([src.password_stdin, src.no_password, src.password_command is not None])
    if chosen > 1:
        raise KeySourceError("choose one of --password-stdin, --no-password and --password-command")
    if src.no_password:
        if src.keyfile is None:
            raise KeySourceError("--no-password needs --keyfile (a vault must have some key)")
        return VaultKey(None, src.keyfile)
    if src.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise KeySourceError("--password-stdin: nothing on standard input")
        return VaultKey(Secret(line.rstrip("\r\n")), src.keyfile)
    if src.password_command is not None:
        return VaultKey(password_from_command(src.password_command), src.keyfile)
    if not sys.stdin.isatty():
        raise KeySourceError(
            "no terminal to ask for the master password: use --password-stdin, --password-command CMD, "
            "or --keyfile with --no-password"
        )
    try:
        return VaultKey(Secret(getpass.getpass(f"Master password for {vault.name}: ")), src.keyfile)
    except (EOFError, KeyboardInterrupt):
        raise KeySourceError("no master password entered") from None


def password_from_command(command: str, option: str = "--password-command") -> Secret:
    """Run ``command`` (no shell) and return the first line it prints, masked.

    Any failure is a :class:`KeySourceError` naming ``option``; a non-zero exit carries the last line
    of the command's stderr (never its stdout, which may hold the password).
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise KeySourceError(f"{option}: cannot parse the command ({exc})") from None
    if not argv:
        raise KeySourceError(f"{option} is empty")
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    except FileNotFoundError:
        raise KeySourceError(f"{option}: {argv[0]}: command not found") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KeySourceError(f"{option}: {argv[0]} failed ({type(exc).__name__})") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise KeySourceError(f"{option}: {argv[0]} exited {proc.returncode}: {last}")
    lines = proc.stdout.splitlines()
    if not lines:
        raise KeySourceError(f"{option}: {argv[0]} printed nothing")
    return Secret(lines[0])
