"""The rotation plan's formats and translations: what a user sees, in English and Japanese."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from reuse_audit import __version__
from reuse_audit.i18n import Translator, resolve_lang
from reuse_audit.plan.formats import PlanFormat, RenderOptions, action_text, plan_document, render_plan, tier_text
from reuse_audit.plan.model import Action, BreachContext, Mailbox, Plan, RotationStep, SubOrder, Tier
from reuse_audit.reasons import Names, Reason, ReasonCode, Subject, SubjectKind
from reuse_audit.report import escape

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "reuse_audit" / "locale" / "ja" / "LC_MESSAGES" / "reuse_audit.po"
MO = PO.with_suffix(".mo")

HOSTILE_TITLE = "[/x] shop <script>alert(1)</script> *bold* | pipe"
HOSTILE_USER = "=cmd|' /C calc'!A0"
C = ReasonCode
R = Reason.of
MAILBOX = Subject(SubjectKind.MAILBOX, "admin@aaa.jp")
WHY = (R(C.MAILBOX_TAKEN, title="AAA mail", address="admin@aaa.jp"), R(C.MAILBOX_MAIL_HOST, host="mail.aaa.jp"))
EVIDENCE = R(C.MAILBOX_SHOWS_COMPROMISED, address="admin@aaa.jp", bounces=12, minutes=60, via_account=12,
             recipients=24, start=datetime(2024, 5, 1, 10, 0, tzinfo=UTC), end=datetime(2024, 5, 1, 10, 33, tzinfo=UTC))


def render(plan: Plan, fmt: PlanFormat, **options: object) -> str:
    return render_plan(plan, fmt, RenderOptions(**options))  # type: ignore[arg-type]


def step(n: int, tier: int, action: Action, title: str, *reasons: Reason, username: str = "me",
         change_url: str | None = None, tfa_url: str | None = None, sub_order: int = 0) -> RotationStep:
    return RotationStep(step=n, tier=Tier(tier), sub_order=SubOrder(sub_order),
                        uuid=None if tier == 0 else f"uuid-{n}",
                        title=title, username=username, url="https://example.org", group="Internet",
                        action=action, reasons=reasons, change_url=change_url, tfa_url=tfa_url)


def mailbox_plan() -> Plan:
    """admin@aaa.jp was hijacked: its own entry, a shop sharing its password, an account registered to it."""
    steps = (
        step(1, 0, Action.CHANGE_MASTER_PASSWORD, "Vault", R(C.MASTER_PASSWORD_USED, entries=Names(["Old"])),
             username=""),
        step(2, 1, Action.CHANGE_PASSWORD, "AAA mail", R(C.BREACHED_ACCOUNT, selector="admin@aaa.jp"),
             R(C.PWNED, count=37451), username="admin@aaa.jp", change_url="https://mail.aaa.jp/password"),
        step(3, 2, Action.CHANGE_PASSWORD, HOSTILE_TITLE,
             R(C.SAME_PASSWORD_AS_BREACHED, what=MAILBOX),
             R(C.POLICY, length=11, min_length=12, no_symbol=True), username=HOSTILE_USER, sub_order=2,
             change_url="https://shop.example/pw", tfa_url="javascript:alert(1)"),
        step(4, 4, Action.SECURE_ACCOUNT, "Forum",
             R(C.REGISTERED_TO_BREACHED_ADDRESS, address="admin@aaa.jp"), R(C.HAS_OTP)),
        step(5, 5, Action.ENABLE_2FA, "Bank", R(C.ENABLE_2FA), R(C.WEAK, score=1),
             tfa_url="https://bank.example/2fa"),
        step(6, 6, Action.NONE, "Quiet entry one"),
        step(7, 6, Action.NONE, "Quiet entry two"),
    )
    breach = BreachContext(selectors=("admin@aaa.jp",), matched=("uuid-2",),
                           mailboxes=(Mailbox("admin@aaa.jp", "uuid-2", WHY),),
                           breached_addresses=("admin@aaa.jp",),
                           mailbox_evidence=(EVIDENCE,))
    return Plan(steps=steps, breach=breach, entries_total=6,
                exposure_note=R(C.EXPOSURE_SKIPPED, why="HIBP was not queried (offline)"))


def load_compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_translations",
                                                  REPO / "scripts" / "compile_translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


# --- every format ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(PlanFormat))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_format_renders_in_every_language(fmt: PlanFormat, lang: str) -> None:
    out = render(mailbox_plan(), fmt, lang=lang, width=100)
    assert out.strip()


@pytest.mark.parametrize("fmt", list(PlanFormat))
def test_every_format_renders_a_plan_without_a_breach(fmt: PlanFormat) -> None:
    plan = Plan(steps=(step(1, 5, Action.REVIEW, "Old", R(C.OLD, date=date(2015, 1, 1))),), breach=None,
                entries_total=1, exposure_note=None)
    assert render(plan, fmt).strip()


@pytest.mark.parametrize("fmt", list(PlanFormat))
def test_no_format_shows_the_javascript_url_as_a_link(fmt: PlanFormat) -> None:
    out = render(mailbox_plan(), fmt)
    assert 'href="javascript' not in out
    assert "](<javascript" not in out


# --- JSON -----------------------------------------------------------------------------------------------


def test_json_document_has_the_schema_keys_and_steps_in_plan_order() -> None:
    doc = json.loads(render(mailbox_plan(), PlanFormat.JSON))
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "reuse-audit", "version": __version__}
    assert doc["lang"] == "en"
    assert {"breach", "exposure_note", "notes", "summary", "steps"} <= set(doc)
    assert doc["breach"]["mailbox"] == {"uuid": "uuid-2", "address": "admin@aaa.jp",
                                        "why": "took AAA mail as the mailbox of admin@aaa.jp; "
                                               "mail.aaa.jp is a mail host",
                                        "why_codes": ["mailbox_taken", "mailbox_mail_host"],
                                        "why_text": "took AAA mail as the mailbox of admin@aaa.jp; "
                                                    "mail.aaa.jp is a mail host"}
    assert doc["breach"]["password_given"] is False
    assert doc["breach"]["mailbox_evidence"] == [
        "The mailbox shows admin@aaa.jp is compromised: 12 bounces about it within 60 min (12 via the account) to "
        "24 recipients, 2024-05-01 10:00 – 2024-05-01 10:33 UTC"]
    assert [s["step"] for s in doc["steps"]] == [1, 2, 3, 4, 5, 6, 7]
    first = doc["steps"][1]
    for key in ("step", "uuid", "title", "username", "url", "group", "tier", "sub_order", "action", "reasons",
                "reason_codes", "change_url", "tfa_url", "has_otp", "category", "service", "findings"):
        assert key in first
    assert first["reasons"] == ["this is the breached account (you named admin@aaa.jp)",
                                "password found 37,451 times in breaches"]
    assert first["reason_codes"] == ["breached_account", "pwned"]


def test_json_summary_counts_steps_by_tier_and_action() -> None:
    summary = plan_document(mailbox_plan())["summary"]
    assert summary["steps_total"] == 7
    assert summary["to_do"] == 5
    assert summary["by_tier"]["6"] == 2
    assert summary["by_tier"]["3"] == 0
    assert summary["by_action"]["change_password"] == 2


def test_json_breach_is_null_without_a_breach_and_mailbox_null_without_an_email_selector() -> None:
    plan = mailbox_plan()
    assert plan_document(Plan(plan.steps, None, 6, None))["breach"] is None
    by_title = BreachContext(selectors=("AAA mail",), matched=("uuid-2",), mailboxes=(),
                             breached_addresses=())
    assert plan_document(Plan(plan.steps, by_title, 6, None))["breach"]["mailbox"] is None


def test_json_reports_a_mailbox_that_is_not_in_the_vault_with_a_null_uuid() -> None:
    breach = BreachContext(("x@y.jp",), (), (Mailbox("x@y.jp", None, WHY),), ("x@y.jp",))
    doc = plan_document(Plan(mailbox_plan().steps, breach, 6, None))
    assert doc["breach"]["mailbox"]["uuid"] is None


def test_json_merges_extra_keys_but_never_replaces_its_own() -> None:
    doc = plan_document(mailbox_plan(), extra={"vault": {"entries_total": 6}, "reuse_groups": []})
    assert doc["vault"] == {"entries_total": 6}
    with pytest.raises(ValueError, match="steps"):
        plan_document(mailbox_plan(), extra={"steps": []})


def test_japanese_json_translates_sentences_but_keeps_keys_and_enum_values_english() -> None:
    doc = plan_document(mailbox_plan(), lang="ja")
    s = doc["steps"][2]
    assert doc["lang"] == "ja"
    assert s["action"] == "change_password"
    assert s["reason_codes"] == ["same_password_as_breached", "policy"]
    assert s["reasons"] == ["乗っ取られたメールアカウント admin@aaa.jp と同じパスワード",
                            "11 文字（12 文字以上を推奨）、記号なし"]


# --- CSV --------------------------------------------------------------------------------------------------


def test_csv_lists_every_step_including_those_with_nothing_to_do() -> None:
    rows = list(csv.DictReader(io.StringIO(render(mailbox_plan(), PlanFormat.CSV))))
    assert [r["step"] for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[-1]["tier"] == "6" and rows[-1]["action"] == "none"
    assert rows[1]["reasons"] == "this is the breached account (you named admin@aaa.jp); " \
                                 "password found 37,451 times in breaches"
    assert rows[1]["reason_codes"] == "breached_account,pwned"


def test_csv_neutralises_formula_cells() -> None:
    rows = list(csv.DictReader(io.StringIO(render(mailbox_plan(), PlanFormat.CSV))))
    assert rows[2]["username"] == "'" + HOSTILE_USER


# --- table ------------------------------------------------------------------------------------------------


def test_table_shows_what_was_breached_and_only_the_steps_to_do() -> None:
    out = " ".join(render(mailbox_plan(), PlanFormat.TABLE).split())  # the text is wrapped to the width
    assert "admin@aaa.jp" in out and "mail.aaa.jp is a mail host" in out
    assert "12 bounces about it" in out
    assert "HIBP was not queried" in out
    assert "Change password now" in out
    assert "Quiet entry" not in out
    assert "2 more entries need nothing; --all shows them." in out


def test_table_with_show_all_shows_every_step() -> None:
    out = render(mailbox_plan(), PlanFormat.TABLE, show_all=True)
    assert "Quiet entry one" in out and "Quiet entry two" in out
    assert "more entries need nothing" not in out


def test_table_prints_vault_text_literally() -> None:
    out = render(mailbox_plan(), PlanFormat.TABLE, width=200)
    assert "[/x] shop" in out
    assert HOSTILE_USER in out


def test_table_in_japanese() -> None:
    out = render(mailbox_plan(), PlanFormat.TABLE, lang="ja", width=400)
    assert "今すぐパスワードを変更" in out
    assert "漏洩データに 37,451 回出現したパスワード" in out
    assert "ほかの 2 件のエントリは対応不要です" in out


# --- Markdown ---------------------------------------------------------------------------------------------


def test_markdown_is_a_checklist_of_the_steps_to_do_under_tier_headings() -> None:
    out = render(mailbox_plan(), PlanFormat.MARKDOWN)
    lines = out.splitlines()
    assert any(line.startswith("- [ ] 1. **Change the vault's master password**") for line in lines)
    checklist = [int(m.group(1)) for line in lines if (m := re.match(r"- \[ \] (\d+)\. ", line))]
    assert checklist == [1, 2, 3, 4, 5]
    assert "## 2. Same password as the breached one" in lines
    assert "[change](<https://mail.aaa.jp/password>)" in out
    assert "Quiet entry" not in out
    assert "2 more entries need nothing; --all shows them." in out


def test_markdown_with_show_all_lists_the_rest_without_checkboxes() -> None:
    out = render(mailbox_plan(), PlanFormat.MARKDOWN, show_all=True)
    assert r"- 6. **Nothing to do** — Quiet entry one \(me\)" in out.splitlines()


def test_markdown_escapes_vault_text() -> None:
    out = render(mailbox_plan(), PlanFormat.MARKDOWN)
    line = next(x for x in out.splitlines() if x.startswith("- [ ] 3. "))
    assert "<script>" not in out
    assert r"\[/x\] shop" in line
    assert r"\*bold\* \| pipe" in line
    assert "*bold*" not in line


# --- HTML -------------------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page() -> None:
    out = render(mailbox_plan(), PlanFormat.HTML)
    assert out.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in out
    assert not re.search(r"""src\s*=\s*["']?\s*https?:""", out, re.IGNORECASE)
    assert "<link" not in out.lower()
    assert out.lower().count("<script") == 1 and "<script src" not in out.lower()  # ticks: one inline script
    assert "@media print" in out
    assert out.count('<input type="checkbox"') == 5


