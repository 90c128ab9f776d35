"""Writes reports, baselines and history files privately, without ever replacing what the user pointed at.

- A new path or a regular file is replaced atomically: a temporary file in the same folder (mode 0600),
  fsync, rename. An interrupted run (Ctrl-C, SIGTERM) leaves the old file or none, never half, and the
  temporary file is always removed.
- ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N`` are written through the descriptor
  this process inherited, so ``>> log`` is appended to, not truncated, and no device node is replaced.
- A character device (``/dev/null``, a terminal) or a FIFO is opened without O_CREAT/O_TRUNC and written
  through. A FIFO that no program reads within ``reader_wait`` seconds, or a reader that stops reading
  for ``idle_wait`` seconds, is an error, never a hang.
- A symbolic link is followed only when it belongs to the user (or root) and does not sit in a sticky,
  world-writable folder such as /tmp (where someone else may have planted it); its target is then
  handled as above. Otherwise, and for a directory, block device or socket: an error.

Errors are :class:`OutputError`, both an ``OSError`` (``strerror`` is the reason, for callers that catch
OSError) and a :class:`~reuse_audit.errors.ReuseAuditError` (``str()`` is one line naming the path).

Portability: where ``O_NONBLOCK``, owners or sticky bits do not exist (Windows), the checks that need
them are skipped; writing through an inherited descriptor works everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import stat
import sys
import tempfile
import time
from pathlib import Path

from reuse_audit.errors import Message, ReuseAuditError
from reuse_audit.file_access import FIFO_WAIT, IDLE_WAIT, PathKind, kind_of_mode, kind_word
from reuse_audit.i18n import N_

_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY: int = getattr(os, "O_NOCTTY", 0)
_O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_INHERITED = re.compile(r"/dev/(?:std(out|err)|fd/(\d+))|/proc/self/fd/(\d+)")
_MAX_LINKS = 40


class OutputError(ReuseAuditError, OSError):
    """An output that cannot (or must not) be written; ``strerror`` says why, ``str()`` is one line.

    ``reason`` is an ``N_`` template filled with ``values``; ``strerror`` is it as a :class:`Message`."""

    def __init__(self, code: int, reason: str, path: Path | str, /, **values: object) -> None:
        why = Message.of(reason, **values)
        OSError.__init__(self, code, why, str(path))
        self.message = Message(N_("{path}: {reason}"), path=str(path), reason=why)

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as :func:`write_output` does; kept for existing callers."""
    write_output(path, text.encode("utf-8"))


def write_output(path: Path, data: bytes, *, reader_wait: float = FIFO_WAIT, idle_wait: float = IDLE_WAIT) -> None:
    """Write ``data`` to ``path`` by the rules in the module docstring; raise OutputError or OSError."""
    fd = inherited_fd(path)
    if fd is not None:
        _write_inherited(path, fd, data, idle_wait)
        return
    target = output_target(path)
    try:
        kind = kind_of_mode(os.stat(target).st_mode)
    except FileNotFoundError:
        kind = PathKind.MISSING
    if kind in (PathKind.MISSING, PathKind.REGULAR):
        _replace_atomically(target, data)
    elif kind is PathKind.CHAR_DEVICE:
        _write_through(path, _open_device(target), data, idle_wait)
    elif kind is PathKind.FIFO:
        _write_through(path, _open_fifo(path, target, reader_wait), data, idle_wait)
    elif kind is PathKind.DIRECTORY:
        raise OutputError(errno.EISDIR, N_("is a directory; give a file name"), path)
    else:
        raise OutputError(errno.EINVAL, N_("is a {kind}; refusing to write over it"), path, kind=kind_word(kind))


def inherited_fd(path: Path) -> int | None:
    """The descriptor ``path`` names when it is /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N."""
    m = _INHERITED.fullmatch(str(path).replace("\\", "/"))
    if m is None:
        return None
    if m.group(1):
        return 1 if m.group(1) == "out" else 2
    return int(m.group(2) or m.group(3))


