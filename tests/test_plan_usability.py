"""A plan a person can act on: it fits an 80-column terminal and a phone, and writes the format its file asks for."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from reuse_audit.cli import app
from reuse_audit.demo import DEMO_MASTER_PASSWORD, demo_paths
from tests.conftest import REPO, assert_no_leak

# a lone URL, with the brackets and closing marks of its sentence: "(https://…)", "（https://…）。"
URL = re.compile(r"[(（「]?https?://[!-~]+?[)）」。、.]*")


def demo_passwords() -> set[str]:
    from pykeepass import PyKeePass

    with demo_paths() as (vault, _pwned):
        kp = PyKeePass(str(vault), password=DEMO_MASTER_PASSWORD)
        return {e.password for e in kp.entries if e.password} | {DEMO_MASTER_PASSWORD}


def run_demo(*args: str, columns: int | None = 80,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    if columns is not None:
        environ["COLUMNS"] = str(columns)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "reuse_audit", "demo", *args], capture_output=True, text=True,
                          env=environ, cwd=REPO, timeout=120, check=False)


def test_demo_at_80_columns_has_no_line_wider_except_a_lone_url() -> None:
    out = run_demo().stdout
    for line in out.splitlines():
        if cell_len(line) > 80:
            assert URL.fullmatch(line.strip()), line
    doc = json.loads(run_demo("--format", "json").stdout)
    for step in doc["steps"]:
        if step["action"] != "none" and step["change_url"]:
            assert step["change_url"] in out, step["change_url"]  # every change URL appears whole


@pytest.mark.parametrize(("lang", "columns"), [("en", 80), ("ja", 80), ("en", 40), ("ja", 40)])
def test_every_url_of_the_plan_is_whole_on_one_line_in_either_language(lang: str, columns: int) -> None:
    # a URL glued to Japanese text ("パスキーの設定：https://…", "（https://…）") or to "(" was cut like a word
    out = run_demo("--all", "--lang", lang, columns=columns).stdout
    document = run_demo("--all", "--format", "json").stdout
    known = set(re.findall(r"https?://[A-Za-z0-9./?=_%&:#~+-]+", document))
    for url in re.findall(r"https?://[A-Za-z0-9./?=_%&:#~+-]+", out):
        assert url in known, url  # not the head of a URL cut at the line's end (a reason's "(https://…)")
    steps = json.loads(document)["steps"]
    shown = {s[key] for s in steps if s["action"] != "none" for key in ("change_url", "tfa_url", "passkey_url")
             if s[key]}
    assert len(shown) >= 15  # the demo's change, two-step and passkey links
    for url in shown:
        assert any(re.search(re.escape(url) + r"(?![A-Za-z0-9/?=_%&#~+-])", line) for line in out.splitlines()), url
    for line in out.splitlines():
        if cell_len(line) > columns:
            assert URL.fullmatch(line.strip()), line


def test_the_first_lines_say_what_to_do_now() -> None:
    lines = run_demo().stdout.splitlines()
    assert lines[0].startswith("Rotation plan")
    assert any(line.startswith("Do these 3 now: 1. Change password now") for line in lines[:3])


def test_piped_output_follows_columns_and_defaults_to_100() -> None:
    wide = run_demo(columns=200).stdout
    default = run_demo(columns=None).stdout
    assert max(map(cell_len, default.splitlines())) <= 100 or all(
        URL.fullmatch(line.strip()) for line in default.splitlines() if cell_len(line) > 100)
    assert max(map(cell_len, wide.splitlines())) > 100  # a wide terminal gets the table


def test_japanese_at_80_columns_counts_wide_characters_twice() -> None:
    out = run_demo("--lang", "ja").stdout
    for line in out.splitlines():
        if cell_len(line) > 80:
            assert URL.fullmatch(line.strip()), line


def test_no_colour_unless_a_terminal_and_never_with_no_color() -> None:
    assert "\x1b[" not in run_demo().stdout
    assert "\x1b[" not in run_demo(env={"NO_COLOR": "1"}).stdout


@pytest.mark.parametrize(("name", "check"), [
    ("plan.html", lambda text: text.startswith("<!DOCTYPE html>")),
    ("plan.json", lambda text: json.loads(text)["schema_version"] == 1),
    ("plan.md", lambda text: text.startswith("# Rotation plan")),
    ("plan.csv", lambda text: text.startswith("step,tier,action")),
    ("plan.txt", lambda text: text.startswith("Rotation plan")),
])
def test_demo_o_takes_the_format_from_the_file_name(tmp_path: Path, name: str, check: object) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(app, ["demo", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8"))  # type: ignore[operator]


def test_a_format_on_the_command_line_that_contradicts_the_file_name_is_exit_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--format", "table", "-o", str(tmp_path / "plan.html")])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "--format table does not match the file name" in line


def test_a_format_from_the_environment_yields_to_the_file_name(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = CliRunner().invoke(app, ["demo", "-o", str(out), "--quiet"], env={"REUSE_AUDIT_FORMAT": "markdown"})
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_html_ticks_are_keyed_by_vault_breach_and_entry_never_a_secret() -> None:
    page = run_demo("--format", "html").stdout
    prefix = re.search(r'<body data-key="([^"]+)"', page)
    assert prefix and re.fullmatch(r"reuse-audit:[0-9a-f-]{36}:admin@aaa\.jp::", prefix.group(1))  # no time given
    keys = re.findall(r'data-key="([^"]+)"', page)[1:]
    assert keys and all(re.fullmatch(r"([0-9a-f-]{36}|vault)(:[a-z0-9_]+)?", k) for k in keys)
    assert "localStorage" in page and 'id="reset-ticks"' in page
    assert_no_leak(page, demo_passwords())


def _chromium_or_skip() -> None:
    from scripts.screenshot_plan import chromium

    if chromium() is None:
        pytest.skip("chromium is not installed (Debian package chromium; .ci/run installs it)")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_html_plan_is_no_wider_than_a_390px_phone(lang: str) -> None:
    _chromium_or_skip()
    from scripts.screenshot_plan import measure

    size = measure(run_demo("--format", "html", "--lang", lang).stdout, 390)
    assert size["innerWidth"] == 390
    assert size["scrollWidth"] <= size["innerWidth"], size
    # "Do these 3 now: 1. … 2. …" names steps by number: each card shows its number on a phone too
    assert size["stepNumbers"] > 3 and size["hiddenStepNumbers"] == 0, size


def test_the_trend_page_is_no_wider_than_a_390px_phone(tmp_path: Path) -> None:
    _chromium_or_skip()
    from scripts.screenshot_plan import measure

    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps({"history_version": 1, "time": f"2026-0{m}-01T06:15:00Z",
                                           "entries_audited": 40,
                                           "findings": {"reused": 9 - m, "weak": 3, "pwned": m % 2, "old": 2}})
                               + "\n" for m in range(1, 7)))
    page = CliRunner().invoke(app, ["trend", str(history), "--format", "html"]).stdout
    assert 'stroke-dasharray="8 4"' in page  # lines differ by more than colour
    size = measure(page, 390)
    assert size["scrollWidth"] <= size["innerWidth"], size


def _plan_of(vault: Path, *args: str) -> Result:
    from tests.conftest import MASTER

    return CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--format", "json", *args],
                              input=MASTER + "\n")


def test_a_title_that_holds_a_vault_password_can_still_be_named(tmp_path: Path) -> None:
    from tests.conftest import E, assert_no_leak, build_vault

    vault = tmp_path / "v.kdbx"
    uuids = build_vault(vault, [E("foobar_entry", "foobar", "someone"), E("Site qwerty", "qwerty", "a"),
                                E("Site asdfgh", "asdfgh", "b"), E("Mail", "Unrelated-pw-77!", "me@aaa.jp")])
    result = _plan_of(vault, "--breached", "foobar_entry")  # shown as "[hidden]_entry": "foobar" is a password
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["breach"]["matched"] == [uuids["foobar_entry"]]
    assert_no_leak(result.output, ["foobar", "qwerty", "asdfgh"])
    # both titles are shown as "Site [hidden]", but each is matched as the vault holds it
    for title in ("Site qwerty", "Site asdfgh"):
        named = _plan_of(vault, "--breached", title)
        assert named.exit_code == 0, named.output
        assert json.loads(named.stdout)["breach"]["matched"] == [uuids[title]]
        assert_no_leak(named.output, ["foobar", "qwerty", "asdfgh"])
    unknown = _plan_of(vault, "--breached", "Site foobar")  # shown as "Site [hidden]" too: names no entry
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("reuse-audit: error: --breached 'Site [hidden]' matches no entry")
    assert _plan_of(vault, "--breached", uuids["Site qwerty"]).exit_code == 0


def test_a_password_that_stands_in_logins_and_urls_does_not_stop_the_plan(tmp_path: Path) -> None:
    """Passwords "example", "yamada1985" and "google" are hidden wherever they stand in shown text, but an entry is
    matched and looked up by its fields as the vault holds them: the address, the host, the catalogue's pages."""
    from tests.conftest import E, assert_no_leak, build_vault

    vault = tmp_path / "v.kdbx"
    uuids = build_vault(vault, [
        E("Mail", "Sh4red!Mailbox-pw", "tanaka@example.jp", "https://mail.example.jp/"),
        E("Amazon", "Sh4red!Mailbox-pw", "tanaka@example.jp", "https://www.amazon.co.jp/"),
        E("Forum", "example", "x", "https://forum.test/"),
        E("Gmail", "Gm-pw-2020!x", "yamada1985@gmail.com", "https://mail.google.com/"),
        E("Twitter", "Gm-pw-2020!x", "yamada1985@gmail.com", "https://twitter.com/"),
        E("G2", "google", "y", "https://g2.test/"),
        E("Y", "yamada1985", "z", "https://y.test/")])
    for selector in ("tanaka@example.jp", "mail.example.jp", "TANAKA@example.jp"):
        result = _plan_of(vault, "--breached", selector)
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert [(s["tier"], s["uuid"]) for s in doc["steps"][:2]] == [(1, uuids["Mail"]), (2, uuids["Amazon"])]
        assert "example.jp" not in result.output
    result = _plan_of(vault, "--breached", "yamada1985@gmail.com")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)["steps"][0]
    assert (first["uuid"], first["username"]) == (uuids["Gmail"], "[hidden]@gmail.com")
    assert "this is the breached account (you named [hidden]@gmail.com)" in first["reasons"]
    # the mailbox's provider is still known: its own checklist pages (the catalogue's words, not the vault's)
    assert "https://myaccount.google.com/device-activity" in [i.get("url") for i in first["checklist"]]
    assert "yamada1985" not in result.output and "mail.google.com/\"" not in result.output
    assert_no_leak(result.output, ["Sh4red!Mailbox-pw", "Gm-pw-2020!x"])


