"""Where the CLI's text goes: the report to stdout or ``-o FILE``; summaries, warnings and progress to stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer

from reuse_audit.errors import InputError, os_reason
from reuse_audit.i18n import N_

ProgressFn = Callable[[int, int], None]


def emit(text: str | Iterable[str], output: Path | None) -> None:
    """Write a report (whole, or in pieces as it is made) to stdout, or privately to ``output`` (see
    :mod:`reuse_audit.safe_write`: whole, once it is all made). A run stopped while a report in pieces is being
    written (Ctrl-C) leaves part of it on stdout, as a stop while a whole one is written always could: the exit
    code says the run failed."""
    from reuse_audit.safe_write import write_private

    if output is None:
        _to_stdout([text] if isinstance(text, str) else text)
        return
    refuse_output_over_input(output)
    whole = text if isinstance(text, str) else "".join(text)
    try:
        write_private(output, whole)
    except OSError as exc:
        raise InputError(N_("{path}: cannot write the report ({reason})"), path=output, reason=os_reason(exc)) from None


#: What a command's file parameters are called in the message of :func:`refuse_output_over_input`.
_INPUT_NAMES = {"vault": N_("KeePass file"), "keyfile": N_("key file"), "history_file": N_("history file"),
                "baseline": N_("baseline file"), "config": N_("config file"), "file": N_("input file")}


def refuse_output_over_input(output: Path, params: Mapping[str, object] | None = None) -> None:
    """InputError when ``output`` is a file this run reads: one it has read already, or one of the command's file
    ``params`` (checked before any work). ``-o`` naming the vault or its key file would destroy it."""
    from reuse_audit.errors import Message
    from reuse_audit.file_access import input_at

    what = input_at(output) or next((_INPUT_NAMES.get(name, N_("input file")) for name, given in _paths(params or {})
                                     if name != "output" and _same_file(given, output)), None)
    if what is not None:
        raise InputError(N_("{path}: is the {what} this command reads; refusing to write the report over it: "
                            "give another file name"), path=output, what=Message(what))


def _paths(params: Mapping[str, object]) -> Iterator[tuple[str, Path]]:
    """Each path among the command's parameters (a list of them included), with its parameter's name."""
    for name, value in params.items():
        for given in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(given, Path):
                yield name, given


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.is_file() and os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _to_stdout(pieces: Iterable[str]) -> None:
    """A terminal gets text (the console shows Unicode); a file or a pipe gets UTF-8 bytes, as ``-o FILE`` does,
    whatever the locale: Windows would write its ANSI code page, which cannot hold every name, and add a CR to
    every line."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or sys.stdout.isatty():
        for text in pieces:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    errors = getattr(sys.stdout, "errors", None) or "strict"
    for text in pieces:
        for start in range(0, len(text), 1 << 20):  # a large piece is not copied whole once more
            buffer.write(text[start : start + (1 << 20)].encode("utf-8", errors))
    buffer.flush()


#: Output file extensions and the format each implies (``.txt``: the terminal's table/list).
EXTENSIONS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html",
              ".htm": "html", ".txt": "table"}
#: Extensions of formats no command writes: `-o report.pdf` would get a text table under a PDF's name.
OTHER_FORMATS = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".xml", ".yaml",
                           ".yml", ".tsv", ".toml", ".png", ".jpg", ".jpeg", ".svg", ".zip"})
F = TypeVar("F", bound=StrEnum)


def chosen_format(ctx: typer.Context, given: F, output: Path | None) -> F:
    """The format to write: ``--format`` from the command line, else the extension of ``-o FILE``, else the
    one from the environment, the config file or the default. A command-line ``--format`` that contradicts
    the extension is an error (it would write, say, a text table into a .html file)."""
    kind = type(given)
    suffix = output.suffix.lower() if output is not None else ""
    implied = EXTENSIONS.get(suffix) or (suffix[1:] if suffix in OTHER_FORMATS else None)
    if implied is None:
        return given
    if implied not in {m.value for m in kind}:  # `bounces -o x.html` would write a text table into it
        raise InputError(N_("{path} is a .{implied} file, which this command does not write (it writes {formats}): "
                            "give the file another name"), path=output, implied=suffix[1:],
                         formats=", ".join(m.value for m in kind))
    source = ctx.get_parameter_source("output_format")
    if getattr(source, "name", "") == "COMMANDLINE":
        if given.value != implied:
            raise InputError(N_("--format {given} does not match the file name {path} (a .{implied} file): change "
                                "one of them"), given=given.value, path=output, implied=suffix[1:])
        return given
    return kind(implied)


def note(line: str) -> None:
    """One line on stderr (summaries, warnings): wrapped to the terminal's width when stderr is one (a CJK
    character counted as two columns, a URL kept whole), one line as it is for a log or a script."""
    if not sys.stderr.isatty():
        typer.echo(line, err=True)
        return
    import shutil

    from reuse_audit.report.wrap import wrap

    width = shutil.get_terminal_size((100, 24)).columns
    typer.echo("\n".join(wrap(line, max(width, 20))), err=True)


def on_one_screen(output: Path | None) -> bool:
    """The report and stderr both go to the same terminal: a note the report ends with need not follow it on
    stderr too."""
    return output is None and sys.stdout.isatty() and sys.stderr.isatty()


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


def text_width() -> int:
    """The width text output follows: ``COLUMNS`` when set, else the terminal's, else 100 columns."""
    import os
    import shutil

    from reuse_audit.report import DEFAULT_WIDTH

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def use_color(output: Path | None) -> bool:
    """Colour only on a terminal, never in a file, and never when ``NO_COLOR`` is set (no-color.org)."""
    import os

    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
