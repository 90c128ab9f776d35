"""CLI tests waiting for the wiring of the exposure/IMAP hardening (not collected: the file name does not
start with ``test_``). Rename to ``tests/test_exposure_cli.py`` once these exist:

- ``--hibp-deadline SECONDS`` (``REUSE_AUDIT_HIBP_DEADLINE``, default 60) -> ``ExposureSettings.deadline``
  on ``audit``, ``plan`` and ``baseline create``;
- ``--imap-deadline SECONDS`` (``REUSE_AUDIT_IMAP_DEADLINE``, default 300) -> ``ImapLogin.deadline`` on
  ``bounces`` and ``plan --breached-from imaps://...``;
- one summary note when misses in an unverified sorted corpus were left unknown
  (``failure_counts(results).get("unverified_corpus")``), naming ``reuse-audit hibp verify FILE``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.exposure import verified as verified_module
from tests.conftest import MASTER, E, build_vault
from tests.exposure.hibp_fakes import drip_server


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    record = tmp_path / "cache" / verified_module.RECORD_NAME
    monkeypatch.setattr(verified_module, "record_path", lambda: record)
    monkeypatch.setattr(verified_module, "_in_process", set())
    return record


@pytest.fixture
def small_vault(tmp_path: Path) -> Path:
    path = tmp_path / "v.kdbx"
    build_vault(path, [E(f"site {i}", f"unique-password-{i}!") for i in range(5)] + [E("forum", "hunter2")])
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "pwned.txt"
    hunter2 = hashlib.sha1(b"hunter2", usedforsecurity=False).hexdigest().upper()
    path.write_text(f"{'0' * 40}:1\n{hunter2}:17\n{'F' * 40}:1\n")  # from range 00000 to FFFFF, as a whole corpus
    return path


def audit(vault: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["audit", str(vault), "--password-stdin", "--checks", "exposure", *args],
                              input=MASTER + "\n", env={"COLUMNS": "200", **(env or {})})


def test_hibp_deadline_leaves_the_rest_unknown(small_vault: Path) -> None:
    with drip_server("slow", latency=8.0) as server:
        result = audit(small_vault, "--hibp-url", server.url, "--hibp-deadline", "0.5", "--format", "json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)["entries"]
    assert {e["exposure"]["status"] for e in entries} == {"unknown"}
    assert {e["exposure"]["reason"] for e in entries} == {"deadline of 0.5 s reached"}


def test_hibp_deadline_reads_its_environment_variable(small_vault: Path) -> None:
    with drip_server("slow", latency=8.0) as server:
        result = audit(small_vault, "--hibp-url", server.url, "--format", "json",
                       env={"REUSE_AUDIT_HIBP_DEADLINE": "0.5"})
    assert {e["exposure"]["reason"] for e in json.loads(result.stdout)["entries"]} == {"deadline of 0.5 s reached"}


def test_an_unverified_corpus_is_named_once_in_the_summary(small_vault: Path, corpus: Path) -> None:
    result = audit(small_vault, "--hibp-file", str(corpus))
    assert result.stderr.count("hibp verify") == 1
    assert str(corpus) in result.stderr


def test_the_json_counts_failures_per_kind(small_vault: Path, corpus: Path) -> None:
    result = audit(small_vault, "--hibp-file", str(corpus), "--format", "json")
    document = json.loads(result.stdout)
    assert document["summary"]["exposure_failures"] == {"unverified_corpus": 5}
    assert {e["exposure"].get("failure") for e in document["entries"]} == {None, "unverified_corpus"}


def test_hibp_verify_remembers_the_file(small_vault: Path, corpus: Path, private_cache: Path) -> None:
    verified = CliRunner().invoke(app, ["hibp", "verify", str(corpus)])
    assert verified.exit_code == 0 and "remembered as verified" in verified.stdout
    result = audit(small_vault, "--hibp-file", str(corpus), "--format", "json")
    assert {e["exposure"]["status"] for e in json.loads(result.stdout)["entries"]} == {"pwned", "not_found"}


def test_imap_deadline_stops_a_dripping_server_with_exit_2(tmp_path: Path) -> None:
    from tests.bounces.test_imap_deadline import OPENSSL, imap_server, make_certificate

    if OPENSSL is None:
        pytest.skip("openssl CLI not installed")
    cert = make_certificate(tmp_path)
    with imap_server("greeting", cert) as server:
        result = CliRunner().invoke(app, [
            "bounces", f"imaps://127.0.0.1:{server.server_address[1]}/INBOX", "--imap-user", "me@example.org",
            "--imap-password-stdin", "--ca-file", str(cert[0]), "--imap-deadline", "1",
        ], input="pw\n")
    assert result.exit_code == 2
    assert "IMAP deadline of 1 s reached" in result.output


def test_the_summary_counts_entries_and_its_note_distinct_passwords(small_vault: Path) -> None:
    with drip_server("slow", latency=8.0) as server:
        result = audit(small_vault, "--hibp-url", server.url, "--hibp-deadline", "0.5")
    entries = len(json.loads(audit(small_vault, "--format", "json", "--offline").stdout)["entries"])
    assert f"{entries} entries with unknown exposure" in result.stderr
    assert "distinct passwords could not be checked against Have I Been Pwned" in result.stderr


def test_hibp_verify_speaks_the_language_asked_for(corpus: Path, private_cache: Path, tmp_path: Path) -> None:
    verified = CliRunner().invoke(app, ["hibp", "verify", str(corpus), "--lang", "ja"])
    assert verified.exit_code == 0, verified.output
    assert "問題なし" in verified.stdout and "検証済みとして" in verified.stdout and "lines" not in verified.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("0000000000000000000000000000000000000001:2\nzz\n")
    config = tmp_path / "reuse-audit.toml"
    config.write_text('lang = "ja"\n')
    result = CliRunner().invoke(app, ["hibp", "verify", str(bad), "--config", str(config)])
    assert result.exit_code == 2
    assert "問題あり" in result.stdout and "HASH:COUNT の形式ではありません" in result.stdout
    english = CliRunner().invoke(app, ["hibp", "verify", str(bad), "--lang", "en"])
    assert "NOT OK: 2 lines, sorted, 1 malformed" in english.stdout
    assert "first bad line 2 (not HASH:COUNT)" in english.stdout