def test_a_breached_mailbox_kept_outside_the_vault_is_still_the_first_step(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import reuse_audit.cli.plan_cmd as plan_cmd
    from reuse_audit.secret import Secret
    from tests.conftest import E, assert_no_leak, build_vault

    vault = tmp_path / "v.kdbx"
    uuids = build_vault(vault, [E("Shop", "Kamome2019!", "boss@aaa.jp", "https://shop.example/"),
                                E("Forum", "Kamome2019!", "bossman", "https://forum.example/"),
                                E("Bank", "Unrelated-pw-77!", "12345", "https://bank.example/")])
    # no entry is the mailbox, one uses the address as its login: the mailbox lives outside the vault
    doc = json.loads(_plan_of(vault, "--breached", "boss@aaa.jp").stdout)
    first = doc["steps"][0]
    assert (first["tier"], first["title"], first["uuid"], first["status"]) == (1, "boss@aaa.jp", None, "todo")
    assert first["reason_codes"][:2] == ["breached_account", "mailbox_outside_vault"]
    assert "so it is taken to live outside the vault; 1 entry uses it as its login" in first["reasons"][1]
    assert [i["code"] for i in first["checklist"]][:2] == ["change_password", "sign_out_sessions"]
    assert {s["uuid"] for s in doc["steps"] if s["tier"] == 4} == {uuids["Shop"]}  # registered to the address
    page = _plan_of(vault, "--breached", "boss@aaa.jp", "--format", "html").stdout
    assert 'data-key="mailbox:boss@aaa.jp"' in page and 'data-key="mailbox:boss@aaa.jp:sign_out_sessions"' in page
    # an address no entry uses at all, with the stolen password typed (the README's example): not an error
    monkeypatch.setattr(plan_cmd, "_prompt_stolen_password", lambda lang: (Secret("Kamome2019!"),))
    result = _plan_of(vault, "--breached", "ceo@aaa.jp", "--breached-password-prompt")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["steps"][0]["tier"], doc["steps"][0]["title"]) == (1, "ceo@aaa.jp")
    assert {s["uuid"] for s in doc["steps"] if s["tier"] == 2} == {uuids["Shop"], uuids["Forum"]}
    assert_no_leak(result.output, ["Kamome2019!", "Unrelated-pw-77!"])
    assert _plan_of(vault, "--breached", "ceo@aaa.jp").exit_code == 2  # without it: no such address in the vault