def output_target(path: Path) -> Path:
    """``path`` with its symbolic links followed, each one checked; OutputError for one we must not follow."""
    current = Path(path)
    for _ in range(_MAX_LINKS):
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return current
        if not stat.S_ISLNK(st.st_mode):
            return current
        _check_link(path, current, st)
        # relative targets are relative to the link's real folder, as the kernel resolves them
        current = Path(os.path.realpath(current.parent)) / os.readlink(current)
    raise OutputError(errno.ELOOP, N_("too many levels of symbolic links"), path)


def _check_link(given: Path, link: Path, st: os.stat_result) -> None:
    what = Message(N_("is a symbolic link")) if link == Path(given) else \
        Message(N_("leads through {link}, a symbolic link"), link=link)
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and st.st_uid not in (geteuid(), 0):
        raise OutputError(errno.EPERM, N_("{what} owned by another user; not following it"), given, what=what)
    folder = os.stat(link.parent if str(link.parent) else Path("."))
    if folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH:
        raise OutputError(errno.EPERM, N_("{what} in a shared folder (sticky and world-writable, like /tmp); "
                                          "not following it: give its target instead"), given, what=what)


def _replace_atomically(target: Path, data: bytes) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(folder)
    finally:
        if tmp is not None:  # also on KeyboardInterrupt / SystemExit: never leave a temporary file
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); folders cannot be opened like this on Windows."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_inherited(path: Path, fd: int, data: bytes, idle_wait: float) -> None:
    for stream in (sys.stdout, sys.stderr):  # what Python buffered for this descriptor goes first
        with contextlib.suppress(Exception):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    try:
        os.fstat(fd)
    except OSError:
        raise OutputError(errno.EBADF, N_("names no open file descriptor of this process"), path) from None
    _write_all(path, fd, data, idle_wait)


def _open_device(target: Path) -> int:
    # no O_CREAT, no O_TRUNC: the device stays what it is; O_NONBLOCK: opening a line never waits for carrier
    return os.open(target, os.O_WRONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)


def _open_fifo(path: Path, target: Path, reader_wait: float) -> int:
    deadline = time.monotonic() + reader_wait
    while True:
        try:  # O_NONBLOCK: fails with ENXIO instead of blocking while no program has it open to read
            return os.open(target, os.O_WRONLY | _O_NONBLOCK | _O_CLOEXEC)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
        if time.monotonic() >= deadline:
            raise OutputError(errno.ETIMEDOUT, N_("is a pipe and no program read from it within {seconds:g} s"),
                              path, seconds=reader_wait)
        time.sleep(0.02)


def _write_through(path: Path, fd: int, data: bytes, idle_wait: float) -> None:
    try:
        _write_all(path, fd, data, idle_wait)
    finally:
        os.close(fd)


def _write_all(path: Path, fd: int, data: bytes, idle_wait: float) -> None:
    view = memoryview(data)
    last = time.monotonic()
    while view:
        try:
            n = os.write(fd, view[: 1 << 20])
        except BlockingIOError:
            n = 0
        except BrokenPipeError:
            raise OutputError(errno.EPIPE, N_("the program reading it closed it before the end"), path) from None
        now = time.monotonic()
        if n:
            view, last = view[n:], now
            continue
        if now - last >= idle_wait:
            raise OutputError(errno.ETIMEDOUT, N_("nothing was read from it for {seconds:g} s"), path,
                              seconds=idle_wait)
        if os.name == "nt":
            time.sleep(0.02)
        else:
            select.select([], [fd], [], min(1.0, idle_wait - (now - last)))


def append_private(target: Path, data: bytes) -> None:
    """Append ``data`` to the regular file ``target`` (created 0600) in one O_APPEND write, and fsync it.

    ``target`` must already be resolved (:func:`output_target`); O_NOFOLLOW refuses a symlink swapped in.
    """
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(errno.EINVAL, N_("is not a regular file; refusing to append to it"), target)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        else:
            os.chmod(target, 0o600)
        _write_all(target, fd, data, IDLE_WAIT)
        os.fsync(fd)
    finally:
        os.close(fd)
