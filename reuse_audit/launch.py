"""The ``reuse-audit`` console script and ``python -m reuse_audit``: a Ctrl-C or SIGTERM that comes while the
command line's modules are still being imported (the first tenth of a second or so) ends the run with the
same one line and exit code as later (130, 143), never a ``KeyboardInterrupt`` traceback. Nothing has started
yet then: no worker, no file, no output. This module imports nothing heavy, so the handlers are in place at
once; :func:`reuse_audit.cli.main` puts its own in place of them."""

from __future__ import annotations

import os
import signal
import sys

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _EarlyStop(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_early(signum: int, _frame: object) -> None:
    raise _EarlyStop(signum)


def _leave_now(signum: int, _frame: object) -> None:
    os._exit(128 + signum)  # a second signal while the line is being made


def main() -> None:
    """Entry point: :func:`reuse_audit.cli.main` once its modules are imported."""
    for signum in _SIGNALS:
        signal.signal(signum, _stop_early)
    try:
        from reuse_audit.cli import main as run

        run()  # replaces the handlers first thing, and never returns
    except _EarlyStop as stop:
        for signum in _SIGNALS:
            signal.signal(signum, _leave_now)
        _interrupted(stop.signum)


def _interrupted(signum: int) -> None:
    try:
        from reuse_audit.failure import interrupted_line, run_lang

        line = interrupted_line(run_lang())  # --lang is not parsed yet: REUSE_AUDIT_LANG or the locale's
    except Exception:  # noqa: BLE001 - the last words must not fail
        line = "reuse-audit: interrupted"
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(128 + signum)
