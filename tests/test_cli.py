"""The command line as scripts and people use it: formats, exit codes, unlocking, no secrets in output."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.report.audit_formats import AuditFormat
from tests.conftest import MASTER, STORY, E, assert_no_leak

ALL_PASSWORDS = [e.password for e in STORY] + [MASTER]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _audit(runner: CliRunner, vault: Path, *args: str, password: str = MASTER):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["audit", str(vault), "--password-stdin", "--offline", *args],
                         input=password + "\n", env={"COLUMNS": "200"})


@pytest.mark.parametrize("fmt", list(AuditFormat))
def test_every_audit_format_renders_without_secrets(runner, story_vault, fmt) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, "--format", fmt.value)
    assert result.exit_code == 1, result.output
    assert "Mailbox admin" in result.stdout
    assert_no_leak(result.output, ALL_PASSWORDS)


def test_json_report_follows_schema_version_1(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, uuids = story_vault
    result = _audit(runner, path, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "reuse-audit"
    assert doc["vault"]["entries_total"] == 8
    assert doc["vault"]["entries_audited"] == 8
    assert {"id", "size", "entries"} <= set(doc["reuse_groups"][0])
    entry = next(e for e in doc["entries"] if e["title"] == "Mailbox admin")
    for key in ("uuid", "title", "username", "url", "group", "reuse_group", "linked_to", "has_otp", "findings",
                "strength", "rank", "reasons", "exposure", "variant_group"):
        assert key in entry
    assert entry["uuid"] == uuids["Mailbox admin"]
    assert entry["group"] == "Mail"
    assert {"score", "length", "meets_policy", "policy_failures"} <= set(entry["strength"])
    assert entry["exposure"] == {"status": "skipped", "count": None, "reason": entry["exposure"]["reason"],
                                 "failure": None}
    assert [e["rank"] for e in doc["entries"]] == list(range(1, 9))


def test_output_file_is_private(runner, story_vault, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    out = tmp_path / "report.json"
    result = _audit(runner, path, "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert_no_leak(out.read_text(), ALL_PASSWORDS)
    assert json.loads(out.read_text())["schema_version"] == 1


def test_clean_vault_exits_zero(runner, vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("a", "u7^Hq2$Wn5&Kp9*Ze3Rb"), E("b", "Zr4!tW8#pQ2&nL6^xV0s")])
    result = _audit(runner, path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("fail_on", "code"), [("reused", 1), ("weak", 1), ("expired", 0), ("old", 0),
                                               ("variant", 1), ("pwned", 0)])
def test_fail_on_chooses_which_findings_fail(runner, story_vault, fail_on, code) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    assert _audit(runner, path, "--fail-on", fail_on).exit_code == code


def test_wrong_password_is_exit_2_one_line(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, password="wrong")
    assert result.exit_code == 2
    assert "wrong master password or key file" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_terminal_and_no_password_source_fails_at_once(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = runner.invoke(app, ["audit", str(path), "--offline"])
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


def test_there_is_no_password_option(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = runner.invoke(app, ["audit", str(path), "--password", MASTER])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_missing_vault_is_exit_2(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _audit(runner, tmp_path / "missing.kdbx")
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_password_command_supplies_the_master_password(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cmd = f"{sys.executable} -c \"print('{MASTER}')\""
    result = runner.invoke(app, ["audit", str(path), "--offline", "--password-command", cmd])
    assert result.exit_code == 1, result.output


def test_failing_password_command_is_exit_2_with_its_last_line(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    cmd = f"{sys.executable} -c \"import sys; sys.stderr.write('vault locked\\\\n'); sys.exit(4)\""
    result = runner.invoke(app, ["audit", str(path), "--offline", "--password-command", cmd])
    assert result.exit_code == 2
    assert "vault locked" in result.output


def test_options_read_environment_variables(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = runner.invoke(app, ["audit", str(path), "--password-stdin", "--offline", "--format", "json"],
                           input=MASTER + "\n", env={"REUSE_AUDIT_CHECKS": "reuse"})
    doc = json.loads(result.stdout)
    assert doc["checks"] == ["reuse"]


def test_unknown_check_is_a_usage_error(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, "--checks", "reuse,telepathy")
    assert result.exit_code == 2
    assert "telepathy" in result.output


def test_vault_text_is_data_not_markup(runner, vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("[/x] shop", "Same-pw-1234!"), E("=HYPERLINK(\"x\")", "Same-pw-1234!"),
                          E("<script>alert(1)</script>", "Same-pw-1234!")])
    table = _audit(runner, path)
    assert table.exit_code == 1, table.output
    assert "[/x] shop" in table.stdout
    csv_out = _audit(runner, path, "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_out
    html_out = _audit(runner, path, "--format", "html").stdout
    assert "<script>alert" not in html_out
    md = _audit(runner, path, "--format", "markdown").stdout
    assert "\\[/x\\] shop" in md


def test_offline_opens_no_socket(runner, story_vault, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault

    def refuse(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a socket was opened in --offline mode")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = _audit(runner, path, "--format", "json")
    assert result.exit_code == 1, result.output
    assert "skipped" in result.stdout


def test_quiet_prints_nothing_on_stderr(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "audit", str(path), "--password-stdin",
                           "--offline", "--quiet", "--format", "json"], input=MASTER + "\n",
                          capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C"})
    assert proc.returncode == 1
    assert proc.stderr == ""
    json.loads(proc.stdout)


def test_module_runs_as_a_real_subprocess() -> None:
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert "audit" in proc.stdout and "plan" in proc.stdout


def test_version_option(runner) -> None:  # type: ignore[no-untyped-def]
    from reuse_audit import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


@pytest.mark.parametrize("fmt", list(AuditFormat))
def test_password_standing_in_displayed_text_is_hidden(runner, vault_factory, fmt) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("Router admin", "admin", "admin", "http://192.168.0.1/"),
                          E("foobar_entry", "foobar", "foobar_user", group="foobar_group")])
    result = _audit(runner, path, "--format", fmt.value)
    assert result.exit_code == 1, result.output
    assert_no_leak(result.output, ["admin", "foobar"])
    assert "hidden" in result.stdout


@pytest.mark.parametrize("args", [["audit", "v.kdbx", "--min-pwned-count", "0"], ["audit"], ["nope"],
                                  ["audit", "v.kdbx", "--hibp-workers", "abc"], ["audit", "v.kdbx", "--nope"]])
def test_usage_errors_are_one_line_in_the_real_command(args) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("reuse-audit: error: ")


def test_checks_that_did_not_run_are_not_counted_as_zero(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, "--checks", "reuse", "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert summary["findings"]["weak"] is None and summary["findings"]["policy"] is None
    assert summary["findings"]["pwned"] is None
    assert summary["findings"]["reused"] == 5
    assert set(summary["not_checked"]) == {"weak", "policy", "variant", "pwned", "site_breached", "no_2fa",
                                           "weak_2fa", "passkey_available", "insecure_url"}
    assert "weak: not checked" in result.stderr
    assert "pwned: not checked" in result.stderr and "0 pwned" not in result.stderr  # never a count of 0


def test_an_offline_run_without_a_corpus_does_not_count_zero_pwned(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(runner, path, "--format", "json")
    assert json.loads(result.stdout)["summary"]["findings"]["pwned"] is None
    assert "pwned: not checked" in result.stderr and "0 pwned" not in result.stderr


def test_every_option_of_every_command_reads_an_environment_variable() -> None:
    import typer.main

    def options(command, path):  # type: ignore[no-untyped-def]
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from options(sub, [*path, name])
        else:
            for p in command.params:
                if getattr(p, "param_type_name", "") == "option" and p.name != "help":
                    yield " ".join(path), p

    missing = [(where, p.opts) for where, p in options(typer.main.get_command(app), [])
               if not (p.envvar and str(p.envvar).startswith("REUSE_AUDIT_"))]
    assert missing == []


HELP_COMMANDS = [[], ["audit"], ["plan"], ["demo"], ["bounces"], ["trend"], ["baseline"], ["baseline", "create"],
                 ["config"], ["config", "show"], ["hibp"], ["hibp", "verify"]]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_help_fits_80_columns_and_names_every_option_whole(command: list[str]) -> None:
    """At 80 columns nothing is cut: no line is wider, every option's flag and environment variable is shown
    whole (rich's help table cut them: `--breached-pass…`), and no option's value is a bare type (`<str>`)."""
    import typer.main

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert "…" not in result.output
    assert "..." not in result.output.replace("SOURCE...", "").replace("[ARGS]...", "")
    assert "<str>" not in result.output and "<path>" not in result.output
    cmd = typer.main.get_command(app)
    for name in command:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    flat = " ".join(result.output.split()).replace("- ", "-")  # words wrapped across lines, joined again
    for param in cmd.params:
        if param.param_type_name == "option":
            for flag in param.opts + param.secondary_opts:
                assert flag in flat, flag
            if isinstance(param.envvar, str):
                assert param.envvar in flat, param.envvar


def test_a_note_on_a_terminal_is_wrapped_and_one_line_elsewhere(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import os as _os
    import shutil

    from reuse_audit.cli import output
    from reuse_audit.report.wrap import cell_len

    line = "エントリ 14 件（確認 14 件、対象外 0 件）、7 件が 2 組でパスワードを使い回し、" * 3 + " https://example.org/a/b"
    output.note(line)
    assert capsys.readouterr().err == line + "\n"  # a log or a script gets it whole
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(0, 0): _os.terminal_size((40, 24)))
    output.note(line)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) > 3 and all(cell_len(x) <= 40 for x in lines)
    assert any(x.endswith("https://example.org/a/b") for x in lines)  # whole
