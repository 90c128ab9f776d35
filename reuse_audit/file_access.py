"""Reads the files a user points reuse-audit at (vault, key file, config, baseline, history), whatever they are.

A regular file is read. A pipe (``--keyfile <(pass show ...)``, ``/dev/fd/N``, a named FIFO) is read when
something writes to it, but never waited on forever: nothing written within ``fifo_wait`` seconds, or a
writer that stops sending for ``idle_wait`` seconds, is one clear line. A directory, a device (``/dev/null``,
``/dev/zero``, a terminal) or a socket is refused before it is opened, so a device is never read forever.
Every failure is one true line naming the path and what it is, raised as the caller's own
:class:`~reuse_audit.errors.ReuseAuditError` subclass (``error=``).

Inputs that need random access (the HIBP file, mailboxes) use :func:`path_kind` /
:func:`require_regular_file` to refuse pipes instead.

Portability: POSIX pipes are opened ``O_NONBLOCK`` and polled; where ``O_NONBLOCK`` does not exist (Windows)
a pipe is read by a helper thread the caller stops waiting for after the same timeouts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import stat
import threading
import time
from enum import StrEnum
from pathlib import Path

from reuse_audit.errors import InputError, Message, ReuseAuditError, os_reason
from reuse_audit.i18n import N_

FIFO_WAIT = 5.0  # seconds for a writer to send something into a pipe we read
IDLE_WAIT = 120.0  # seconds a writer may pause (e.g. `pass` waiting for a pinentry) before we give up
STREAM_LIMIT = 1 << 30  # bytes read from a pipe at most: `<(yes)` is an error, not an out-of-memory
_CHUNK = 1 << 16
_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)


#: The regular files this process has read, by (device, inode), each with what it is (an ``N_`` msgid): a report
#: must never be written over one of them (``-o`` naming the vault or its key file would destroy it).
_read_files: dict[tuple[int, int], str] = {}


def remember_input(st: os.stat_result, what: str) -> None:
    """Note that the regular file ``st`` describes is an input of this run (see :func:`input_at`)."""
    if stat.S_ISREG(st.st_mode) and st.st_ino:
        _read_files.setdefault((st.st_dev, st.st_ino), what)


#: Folders whose files this run reads (a Maildir, a folder of .eml files, the corpus's range files), each with
#: what it is: an existing file in one is an input too. Our own package's files always are.
_OWN_FOLDER = os.path.realpath(Path(__file__).parent)
_read_folders: dict[str, str] = {_OWN_FOLDER: N_("program file")}


def remember_input_folder(path: Path, what: str) -> None:
    """Note that the files in folder ``path`` (and below it) are inputs of this run (see :func:`input_at`)."""
    with contextlib.suppress(OSError, ValueError):
        _read_folders.setdefault(os.path.realpath(path), what)


def forget_inputs() -> None:
    """Start a new run's record of its inputs (a process may run several commands: tests, embedding)."""
    _read_files.clear()
    for folder in [f for f in _read_folders if f != _OWN_FOLDER]:
        del _read_folders[folder]


