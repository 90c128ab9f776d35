"""The periodic hygiene check end to end: baseline, ignores, history/trend, config file, exit codes.

Everything runs on the real `reuse_audit.cli.app`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer.main
from pykeepass import PyKeePass
from typer.testing import CliRunner

from reuse_audit import cli
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.run import HygieneRun
from tests.conftest import MASTER, STORY, E, assert_no_leak

ROTATED = "N3w!Rotated#Pass-2026x"
ALL_PASSWORDS = [e.password for e in STORY] + [MASTER, ROTATED]

APP = cli.app


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Never read the real user's config file; never inherit REUSE_AUDIT_* from the environment."""
    import os

    monkeypatch.setattr("reuse_audit.hygiene.config.default_config_path",
                        lambda: tmp_path / "no-such-dir" / "reuse-audit.toml")
    for name in [n for n in os.environ if n.startswith("REUSE_AUDIT_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args: str, app: Any = APP, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=MASTER + "\n", env={"COLUMNS": "200", **(env or {})})


def _audit(runner: CliRunner, vault: Path, *args: str, **kw: Any):  # type: ignore[no-untyped-def]
    return _run(runner, "audit", str(vault), "--password-stdin", "--offline", *args, **kw)


def _baseline(runner: CliRunner, vault: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    result = _run(runner, "baseline", "create", str(vault), "--password-stdin", "--offline", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return result


def _rotate(vault: Path, uuid: str, password: str) -> None:
    """Change one entry's password the way KeePass does: old version to history, new modification time."""
    import uuid as uuidlib

    kp = PyKeePass(str(vault), password=MASTER)
    entry = kp.find_entries(uuid=uuidlib.UUID(uuid), first=True)
    entry.save_history()
    entry.password = password
    entry.mtime = datetime.now(UTC) + timedelta(days=1)
    kp.save()


def _add_entry(vault: Path, title: str, password: str) -> str:
    kp = PyKeePass(str(vault), password=MASTER)
    entry = kp.add_entry(kp.root_group, "new-entry", "someone", password, force_creation=True)
    entry.title = title
    kp.save()
    return str(entry.uuid)


def _edit_title(vault: Path, uuid: str, title: str) -> None:
    import uuid as uuidlib

    kp = PyKeePass(str(vault), password=MASTER)
    entry = kp.find_entries(uuid=uuidlib.UUID(uuid), first=True)
    entry.save_history()
    entry.title = title
    entry.mtime = datetime.now(UTC) + timedelta(days=2)
    kp.save()


def _keys(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(f["uuid"], f["kind"]) for f in items}


# ---- baseline ----

def test_baseline_round_trip(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    base = tmp_path / "audit-baseline.json"
    _baseline(runner, path, base)
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(base.stat().st_mode) == 0o600

    unchanged = _audit(runner, path, "--baseline", str(base), "--format", "json")
    assert unchanged.exit_code == 0, unchanged.output
    doc = json.loads(unchanged.stdout)
    assert doc["baseline"]["new"] == [] and doc["baseline"]["fixed"] == []
    assert all(e["findings"] == [] for e in doc["entries"])
    assert "baseline: 0 new finding(s)" in unchanged.stderr

    _rotate(path, uuids["Mailbox admin"], ROTATED)
    rotated = _audit(runner, path, "--baseline", str(base), "--format", "json")
    assert rotated.exit_code == 0, rotated.output
    doc = json.loads(rotated.stdout)
    fixed = _keys(doc["baseline"]["fixed"])
    assert (uuids["Mailbox admin"], "reused") in fixed
    assert {u for u, _ in fixed} == {uuids["Mailbox admin"]}
    assert doc["baseline"]["new"] == []
    assert (uuids["Mailbox info"], "reused") in _keys(doc["baseline"]["accepted"])
    assert "fixed: Mailbox admin (reused)" in rotated.stderr

    new_uuid = _add_entry(path, "Bank copy", "Zr4!tW8#pQ2&nL6^xV0s")
    reused = _audit(runner, path, "--baseline", str(base), "--format", "json")
    assert reused.exit_code == 1, reused.output
    doc = json.loads(reused.stdout)
    assert _keys(doc["baseline"]["new"]) == {(uuids["Bank"], "reused"), (new_uuid, "reused")}
    flagged = {e["title"]: e["findings"] for e in doc["entries"] if e["findings"]}
    assert flagged == {"Bank": ["reused"], "Bank copy": ["reused"]}
    assert doc["summary"]["findings"]["reused"] == 2


def test_other_edits_keep_a_finding_accepted(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    base = tmp_path / "b.json"
    _baseline(runner, path, base)
    _edit_title(path, uuids["Forum"], "Forum (renamed)")
    result = _audit(runner, path, "--baseline", str(base))
    assert result.exit_code == 0, result.output


def test_table_with_a_baseline_shows_only_new_findings(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    base = tmp_path / "b.json"
    _baseline(runner, path, base)
    _add_entry(path, "Fresh reuse", "password1")
    result = _audit(runner, path, "--baseline", str(base))
    assert result.exit_code == 1, result.output
    forum_row = next(line for line in result.stdout.splitlines() if "│ Forum" in line)
    assert "reused" in forum_row and "weak" not in forum_row  # Forum's weakness was accepted
    assert "baseline: " in result.stderr and "new finding(s)" in result.stderr


@pytest.mark.parametrize("slim", [False, True])
def test_baseline_holds_no_password_and_no_hash(runner, story_vault, tmp_path, slim) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    base = tmp_path / "b.json"
    _baseline(runner, path, base, *(["--slim"] if slim else []))
    text = base.read_text()
    assert_no_leak(text, ALL_PASSWORDS)
    data = json.loads(text)
    assert data["baseline_version"] == 1
    keys = {k for f in data["findings"] for k in f}
    assert keys == ({"uuid", "kind", "password_since"} if slim else {"uuid", "kind", "password_since", "title"})
    assert ("Mailbox admin" in text) is (not slim)
    for secret in ALL_PASSWORDS:  # not even a prefix of a SHA-1
        assert hashlib.sha1(secret.encode(), usedforsecurity=False).hexdigest()[:5].upper() not in text.upper().replace(
            uuids["Mailbox admin"].upper(), "")  # (a uuid may contain any 5 hex digits by chance)


def test_a_bad_baseline_is_exit_2_before_unlocking(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    result = runner.invoke(APP, ["audit", str(path), "--offline", "--baseline", str(bad)])  # no password given
    assert result.exit_code == 2
    assert result.output.strip() == f"reuse-audit: error: {bad}: not a reuse-audit baseline (no baseline_version)"


def test_baseline_create_stdout_and_bad_input(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    out = _run(runner, "baseline", "create", str(path), "--password-stdin", "--offline", "--quiet")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["baseline_version"] == 1
    missing = _run(runner, "baseline", "create", str(tmp_path / "nope.kdbx"), "--password-stdin", "--offline")
    assert missing.exit_code == 2


# ---- --fail-on matrix (every kind, on the real CLI), and with a baseline ----

def _every_kind_vault(tmp_path: Path) -> tuple[Path, Path]:
    from tests.conftest import build_vault

    vault = tmp_path / "all-kinds.kdbx"
    uuids = build_vault(vault, [
        E("Master reuse", MASTER),
        E("Mail", "Kamome2019!"), E("Mail 2", "Kamome2019!"), E("Twitter", "Kamome2020!"),
        E("Expired", "u7^Hq2$Wn5&Kp9*Ze3Rb", expires=datetime(2020, 1, 1, tzinfo=UTC)),
        E("Ancient", "Zr4!tW8#pQ2&nL6^xV0s", url="https://www.adobe.com/"), E("Forum", "password1"),
        E("Old shop", "Qm7#vB2$kT9&wR4!zX6p", url="http://shop.example.com/"),  # insecure_url
        E("PayPay", "Hy5!nC8@jL3%sD1^fG7e", url="https://www.paypay.ne.jp/"),  # weak_2fa (SMS only)
    ])
    kp = PyKeePass(str(vault), password=MASTER)
    import uuid as uuidlib

    old = kp.find_entries(uuid=uuidlib.UUID(uuids["Ancient"]), first=True)
    old.ctime = old.mtime = datetime(2012, 1, 1, tzinfo=UTC)  # before Adobe's breach (2013-10-04)
    kp.save()
    hibp = tmp_path / "pwned.txt"
    hibp.write_text(f"{hashlib.sha1(b'Kamome2019!', usedforsecurity=False).hexdigest().upper()}:42\n")
    return vault, hibp


def _breaches_file(tmp_path: Path) -> Path:
    """A saved breach list with Adobe's breach, as Have I Been Pwned lists it."""
    from tests.breaches_fakes import SMALL_LIST

    path = tmp_path / "breaches.json"
    path.write_text(json.dumps(SMALL_LIST))
    return path


@pytest.mark.parametrize("kind", list(FindingKind))
def test_fail_on_each_kind_fails_on_that_kind(runner, tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    vault, hibp = _every_kind_vault(tmp_path)
    data = ("--hibp-file", str(hibp), "--breaches-file", str(_breaches_file(tmp_path)))
    result = _audit(runner, vault, *data, "--fail-on", kind.value, app=cli.app)
    assert result.exit_code == 1, result.output
    base = tmp_path / "b.json"
    _baseline(runner, vault, base, *data)
    accepted = _audit(runner, vault, *data, "--fail-on", kind.value, "--baseline", str(base))
    assert accepted.exit_code == 0, accepted.output


def test_min_pwned_count_ignores_rare_hits(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vault, hibp = _every_kind_vault(tmp_path)
    assert _audit(runner, vault, "--hibp-file", str(hibp), "--fail-on", "pwned", "--min-pwned-count", "42",
                  app=cli.app).exit_code == 1
    assert _audit(runner, vault, "--hibp-file", str(hibp), "--fail-on", "pwned", "--min-pwned-count", "43",
                  app=cli.app).exit_code == 0


# ---- ignores through the command line ----

def test_ignore_options_and_tag_drop_findings_and_are_summarised(runner, vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("PIN", "1234", group="Cards/PINs"), E("Licence", "AAAA-BBBB", tags=["reuse-audit:ignore"]),
                          E("Test", "test"), E("Good", "u7^Hq2$Wn5&Kp9*Ze3Rb")])
    from reuse_audit.secret import Secret
    from reuse_audit.vault.source import load_vault
    from reuse_audit.vault.unlock import VaultKey

    # its title is its password in another case: shown "[hidden]", held "Test"
    test_uuid = next(c.uuid for c in load_vault(path, VaultKey(Secret(MASTER))).credentials if c.real_title == "Test")
    assert _audit(runner, path).exit_code == 1
    result = _audit(runner, path, "--ignore-group", "Cards", "--ignore", test_uuid.replace("-", ""))
    assert result.exit_code == 0, result.output
    assert "3 ignored: 1 by tag reuse-audit:ignore, 1 by --ignore, 1 by --ignore-group Cards" in result.stderr


def test_a_bad_ignore_uuid_is_exit_2(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, "--ignore", "Forum")
    assert result.exit_code == 2
    assert "not an entry UUID" in result.output


# ---- history and trend ----

def test_history_appends_one_line_per_run_and_prints_the_trend(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    hist = tmp_path / "history.jsonl"
    first = _audit(runner, path, "--history-file", str(hist))
    assert "trend: first run recorded (pwned: not checked, site_breached: not checked, reused: 5" in first.stderr
    _rotate(path, uuids["Mailbox admin"], ROTATED)
    second = _audit(runner, path, "--history-file", str(hist))
    assert "reused: 5 → 4" in second.stderr
    lines = hist.read_text().splitlines()
    assert len(lines) == 2
    point = json.loads(lines[1])
    assert set(point) == {"history_version", "time", "entries_audited", "findings"}
    assert point["time"].endswith("Z") and set(point["findings"]) == {k.value for k in FindingKind}
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(hist.stat().st_mode) == 0o600
    text = hist.read_text()
    assert_no_leak(text, ALL_PASSWORDS)
    assert not any(u in text for u in uuids.values()) and "Mailbox" not in text  # no entry details
    assert point["findings"]["pwned"] is None  # offline: the breach check did not run, so not "0"


def test_baseline_findings_not_rechecked_are_not_fixed(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    base = tmp_path / "base.json"
    created = runner.invoke(APP, ["baseline", "create", str(path), "--password-stdin", "--offline", "-o", str(base)],
                            input=MASTER + "\n")
    assert created.exit_code == 0, created.output
    result = _audit(runner, path, "--baseline", str(base), "--checks", "reuse", "--format", "json")
    section = json.loads(result.stdout)["baseline"]
    assert section["fixed"] == []
    assert {f["kind"] for f in section["not_checked"]} >= {"weak", "policy"}
    assert result.exit_code == 0


def test_a_file_that_is_not_a_history_is_exit_2_and_left_alone(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    result = _audit(runner, path, "--history-file", str(notes))
    assert result.exit_code == 2
    assert notes.read_text() == "my notes\n"


@pytest.mark.parametrize("fmt", ["table", "json", "html"])
def test_trend_renders_every_format(runner, story_vault, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    hist = tmp_path / "h.jsonl"
    for _ in range(2):
        _audit(runner, path, "--history-file", str(hist))
    result = _run(runner, "trend", str(hist), "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "table":
        assert "reused" in result.stdout and "audited" in result.stdout
    elif fmt == "json":
        assert len(json.loads(result.stdout)) == 2
    else:
        assert "<svg" in result.stdout and "<polyline" in result.stdout
        for external in ("<script", "src=", "href=", "url(", "@import"):
            assert external not in result.stdout


def test_trend_of_a_missing_file_is_exit_2(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _run(runner, "trend", str(tmp_path / "none.jsonl"))
    assert result.exit_code == 2
    assert "no such history file" in result.output


# ---- interrupted writes ----

def test_an_interrupted_baseline_write_leaves_no_file(runner, story_vault, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("reuse_audit.safe_write.os.replace", interrupted)
    result = runner.invoke(APP, ["baseline", "create", str(path), "--password-stdin", "--offline", "-o",
                                 str(out_dir / "b.json")], input=MASTER + "\n")
    assert result.exit_code != 0  # typer turns Ctrl-C into "Aborted!"
    assert list(out_dir.iterdir()) == []


def test_an_interrupted_history_append_keeps_the_old_file_whole(runner, story_vault, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    hist = out_dir / "h.jsonl"
    _audit(runner, path, "--history-file", str(hist))
    before = hist.read_bytes()

    def interrupted(fd: int, data: Any) -> int:  # Ctrl-C at the append: one write(2) is never split
        raise KeyboardInterrupt

    monkeypatch.setattr("reuse_audit.safe_write.os.write", interrupted)
    result = runner.invoke(APP, ["audit", str(path), "--password-stdin", "--offline", "--history-file", str(hist)],
                           input=MASTER + "\n")
    assert result.exit_code != 0
    assert hist.read_bytes() == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["h.jsonl", "h.jsonl.lock"]  # the lock file stays


# ---- config file and precedence ----

def _config(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "reuse-audit.toml"
    cfg.write_text(text)
    return cfg


def test_config_file_sets_an_option(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, '[audit]\nfail-on = ["expired", "old"]\n')
    assert _audit(runner, path, "--config", str(cfg)).exit_code == 0


def test_environment_beats_config_file(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, '[audit]\nfail_on = "expired"\n')
    result = _audit(runner, path, "--config", str(cfg), env={"REUSE_AUDIT_FAIL_ON": "reused"})
    assert result.exit_code == 1


def test_command_line_beats_environment(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, '[audit]\nfail_on = "reused"\n')
    result = _audit(runner, path, "--config", str(cfg), "--fail-on", "expired",
                    env={"REUSE_AUDIT_FAIL_ON": "reused"})
    assert result.exit_code == 0


def test_command_table_beats_top_level_keys(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, 'fail-on = "expired"\n[audit]\nfail-on = "reused"\n')
    assert _audit(runner, path, "--config", str(cfg)).exit_code == 1


def test_default_config_location_and_env_var(runner, story_vault, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, '[audit]\nfail-on = "expired"\n')
    monkeypatch.setattr("reuse_audit.hygiene.config.default_config_path", lambda: cfg)
    assert _audit(runner, path).exit_code == 0
    other = tmp_path / "other.toml"
    other.write_text('[audit]\nfail-on = "reused"\n')
    assert _audit(runner, path, env={"REUSE_AUDIT_CONFIG": str(other)}).exit_code == 1


def test_config_paths_are_relative_to_the_config_file(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    (tmp_path / "conf").mkdir()
    cfg = tmp_path / "conf" / "reuse-audit.toml"
    cfg.write_text(f'[audit]\nhistory-file = "h.jsonl"\nvault = "{path}"\nfail-on = "expired"\n')
    result = runner.invoke(APP, ["audit", "--config", str(cfg), "--password-stdin", "--offline"],
                           input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "conf" / "h.jsonl").is_file()


@pytest.mark.parametrize(("text", "message"), [
    ('[audit]\nfial-on = "reused"\n', "unknown setting 'fial-on' in [audit]"),
    ('password = "hunter2"\n', "unknown setting 'password'"),
    ("[audti]\n", "unknown table [audti]"),
    ("fail-on = \n", "not valid TOML"),
])
def test_a_bad_config_file_is_exit_2_in_one_line(runner, story_vault, tmp_path, text, message) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cfg = _config(tmp_path, text)
    result = _audit(runner, path, "--config", str(cfg))
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "hunter2" not in result.output


@pytest.mark.parametrize(("text", "lang", "says"), [
    ("fail-on = \n", "en", "not valid TOML at line 1, column 11: a value is missing or not valid"),
    ("[audit]\nfail-on = [\"pwned\",\n", "en", "not valid TOML at the end of the file: a value is missing"),
    ("[audit]\nstrict = true\n[audit]\n", "en", "not valid TOML at line 3, column 7: Cannot declare"),
    ("fail-on = \n", "ja", "1 行 11 列目"),
])
def test_a_config_file_that_is_not_toml_says_where_in_the_users_language(runner, tmp_path, text, lang, says  # type: ignore[no-untyped-def]
                                                                          ) -> None:
    cfg = _config(tmp_path, text)
    result = _run(runner, "config", "show", "--config", str(cfg), "--lang", lang)
    assert result.exit_code == 2
    assert says in result.output and len(result.output.strip().splitlines()) == 1
    if lang == "ja":
        assert "Invalid value" not in result.output and "not valid" not in result.output


def test_config_show_puts_a_long_values_source_below_it_not_out_of_its_column(runner, tmp_path  # type: ignore[no-untyped-def]
                                                                               ) -> None:
    cfg = _config(tmp_path, 'hibp-api-url = "https://breaches.example.internal/api/v3"\nformat = "json"\n')
    result = _run(runner, "config", "show", "--config", str(cfg), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    starts, beside = set(), set()
    for n, line in enumerate(lines):
        if line.startswith("  --fail-on") or line.startswith("  --hibp-api-url"):
            assert line.rstrip().endswith(("policy", "/api/v3")), line  # the value ends the row
            below = lines[n + 1]
            assert below.strip().startswith("(") and below.strip().endswith(")"), below
            starts.add(len(below) - len(below.lstrip()))
        elif line.startswith("  --strict"):  # a short value: its source beside it, in the sources' column
            beside.add(line.index("default"))
        elif line.startswith("  --min-pwned-count"):
            beside.add(line.index("default"))
    assert len(starts) == 1 and len(beside) == 1


def test_config_show_prints_values_and_their_sources(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = _config(tmp_path, 'offline = true\n[audit]\nfail-on = "pwned"\nmin-length = 16\n')
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('[audit]\nfail-on = "old"\n')
    result = _run(runner, "config", "show", "--config", str(cfg), "--", "--min-length", "20",
                  env={"REUSE_AUDIT_CHECKS": "reuse", "REUSE_AUDIT_CONFIG": str(elsewhere)})
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  --")}
    assert "pwned" in rows["--fail-on"] and f"config file {cfg} [audit]" in rows["--fail-on"]
    assert "true" in rows["--offline"] and "top level" in rows["--offline"]
    assert "20" in rows["--min-length"] and rows["--min-length"].endswith("command line")
    assert rows["--checks"].endswith("environment REUSE_AUDIT_CHECKS")
    assert rows["--hibp-workers"].endswith("default")
    assert "--config" not in rows


def test_config_show_for_another_command_and_bad_input(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = _config(tmp_path, '[audit]\nmin-length = 16\n[baseline.create]\nslim = true\n')
    result = _run(runner, "config", "show", "--config", str(cfg), "--command", "baseline create")
    assert result.exit_code == 0, result.output
    assert "16" in result.stdout and "[audit]" in result.stdout and "[baseline.create]" in result.stdout
    assert _run(runner, "config", "show", "--command", "nope").exit_code == 2
    assert _run(runner, "config", "show", "--config", str(tmp_path / "none.toml")).exit_code == 2


@pytest.mark.parametrize(("text", "args", "command", "says"), [
    ("[audit]\nmin-length = -3\n", [], "audit", "'--min-length'"),
    ("", ["--", "--min-length", "0"], "audit", "'--min-length'"),
    ("[bounces]\nunknown-share = nan\n", [], "bounces", "nan is not a number"),
    ("[plan]\nhibp-deadline = inf\n", [], "plan", "'--hibp-deadline'"),
])
def test_config_show_refuses_what_the_command_would_refuse(runner, tmp_path, text, args, command, says  # type: ignore[no-untyped-def]
                                                            ) -> None:
    cfg = _config(tmp_path, text)
    result = _run(runner, "config", "show", "--config", str(cfg), "--command", command, *args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"reuse-audit: error: {command} would refuse these settings: ") and says in line, line


@pytest.mark.parametrize(("text", "says"), [
    ("quiet = 1\n", "quiet (top level) takes true or false"),
    ("offline = 1.5\n", "offline (top level) takes true or false"),
    ("min-length = 2024-05-01\n", "min-length (top level) takes a whole number"),
    ("[audit]\nmin-length = true\n", "min-length ([audit]) takes a whole number"),
    ("hibp-deadline = 'soon'\n", "hibp-deadline (top level) takes a number"),
    ("hibp-file = 5\n", "hibp-file (top level) takes text"),
    ("[audit]\nignore-group = [1, 2]\n", "ignore-group ([audit]) takes text"),
])
def test_a_setting_of_the_wrong_type_is_one_line_not_an_internal_error(runner, story_vault, tmp_path, text, says  # type: ignore[no-untyped-def]
                                                                     ) -> None:
    path, _ = story_vault
    cfg = _config(tmp_path, text)
    runs = [_audit(runner, path, "--config", str(cfg)), _run(runner, "config", "show", "--config", str(cfg))]
    if text.startswith("quiet"):
        runs.append(_run(runner, "demo", "--config", str(cfg)))  # (demo has none of the other options)
    for result in runs:
        assert result.exit_code == 2, result.output
        [line] = result.stderr.strip().splitlines()
        assert says in line and "internal error" not in line, line


def test_a_bad_value_names_where_it_came_from(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The parser names an option's environment variable whatever gave the value: a value from the config file
    must not send the user looking for a variable they never set."""
    path, _ = story_vault
    cfg = _config(tmp_path, "[audit]\nmin-length = -3\n")
    shown = _run(runner, "config", "show", "--config", str(cfg))
    assert shown.exit_code == 2
    assert "'--min-length' (config file): -3" in shown.stderr and "env var" not in shown.stderr

    def audit(*args: str, **env: str) -> subprocess.CompletedProcess[str]:  # main()'s own error line
        clean = {k: v for k, v in os.environ.items() if not k.startswith("REUSE_AUDIT_")}
        return subprocess.run([sys.executable, "-m", "reuse_audit", "audit", str(path), "--password-stdin",
                               "--offline", *args], input=MASTER + "\n", capture_output=True, text=True,
                              timeout=120, env={**clean, **env})

    from_file = audit("--config", str(cfg))
    assert from_file.returncode == 2
    assert "'--min-length' (config file): -3" in from_file.stderr and "env var" not in from_file.stderr
    from_env = audit(REUSE_AUDIT_MIN_LENGTH="-2")
    assert "(env var: 'REUSE_AUDIT_MIN_LENGTH'): -2" in from_env.stderr
    typed = audit("--min-length", "-4")
    assert "Invalid value for '--min-length': -4" in typed.stderr


def test_config_file_errors_and_config_show_speak_the_commands_language(runner, story_vault, tmp_path  # type: ignore[no-untyped-def]
                                                                        ) -> None:
    path, _ = story_vault
    missing = _audit(runner, path, "--config", str(tmp_path / "none.toml"), "--lang", "ja")
    assert missing.exit_code == 2
    assert "設定ファイルが見つかりません" in missing.stderr  # the file is read before --lang is parsed
    unknown = _run(runner, "trend", str(tmp_path / "h.jsonl"), "--config", str(_config(tmp_path, "bogus = 1\n")),
                   "--lang", "ja")
    assert unknown.exit_code == 2 and "不明な設定 'bogus'" in unknown.stderr
    cfg = _config(tmp_path, 'offline = true\n[audit]\nmin-length = 16\n')
    shown = _run(runner, "config", "show", "--config", str(cfg), "--lang", "ja", "--", "--fail-on", "pwned")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith(f"設定ファイル：{cfg}\naudit の設定：\n")
    rows = {line.split()[0]: line for line in shown.stdout.splitlines() if line.startswith("  --")}
    assert rows["--fail-on"].endswith("コマンドライン") and rows["--offline"].endswith("の最上位")
    assert "既定値" in rows["--hibp-workers"] and "default" not in shown.stdout
    from rich.cells import cell_len

    narrow = _run(runner, "config", "show", "--config", str(cfg), "--lang", "ja", env={"COLUMNS": "80"})
    assert all(cell_len(line) <= 80 for line in narrow.stdout.splitlines() if str(tmp_path) not in line)
    assert "(設定ファイル" in narrow.stdout  # a source that does not fit goes below its value


# ---- the JSON report's schema ----

def _schema() -> dict[str, Any]:
    text = resources.files("reuse_audit").joinpath("data/audit-report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_real_audit_json_output_follows_the_shipped_schema(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vault, hibp = _every_kind_vault(tmp_path)
    for extra in ((), ("--hibp-file", str(hibp)), ("--include-excluded", "--checks", "reuse")):
        result = _audit(runner, vault, "--format", "json", *extra, app=cli.app)
        assert result.exit_code in (0, 1), result.output
        jsonschema.validate(json.loads(result.stdout), _schema())


def test_json_output_with_a_baseline_follows_the_schema(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    base = tmp_path / "b.json"
    _baseline(runner, path, base)
    _rotate(path, uuids["Mailbox admin"], ROTATED)
    result = _audit(runner, path, "--format", "json", "--baseline", str(base), "--ignore", uuids["Forum"])
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, _schema())
    assert {"file", "created", "new", "accepted", "fixed", "gone", "not_checked"} == set(doc["baseline"])
    assert (uuids["Forum"], "weak") in _keys(doc["baseline"]["gone"])
    assert {"uuid": uuids["Forum"], "title": "Forum", "reason": "ignored"} in doc["vault"]["skipped"]


def test_the_schema_ships_with_the_package() -> None:
    assert _schema()["properties"]["schema_version"] == {"const": 1}


def test_prepare_checks_inputs_without_a_vault(tmp_path) -> None:
    hist = tmp_path / "h.jsonl"
    hist.write_text("not json\n")
    with pytest.raises(HygieneInputError, match="h.jsonl:1"):
        HygieneRun.prepare(history_file=hist)


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals (SIGTERM is TerminateProcess on Windows)")
def test_sigterm_during_a_private_write_leaves_no_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the SIGTERM handler the integration notes add to cli.main(), the temp file is removed too."""
    import subprocess
    import sys

    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))\n"
        "from reuse_audit import safe_write\n"
        "real = os.fdopen\n"
        "def fdopen(fd, *a, **k):\n"
        "    f = real(fd, *a, **k)\n"
        "    w = f.write\n"
        "    def write(t):\n"
        "        w(t[:10]); os.kill(os.getpid(), signal.SIGTERM); return w(t[10:])\n"
        "    f.write = write\n"
        "    return f\n"
        "os.fdopen = fdopen\n"
        "safe_write.write_private(Path(sys.argv[1]), 'x' * 1000)\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", script, str(out / "report.json")], capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 143, proc.stderr
    assert list(out.iterdir()) == []


def test_baseline_create_says_one_entry_in_the_singular(runner, vault_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("A", "kamome")])
    from reuse_audit.cli import app

    result = runner.invoke(app, ["baseline", "create", str(path), "--password-stdin", "--offline", "-o",
                                 str(tmp_path / "b.json")], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    assert "finding(s) in 1 entry accepted" in result.stderr


def test_every_command_reads_the_config_file(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`config show --command trend` listed the file's settings while trend and demo never read it."""
    history = tmp_path / "h.jsonl"
    history.write_text(json.dumps({"history_version": 1, "time": "2026-06-01T06:15:00Z", "entries_audited": 4,
                                   "findings": {"reused": 2}}) + "\n")
    cfg = _config(tmp_path, 'lang = "ja"\n[trend]\nformat = "json"\n[demo]\nformat = "markdown"\n')
    trend = runner.invoke(APP, ["trend", str(history), "--config", str(cfg)])
    assert trend.exit_code == 0, trend.output
    assert json.loads(trend.stdout)
    demo = runner.invoke(APP, ["demo", "--config", str(cfg), "--quiet"])
    assert demo.exit_code == 0, demo.output
    assert demo.stdout.startswith("# パスワード変更の手順")
    root = typer.main.get_command(APP)
    for group in root.commands.values():  # type: ignore[attr-defined]
        for command in getattr(group, "commands", {"": group}).values():
            assert any(p.name == "config" for p in command.params), command.name