def test_a_plan_without_a_breach_does_not_speak_of_this_breach(tmp_path: Path) -> None:
    from tests.conftest import MASTER, E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("A", "password1", "a"), E("B", "password1", "b")])
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline"],
                                input=MASTER + "\n", env={"COLUMNS": "50"})  # the list, with each tier's line
    assert result.exit_code == 0, result.output
    assert "General hygiene" in result.stdout and "this breach" not in result.stdout


def test_an_entry_whose_breach_check_could_not_run_is_reviewed_never_fine(tmp_path: Path) -> None:
    """A check that could not run is unknown, never safe: not "No password change needed", not done."""
    import hashlib

    from tests.conftest import MASTER, E, build_vault

    vault = tmp_path / "v.kdbx"
    uuids = build_vault(vault, [E("Bank", "Unrelated-pw-77!x", "12345", "https://bank.example/")])
    corpus = tmp_path / "pwned.txt"  # never verified: a miss in it is unknown
    corpus.write_text(hashlib.sha1(b"hunter2", usedforsecurity=False).hexdigest().upper() + ":17\n")
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--hibp-file", str(corpus),
                                      "--format", "json", "--all"], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    [step] = json.loads(result.stdout)["steps"]
    assert (step["uuid"], step["tier"], step["action"], step["status"]) == (uuids["Bank"], 5, "review", "todo")
    assert "exposure_unknown" in step["reason_codes"]
    text = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--hibp-file", str(corpus),
                                    "--all"], input=MASTER + "\n", env={"COLUMNS": "100"}).stdout
    assert "No password change needed" not in text and "Their passwords are fine" not in text


