"""Running a test's local server in a thread, and always stopping it: the one block every fake server uses."""

from __future__ import annotations

import contextlib
import socketserver
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def serving(server: socketserver.BaseServer, stop: threading.Event | None = None) -> Iterator[None]:
    """Serve on a daemon thread for the block; then set ``stop`` (handlers that drip or wait watch it), shut the
    server down, close it and join its thread (at most 5 s)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        if stop is not None:
            stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