def input_at(path: Path) -> str | None:
    """What ``path`` is ("KeePass file", "key file", ...) when it is, or links to, a file this run read (also by
    a hard link), or an existing file in a folder it reads; else None."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    what = _read_files.get((st.st_dev, st.st_ino)) if st.st_ino else None
    if what is None:
        real = os.path.realpath(path)
        what = next((w for folder, w in _read_folders.items() if real.startswith(folder.rstrip(os.sep) + os.sep)),
                    None)
    return what


class PathKind(StrEnum):
    """What a path is (after following symlinks); the value is how a message names it (marked for translation)."""

    MISSING = N_("missing")
    REGULAR = N_("regular file")
    DIRECTORY = N_("directory")
    FIFO = N_("pipe")
    CHAR_DEVICE = N_("character device")
    BLOCK_DEVICE = N_("block device")
    SOCKET = N_("socket")
    OTHER = N_("special file")


def kind_of_mode(mode: int) -> PathKind:
    """The :class:`PathKind` of an ``st_mode``."""
    if stat.S_ISREG(mode):
        return PathKind.REGULAR
    if stat.S_ISDIR(mode):
        return PathKind.DIRECTORY
    if stat.S_ISFIFO(mode):
        return PathKind.FIFO
    if stat.S_ISCHR(mode):
        return PathKind.CHAR_DEVICE
    if stat.S_ISBLK(mode):
        return PathKind.BLOCK_DEVICE
    if stat.S_ISSOCK(mode):
        return PathKind.SOCKET
    return PathKind.OTHER


def path_kind(path: Path) -> PathKind:
    """What ``path`` is, following symlinks; MISSING when it (or a parent) does not exist.

    Raises ``OSError`` (e.g. ``PermissionError`` for a folder on the way that may not be searched, or a
    symlink loop); :func:`require_regular_file` and :func:`read_input` turn those into one line.
    """
    try:
        return kind_of_mode(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return PathKind.MISSING


def kind_word(kind: PathKind) -> Message:
    """What ``kind`` is called in a message ("pipe"), translatable; its English is ``kind.value``."""
    return Message(kind.value)


def a_noun(noun: str) -> Message:
    """``noun`` (an ``N_`` msgid such as "key file") with its English article: "a key file", "an HIBP file"."""
    if noun[:1].lower() in "aeiou":
        return Message(N_("an {noun}"), noun=Message(noun))
    return Message(N_("a {noun}"), noun=Message(noun))


def _not_a(path: Path, kind: PathKind, what: str) -> Message:
    return Message(N_("{path}: is {kind}, not {what}"), path=path, kind=a_noun(kind.value), what=a_noun(what))


def _os_problem(path: Path, exc: OSError, what: str) -> Message:
    if isinstance(exc, PermissionError):
        return Message(N_("{path}: permission denied (cannot read this {what})"), path=path, what=Message(what))
    if exc.errno == errno.ELOOP:
        return Message(N_("{path}: is a loop of symbolic links, not {what}"), path=path, what=a_noun(what))
    return Message(N_("{path}: cannot read the {what} ({reason})"), path=path, what=Message(what),
                   reason=os_reason(exc))


def _no_such(path: Path, what: str) -> Message:
    return Message(N_("{path}: no such {what}"), path=path, what=Message(what))


def _too_much(path: Path, limit: int, what: str) -> Message:
    return Message(N_("{path}: the pipe sent more than {mib} MiB; that is not {what}"), path=path, mib=limit >> 20,
                   what=a_noun(what))


def _nothing_written(path: Path, fifo_wait: float) -> Message:
    return Message(N_("{path}: is a pipe and nothing was written to it within {seconds:g} s"), path=path,
                   seconds=fifo_wait)


def _writer_idle(path: Path, idle_wait: float) -> Message:
    return Message(N_("{path}: is a pipe whose writer sent nothing for {seconds:g} s without ending it"), path=path,
                   seconds=idle_wait)


def require_regular_file(path: Path, what: str, *, error: type[ReuseAuditError] = InputError,
                         why: str = N_("it is read at random, not streamed")) -> None:
    """Raise ``error`` (one line) unless ``path`` is a regular file (following symlinks).

    For inputs that need random access: a pipe gets "is a pipe; the HIBP file must be a regular file (...)".
    ``what`` and ``why`` are ``N_`` msgids.
    """
    try:
        kind = path_kind(path)
    except OSError as exc:
        raise error(_os_problem(path, exc, what)) from None
    if kind is PathKind.MISSING:
        raise error(_no_such(path, what))
    if kind is not PathKind.REGULAR:
        raise error(N_("{path}: is {kind}; the {what} must be a regular file ({why})"), path=path,
                    kind=a_noun(kind.value), what=Message(what), why=Message(why))
    with contextlib.suppress(OSError):
        remember_input(os.stat(path), what)


CACHE_LIMIT = 64 << 20  # bytes: our caches are far smaller; a larger one is not ours


def read_if_small_regular(path: Path, limit: int = CACHE_LIMIT) -> bytes | None:
    """The bytes of ``path``, or None when it is missing or is not a regular file of at most ``limit`` bytes (a
    pipe, a device, a link to /dev/zero, a sparse file of gigabytes): for our caches and the corpus's range files,
    never waited on nor read without end. Raises OSError when a regular file cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY | _O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        return _read_regular(fd)
    finally:
        os.close(fd)