def test_two_addresses_shown_alike_are_still_told_apart(tmp_path: Path) -> None:
    """Passwords "admin" and "test" show admin@aaa.jp and test@aaa.jp both as "[hidden]@aaa.jp": compared as shown,
    the test account was "registered to the breached address" and the site on the own domain lost its step."""
    from tests.conftest import E, assert_no_leak, build_vault

    vault = tmp_path / "v.kdbx"
    uuids = build_vault(vault, [
        E("Mailbox admin", "Kamome2019!", "admin@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
        E("Mailbox info", "Kamome2019!", "info@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
        E("Test account", "Hq7#unique-test-pw", "test@aaa.jp", "https://app.example.org/"),
        E("Site CMS", "Cms!unique-pw-9981", "editor", "https://www.aaa.jp/wp-admin/"),
        E("Router", "admin", "rt", "https://192.168.1.1/"), E("Legacy", "test", "lg", "https://legacy.example.net/")])
    result = _plan_of(vault, "--breached", "admin@aaa.jp", "--all")
    assert result.exit_code == 0, result.output
    steps = {s["uuid"]: s for s in json.loads(result.stdout)["steps"]}
    assert (steps[uuids["Test account"]]["tier"], steps[uuids["Test account"]]["action"]) == (6, "none")
    assert (steps[uuids["Site CMS"]]["tier"], steps[uuids["Site CMS"]]["action"]) == (4, "secure_account")
    assert "same_domain_mailbox" in steps[uuids["Mailbox info"]]["reason_codes"]
    assert_no_leak(result.output, ["Kamome2019!", "Hq7#unique-test-pw", "Cms!unique-pw-9981"])
    assert "admin@" not in result.output and "test@" not in result.output


def test_a_selector_holding_a_password_with_a_backslash_is_hidden_before_it_is_quoted(tmp_path: Path) -> None:
    """repr wrote 'Pa\\\\ss-word9' before the redactor looked for 'Pa\\ss-word9': the password went out escaped."""
    from tests.conftest import E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("Bs", "Pa\\ss-word9", "bs", "https://bs.example/")])
    result = _plan_of(vault, "--breached", "Pa\\ss-word9")
    assert result.exit_code == 2
    assert "ss-word9" not in result.output and "--breached '[hidden]' matches no entry" in result.stderr


@pytest.mark.parametrize("name", ["plan.pdf", "plan.docx", "PLAN.XML"])
def test_o_with_the_extension_of_a_format_no_command_writes_is_exit_two(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(app, ["demo", "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert f"is a {Path(name).suffix.lower()} file, which this command does not write" in result.stderr
    assert not (tmp_path / name).exists()


def test_o_names_the_files_own_extension() -> None:
    result = CliRunner().invoke(app, ["demo", "--format", "table", "-o", "plan.md"])
    assert result.exit_code == 2
    assert "(a .md file)" in result.stderr


def test_a_review_for_an_unknown_breach_check_keeps_its_two_step_link(tmp_path: Path) -> None:
    """A site that offers two-step login lost its "turn it on" link once its step became a review."""
    import hashlib

    from tests.conftest import MASTER, E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("GitHub", "Unrelated-pw-77!x", "dev", "https://github.com/login")])
    corpus = tmp_path / "pwned.txt"  # never verified: a miss in it is unknown
    corpus.write_text(hashlib.sha1(b"hunter2", usedforsecurity=False).hexdigest().upper() + ":17\n")
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--hibp-file", str(corpus),
                                      "--format", "json", "--all"], input=MASTER + "\n")
    [step] = json.loads(result.stdout)["steps"]
    assert step["action"] == "review" and "no_2fa" in step["reason_codes"]
    assert step["tfa_url"] and step["tfa_url"].startswith("https://")