def test_html_escapes_vault_text_and_links_only_http_urls() -> None:
    out = render(mailbox_plan(), PlanFormat.HTML)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'href="https://shop.example/pw"' in out
    assert 'href="https://bank.example/2fa"' in out
    assert "javascript:" not in out


def test_html_with_show_all_shows_every_step_and_in_japanese_has_lang_ja() -> None:
    out = render(mailbox_plan(), PlanFormat.HTML, lang="ja", show_all=True)
    assert '<html lang="ja">' in out
    assert "Quiet entry two" in out
    assert "アカウントを守る" in out
    assert out.count('<input type="checkbox"') == 5  # nothing to tick for "nothing to do"


# --- translations -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "en", "ja"), [
    (R(C.SAME_PASSWORD_AS_BREACHED, what=MAILBOX),
     "same password as the breached mailbox admin@aaa.jp",
     "乗っ取られたメールアカウント admin@aaa.jp と同じパスワード"),
    (R(C.PWNED, count=37451), "password found 37,451 times in breaches",
     "漏洩データに 37,451 回出現したパスワード"),
    (R(C.POLICY, length=11, min_length=12, no_symbol=True), "11 characters (12 or more recommended), no symbol",
     "11 文字（12 文字以上を推奨）、記号なし"),
    (R(C.POLICY, length=14, min_length=12, no_symbol=True), "no symbol", "記号なし"),
    (R(C.WEAK, score=1), "weak password: weak (zxcvbn 1 of 4)",
     "弱いパスワード：強度は「弱い」（zxcvbn で 4 段階中 1）"),
    (R(C.HAS_OTP), "two-step login is on: the password alone does not open it",
     "2段階認証が有効です。パスワードだけではログインできません"),
    (R(C.ENABLE_2FA), "turn on two-step login", "2段階認証を有効にしてください"),
    (R(C.NO_2FA_OFFERED), "this site offers no two-step login", "このサイトは2段階認証に対応していません"),
    (R(C.REUSED, group="R1", others=1), "same password as 1 other entry (R1)",
     "ほかの 1 件のエントリと同じパスワード（グループ R1）"),
    (R(C.REUSED, group="R1", others=4, names=Names(["Google", "Instagram", "X", "Shop"])),
     "same password as Google, Instagram, X and 1 more (R1)",
     "Google、Instagram、X ほか 1 件 と同じパスワード（グループ R1）"),
    (R(C.REUSED, group="R1", others=2, names=Names(["Google", "Instagram"])),
     "same password as Google, Instagram (R1)", "Google、Instagram と同じパスワード（グループ R1）"),
    (R(C.VARIANT_OF_BREACHED, what=Subject(SubjectKind.MAILBOX, "a@b.jp"), kinds=("digits_changed", "case")),
     "password is a variant of the breached mailbox a@b.jp's (changed digits, capitalisation)",
     "乗っ取られたメールアカウント a@b.jp のパスワードを少し変えただけのパスワード"
     "（数字の変更、大文字・小文字の違い）"),
])
def test_reason_sentences(reason: Reason, en: str, ja: str) -> None:
    assert Translator("en").reason(reason) == en
    assert Translator("ja").reason(reason) == ja