def read_input(path: Path, what: str, *, error: type[ReuseAuditError] = InputError,
               fifo_wait: float = FIFO_WAIT, idle_wait: float = IDLE_WAIT, limit: int = STREAM_LIMIT) -> bytes:
    """The bytes of the input file ``path``; ``what`` names it in messages (an ``N_`` msgid: "key file").

    Regular files are read whole. Pipes are read to their end if a writer sends something within
    ``fifo_wait`` seconds and never pauses ``idle_wait`` seconds (at most ``limit`` bytes). Directories,
    devices, sockets, missing or unreadable paths raise ``error`` with one line.
    """
    try:
        kind = path_kind(path)
    except OSError as exc:
        raise error(_os_problem(path, exc, what)) from None
    if kind is PathKind.MISSING:
        raise error(_no_such(path, what))
    if kind not in (PathKind.REGULAR, PathKind.FIFO):
        raise error(_not_a(path, kind, what))  # refused before opening: a device is never read
    if kind is PathKind.FIFO and not _O_NONBLOCK:
        return _read_pipe_in_thread(path, what, error, fifo_wait, idle_wait, limit)
    try:
        # O_NONBLOCK: opening a FIFO (or something swapped in since the stat) never blocks
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY | _O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise error(_no_such(path, what)) from None
        raise error(_os_problem(path, exc, what)) from None
    try:
        st = os.fstat(fd)
        kind = kind_of_mode(st.st_mode)
        if kind is PathKind.REGULAR:
            remember_input(st, what)
            return _read_regular(fd)
        if kind is PathKind.FIFO:
            return _read_pipe(fd, path, what, error, fifo_wait, idle_wait, limit)
        raise error(_not_a(path, kind, what))
    except OSError as exc:
        raise error(_os_problem(path, exc, what)) from None
    finally:
        os.close(fd)


def read_text_input(path: Path, what: str, *, error: type[ReuseAuditError] = InputError,
                    fifo_wait: float = FIFO_WAIT) -> str:
    """:func:`read_input` decoded as UTF-8 (a leading byte-order mark is dropped); anything else is one line."""
    data = read_input(path, what, error=error, fifo_wait=fifo_wait)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(N_("{path}: not {what} (not UTF-8 text: invalid byte at offset {offset})"), path=path,
                    what=a_noun(what), offset=exc.start) from None
    return text[1:] if text.startswith("\ufeff") else text


def _read_regular(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _read_pipe(fd: int, path: Path, what: str, error: type[ReuseAuditError], fifo_wait: float, idle_wait: float,
               limit: int) -> bytes:
    """Read a non-blocking pipe to its end.

    POSIX read() on an empty pipe returns b"" while no writer has it open and EAGAIN while one does, so
    "nobody has written yet" and "the writer is busy" are told apart without blocking.
    """
    chunks: list[bytes] = []
    size = 0
    writer_seen = False
    start = last = time.monotonic()
    while True:
        try:
            chunk: bytes | None = os.read(fd, _CHUNK)
        except BlockingIOError:
            chunk = None
        now = time.monotonic()
        if chunk:
            writer_seen, last = True, now
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise error(_too_much(path, limit, what))
            continue
        if chunk == b"":
            if writer_seen:
                return b"".join(chunks)
            if now - start >= fifo_wait:
                raise error(_nothing_written(path, fifo_wait))
            time.sleep(min(0.02, fifo_wait))  # no writer yet: select() would not wake us on Linux
            continue
        writer_seen = True
        if now - last >= idle_wait:
            raise error(_writer_idle(path, idle_wait))
        select.select([fd], [], [], min(1.0, idle_wait - (now - last)))


class _PipeReaderThread(threading.Thread):
    """Reads a pipe with blocking calls off the caller's thread; the caller polls its progress."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(name="reuse-audit-pipe-reader", daemon=True)
        self.path, self.limit = path, limit
        self.lock = threading.Lock()
        self.chunks: list[bytes] = []
        self.size = 0
        self.last: float | None = None  # when the last chunk arrived
        self.finished = False
        self.exc: OSError | None = None

    def run(self) -> None:
        try:
            with open(self.path, "rb") as f:
                while True:
                    chunk = f.read(_CHUNK)
                    with self.lock:
                        if not chunk or self.size > self.limit:
                            self.finished = True
                            return
                        self.chunks.append(chunk)
                        self.size += len(chunk)
                        self.last = time.monotonic()
        except OSError as exc:
            with self.lock:
                self.exc, self.finished = exc, True


def _read_pipe_in_thread(path: Path, what: str, error: type[ReuseAuditError], fifo_wait: float,
                         idle_wait: float, limit: int) -> bytes:
    """Fallback without O_NONBLOCK (Windows): a daemon thread reads, the caller stops waiting on time."""
    reader = _PipeReaderThread(path, limit)
    start = time.monotonic()
    reader.start()
    while True:
        reader.join(0.05)
        now = time.monotonic()
        with reader.lock:
            if reader.exc is not None:
                raise error(_os_problem(path, reader.exc, what))
            if reader.size > limit:
                raise error(_too_much(path, limit, what))
            if reader.finished:
                return b"".join(reader.chunks)
            if reader.last is None and now - start >= fifo_wait:
                raise error(_nothing_written(path, fifo_wait))
            if reader.last is not None and now - reader.last >= idle_wait:
                raise error(_writer_idle(path, idle_wait))
