"""The `bounces` command: JSON shape, table, exit codes, one-line errors, output file, languages."""

from __future__ import annotations

import json
import mailbox
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from reuse_audit.bounces import find_compromised
from reuse_audit.bounces.report import OutputFormat
from reuse_audit.cli import app
from reuse_audit.i18n import Translator
from reuse_audit.times import parse_since
from tests.bounces.bounce_factory import make_bounce, ordinary_mail
from tests.conftest import MASTER, E

START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
ACCOUNT_KEYS = {"address", "verdict", "bounces", "via_account", "backscatter", "unknown", "temporary",
                "distinct_recipients", "first", "last", "evidence"}


@pytest.fixture
def hijacked_mbox(tmp_path: Path) -> Path:
    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    box.add(ordinary_mail(1))
    for n in range(6):
        box.add(make_bounce(when=START + timedelta(minutes=7 * n), message_id=f"<s{n}@example.com>",
                            recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com", f"z{n}@yahoo.co.jp"]))
    box.add(make_bounce(when=START, action="delayed", status="4.4.1", message_id="<t@example.com>"))
    box.flush()
    return path


@pytest.fixture
def quiet_mbox(tmp_path: Path) -> Path:
    path = tmp_path / "Quiet"
    box = mailbox.mbox(path)
    box.add(ordinary_mail(1))
    box.add(make_bounce())
    box.flush()
    return path


@pytest.fixture
def unattributed_mbox(tmp_path: Path) -> Path:
    """A burst of bounces whose originals show nothing believable: neither a login nor a forgery."""
    path = tmp_path / "Unclear"
    box = mailbox.mbox(path)
    hop = ("from relay.example.net (relay.example.net [192.0.2.55]) by mx.example.org with ESMTP id 1; "
           "Wed, 1 May 2024 09:59:00 +0000",)
    for n in range(6):
        box.add(make_bounce(when=START + timedelta(minutes=5 * n), message_id=f"<u{n}@example.com>", received=hop,
                            recipients=[f"a{n}@example.org", f"b{n}@example.net"]))
    box.flush()
    return path


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["bounces", *args], input=input, env=env)


def test_json_report_shape_and_exit_code_one_when_compromised(hijacked_mbox: Path) -> None:
    result = run(str(hijacked_mbox), "--format", "json", "--quiet")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    [account] = document["accounts"]
    assert set(account) >= ACCOUNT_KEYS
    assert account["address"] == "alice@example.com"
    assert account["verdict"] == "compromised"
    assert (account["bounces"], account["via_account"], account["temporary"]) == (6, 6, 1)
    assert account["distinct_recipients"] == 18
    assert account["first"] == "2024-05-01T10:00:00Z"
    assert account["last"] == "2024-05-01T10:35:00Z"
    assert {e["kind"] for e in account["evidence"]} >= {"burst", "recipients", "received"}


def test_evidence_keeps_no_foreign_addresses(hijacked_mbox: Path) -> None:
    result = run(str(hijacked_mbox), "--format", "json", "--quiet")
    assert "@gmail.com" not in result.stdout
    assert "gmail.com (12)" in result.stdout


def test_table_ends_with_the_next_command(hijacked_mbox: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import build_vault

    monkeypatch.chdir(tmp_path)
    build_vault(tmp_path / "my vault.kdbx", [E("Mail", "Unrelated-pw-77!", "alice@example.com")])
    result = run(str(hijacked_mbox), "--vault", "my vault.kdbx", "--me", "alice@example.com", "--password-stdin",
                 input=MASTER + "\n")
    assert result.exit_code == 1, result.output
    assert result.stdout.rstrip().splitlines()[-1] == (
        "Next: reuse-audit plan 'my vault.kdbx' --breached alice@example.com"
    )


def test_table_in_japanese(hijacked_mbox: Path) -> None:
    result = run(str(hijacked_mbox), "--lang", "ja", "--quiet")
    assert "乗っ取り" in result.stdout
    assert "次に実行するコマンド：reuse-audit plan VAULT --breached alice@example.com" in result.stdout


def test_exit_code_zero_when_nothing_is_compromised(quiet_mbox: Path) -> None:
    result = run(str(quiet_mbox), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accounts"][0]["verdict"] == "none"


def test_me_filters_the_addresses(hijacked_mbox: Path) -> None:
    result = run(str(hijacked_mbox), "--format", "json", "--me", "bob@example.org")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["accounts"] == []


def test_the_vaults_email_logins_are_the_addresses(hijacked_mbox: Path, vault_factory: Any) -> None:
    vault = vault_factory([E("Mail", "pw-1-long-enough", "bob@example.org", "https://mail.example.org/")])
    result = run(str(hijacked_mbox), "--vault", str(vault), "--password-stdin", "--format", "json",
                 input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accounts"] == []


def test_thresholds_are_options(quiet_mbox: Path) -> None:
    result = run(str(quiet_mbox), "--min-bounces", "1", "--min-recipients", "1", "--format", "json")
    assert result.exit_code == 1, result.output


def test_output_file_is_private_and_complete(hijacked_mbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run(str(hijacked_mbox), "--format", "json", "-o", str(out), "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["schema_version"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


@pytest.mark.parametrize("args, message", [
    (["/nonexistent/Inbox"], "no such mailbox"),
    (["imaps://mail.example.com:notaport/INBOX"], "bad port"),
    (["imap://mail.example.com/INBOX"], "not an imaps:// URL"),
    (["imaps://mail.example.com/INBOX"], "needs --imap-user"),
    (["imaps://mail.example.com/INBOX", "--imap-user", "a", "--imap-password-stdin",
      "--imap-password-command", "echo x"], "only one of"),
    (["INBOX", "--since", "yesterday"], "--since"),
    (["INBOX", "--me", "notanaddress"], "--me 'notanaddress' is not an e-mail address"),
])
def test_bad_input_is_one_line_and_exit_two(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.output


_NOT_A_FILE = ("the mailbox must be a regular file (save the mail to a file first, or give a Maildir or a folder "
               "of .eml files)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("as_sent", [False, True])
def test_a_pipe_as_a_mailbox_is_refused_at_once_never_waited_on(as_sent: bool, hijacked_mbox: Path,
                                                                 tmp_path: Path) -> None:
    fifo = tmp_path / "Piped Inbox"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would wait for ever
    args = [str(hijacked_mbox), "--sent", str(fifo)] if as_sent else [str(fifo)]
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "bounces", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "REUSE_AUDIT_LANG": "en"})
    assert proc.returncode == 2
    assert proc.stderr == f"reuse-audit: error: {fifo}: is a pipe; {_NOT_A_FILE}\n"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_not_an_empty_mailbox() -> None:
    result = run("/dev/null")
    assert result.exit_code == 2
    assert result.stderr == f"reuse-audit: error: /dev/null: is a character device; {_NOT_A_FILE}\n"


@pytest.mark.parametrize("name", ["report.html", "report.csv", "report.md"])
def test_an_output_file_of_a_format_bounces_does_not_write_is_refused(name: str, hijacked_mbox: Path,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / name
    result = run(str(hijacked_mbox), "-o", str(out))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "which this command does not write (it writes table, json)" in line
    assert not out.exists()  # never a text table in a .html file


def test_an_output_file_named_json_gets_json(hijacked_mbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert run(str(hijacked_mbox), "-o", str(out), "--quiet").exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] == 1


def test_failing_imap_password_command_is_one_line_with_its_stderr_and_never_its_stdout() -> None:
    cmd = (f"{sys.executable} -c \"import sys; print('hunter2'); sys.stderr.write('keyring locked\\n'); "
           "sys.exit(3)\"")
    result = run("imaps://mail.example.com/INBOX", "--imap-user", "a", "--imap-password-command", cmd)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert "--imap-password-command" in line and line.endswith("exited 3: keyring locked")
    assert "hunter2" not in result.output


def test_every_format_renders(hijacked_mbox: Path) -> None:
    scan = find_compromised([str(hijacked_mbox)])
    for member in OutputFormat:
        assert "alice@example.com" in member.formatter()(scan, lang="en", vault=None)


def test_find_compromised_for_plan(hijacked_mbox: Path) -> None:
    scan = find_compromised([str(hijacked_mbox)], me=["alice@example.com"])
    assert scan.compromised == ("alice@example.com",)
    summary = scan.summaries["alice@example.com"]
    assert "6 bounces" in Translator("en").reason(summary)
    assert Translator("ja").reason(summary).startswith("メールから、alice@example.com は乗っ取られていると判断しました")


def test_since_limits_local_files(hijacked_mbox: Path) -> None:
    scan = find_compromised([str(hijacked_mbox)], since=START + timedelta(minutes=20))
    assert scan.accounts[0].bounces == 3


def test_parse_since_forms() -> None:
    now = datetime(2024, 5, 15, tzinfo=UTC)
    assert parse_since("14d", now=now) == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since("36h", now=now) == now - timedelta(hours=36)
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)


def test_corpus_directory_scans_without_error(corpus: Path) -> None:
    result = run(str(corpus / "maildir-bsd"), "--format", "json", "--quiet")
    assert result.exit_code in (0, 1), result.output
    assert len(json.loads(result.stdout)["accounts"]) > 10


def test_runs_as_a_subprocess(hijacked_mbox: Path, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "reuse_audit", "bounces", str(hijacked_mbox), "--format", "json",
                           "--lang", "en"], capture_output=True, text=True, cwd=root,
                          env={"PYTHONPATH": str(root)}, check=False, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == "Read 8 messages, 7 bounces."


def test_an_unattributed_burst_is_undetermined_exit_one_and_named_in_the_next_command(unattributed_mbox: Path) -> None:
    result = run(str(unattributed_mbox), "--me", "alice@example.com", env={"COLUMNS": "100"})
    assert result.exit_code == 1, result.output
    assert "undetermined" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "Next: reuse-audit plan VAULT --breached alice@example.com"


def test_undetermined_addresses_are_breached_for_the_plan(unattributed_mbox: Path) -> None:
    scan = find_compromised([str(unattributed_mbox)], me=["alice@example.com"])
    assert scan.compromised == ()
    assert scan.breached == scan.undetermined == ("alice@example.com",)
    summary = Translator("en").reason(scan.summaries["alice@example.com"])
    assert summary.startswith("The mailbox shows a burst of 6 bounces about alice@example.com")
    assert Translator("ja").reason(scan.summaries["alice@example.com"]).startswith("メールから、alice@example.com")


def test_a_relay_given_for_one_address_decides_its_bounces(unattributed_mbox: Path) -> None:
    result = run(str(unattributed_mbox), "--me", "alice@example.com", "--relay", "alice@example.com=smtp.example.com",
                 "--format", "json")
    [account] = json.loads(result.stdout)["accounts"]
    assert account["backscatter"] == 6
    assert account["provider"]["hosts"] == ["smtp.example.com"]
    other = run(str(unattributed_mbox), "--me", "alice@example.com", "--relay", "bob@example.org=smtp.example.com",
                "--format", "json")
    assert json.loads(other.stdout)["accounts"][0]["backscatter"] == 0


def test_json_counts_the_look_alikes_and_marks_details(hijacked_mbox: Path) -> None:
    document = json.loads(run(str(hijacked_mbox), "--format", "json", "--quiet").stdout)
    assert set(document["not_bounces"]) == {"auto_reply", "challenge", "human_reply", "receipt", "success_dsn",
                                            "report", "phishing", "bulk"}
    assert document["unattributed"] == 0
    evidence = document["accounts"][0]["evidence"]
    assert evidence[0]["kind"] == "sent_from_account" and evidence[0]["detail"] is False
    assert {"burst", "recipients", "received"} <= {e["kind"] for e in evidence if e["detail"]}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_table_follows_the_terminal_width(hijacked_mbox: Path, lang: str) -> None:
    from rich.cells import cell_len

    for width in (80, 60):
        result = run(str(hijacked_mbox), "--quiet", "--lang", lang, env={"COLUMNS": str(width)})
        assert max(cell_len(line) for line in result.stdout.splitlines()) <= width, result.stdout


def test_one_bounce_is_said_in_the_singular() -> None:
    from reuse_audit.bounces import wording as W

    en = Translator("en")
    assert en.plural(W.SCANNED, 1, messages=3) == "Read 3 messages, 1 bounce."
    assert en.plural(W.SCANNED, 2, messages=3) == "Read 3 messages, 2 bounces."
    assert en.plural(W.ROW, 1, verdict="none", via=0, forged=0, unknown=1, period="x").startswith("none: 1 bounce (")
    assert "エラーメール 1 通" in Translator("ja").plural(W.SCANNED, 1, messages=3)


def test_one_message_read_is_said_in_the_singular(tmp_path: Path) -> None:
    one = tmp_path / "one.eml"
    one.write_bytes(make_bounce())
    result = run(str(one), "--format", "json")
    assert result.stderr.strip() == "Read 1 message, 1 bounce."


def test_a_password_in_an_imap_url_is_refused_and_never_echoed() -> None:
    for url in ("imaps://admin%40aaa.jp:S3cret-imap-pw!@127.0.0.1:1/INBOX", "imaps://u:S3cret-imap-pw!@[::1/INBOX",
                "imap://u:S3cret-imap-pw!@127.0.0.1:99999/INBOX"):
        result = run(url, "--imap-user", "u", "--imap-password-stdin", input="x\n")
        assert result.exit_code == 2
        assert "S3cret-imap-pw" not in result.output and ":***@" in result.stderr
        assert "shows in ps and in the shell's history" in result.stderr


def test_an_imap_connection_failure_is_worded_not_an_exception_name() -> None:
    import socket

    with socket.socket() as s:  # a loopback port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run(f"imaps://127.0.0.1:{port}/INBOX", "--imap-user", "u", "--imap-password-stdin", input="x\n")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"cannot connect to IMAP server 127.0.0.1:{port}: connection refused")


@pytest.mark.skipif(os.name == "nt", reason="a controlling terminal is POSIX")
def test_no_terminal_for_the_imap_password_is_one_line_never_an_echoed_read_of_stdin() -> None:
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "bounces", "imaps://127.0.0.1:1/INBOX",
                           "--imap-user", "u"], input=b"typed-on-stdin\n", capture_output=True, timeout=60,
                          start_new_session=True, check=False)  # a new session has no controlling terminal
    assert proc.returncode == 2
    assert proc.stderr.decode() == ("reuse-audit: error: no terminal to ask for the IMAP password: use "
                                    "--imap-password-stdin or --imap-password-command CMD\n")


def test_a_mailbox_read_twice_counts_each_bounce_once(hijacked_mbox: Path, tmp_path: Path) -> None:
    """INBOX and All Mail, a Maildir and its backup: 12 bounces a day read twice made a burst of 24."""
    import shutil

    copy = tmp_path / "copy.mbox"
    shutil.copyfile(hijacked_mbox, copy)
    once = json.loads(run(str(hijacked_mbox), "--format", "json", "--quiet").stdout)
    twice = json.loads(run(str(hijacked_mbox), str(copy), "--format", "json", "--quiet").stdout)
    assert twice["bounces"] == once["bounces"] and twice["messages"] == 2 * once["messages"]
    assert [a["bounces"] for a in twice["accounts"]] == [a["bounces"] for a in once["accounts"]]


@pytest.mark.parametrize("columns", [60, 80, 98, 100, 120])
def test_the_table_keeps_every_cell_whole_or_gives_way_to_the_list(hijacked_mbox: Path, tmp_path: Path,
                                                                   columns: int) -> None:
    """A period lost its end time and an address was cut in two; a row was clipped at the terminal's edge."""
    box = mailbox.mbox(hijacked_mbox)
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    long_address = "shironeko.the.cat@mail.subdomain.nyaan.example.awsapps.com"
    for n in range(3):
        box.add(make_bounce(when=start + timedelta(minutes=n), message_id=f"<long{n}@example.com>",
                            sender=long_address, recipients=[f"z{n}@gmail.com"]))
    box.flush()
    out = run(str(hijacked_mbox), env={"COLUMNS": str(columns)}).stdout
    document = json.loads(run(str(hijacked_mbox), "--format", "json", "--quiet").stdout)
    assert all(cell_len(line) <= columns for line in out.splitlines() if "://" not in line)
    for account in document["accounts"]:
        assert account["address"] in out


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs and /dev/zero")
def test_a_pipe_or_a_device_inside_a_maildir_is_counted_unreadable_never_waited_on_nor_read(hijacked_mbox: Path,
                                                                                           tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for n, message in enumerate(mailbox.mbox(hijacked_mbox)):
        (maildir / "cur" / f"{n}.host:2,S").write_bytes(message.as_bytes())
    os.mkfifo(maildir / "new" / "fifo")  # nobody writes to it: opening it for reading would wait for ever
    (maildir / "new" / "zero").symlink_to("/dev/zero")  # read to its end, it never ends
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "bounces", str(maildir), "--format", "json"],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "REUSE_AUDIT_LANG": "en"})
    assert proc.returncode == 1, proc.stderr  # the hijack is still found
    report = json.loads(proc.stdout)
    assert report["unreadable"] == 2 and report["accounts"][0]["verdict"] == "compromised"
    assert "2 message files could not be read (no permission, or not files) and were left out" in proc.stderr


@pytest.mark.parametrize("where", ["folder", "maildir"])
def test_a_mail_folder_that_may_not_be_listed_is_one_line(where: str, hijacked_mbox: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "Locked"
    folder.mkdir()
    if where == "maildir":
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir()
    real_scandir, real_iterdir = os.scandir, Path.iterdir

    def refused(path: Any) -> Any:
        if str(folder) in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def refused_listing(self: Path) -> Any:
        if str(folder) in str(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(os, "scandir", refused)
    monkeypatch.setattr(Path, "iterdir", refused_listing)
    for args in ([str(folder)], [str(hijacked_mbox), "--sent", str(folder)]):
        for lang, says in (("en", "Permission denied"), ("ja", "アクセス権がありません")):
            result = run(*args, "--lang", lang)
            assert result.exit_code == 2, result.output
            [line] = result.stderr.strip().splitlines()
            assert says in line and "Locked" in line and "internal error" not in line, line


def test_a_hijack_whose_bounces_gave_up_with_a_4xx_status_is_still_found(tmp_path: Path) -> None:
    """``Action: failed`` with 4.4.7 (the queue's lifetime ran out) is a final failure, not a delay."""
    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    for n in range(6):
        box.add(make_bounce(when=START + timedelta(minutes=7 * n), message_id=f"<s{n}@example.com>", status="4.4.7",
                            recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com", f"z{n}@yahoo.co.jp"]))
    box.flush()
    result = run(str(path), "--format", "json", "--quiet")
    assert result.exit_code == 1, result.output
    [account] = json.loads(result.stdout)["accounts"]
    assert account["verdict"] == "compromised" and account["temporary"] == 0


def test_bounces_without_a_date_header_are_dated_by_their_received_line(tmp_path: Path) -> None:
    """A bounce with no (or an unreadable) Date: the receiving server's stamp on its topmost Received line."""
    from email.utils import format_datetime

    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    for n in range(6):
        when = START + timedelta(minutes=7 * n)
        raw = make_bounce(when=when, message_id=f"<s{n}@example.com>",
                          recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com", f"z{n}@yahoo.co.jp"])
        head, sep, rest = raw.partition(b"\r\nDate: ")
        raw = head + sep.replace(b"Date: ", b"X-Date: " if n % 2 else b"Date: garbage") + rest if n % 2 == 0 else \
            head + b"\r\nX-Old-Date: " + rest
        stamp = f"Received: from mx.example.com by mbox.example.com; {format_datetime(when)}\r\n".encode()
        box.add(stamp + raw)
    box.flush()
    result = run(str(path), "--format", "json", "--quiet")
    assert result.exit_code == 1, result.output
    [account] = json.loads(result.stdout)["accounts"]
    assert account["verdict"] == "compromised" and account["first"].startswith(START.strftime("%Y-%m-%dT%H:%M"))


def test_a_burst_of_bounces_of_mail_in_the_sent_folder_is_undetermined_not_no_hijack(hijacked_mbox: Path,
                                                                                      tmp_path: Path) -> None:
    """Webmail saves what a hijacker sends through it in the Sent folder: a burst of such bounces cannot be told
    from spam, so it is not 'no hijack pattern' (a few mistyped addresses still are)."""
    sent = tmp_path / "Sent"
    box = mailbox.mbox(sent)
    for n in range(6):
        box.add((f"From: alice@example.com\r\nTo: x{n}@gmail.com, y{n}@gmail.com, z{n}@yahoo.co.jp\r\n"
                 f"Subject: hello\r\nMessage-ID: <s{n}@example.com>\r\n\r\nspam\r\n").encode())
    box.flush()
    result = run(str(hijacked_mbox), "--sent", str(sent), "--format", "json", "--quiet")
    assert result.exit_code == 1, result.output
    [account] = json.loads(result.stdout)["accounts"]
    assert account["verdict"] == "undetermined" and account["own_mail"] == 6
    kinds = [e["kind"] for e in account["evidence"]]
    assert kinds[0] == "own_mail_burst" and "in_sent" in kinds
    text = run(str(hijacked_mbox), "--sent", str(sent), "--lang", "ja")
    assert "送信済み" in text.stdout and "own_mail_burst" not in text.stdout


def test_a_few_bounces_of_mail_in_the_sent_folder_are_the_owners_own(tmp_path: Path) -> None:
    inbox, sent = tmp_path / "Inbox", tmp_path / "Sent"
    box, sent_box = mailbox.mbox(inbox), mailbox.mbox(sent)
    for n in range(2):
        box.add(make_bounce(when=START + timedelta(minutes=7 * n), message_id=f"<t{n}@example.com>",
                            recipients=[f"typo{n}@gmail.com"]))
        sent_box.add((f"From: alice@example.com\r\nTo: typo{n}@gmail.com\r\nSubject: hi\r\n"
                      f"Message-ID: <t{n}@example.com>\r\n\r\nhi\r\n").encode())
    box.flush()
    sent_box.flush()
    result = run(str(inbox), "--sent", str(sent), "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accounts"][0]["verdict"] == "none"
