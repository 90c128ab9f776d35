"""Work in a daemon thread that an interrupt never waits for.

``concurrent.futures.ThreadPoolExecutor`` joins its threads when its ``with`` block ends (also on
KeyboardInterrupt) and again at interpreter exit, so a check blocked on the network would hold Ctrl-C
hostage. A :class:`Background` thread is a daemon that nobody joins: the caller waits for its result in
short, interruptible slices, and on an interrupt simply stops waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``fn(*args)`` running in a daemon thread from construction; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[..., T], *args: object, name: str = "reuse-audit-background") -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        self._fn = fn
        self._args = args
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._fn(*self._args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the waiting thread
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> T:
        """The function's return value (or its exception, raised here). Waits in slices of 0.25 s so that
        Ctrl-C interrupts the wait on every platform."""
        while not self._done.wait(0.25):
            pass
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
