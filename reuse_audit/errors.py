"""The one error base of reuse-audit, and the exit codes every command shares.

Each layer raises its own subclass of :class:`ReuseAuditError` (``VaultError``, ``ExposureServiceError``,
``HygieneInputError``, ...). Its message is one line fit for the user, holding no secret; its
``exit_code`` is what the CLI exits with. The CLI maps them in one place.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (see the README's table)."""

    OK = 0
    FINDINGS = 1  # audit: findings at --fail-on; bounces: an address is compromised or undetermined
    INPUT = 2  # usage or input error: bad vault, wrong credentials, missing file, bad option
    INCOMPLETE = 3  # a check could not complete and --strict was given
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM


class ReuseAuditError(Exception):
    """Something the user must fix or know; ``str(err)`` is one line without any secret."""

    exit_code: ExitCode = ExitCode.INPUT


class InputError(ReuseAuditError):
    """A command-line value or input file that cannot be used (generic; layers have their own subclasses)."""
