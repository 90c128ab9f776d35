"""An IMAP server that drips its bytes cannot keep a run going: the fetch stops at its deadline (exit 2).

A tiny IMAP-over-TLS server runs in a thread on 127.0.0.1 (socketserver, a throwaway self-signed
certificate made with the `openssl` CLI). Each fetch runs under a guard far longer than its deadline; each
server is shut down, and its drips stopped, by its context.
"""

from __future__ import annotations

import contextlib
import shutil
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reuse_audit.bounces.sources import ImapFolder, ImapLogin, ImapSource, MailSourceError, RawMessage
from reuse_audit.errors import ExitCode
from reuse_audit.secret import Secret
from tests.serving import serving

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")
HEADER = b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 and its key, written into ``directory``."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [str(OPENSSL), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("imap-tls"))


class DripImap(socketserver.ThreadingTCPServer):
    """``mode``: ``handshake`` drips a TLS record that never ends; ``greeting`` drips an endless greeting;
    ``fetch`` answers login, EXAMINE and SEARCH, then drips the FETCH answer; ``normal`` serves one message."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str, context: ssl.SSLContext) -> None:
        self.mode = mode
        self.context = context
        self.stop = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class _Handler(socketserver.BaseRequestHandler):
    server: DripImap

    def drip(self, conn: ssl.SSLSocket | object, first: bytes = b"") -> None:
        pending = first
        while not self.server.stop.wait(0.2):
            byte, pending = (pending[:1], pending[1:]) if pending else (b"a", b"")
            try:
                conn.sendall(byte)  # type: ignore[attr-defined]
            except OSError:
                return

    def handle(self) -> None:
        server = self.server
        if server.mode == "handshake":
            self.request.recv(4096)  # the ClientHello
            self.drip(self.request, b"\x16\x03\x03\x40\x00")  # a 16 KiB handshake record, one byte at a time
            return
        try:
            conn = server.context.wrap_socket(self.request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        with contextlib.suppress(OSError):
            if server.mode == "greeting":
                self.drip(conn, b"* OK ")
                return
            conn.sendall(b"* OK ready\r\n")
            reader = conn.makefile("rb")
            while not server.stop.is_set():
                line = reader.readline()
                if not line:
                    return
                tag, command = line.split(b" ", 2)[:2]
                command = command.strip().upper()
                if command == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
                elif command == b"LOGIN":
                    conn.sendall(tag + b" OK logged in\r\n")
                elif command == b"EXAMINE":
                    conn.sendall(b"* 1 EXISTS\r\n" + tag + b" OK [READ-ONLY] done\r\n")
                elif command == b"UID" and b"SEARCH" in line.upper():
                    conn.sendall(b"* SEARCH 7\r\n" + tag + b" OK done\r\n")
                elif command == b"UID" and server.mode == "fetch":
                    self.drip(conn, b"* 1 FETCH (UID 7 BODY[HEADER] {500}\r\n")
                    return
                elif command == b"UID":
                    literal = b"* 1 FETCH (UID 7 BODY[HEADER] {%d}\r\n" % len(HEADER) + HEADER + b")\r\n"
                    conn.sendall(literal + tag + b" OK done\r\n")
                elif command == b"LOGOUT":
                    conn.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
                    return
                else:
                    conn.sendall(tag + b" BAD unknown\r\n")


@contextlib.contextmanager
def imap_server(mode: str, certificate: tuple[Path, Path]) -> Iterator[DripImap]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = DripImap(mode, context)
    with serving(server, server.stop):
        yield server


def source(server: DripImap, certificate: tuple[Path, Path], deadline: float) -> ImapSource:
    location = ImapFolder.parse(f"imaps://127.0.0.1:{server.server_address[1]}/INBOX")
    return ImapSource(location, ImapLogin("me@example.org", Secret("pw"), certificate[0], deadline=deadline), None)


def read_all(imap: ImapSource) -> list[RawMessage]:
    """Read every message and its body, as the bounce scan does, under a guard of 20 s."""
    box: list[list[RawMessage]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            messages = []
            for message in imap.messages():
                message.full()  # while the connection is open, as the scan does
                messages.append(message)
            box.append(messages)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    if thread.is_alive():
        pytest.fail("the IMAP fetch is still running after 20 s")
    if errors:
        raise errors[0]
    return box[0]


@pytest.mark.parametrize("mode", ["handshake", "greeting", "fetch"])
def test_a_dripping_imap_server_is_stopped_at_the_deadline(certificate: tuple[Path, Path], mode: str) -> None:
    with imap_server(mode, certificate) as server, pytest.raises(MailSourceError) as caught:
        read_all(source(server, certificate, deadline=1.0))
    assert str(caught.value).startswith("IMAP deadline of 1 s reached")
    assert caught.value.exit_code == ExitCode.INPUT


def test_a_prompt_imap_server_is_read_within_the_deadline(certificate: tuple[Path, Path]) -> None:
    with imap_server("normal", certificate) as server:
        (message,) = read_all(source(server, certificate, deadline=30.0))
    assert message.headers == HEADER


def test_the_imap_deadline_must_be_positive(certificate: tuple[Path, Path]) -> None:
    with imap_server("normal", certificate) as server, pytest.raises(MailSourceError, match="positive"):
        read_all(source(server, certificate, deadline=0))
