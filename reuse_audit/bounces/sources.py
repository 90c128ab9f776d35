"""Mailbox sources: mbox files, Maildir folders, directories of ``.eml`` files and IMAP folders.

Every source yields :class:`RawMessage` items whose header block is read first; the full message is only
loaded when the caller asks for it, so ordinary mail in a large mailbox is never read or parsed whole.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import mailbox
import os
import re
import socket
import ssl
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from reuse_audit.bounces.settings import DEFAULT_IMAP_DEADLINE
from reuse_audit.deadline import Deadline, SocketWatchdog, Watch
from reuse_audit.errors import Message, ReuseAuditError, os_reason
from reuse_audit.file_access import remember_input_folder, require_regular_file
from reuse_audit.i18n import N_
from reuse_audit.secret import Secret

IMAP_BATCH = 200
IMAP_TIMEOUT_SECONDS = 30.0  # one network operation (connect, one read)
_LOGOUT_SECONDS = 2.0  # a polite LOGOUT may take this long at most
# A bounce's notification and DSN parts come before the returned original; anything past this many
# bytes of the body is an attachment of the original and is not fetched (nor read from a local file).
IMAP_BODY_LIMIT = 256 * 1024
_MAX_HEADER_BYTES = 256 * 1024


class MailSourceError(ReuseAuditError):
    """A mailbox could not be opened or read: missing path, bad IMAP URL, login refused, network."""


@dataclass(frozen=True)
class RawMessage:
    """One message: its raw header block now, its full raw bytes on demand. ``readable`` False: a message file of
    a folder that could not be read (no permission, not a regular file), counted and left out."""

    where: str
    headers: bytes
    _load: Callable[[], bytes] = field(repr=False, compare=False)
    readable: bool = True

    def full(self) -> bytes:
        """The whole message as raw bytes (headers included)."""
        return self._load()


class MailSource(Protocol):
    """Anything that yields the messages of one mailbox folder."""

    def messages(self) -> Iterator[RawMessage]:
        """Yield every message, header block first."""
        ...


def _read_header_block(handle: BinaryIO) -> bytes:
    lines: list[bytes] = []
    size = 0
    while size < _MAX_HEADER_BYTES:
        line = handle.readline()
        if not line:
            break
        lines.append(line)
        size += len(line)
        if line in (b"\n", b"\r\n"):
            break
    return b"".join(lines)


def _bounded(handle: BinaryIO) -> bytes:
    """A message as the checks read it: its header block and the first :data:`IMAP_BODY_LIMIT` bytes of its body,
    as from IMAP (the notice and the DSN come first; past them is the returned mail's attachments): a 100 MB
    bounce is not parsed whole."""
    return _read_header_block(handle) + handle.read(IMAP_BODY_LIMIT)


def _box_message(box: mailbox.Mailbox[Any], key: str, where: str) -> RawMessage:
    """One message of a local mailbox: its header block now, the message (bounded) only when asked for."""
    handle = box.get_file(key)
    try:
        headers = _read_header_block(handle)  # type: ignore[arg-type]
    finally:
        handle.close()

    def load() -> bytes:
        with contextlib.closing(box.get_file(key)) as message:
            return _bounded(message)  # type: ignore[arg-type]

    return RawMessage(where, headers, load)


@dataclass(frozen=True)
class MboxSource:
    """An mbox file (Thunderbird keeps each folder as one)."""

    path: Path

    def messages(self) -> Iterator[RawMessage]:
        try:
            box = mailbox.mbox(self.path, create=False)
            keys = box.keys()
        except OSError as exc:
            raise MailSourceError(N_("cannot read mbox {path}: {reason}"), path=self.path,
                                  reason=os_reason(exc)) from None
        except mailbox.Error as exc:
            raise MailSourceError(N_("cannot read mbox {path}: {name}"), path=self.path,
                                  name=exc.__class__.__name__) from None
        try:
            for key in keys:
                yield _box_message(box, key, f"{self.path}#{key}")
        finally:
            box.close()


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file (following links): a FIFO is not waited on (opened
    without blocking, then refused), a device (``/dev/zero``) is not read without end. OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _file_message(path: Path, where: str) -> RawMessage:
    """One message file: its header block now, the whole file when asked for; unreadable, when it cannot be."""
    try:
        with _open_regular(path) as handle:
            headers = _read_header_block(handle)
    except OSError:
        return RawMessage(where, b"", lambda: b"", readable=False)

    def load() -> bytes:
        with _open_regular(path) as handle:
            return _bounded(handle)

    return RawMessage(where, headers, load)


@dataclass(frozen=True)
class MaildirSource:
    """A Maildir folder (``cur/``, ``new/``, ``tmp/``): the message files of ``new/`` and ``cur/``."""

    path: Path

    def messages(self) -> Iterator[RawMessage]:
        files: list[tuple[str, Path]] = []
        try:
            for sub in ("new", "cur"):
                with os.scandir(self.path / sub) as entries:
                    files.extend((e.name.split(":")[0].split("!")[0], Path(e.path)) for e in entries
                                 if not e.name.startswith("."))
        except OSError as exc:
            raise MailSourceError(N_("cannot read Maildir {path}: {reason}"), path=self.path,
                                  reason=os_reason(exc)) from None
        for key, path in sorted(files):
            if path.exists() or path.is_symlink():  # else deleted while we read: a live Maildir changes under us
                yield _file_message(path, f"{self.path}/{key}")


@dataclass(frozen=True)
class EmlFilesSource:
    """One ``.eml`` file, or a directory of them."""

    paths: tuple[Path, ...]

    def messages(self) -> Iterator[RawMessage]:
        for path in self.paths:
            yield _file_message(path, str(path))


@dataclass(frozen=True)
class ImapLogin:
    """How to log in to an IMAP server: user name, password (masked), an optional private CA, and the
    total time (seconds) the fetch may take, however slowly the server answers."""

    user: str
    password: Secret
    ca_file: Path | None = None
    deadline: float = DEFAULT_IMAP_DEADLINE


@dataclass(frozen=True)
class ImapFolder:
    """Where an ``imaps://host[:port]/FOLDER`` URL points."""

    host: str
    port: int
    folder: str
    user_in_url: str | None

    @classmethod
    def parse(cls, url: str) -> ImapFolder:
        """Read an ``imaps://`` URL; anything else (plain ``imap://`` included) is refused, and so is a password in
        it (``ps`` and the shell's history show it). Messages quote the URL with any password masked."""
        given, url = url, _shown_url(url)
        if given != url and _USERINFO_PASSWORD.match(given):
            raise MailSourceError(N_("{url}: a password in the IMAP URL shows in ps and in the shell's history; "
                                     "remove it and use --imap-password-stdin or --imap-password-command"), url=url)
        try:
            parts = urlsplit(given)
        except ValueError:  # "imaps://[::1/INBOX": an unclosed IPv6 address
            raise MailSourceError(N_("bad IMAP URL: {url}"), url=url) from None
        if parts.scheme.lower() != "imaps":
            raise MailSourceError(N_("not an imaps:// URL (TLS is required): {url}"), url=url)
        try:
            port = parts.port or 993
        except ValueError:
            raise MailSourceError(N_("bad port in IMAP URL: {url}"), url=url) from None
        if not parts.hostname:
            raise MailSourceError(N_("no host in IMAP URL: {url}"), url=url)
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return cls(parts.hostname, port, folder, unquote(parts.username) if parts.username else None)


def _imap_date(value: datetime) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{value.day:02d}-{months[value.month - 1]}-{value.year}"


def _quote_folder(name: str) -> str:
    """The folder name as an IMAP quoted string: a non-ASCII name ("送信済み") in IMAP's modified UTF-7 (RFC 3501
    5.1.3); an ASCII one as given (it may be modified UTF-7 already: "&kAFP4W4IMH8-")."""
    if not name.isascii():
        name = _modified_utf7(name)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _modified_utf7(name: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


_USERINFO_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#@]*?):([^/?#]*)@", re.IGNORECASE)


def _shown_url(url: str) -> str:
    """``url`` as a message may quote it: a password in its user info masked, control characters escaped."""
    from reuse_audit.report.escape import visible_controls

    return visible_controls(_USERINFO_PASSWORD.sub(r"\1:***@", url, count=1))


_FETCH_UID = re.compile(rb"UID (\d+)")


class _DeadlineIMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 - imaplib's naming
    """IMAP over TLS whose socket is under a watchdog from before the TLS handshake on, so a server that
    drips its handshake, greeting or answers is cut off at the deadline."""

    def __init__(self, host: str, port: int, *, context: ssl.SSLContext, timeout: float,
                 watchdog: SocketWatchdog, watch: Watch) -> None:
        self._context = context
        self._watchdog = watchdog
        self._watch = watch
        super().__init__(host, port, ssl_context=context, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sys.audit("imaplib.open", self, self.host, self.port)
        raw = socket.create_connection((self.host or None, self.port), timeout)
        tls = self._context.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)
        self._watchdog.attach(self._watch, tls)
        tls.do_handshake()
        return tls


@dataclass(frozen=True)
class ImapSource:
    """An IMAP folder over TLS: SEARCH SINCE, then headers, then only the bodies of likely bounces.

    The whole fetch (from connecting to the last body fetched while the messages are read) is bounded by
    ``login.deadline`` seconds: then the socket is cut and :class:`MailSourceError` says so.
    """

    location: ImapFolder
    login: ImapLogin
    since: datetime | None

    def _deadline_error(self, deadline: Deadline) -> MailSourceError:
        return MailSourceError(N_("IMAP deadline of {seconds:g} s reached ({host}/{folder})"),
                               seconds=deadline.seconds, host=self.location.host, folder=self.location.folder)

    def _connect(self, deadline: Deadline, watchdog: SocketWatchdog, watch: Watch) -> imaplib.IMAP4_SSL:
        try:
            context = ssl.create_default_context(cafile=str(self.login.ca_file) if self.login.ca_file else None)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError: no certificate in the file
            raise MailSourceError(N_("--ca-file {path}: no CA certificate could be read from it ({name})"),
                                  path=self.login.ca_file, name=exc.__class__.__name__) from None
        where = f"{self.location.host}:{self.location.port}"
        try:
            client = _DeadlineIMAP4_SSL(self.location.host, self.location.port, context=context,
                                        timeout=max(0.001, min(IMAP_TIMEOUT_SECONDS, deadline.remaining())),
                                        watchdog=watchdog, watch=watch)
        except ssl.SSLCertVerificationError as exc:
            raise MailSourceError(N_("IMAP server {where}: TLS certificate not trusted ({reason})"), where=where,
                                  reason=_tls_reason(str(exc.verify_message or ""))) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            if deadline.expired():
                raise self._deadline_error(deadline) from None
            raise MailSourceError(N_("cannot connect to IMAP server {where}: {name}"), where=where,
                                  name=_network_reason(exc)) from None
        try:
            _log_in(client, self.login.user, self.login.password)
        except (OSError, imaplib.IMAP4.error) as exc:
            _close(client)
            if deadline.expired():
                raise self._deadline_error(deadline) from None
            if isinstance(exc, imaplib.IMAP4.abort | OSError):
                raise MailSourceError(N_("IMAP error on {where}: {name}"), where=where,
                                      name=_network_reason(exc)) from None
            raise MailSourceError(N_("IMAP login refused for {user} at {where}"), user=self.login.user,
                                  where=where) from None
        return client

    def messages(self) -> Iterator[RawMessage]:
        if not self.login.deadline > 0:
            raise MailSourceError(N_("the IMAP deadline must be a positive number of seconds"))
        deadline = Deadline(self.login.deadline)
        watchdog = SocketWatchdog(name="imap-watchdog")
        watch = watchdog.start(deadline.at)
        try:
            client = self._connect(deadline, watchdog, watch)
            polite = False
            try:
                yield from self._messages(client, deadline)
                polite = True
            except (OSError, imaplib.IMAP4.error) as exc:
                if deadline.expired():
                    raise self._deadline_error(deadline) from None
                raise self._imap_error(exc) from None
            finally:
                if polite:
                    _logout(client, watchdog)
                else:  # an error, an interrupt, or a reader that stopped early: no more network
                    _close(client)
        finally:
            watchdog.close()

    def _messages(self, client: imaplib.IMAP4_SSL, deadline: Deadline) -> Iterator[RawMessage]:
        status, _ = client.select(_quote_folder(self.location.folder), readonly=True)
        if status != "OK":
            raise MailSourceError(N_("IMAP folder not found: {folder}"), folder=self.location.folder)
        criteria = f"SINCE {_imap_date(self.since)}" if self.since else "ALL"
        status, data = client.uid("SEARCH", criteria)
        if status != "OK":
            raise MailSourceError(N_("IMAP SEARCH failed on {folder}"), folder=self.location.folder)
        uids = [uid.decode() for uid in (data[0] or b"").split()]
        for start in range(0, len(uids), IMAP_BATCH):
            if deadline.expired():
                raise self._deadline_error(deadline)
            batch = uids[start:start + IMAP_BATCH]
            status, data = client.uid("FETCH", ",".join(batch), "(UID BODY.PEEK[HEADER])")
            if status != "OK":
                raise MailSourceError(N_("IMAP FETCH failed on {folder}"), folder=self.location.folder)
            for item in data:
                if not isinstance(item, tuple):
                    continue
                match = _FETCH_UID.search(item[0])
                if not match:
                    continue
                uid = match.group(1).decode()
                headers = item[1]

                def load(u: str = uid, h: bytes = headers) -> bytes:
                    return h + self._load_body(client, u, deadline)

                yield RawMessage(f"{self.location.host}/{self.location.folder}#{uid}", headers, load)

    def _load_body(self, client: imaplib.IMAP4_SSL, uid: str, deadline: Deadline) -> bytes:
        """One body, on the reader's demand, within the same deadline; errors are one-line MailSourceErrors."""
        if deadline.expired():
            raise self._deadline_error(deadline)
        try:
            return self._fetch_body(client, uid)
        except (OSError, imaplib.IMAP4.error) as exc:
            if deadline.expired():
                raise self._deadline_error(deadline) from None
            raise self._imap_error(exc) from None

    def _imap_error(self, exc: BaseException) -> MailSourceError:
        return MailSourceError(N_("IMAP error on {where}: {name}"),
                               where=f"{self.location.host}/{self.location.folder}", name=_network_reason(exc))

    @staticmethod
    def _fetch_body(client: imaplib.IMAP4_SSL, uid: str) -> bytes:
        status, data = client.uid("FETCH", uid, f"(BODY.PEEK[TEXT]<0.{IMAP_BODY_LIMIT}>)")
        if status != "OK":
            return b""
        return b"".join(item[1] for item in data if isinstance(item, tuple))


# OpenSSL's words for the usual reasons a certificate is not trusted, in the user's language; others as they are.
_TLS_REASONS = {
    "unable to get local issuer certificate": N_("its issuer is not known here: a private CA? give --ca-file"),
    "self-signed certificate": N_("a self-signed certificate: give it with --ca-file"),
    "self signed certificate": N_("a self-signed certificate: give it with --ca-file"),
    "self-signed certificate in certificate chain": N_("a self-signed certificate in its chain: give it with "
                                                       "--ca-file"),
    "self signed certificate in certificate chain": N_("a self-signed certificate in its chain: give it with "
                                                       "--ca-file"),
    "certificate has expired": N_("the certificate has expired"),
    "certificate is not yet valid": N_("the certificate is not valid yet"),
}


def _tls_reason(verify_message: str) -> Message | str:
    if verify_message.startswith("Hostname mismatch"):
        return Message.of(N_("the certificate is for another host name"))
    if verify_message.startswith("IP address mismatch"):
        return Message.of(N_("the certificate is for another address"))
    known = _TLS_REASONS.get(verify_message)
    return Message.of(known) if known is not None else verify_message


def _log_in(client: imaplib.IMAP4_SSL, user: str, password: Secret) -> None:
    """LOGIN, whose quoted strings are ASCII; a user name or password beyond ASCII goes as UTF-8 through
    AUTHENTICATE PLAIN (RFC 4616), which servers that accept such passwords support."""
    if user.isascii() and password.reveal().isascii():
        client.login(user, password.reveal())
        return
    token = b"\0" + user.encode("utf-8") + b"\0" + password.reveal().encode("utf-8")
    client.authenticate("PLAIN", lambda _challenge: token)


def _network_reason(exc: BaseException) -> Message | str:
    """Why a connection or an IMAP conversation failed, in words (the exception's name when there are none)."""
    if isinstance(exc, socket.gaierror):
        return Message(N_("host not found"))
    if isinstance(exc, ConnectionRefusedError):
        return Message(N_("connection refused"))
    if isinstance(exc, ConnectionResetError | BrokenPipeError | imaplib.IMAP4.abort):
        return Message(N_("the server broke off the connection"))
    if isinstance(exc, ssl.SSLError):
        return Message(N_("no TLS there (is it the imaps:// port?)"))
    if isinstance(exc, TimeoutError):
        return Message(N_("timed out"))
    if isinstance(exc, imaplib.IMAP4.error):
        return Message(N_("the server's answer is not IMAP"))
    return exc.__class__.__name__


def _logout(client: imaplib.IMAP4_SSL, watchdog: SocketWatchdog) -> None:
    """Say goodbye, for at most a couple of seconds whatever the server does; never raises."""
    watch = watchdog.start(time.monotonic() + _LOGOUT_SECONDS)
    watchdog.attach(watch, client.sock)
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        pass
    finally:
        watchdog.finish(watch)
        _close(client)


def _close(client: imaplib.IMAP4_SSL) -> None:
    """Drop the connection without a word (after an error, an interrupt or a deadline)."""
    with contextlib.suppress(OSError, imaplib.IMAP4.error, AttributeError):
        client.shutdown()


def is_imap_url(spec: str) -> bool:
    """True for ``imap://`` or ``imaps://`` sources (only the latter is accepted by :func:`open_source`)."""
    return spec.lower().startswith(("imaps://", "imap://"))


def open_source(spec: str, *, login: ImapLogin | None = None, since: datetime | None = None) -> MailSource:
    """Open one SOURCE argument: an IMAP URL, a Maildir, a directory of ``.eml`` files, an mbox or an eml.

    Raises :class:`MailSourceError` for a path that does not exist, an empty directory or a bad URL.
    """
    if is_imap_url(spec):
        location = ImapFolder.parse(spec)
        if login is None:
            raise MailSourceError(N_("no IMAP login for {spec}: give --imap-user"), spec=spec)
        return ImapSource(location, login, since)
    path = Path(spec).expanduser()
    try:
        is_maildir = path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()
        files = () if is_maildir or not path.is_dir() else tuple(
            sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml" and not p.is_dir()))
    except OSError as exc:  # a folder we may not list
        raise MailSourceError(N_("cannot read {path}: {reason}"), path=path, reason=os_reason(exc)) from None
    if is_maildir:
        remember_input_folder(path, N_("mailbox"))
        return MaildirSource(path)
    if path.is_dir():
        remember_input_folder(path, N_("mailbox"))
        if not files:
            raise MailSourceError(N_("no Maildir and no .eml files in {path}"), path=path)
        return EmlFilesSource(files)
    if not path.exists():
        raise MailSourceError(N_("no such mailbox: {path}"), path=path)
    # A pipe (`/dev/stdin`, a FIFO) would be waited on for ever and cannot be read at random; a device is never
    # a mailbox (`/dev/null` is not an empty one): one line each, before anything is opened.
    require_regular_file(path, N_("mailbox"), error=MailSourceError,
                         why=N_("save the mail to a file first, or give a Maildir or a folder of .eml files"))
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise MailSourceError(N_("cannot read {path}: {reason}"), path=path, reason=os_reason(exc)) from None
    if head[:5] in (b"From ", b""):  # an empty file is an empty mbox (a fresh Thunderbird folder)
        return MboxSource(path)
    if not _HEADER_LINE.match(head):
        raise MailSourceError(N_("{path}: not a mailbox (neither an mbox, a Maildir nor a mail message)"), path=path)
    return EmlFilesSource((path,))


# A message starts with a header field: printable ASCII name (no colon or space), a colon.
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:")
