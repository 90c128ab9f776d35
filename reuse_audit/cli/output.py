"""Where the CLI's text goes: the report to stdout or ``-o FILE``; summaries, warnings and progress to stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from reuse_audit.errors import InputError

ProgressFn = Callable[[int, int], None]


def emit(text: str, output: Path | None) -> None:
    """Write a report to stdout, or privately to ``output`` (see :mod:`reuse_audit.safe_write`)."""
    from reuse_audit.safe_write import write_private

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_private(output, text)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the report ({exc.strerror or type(exc).__name__})") from None


def note(line: str) -> None:
    """One line on stderr (summaries, warnings)."""
    typer.echo(line, err=True)


@contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[ProgressFn | None]:
    """A rich progress callback on stderr, or None when quiet or stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        if total > 5:
            progress.start()
            progress.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        progress.stop()


def terminal_available() -> bool:
    """Whether a hidden prompt can be shown: a controlling terminal (POSIX) or a console (Windows).

    getpass reads the controlling terminal, not stdin, so a piped stdin does not rule a prompt out.
    """
    import os

    if os.name == "nt":
        return sys.stdin.isatty()
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def table_width() -> int | None:
    """The terminal's width for tables, or 160 columns when stdout is not a terminal."""
    import shutil

    return shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 160
