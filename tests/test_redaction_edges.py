"""Edges of non-negotiables 1 and 7 a hostile tester found: a short password that is a whole field, Greek final
sigma, the stolen password typed at the prompt, vault passwords in what bounces show beside --vault, spreadsheet
formulas after leading spaces, and bare URLs that GitHub Markdown would turn into links."""

from __future__ import annotations

import json
import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.redact import MASK, Redactor
from reuse_audit.report.escape import csv_cell, markdown
from tests.bounces.bounce_factory import make_bounce
from tests.conftest import MASTER, E, assert_no_leak, build_vault

FORMATS = ("table", "json", "csv", "markdown", "html")


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=MASTER + "\n", env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_a_short_password_that_is_a_whole_field_is_hidden_in_every_format(tmp_path: Path) -> None:
    vault = tmp_path / "short.kdbx"
    build_vault(vault, [E("Short", "Xq7", "Xq7", "https://short.example.com/"),
                        E("RefTarget", "Zk9", "rt", "https://reft.example.com/"),
                        E("RefUser", "RefUser#password1", "{REF:P@T:RefTarget}")])
    for command in ("audit", "plan"):
        for fmt in FORMATS:
            out = _run(command, str(vault), "--password-stdin", "--offline", "--format", fmt)
            assert "Xq7" not in out and "Zk9" not in out, (command, fmt)
    doc = json.loads(_run("audit", str(vault), "--password-stdin", "--offline", "--format", "json", "--quiet"))
    users = {e["title"]: e["username"] for e in doc["entries"]}
    assert users["Short"] == MASK and users["RefUser"] == MASK and users["RefTarget"] == "rt"


def test_a_short_password_inside_longer_text_is_left_alone() -> None:
    hide = Redactor(["abc"])
    assert hide("abc") == MASK and hide(" ABC ") == MASK
    assert hide("abcd shop") == "abcd shop"  # hiding every "abc" would garble every report


def test_greek_final_sigma_does_not_let_a_password_through(tmp_path: Path) -> None:
    hide = Redactor(["ΚΩΔΙΚΟΣ"])
    assert hide("Greek leak ΚΩΔΙΚΟΣabc") == f"Greek leak {MASK}abc"
    assert hide("κωδικος") == MASK and hide("κωδικοσuser") == f"{MASK}user"
    vault = tmp_path / "greek.kdbx"
    build_vault(vault, [E("Greek", "ΚΩΔΙΚΟΣ", "greek"), E("Greek leak ΚΩΔΙΚΟΣabc", "Greekother#12345", "ΚΩΔΙΚΟΣuser")])
    for fmt in FORMATS:
        out = _run("audit", str(vault), "--password-stdin", "--offline", "--format", fmt)
        assert_no_leak(out.lower().replace("ς", "σ"), ["κωδικοσ"])


def test_the_stolen_password_typed_at_the_prompt_is_hidden_like_the_vaults(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from reuse_audit.cli import plan_cmd
    from reuse_audit.secret import Secret

    vault = tmp_path / "stolen.kdbx"
    build_vault(vault, [E("Forum (Stolen-Secret-991x)", "Forum-own-pw-1!", "bossman", "https://forum.example/"),
                        E("Shop", "Shop-own-pw-2!", "stolen-secret-991", "https://shop.example/"),
                        E("Mail", "Mail-own-pw-3!", "boss@aaa.jp", "https://webmail.aaa.jp/")])
    monkeypatch.setattr(plan_cmd, "_prompt_stolen_password", lambda lang: (Secret("Stolen-Secret-991"),))
    for fmt in FORMATS:
        out = _run("plan", str(vault), "--password-stdin", "--offline", "--all", "--breached", "boss@aaa.jp",
                   "--breached-password-prompt", "--format", fmt)
        assert "stolen-secret-991" not in out.lower().replace("\\", ""), fmt
        assert "Shop" in out and "Forum" in out


def test_bounces_beside_a_vault_hide_its_passwords_in_what_the_mail_shows(tmp_path: Path) -> None:
    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("Mail", "hunter2pass", "alice@example.com", "https://webmail.example.com/")])
    inbox = tmp_path / "Inbox"
    box = mailbox.mbox(inbox)
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    line = ("from hunter2pass.example ([198.51.100.7]) (Authenticated sender: alice@example.com) by smtp.example.com"
            " (Postfix) with ESMTPSA id 4Vabc; Wed, 1 May 2024 09:59:00 +0000")
    for n in range(6):
        box.add(make_bounce(when=start + timedelta(minutes=7 * n), message_id=f"<s{n}@example.com>", received=[line],
                            recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com", f"z{n}@yahoo.co.jp"]))
    box.flush()
    for args in ([], ["--me", "alice@example.com"]):
        for fmt in ("table", "json"):
            out = _run("bounces", str(inbox), "--vault", str(vault), "--password-stdin", "--format", fmt, *args)
            assert "compromised" in out
            assert_no_leak(out.lower(), ["hunter2pass"])
            assert f"{MASK}.example" in out


@pytest.mark.parametrize("cell", ['  =HYPERLINK("http://evil","x")', " +cmd|' /C calc'!A0", "\u00a0=1+1",
                                  "\u3000@SUM(1)", "\t@SUM(1+1)"])
def test_a_formula_after_leading_spaces_is_neutralised(cell: str) -> None:
    assert csv_cell(cell).startswith("'")
    assert "\n'" in csv_cell(f"multi\n{cell}")
    assert csv_cell("plain text") == "plain text" and csv_cell("a - b") == "a - b"


def test_a_bare_url_in_vault_text_is_no_markdown_autolink() -> None:
    assert "http\\://" in markdown("Login here http://3232235777/login")
    assert "https\\://" in markdown("support https://localhost/steal?x=1")
    assert markdown("see www.evil.com").count("\\.") == 2