def _sample(types: tuple[type, ...]) -> object:
    if Names in types:
        return Names(["Sample title"])
    if Subject in types:
        return Subject(SubjectKind.MAILBOX, "a@b.jp")
    if tuple in types:
        return ("case",)
    if datetime in types:
        return datetime(2024, 5, 1, tzinfo=UTC)
    if date in types:
        return date(2024, 5, 1)
    if bool in types:
        return True
    if int in types:
        return 12
    return "sample"


def test_every_reason_code_has_a_sentence_in_every_language() -> None:
    from reuse_audit.reasons import parameters_of

    for code in ReasonCode:
        reason = R(code, **{name: _sample(types) for name, types in parameters_of(code).items()})  # type: ignore[arg-type]
        for t in (Translator("en"), Translator("ja")):
            text = t.reason(reason)
            assert text and "{" not in text, (code, text)
        assert Translator("ja").reason(reason) != Translator("en").reason(reason), code


def test_a_reason_with_a_wrong_parameter_is_refused_where_it_is_made() -> None:
    with pytest.raises(TypeError, match="unknown parameter"):
        R(C.WEAK, strength=3)
    with pytest.raises(TypeError, match="score is str"):
        R(C.WEAK, score="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="others is bool"):
        R(C.REUSED, group="R1", others=True)


def test_a_title_in_a_reason_is_escaped_for_the_format() -> None:
    text = Translator("en").reason(R(C.MAILBOX_TAKEN, title="<b>*x*</b>", address="a@b.jp"), quote=escape.markdown)
    assert "<b>" not in text and "*x*" not in text


def test_every_action_and_tier_reads_in_japanese() -> None:
    t, en = Translator("ja"), Translator("en")
    assert action_text(t, Action.CHANGE_PASSWORD) == "今すぐパスワードを変更"
    assert action_text(t, Action.ENABLE_2FA) == "2段階認証を有効にする"
    for action in Action:
        assert action_text(t, action) != action_text(en, action)
    for tier in Tier:
        assert tier_text(t, tier) != tier_text(en, tier)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP"}, "ja"),
    ({"LC_ALL": "", "LANG": "ja"}, "ja"),
])
def test_resolve_lang_follows_the_locale_when_no_language_is_given(env: dict[str, str], expected: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert resolve_lang(None) == expected


def test_resolve_lang_normalises_an_explicit_language_and_refuses_others() -> None:
    assert resolve_lang("ja_JP.UTF-8") == "ja"
    assert resolve_lang("en") == "en"
    with pytest.raises(ValueError, match="unsupported language"):
        resolve_lang("fr")


# --- the catalogue ----------------------------------------------------------------------------------------

def load_extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_messages", REPO / "scripts" / "extract_messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_mo_is_compiled_from_the_po() -> None:
    compiler = load_compiler()
    assert MO.read_bytes() == compiler.compile_po(PO)


def test_every_marked_string_is_translated_in_the_one_po_and_none_is_stale() -> None:
    messages = load_compiler().parse_po(PO.read_text(encoding="utf-8"))
    po_ids = {k.decode().split("\0")[0] for k in messages if k}
    declared = {msgid for msgid, _plural, _where in load_extractor().declared()}
    assert len(declared) > 150
    assert declared - po_ids == set()
    assert po_ids - declared == set()
    for key, value in messages.items():
        if key:
            assert value.decode().strip("\0"), key


def test_the_po_is_in_step_with_the_code() -> None:
    import subprocess

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "extract_messages.py"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_mo_writer_output_is_read_back_by_gettext() -> None:
    import gettext

    compiler = load_compiler()
    data = compiler.mo_bytes(compiler.parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "draft"\nmsgstr "下書き"\n\n'
        'msgid "multi "\n"line"\nmsgstr "複数"\n"行"\n'))
    t = gettext.GNUTranslations(io.BytesIO(data))
    assert t.gettext("multi line") == "複数行"
    assert t.gettext("draft") == "draft"  # fuzzy entries are left out


def test_the_mailbox_why_is_english_for_scripts_and_in_the_language_asked_for_too() -> None:
    import json as _json

    from typer.testing import CliRunner

    from reuse_audit.cli import app

    doc = _json.loads(CliRunner().invoke(app, ["demo", "--lang", "ja", "-f", "json", "-q"]).stdout)
    mailbox = doc["breach"]["mailbox"]
    assert mailbox["why"].startswith("took aaa.jp webmail (admin) as the mailbox of admin@aaa.jp")
    assert "メールアカウントと判断しました" in mailbox["why_text"]
    assert doc["breach"]["mailboxes"][0]["why_text"] == mailbox["why_text"]


def test_japanese_csv_names_the_master_password_step_in_japanese(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reuse_audit.cli import app
    from tests.conftest import MASTER, E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("Vault copy", MASTER, "me"), E("Shop", "Unrelated-pw-77!", "me@aaa.jp")])
    for lang, name in (("ja", "KeePass データベース"), ("en", "KeePass vault")):
        result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--format", "csv",
                                          "--lang", lang], input=MASTER + "\n")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["title"] for r in rows if r["tier"] == "0"] == [name]
