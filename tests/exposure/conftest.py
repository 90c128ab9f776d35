"""Fixtures for the exposure tests: a live fake HIBP server, fast retries, a socket ban."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from reuse_audit.exposure import RetryPolicy
from tests.exposure.hibp_fakes import FakeHibp, Handler, Server


@pytest.fixture
def hibp() -> Iterator[FakeHibp]:
    fake = FakeHibp()
    server = Server(("127.0.0.1", 0), Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def fast_retries() -> RetryPolicy:
    return RetryPolicy(tries=4, backoff_base=0.01, backoff_cap=0.05, retry_after_cap=0.3)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any socket creation fail loudly."""

    def refuse(*args: object, **kwargs: object) -> socket.socket:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
