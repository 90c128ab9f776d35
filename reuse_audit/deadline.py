"""Deadlines for network work that a slow or hostile server must not be able to stretch.

A socket timeout bounds each read, not a whole exchange: a server that answers one byte a second keeps
``readline()`` or ``read(n)`` going for ever. :class:`SocketWatchdog` enforces a total time instead: when a
watched exchange's time is up it shuts its socket down (``shutdown(SHUT_RDWR)`` on the descriptor), so a
read blocked in another thread returns at once with an error, which the caller reports as a timeout.

Used by the HIBP range client (one watch per request) and the IMAP source (one watch per session).
"""

from __future__ import annotations

import contextlib
import heapq
import socket
import threading
import time
from collections.abc import Iterator


class Deadline:
    """A point on the monotonic clock, ``seconds`` after creation."""

    __slots__ = ("seconds", "at")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() >= self.at


def cut(sock: socket.socket) -> None:
    """Shut a socket down for reading and writing, whatever thread is blocked on it; errors are ignored.

    The plain ``socket.socket.shutdown`` is called even on an ``ssl.SSLSocket``: it acts on the descriptor
    and leaves the TLS object alone, so a thread inside ``SSL_read`` sees end-of-file and returns.
    """
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watch:
    """One watched exchange: the sockets it uses are cut when its deadline passes."""

    __slots__ = ("ident", "at", "sockets", "expired")

    def __init__(self, ident: int, at: float) -> None:
        self.ident = ident
        self.at = at
        self.sockets: list[socket.socket] = []
        self.expired = False

    def expire(self) -> None:
        """Its deadline has passed (or everything is being cut): cut its sockets, and any attached later."""
        self.expired = True
        for sock in self.sockets:
            cut(sock)


_current = threading.local()


class SocketWatchdog:
    """Cuts the sockets of watches whose deadline has passed, from one daemon thread started on first use.

    ``with dog.watch(deadline_at):`` marks the calling thread's exchange; code that owns the socket
    (a connection class) calls :func:`attach_current` (or :meth:`attach`) once it has it. ``cut_all()``
    cuts every watched socket now (an overall deadline, an interrupt); ``close()`` also stops the thread.
    """

    def __init__(self, name: str = "reuse-audit-watchdog") -> None:
        self._name = name
        self._cond = threading.Condition()
        self._active: dict[int, Watch] = {}  # by ident: a watch is in here from start() to finish()
        self._due: list[tuple[float, int]] = []
        self._next_id = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    def start(self, at: float) -> Watch:
        """A new watch whose sockets are cut at ``at``; end it with :meth:`finish`."""
        with self._cond:
            self._next_id += 1
            item = Watch(self._next_id, at)
            self._active[item.ident] = item
            heapq.heappush(self._due, (at, item.ident))
            self._start()
            if self._due[0][1] == item.ident:  # the thread sleeps until the earliest deadline: now sooner
                self._cond.notify()
        return item

    def finish(self, item: Watch) -> None:
        """Stop watching: its sockets are no longer cut (they may be reused, e.g. by a connection pool)."""
        with self._cond:
            self._active.pop(item.ident, None)

    @contextlib.contextmanager
    def watch(self, at: float) -> Iterator[Watch]:
        """Watch the calling thread's exchange until the block ends: sockets given to
        :func:`attach_current` in this thread meanwhile are cut at ``at``."""
        item = self.start(at)
        previous = getattr(_current, "value", None)
        _current.value = (self, item)
        try:
            yield item
        finally:
            _current.value = previous
            self.finish(item)

    def attach(self, item: Watch, sock: socket.socket | None) -> None:
        """Cut ``sock`` with ``item``'s deadline (at once if that has passed or the watchdog is closed)."""
        if sock is None:
            return
        with self._cond:
            if item.expired or self._closed:
                cut(sock)
            else:
                item.sockets.append(sock)

    def cut_all(self) -> None:
        """Cut every watched socket now and expire every current watch."""
        with self._cond:
            for item in self._active.values():
                item.expire()

    def close(self) -> None:
        """Cut everything and stop the thread; later attachments are cut at once."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self.cut_all()

    def _start(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    _, ident = heapq.heappop(self._due)
                    item = self._active.get(ident)
                    if item is not None:
                        item.expire()
                # at most an hour at a time: a far deadline (a library caller's 1e300 s) is no timeout the
                # platform can wait for (OverflowError in this thread); the loop just looks again
                self._cond.wait(min(self._due[0][0] - now, 3600.0) if self._due else None)


def attach_current(sock: socket.socket | None) -> None:
    """Put ``sock`` under the calling thread's current watch, if it has one (else do nothing)."""
    current = getattr(_current, "value", None)
    if current is not None:
        dog, item = current
        dog.attach(item, sock)
