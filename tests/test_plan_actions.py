"""What the plan asks a person to do: the mailbox's recovery checklist, the domain's keys, second factors on
high-value accounts, reasons in words — and all of it in Japanese."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from tests.conftest import MASTER, E, build_vault

SHARED = "Kamome2019!"
STORY = [
    E("aaa.jp webmail (admin)", SHARED, "admin@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
    E("Xserver (aaa.jp hosting)", SHARED, "aaa-admin", "https://secure.xserver.ne.jp/"),  # a hosting panel
    E("Domain registrar", "c3$Nq7@Hs1!Yk5%Mj9Wd", "aaa-admin", "https://www.onamae.com/"),
    E("Bank", "Zr4!tW8#pQ2&nL6^xV0s", "1234567", "https://www.mufg.jp/"),
    E("GitHub", "Hb8&Lw3^Tz6!Rq1@Vn4x", "aaa-dev", "https://github.com/"),
    E("Google", SHARED, "admin@aaa.jp", "https://accounts.google.com/"),
    E("Instagram", SHARED, "aaa.shop", "https://www.instagram.com/"),
    E("Small forum", "password1", "kamome", "https://forum.example.org/"),
]


def plan(path: Path, *args: str, fmt: str = "json") -> Any:
    result = CliRunner().invoke(app, ["plan", str(path), "--password-stdin", "--offline", "--format", fmt,
                                      "--checks", "reuse,strength,variants,2fa,urls", "--all", *args],
                                input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else result.stdout


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "own-domain.kdbx"
    build_vault(path, STORY)
    return path


def steps_by_title(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["title"]: s for s in doc["steps"]}


def test_the_breached_mailbox_carries_a_recovery_checklist(story: Path) -> None:
    step = steps_by_title(plan(story, "--breached", "admin@aaa.jp"))["aaa.jp webmail (admin)"]
    codes = [i["code"] for i in step["checklist"]]
    assert codes == ["change_password", "sign_out_sessions", "remove_forwarding", "revoke_app_passwords",
                     "check_recovery", "enable_2fa", "review_sent"]
    by_code = {i["code"]: i for i in step["checklist"]}
    # an own-domain mailbox: the web host's control panel holds its accounts and forwarding
    assert by_code["remove_forwarding"]["url"] == "https://secure.xserver.ne.jp/xapanel/login/xserver/"
    assert all(i["text"] and i["status"] == "todo" for i in step["checklist"])


def test_a_gmail_mailbox_links_googles_own_pages(tmp_path: Path) -> None:
    path = tmp_path / "gmail.kdbx"
    build_vault(path, [E("Gmail", SHARED, "me@gmail.com", "https://mail.google.com/"),
                       E("Shop", SHARED, "me@gmail.com", "https://shop.example/")])
    step = steps_by_title(plan(path, "--breached", "me@gmail.com"))["Gmail"]
    urls = {i["code"]: i["url"] for i in step["checklist"]}
    assert urls["sign_out_sessions"] == "https://myaccount.google.com/device-activity"
    assert urls["remove_forwarding"].startswith("https://mail.google.com/")


def test_the_domains_keys_come_right_after_the_mailbox(story: Path) -> None:
    doc = plan(story, "--breached", "admin@aaa.jp")
    tier2 = [s for s in doc["steps"] if s["tier"] == 2]
    assert tier2[0]["title"] == "Xserver (aaa.jp hosting)"
    assert "domain_key" in tier2[0]["reason_codes"]
    assert any("may control the mail of aaa.jp" in r for r in tier2[0]["reasons"])


def test_a_registrar_with_its_own_password_still_gets_a_step_before_other_registered_accounts(story: Path) -> None:
    steps = steps_by_title(plan(story, "--breached", "admin@aaa.jp"))
    registrar = steps["Domain registrar"]
    assert (registrar["tier"], registrar["action"]) == (4, "secure_account")
    assert registrar["reason_codes"][:2] == ["domain_key", "check_login_address"]


def test_a_registrar_is_no_domain_key_when_the_breached_mailbox_is_a_public_providers(tmp_path: Path) -> None:
    path = tmp_path / "gmail.kdbx"
    build_vault(path, [E("Gmail", SHARED, "me@gmail.com", "https://mail.google.com/"),
                       E("Domain registrar", "c3$Nq7@Hs1!Yk5%Mj9Wd", "aaa-admin", "https://www.onamae.com/")])
    registrar = steps_by_title(plan(path, "--breached", "me@gmail.com"))["Domain registrar"]
    assert "domain_key" not in registrar["reason_codes"]


def test_no_high_value_account_without_a_second_factor_is_nothing_to_do(story: Path) -> None:
    steps = steps_by_title(plan(story, "--breached", "admin@aaa.jp"))
    bank = steps["Bank"]  # the 2FA Directory lists no method for MUFG, yet banks issue one-time passwords
    assert bank["action"] == "check_2fa"
    assert any("as of 2026-08" in r for r in bank["reasons"])
    assert steps["GitHub"]["action"] == "enable_2fa"
    assert steps["GitHub"]["tfa_url"]


def test_a_low_value_site_kind_alone_never_calls_for_a_new_password(tmp_path: Path) -> None:
    path = tmp_path / "kinds.kdbx"
    build_vault(path, [E("GitHub", "Hb8&Lw3^Tz6!Rq1@Vn4x", "dev", "https://github.com/"),
                       E("Old router", "Rt9#kL2!mQ7@zX4$", "admin", "http://router.example.com/")])
    steps = steps_by_title(plan(path))
    assert steps["GitHub"]["action"] == "enable_2fa" and steps["GitHub"]["tier"] == 6
    assert steps["GitHub"]["passkey_url"]
    assert steps["Old router"]["action"] == "review" and steps["Old router"]["tier"] == 6


def test_reasons_name_the_sharers_and_say_the_strength_in_words(tmp_path: Path) -> None:
    path = tmp_path / "words.kdbx"
    build_vault(path, [E(f"Shop {n}", "monkey123", "me", f"https://s{n}.example/") for n in range(5)])
    step = steps_by_title(plan(path))["Shop 0"]
    reuse = next(r for r in step["reasons"] if r.startswith("same password as"))
    assert reuse == "same password as Shop 1, Shop 2, Shop 3 and 1 more (R1)"
    assert "9 characters (12 or more recommended), no symbol" in step["reasons"]
    assert any(re.fullmatch(r"weak password: (very weak|weak|fair) \(zxcvbn [0-2] of 4\)", r) for r in step["reasons"])


ENGLISH = re.compile(r"\b(the|password|change|breach(ed)?|mailbox|entr(y|ies)|account|step|checked|"
                     r"two-step|login|weak|same|variant|recommended|Notes|Progress)\b", re.I)


def _english_left(text: str) -> list[str]:
    """Lines with English words left, once URLs, option names, codes and vault text are taken out."""
    left = []
    for line in text.splitlines():
        cleaned = re.sub(r"https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+|--[a-z-]+|reuse-audit[\w:-]*|REUSE_AUDIT_\w+"
                         r"|[\w.\\-]+@[\w.\\-]+", "", line.replace("\\", ""))
        for vault_text in ("Google Account", "Google", "GitHub", "Instagram", "Xserver (aaa.jp hosting)",
                           "Domain registrar", "Small forum", "Bank", "aaa.jp webmail (admin)", "Have I Been Pwned",
                           "X (Twitter)", "Amazon", "Rakuten", "Yahoo! Shopping", "aaa.jp webmail (info)",
                           "aaa.jp webmail (support)", "Twitter", "KeePass", "zxcvbn", "MUFG Bank", "Onamae.com"):
            cleaned = cleaned.replace(vault_text, "")
        if ENGLISH.search(cleaned):
            left.append(line)
    return left


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_the_demo_in_japanese_has_no_english_sentence_left(fmt: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--lang", "ja", "--all", "--format", fmt], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    if fmt == "html":  # style and script are code; tags and their attributes are markup
        text = re.sub(r"<(style|script)>.*?</\1>|<[^>]+>", " ", text, flags=re.S)
    assert _english_left(text) == []
    for term in ("乗っ取", "メールアカウント"):  # the glossary's words, not 侵害 and メールボックス
        assert term in result.stdout
    assert "侵害" not in result.stdout and "メールボックス" not in result.stdout


def test_audit_in_japanese_has_no_english_sentence_left(story: Path) -> None:
    result = CliRunner().invoke(app, ["audit", str(story), "--password-stdin", "--offline", "--lang", "ja",
                                      "--checks", "reuse,strength,variants,2fa,urls", "--format", "markdown"],
                                input=MASTER + "\n", env={"COLUMNS": "400"})
    assert result.exit_code == 1, result.output
    assert _english_left(result.stdout) == []
    assert _english_left(result.stderr) == []
