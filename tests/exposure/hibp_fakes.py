"""A fake Pwned Passwords range API on 127.0.0.1, and helpers to build local HIBP downloads."""

from __future__ import annotations

import contextlib
import hashlib
import random
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.serving import serving


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Action:
    """What the server does for one request. ``kind``: ok, status, sleep, truncate, malformed, cut."""

    kind: str = "ok"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


class FakeHibp:
    """Serves range responses built from known hashes, with padding, and scripted failures."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}  # full hash -> count text as served ("12" or "1,234")
        self.padding_hashes: set[str] = set()  # served with count 0, as Add-Padding rows
        self.padding_rows = 40
        self.filler_rows = 10
        self.lowercase = False
        self.crlf = True
        self.final_newline = False
        self.latency = 0.0
        self.scripts: dict[str, list[Action]] = {}  # per prefix, consumed one action per request
        self.default_action = Action()
        self.requests: list[LoggedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.url = ""

    def add(self, password: str, count: int | str) -> None:
        self.known[sha1(password)] = str(count)

    def script(self, prefix: str, *actions: Action) -> None:
        self.scripts[prefix] = list(actions)

    def next_action(self, prefix: str) -> Action:
        with self.lock:
            queue = self.scripts.get(prefix)
            return queue.pop(0) if queue else self.default_action

    def body_for(self, prefix: str) -> bytes:
        rng = random.Random(prefix)
        rows = [(h[5:], c) for h, c in self.known.items() if h.startswith(prefix)]
        rows += [(h[5:], "0") for h in self.padding_hashes if h.startswith(prefix)]
        rows += [(f"{rng.getrandbits(140):035X}", "0") for _ in range(self.padding_rows)]
        rows += [(f"{rng.getrandbits(140):035X}", str(rng.randint(1, 999))) for _ in range(self.filler_rows)]
        rows.sort()
        newline = "\r\n" if self.crlf else "\n"
        text = newline.join(f"{s.lower() if self.lowercase else s}:{c}" for s, c in rows)
        if self.final_newline:
            text += newline
        return text.encode("ascii")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence stderr
        pass

    def _log(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(
                LoggedRequest(self.command, self.path, dict(self.headers.items()), body, time.monotonic())
            )

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, length: int | None = None) -> None:
        head = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body) if length is None else length}"]
        head += ["Content-Type: text/plain"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        # One write, so the response is not split across packets (no delayed-ACK stalls).
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body)

    def do_GET(self) -> None:
        fake = self.server.fake
        self._log()
        with fake.lock:
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            self._respond(fake)
        except OSError:
            self.close_connection = True
        finally:
            with fake.lock:
                fake.in_flight -= 1

    def _respond(self, fake: FakeHibp) -> None:
        if fake.latency:
            fake.stop.wait(fake.latency)
        if not self.path.startswith("/range/") or len(self.path) != 12:
            self._send(404, b"not found")
            return
        prefix = self.path[-5:]
        action = fake.next_action(prefix)
        if action.kind == "sleep":
            fake.stop.wait(action.seconds)
            action = Action()
        body = fake.body_for(prefix)
        if action.kind == "ok":
            self._send(200, body)
        elif action.kind == "status":
            self._send(action.status, b"error", action.headers)
        elif action.kind == "truncate":  # the connection drops before the promised length arrives
            self._send(200, body[: len(body) // 2], length=len(body))
            self.close_connection = True
        elif action.kind == "cut":  # a complete response whose body stops inside a hash
            self._send(200, body[: body.index(b"\n", len(body) // 2) + 11])
        elif action.kind == "malformed":
            self._send(200, b"<html>Service Unavailable</html>\n")
        else:  # pragma: no cover
            raise AssertionError(action.kind)

    do_POST = do_GET
    do_HEAD = do_GET


class Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeHibp

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out leave broken pipes behind; that is the point of those tests


def colliding_passwords() -> tuple[str, str]:
    """Two different passwords whose SHA-1 share the first 5 hex characters."""
    seen: dict[str, str] = {}
    n = 0
    while True:
        candidate = f"pw{n}"
        prefix = sha1(candidate)[:5]
        if prefix in seen:
            return seen[prefix], candidate
        seen[prefix] = candidate
        n += 1


def write_sorted_file(
    path: Path,
    hashes: dict[str, int],
    *,
    filler: int = 0,
    seed: int = 1,
    newline: str = "\n",
    final_newline: bool = True,
) -> list[str]:
    """Write a sorted ``HASH:COUNT`` file of ``hashes`` plus random filler; returns all hashes in order. Two of the
    filler hashes are in ranges 00000 and FFFFF, so that the file spans the hash space as a whole corpus does."""
    rng = random.Random(seed)
    rows = dict(hashes)
    if filler >= 2:
        rows.setdefault(f"00000{rng.getrandbits(140):035X}", 1)
        rows.setdefault(f"FFFFF{rng.getrandbits(140):035X}", 1)
    while len(rows) < len(hashes) + filler:
        rows.setdefault(f"{rng.getrandbits(160):040X}", rng.randint(1, 5000))
    ordered = sorted(rows)
    text = newline.join(f"{h}:{rows[h]}" for h in ordered)
    path.write_bytes((text + (newline if final_newline else "")).encode("ascii"))
    return ordered


class DripServer(socketserver.ThreadingTCPServer):
    """A range "API" on 127.0.0.1 that never finishes: it drips one byte every ``interval`` seconds.

    ``mode``: ``"head"`` drips from the status line on; ``"body"`` sends the headers (promising a large
    body) then drips the body; ``"slow"`` says nothing for ``latency`` seconds, then answers properly.
    ``cut`` is set once a client has gone away while the server was still sending.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str, interval: float = 0.2, latency: float = 8.0) -> None:
        self.mode = mode
        self.interval = interval
        self.latency = latency
        self.stop = threading.Event()
        self.cut = threading.Event()
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _DripHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _DripHandler(socketserver.BaseRequestHandler):
    server: DripServer

    def handle(self) -> None:
        server = self.server
        server.connections += 1
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        if server.mode == "slow":
            if server.stop.wait(server.latency):
                return
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + b"0" * 35 + b":1\r\n\r\n")
            return
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
        pending = b""
        if server.mode == "body":
            self.request.sendall(head)
        else:
            pending = head
        while not server.stop.wait(server.interval):
            byte, pending = (pending[:1], pending[1:]) if pending else (b"0", b"")
            try:
                self.request.sendall(byte)
            except OSError:
                server.cut.set()
                return


@contextlib.contextmanager
def drip_server(mode: str, **kwargs: float) -> Iterator[DripServer]:
    """A running :class:`DripServer`, shut down (and its drips stopped) afterwards."""
    server = DripServer(mode, **kwargs)
    with serving(server, server.stop):
        yield server
