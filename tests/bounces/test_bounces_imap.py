"""IMAP over TLS against a real Dovecot started on 127.0.0.1 with a throwaway config and mailbox.

Skipped where the `dovecot` binary or the `openssl` CLI is absent (`.ci/dovecot.sh` installs Dovecot).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from reuse_audit.bounces import ImapLogin, MailSourceError, find_compromised
from reuse_audit.bounces.sources import ImapFolder, ImapSource
from reuse_audit.secret import Secret
from tests.bounces.bounce_factory import make_bounce, ordinary_mail

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
OPENSSL = shutil.which("openssl")
USER = "alice@example.com"
PASSWORD = "correct horse battery staple"
UTF8_USER, UTF8_PASSWORD = "tanaka@example.jp", "pässwörd-ひみつ"  # logs in with AUTHENTICATE PLAIN, in UTF-8
NOW = datetime.now(UTC).replace(microsecond=0)

pytestmark = pytest.mark.skipif(DOVECOT is None or OPENSSL is None, reason="dovecot or openssl not installed")


@dataclass(frozen=True)
class Imap:
    port: int
    ca_file: Path

    def url(self, folder: str = "INBOX") -> str:
        return f"imaps://127.0.0.1:{self.port}/{folder}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [str(OPENSSL), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def _deliver(maildir: Path, n: int, raw: bytes, when: datetime) -> None:
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    path = maildir / "cur" / f"{int(when.timestamp())}.{n}.test:2,S"
    path.write_bytes(raw)
    os.utime(path, (when.timestamp(), when.timestamp()))  # Dovecot's INTERNALDATE, used by SEARCH SINCE


def _fill_mailbox(home: Path) -> None:
    inbox = home / "Maildir"
    start = NOW - timedelta(hours=2)
    _deliver(inbox, 0, ordinary_mail(0, start), start)
    for n in range(6):
        when = start + timedelta(minutes=5 * n)
        _deliver(inbox, n + 1, make_bounce(when=when, message_id=f"<s{n}@example.com>",
                                           recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com"]), when)
    old = NOW - timedelta(days=40)  # outside the 14-day default: never fetched
    _deliver(inbox, 99, make_bounce(when=old, message_id="<old@example.com>"), old)
    sent = home / "Maildir" / ".Sent"
    _deliver(sent, 0, ordinary_mail(5, start), start)
    # "送信済み" (Sent), as a Japanese client names it: on disk and on the wire in IMAP's modified UTF-7
    _deliver(home / "Maildir" / ".&kAFP4W4IMH8-", 0, ordinary_mail(5, start), start)


def _accounts() -> tuple[str, str, str, int, int]:
    """(login user, internal user, internal group, mail uid, mail gid) for the throwaway Dovecot.

    Dovecot refuses to run its login processes as root: under root the package's own users are used.
    """
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me, grp.getgrgid(os.getgid()).gr_name, os.getuid(), os.getgid()
    try:
        login = pwd.getpwnam("dovenull").pw_name
        internal = pwd.getpwnam("dovecot")
    except KeyError:
        pytest.skip("running as root without the dovenull/dovecot users")
    return login, internal.pw_name, grp.getgrgid(internal.pw_gid).gr_name, internal.pw_uid, internal.pw_gid


@pytest.fixture(scope="module")
def imap() -> Iterator[Imap]:
    # Not pytest's tmp_path: its parents are mode 0700, which Dovecot's unprivileged processes cannot enter.
    root = Path(tempfile.mkdtemp(prefix="reuse-audit-dovecot-"))
    try:
        yield from _run_dovecot(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_dovecot(root: Path) -> Iterator[Imap]:
    root.chmod(0o755)
    cert, key = _self_signed(root)
    port = _free_port()
    login_user, me, group, uid, gid = _accounts()
    home = root / "home"
    _fill_mailbox(home)
    for path in [home, *home.rglob("*")]:
        os.chown(path, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n{UTF8_USER}:{{PLAIN}}{UTF8_PASSWORD}::::::\n",
                                 encoding="utf-8")
    config = root / "dovecot.conf"
    config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain
auth_failure_delay = 0
login_trusted_networks = 127.0.0.1/32
default_login_user = {login_user}
default_internal_user = {me}
default_internal_group = {group}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{home}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
""")
    process = subprocess.Popen([str(DOVECOT), "-F", "-c", str(config)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.skip(f"dovecot did not start: {output} {log}"[:500])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.terminate()
        pytest.skip("dovecot did not listen in time")
    yield Imap(port, cert)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _login(imap: Imap, password: str = PASSWORD) -> ImapLogin:
    return ImapLogin(USER, Secret(password), imap.ca_file)


def test_imap_scan_finds_the_compromise(imap: Imap) -> None:
    scan = find_compromised([imap.url()], imap_login=_login(imap))
    assert scan.messages == 7  # the 40-day-old bounce is outside the default 14 days
    assert scan.compromised == (USER,)


def test_imap_fetches_headers_then_only_likely_bounces(imap: Imap, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []
    original = ImapSource._fetch_body

    def spy(client: object, uid: str) -> bytes:
        fetched.append(uid)
        return original(client, uid)  # type: ignore[arg-type]

    monkeypatch.setattr(ImapSource, "_fetch_body", staticmethod(spy))
    find_compromised([imap.url()], imap_login=_login(imap))
    assert len(fetched) == 6


def test_imap_sent_folder_is_read(imap: Imap) -> None:
    scan = find_compromised([imap.url()], sent=[imap.url("Sent")], imap_login=_login(imap))
    assert scan.compromised == (USER,)


def test_a_folder_named_in_japanese_is_read(imap: Imap) -> None:
    """It was "internal error (UnicodeEncodeError)": a non-ASCII name goes in IMAP's modified UTF-7."""
    for name in ("送信済み", "&kAFP4W4IMH8-"):  # as shown, or as the server lists it
        scan = find_compromised([imap.url()], sent=[imap.url(name)], imap_login=_login(imap))
        assert scan.compromised == (USER,)


def test_imap_missing_folder_is_a_mail_source_error(imap: Imap) -> None:
    with pytest.raises(MailSourceError, match="folder"):
        find_compromised([imap.url("Nope")], imap_login=_login(imap))


def _app() -> typer.Typer:
    from reuse_audit.cli import app

    return app


def test_command_reads_password_from_stdin(imap: Imap) -> None:
    result = CliRunner().invoke(_app(), [
        "bounces", imap.url(), "--imap-user", USER, "--imap-password-stdin", "--ca-file", str(imap.ca_file),
        "--format", "json", "--quiet",
    ], input=PASSWORD + "\n")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["accounts"][0]["verdict"] == "compromised"
    assert PASSWORD not in result.output


def test_command_reads_password_from_a_command(imap: Imap, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    result = CliRunner().invoke(_app(), [
        "bounces", imap.url(), "--imap-user", USER, "--imap-password-command", f"cat {secret}",
        "--ca-file", str(imap.ca_file), "--quiet",
    ])
    assert result.exit_code == 1, result.output


def test_imap_untrusted_certificate_is_refused(imap: Imap) -> None:
    login = ImapLogin(USER, Secret(PASSWORD), None)
    with pytest.raises(MailSourceError, match="not trusted") as raised:
        list(ImapSource(ImapFolder.parse(imap.url()), login, None).messages())
    from reuse_audit.i18n import Translator

    said = raised.value.render(Translator("ja"))  # OpenSSL's reason too, in the user's language
    assert "自己署名証明書" in said and "--ca-file" in said and "self" not in said, said


def test_a_password_beyond_ascii_logs_in_as_utf8(imap: Imap) -> None:
    result = find_compromised([imap.url()], imap_login=ImapLogin(UTF8_USER, Secret(UTF8_PASSWORD), imap.ca_file))
    assert result.messages > 0


# Failed logins come last: Dovecot delays the next login from the same address.
def test_a_wrong_password_beyond_ascii_is_refused_in_one_line_never_an_internal_error(imap: Imap) -> None:
    result = CliRunner().invoke(_app(), [
        "bounces", imap.url(), "--imap-user", "ädmin@example.jp", "--imap-password-stdin", "--ca-file",
        str(imap.ca_file)], input="pässwörd\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"reuse-audit: error: IMAP login refused for ädmin@example.jp at 127.0.0.1:{imap.port}"]


def test_imap_wrong_password_is_a_mail_source_error(imap: Imap) -> None:
    with pytest.raises(MailSourceError, match="login refused"):
        find_compromised([imap.url()], imap_login=_login(imap, "wrong"))


def test_command_login_failure_is_one_line_exit_two(imap: Imap) -> None:
    result = CliRunner().invoke(_app(), [
        "bounces", imap.url(), "--imap-user", USER, "--imap-password-stdin", "--ca-file", str(imap.ca_file),
    ], input="wrong\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"reuse-audit: error: IMAP login refused for {USER} at 127.0.0.1:{imap.port}"
    ]
