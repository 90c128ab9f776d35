"""An advisory lock on a separate lock file (``FILE.lock``), so concurrent runs take turns on ``FILE``.

POSIX uses ``fcntl.flock`` and Windows ``msvcrt.locking`` on the lock file's first byte; both are
released by the system when the process dies, so a crashed run never leaves a stale lock. The lock file
(mode 0600) is left in place: deleting it while another process waits on it would let two runs in.
A platform with neither call gets no lock (documented; never seen in practice).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from reuse_audit.errors import Message
from reuse_audit.i18n import N_

LOCK_WAIT = 30.0  # seconds to wait for another run to finish its write


class LockTimeout(OSError):
    """Another process held the lock for longer than we wait."""


def lock_path(path: Path) -> Path:
    """Where the lock for ``path`` lives: ``path`` + ``.lock``, in the same folder."""
    return path.with_name(path.name + ".lock")


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:
        pass
    else:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    try:
        import msvcrt
    except ImportError:
        return True  # no advisory locking on this platform
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        pass
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return
    with contextlib.suppress(ImportError, OSError):
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]


@contextlib.contextmanager
def locked(path: Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the exclusive lock for ``path`` (on ``lock_path(path)``); yields the lock file's path.

    Raises ``LockTimeout`` after ``wait`` seconds (default :data:`LOCK_WAIT`), or the ``OSError`` of
    creating the lock file.
    """
    wait = LOCK_WAIT if wait is None else wait
    lock = lock_path(path)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(Message(N_("another run held {lock} for more than {seconds:g} s"), lock=lock,
                                          seconds=wait))
            time.sleep(0.01)
        try:
            yield lock
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
