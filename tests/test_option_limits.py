"""Option values at the edges of what a number, a date or a URL can be: each is one line and exit 2, never an
"internal error" (OverflowError, ValueError, SSLError) or a traceback, and never a value that silently changes
a verdict (NaN passes every range check, since every comparison with it is false)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reuse_audit.demo import DEMO_MASTER_PASSWORD
from reuse_audit.errors import InputError
from reuse_audit.times import parse_instant, parse_since

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "reuse_audit" / "data" / "demo.kdbx"
BOUNCES = REPO.parent / "shared" / "bounce-corpus" / "maildir-bsd"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reuse_audit", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, cwd=REPO, env={**os.environ, "REUSE_AUDIT_LANG": "en"})


def assert_one_line(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("reuse-audit: error: ") and "internal error" not in line, line
    for word in words:
        assert word in line, line


@pytest.mark.parametrize(("value", "says"), [("nan", "nan is not a number"), ("inf", "not in the range"),
                                             ("1e300", "not in the range"), ("-inf", "not in the range")])
def test_the_breach_check_deadline_is_a_finite_number(value: str, says: str) -> None:
    proc = run("audit", str(DEMO), "--password-stdin", "--hibp-url", "http://127.0.0.1:9", "--checks", "exposure",
               "--hibp-deadline", value, stdin=DEMO_MASTER_PASSWORD + "\n")
    assert_one_line(proc, "--hibp-deadline", says)


def test_a_deadline_in_the_config_file_is_checked_the_same_way(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[audit]\nhibp-deadline = nan\n", encoding="utf-8")  # TOML has nan and inf
    proc = run("audit", str(DEMO), "--password-stdin", "--config", str(config), stdin=DEMO_MASTER_PASSWORD + "\n")
    assert_one_line(proc, "--hibp-deadline", "nan is not a number")


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999"])
def test_a_malformed_hibp_url_is_one_line(url: str) -> None:
    proc = run("audit", str(DEMO), "--password-stdin", "--hibp-url", url, "--checks", "exposure",
               stdin=DEMO_MASTER_PASSWORD + "\n")
    assert_one_line(proc, f"not a valid URL: {url!r}")


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00+14:00"])
def test_a_breach_time_beyond_the_calendar_is_one_line(at: str) -> None:
    proc = run("plan", str(DEMO), "--password-stdin", "--offline", "--breached", "admin@aaa.jp", "--breached-at", at,
               stdin=DEMO_MASTER_PASSWORD + "\n")
    assert_one_line(proc, "--breached-at", repr(at))


@pytest.mark.skipif(not BOUNCES.is_dir(), reason="needs ../shared/bounce-corpus")
@pytest.mark.parametrize(("args", "says"), [
    (["--unknown-share", "nan"], "nan is not a number"),
    (["--window-minutes", "99999999999999999999"], "not in the range"),
    (["--since", "99999999999d"], "--since"),
    (["--since", "9999999999999999999999h"], "--since"),
])
def test_bounce_thresholds_at_the_edges_are_one_line(args: list[str], says: str) -> None:
    assert_one_line(run("bounces", str(BOUNCES), *args), says)


@pytest.mark.parametrize(("args", "says"), [
    (["imaps://[::1/INBOX"], "bad IMAP URL: imaps://[::1/INBOX"),
    (["imaps://127.0.0.1:1/INBOX", "--imap-deadline", "inf"], "--imap-deadline"),
    (["imaps://127.0.0.1:1/INBOX", "--imap-deadline", "nan"], "nan is not a number"),
])
def test_imap_values_at_the_edges_are_one_line(args: list[str], says: str) -> None:
    proc = run("bounces", *args, "--imap-user", "x", "--imap-password-stdin", stdin="x\n")
    assert_one_line(proc, says)
    assert "Traceback" not in proc.stderr  # (the deadline's watchdog thread printed one for inf)


def test_a_ca_file_without_a_certificate_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    proc = run("bounces", "imaps://127.0.0.1:1/INBOX", "--imap-user", "x", "--imap-password-stdin",
               "--ca-file", str(empty), stdin="x\n")
    assert_one_line(proc, f"--ca-file {empty}: no CA certificate could be read from it")


@pytest.mark.parametrize("value", ["99999999999d", "9999999999999999999999h", "0001-01-01T00:00+14:00"])
def test_parse_since_says_what_it_expected_for_a_time_before_year_one(value: str) -> None:
    with pytest.raises(InputError, match="--since: expected e.g. 14d"):
        parse_since(value, now=datetime(2026, 12, 1, tzinfo=UTC))


def test_parse_instant_says_what_it_expected_for_a_time_after_year_9999() -> None:
    with pytest.raises(InputError, match="--breached-at: expected an ISO 8601 date"):
        parse_instant("9999-12-31T23:59:59-23:59", "--breached-at")


def test_the_socket_watchdog_takes_a_far_deadline_without_failing_in_its_thread(monkeypatch: pytest.MonkeyPatch
                                                                                ) -> None:
    import threading
    import time

    from reuse_audit.deadline import SocketWatchdog

    failures: list[type[BaseException]] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_type))
    dog = SocketWatchdog("far")
    try:
        with dog.watch(time.monotonic() + 1e300):
            time.sleep(0.2)  # the thread waits for the far deadline meanwhile
        assert dog._thread is not None and dog._thread.is_alive()
    finally:
        dog.close()
    assert failures == []
