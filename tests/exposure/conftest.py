"""Fixtures for the exposure tests: a live fake HIBP server, fast retries, a socket ban, a private cache."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from reuse_audit.exposure import RetryPolicy
from reuse_audit.exposure import verified as verified_module
from tests.exposure.hibp_fakes import FakeHibp, Handler, Server
from tests.serving import serving


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Verified-corpus records go to a fresh directory per test, never to the user's cache."""
    record = tmp_path_factory.mktemp("cache") / "reuse-audit" / verified_module.RECORD_NAME
    monkeypatch.setattr(verified_module, "record_path", lambda: record)
    monkeypatch.setattr(verified_module, "_in_process", set())
    return record


@pytest.fixture
def hibp() -> Iterator[FakeHibp]:
    fake = FakeHibp()
    server = Server(("127.0.0.1", 0), Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server, fake.stop):
        yield fake


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
