"""The rotation plan's formats and translations: what a user sees, in English and Japanese."""

from __future__ import annotations

import ast
import csv
import importlib.util
import io
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from reuse_audit import __version__
from reuse_audit.plan import i18n
from reuse_audit.plan.formats import PlanFormat, plan_document, render_plan
from reuse_audit.plan.i18n import Translator, resolve_lang
from reuse_audit.plan.model import Action, BreachContext, Mailbox, Plan, Reason, RotationStep
from reuse_audit.report import escape

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "reuse_audit" / "locale" / "ja" / "LC_MESSAGES" / "reuse_audit.po"
MO = PO.with_suffix(".mo")

HOSTILE_TITLE = "[/x] shop <script>alert(1)</script> *bold* | pipe"
HOSTILE_USER = "=cmd|' /C calc'!A0"
R = Reason.of


def step(n: int, tier: int, action: Action, title: str, *reasons: Reason, username: str = "me",
         change_url: str | None = None, tfa_url: str | None = None, sub_order: int = 0) -> RotationStep:
    return RotationStep(step=n, tier=tier, sub_order=sub_order, uuid=None if tier == 0 else f"uuid-{n}",
                        title=title, username=username, url="https://example.org", group="Internet",
                        action=action, reasons=reasons, change_url=change_url, tfa_url=tfa_url)


def mailbox_plan() -> Plan:
    """admin@aaa.jp was hijacked: its own entry, a shop sharing its password, an account registered to it."""
    steps = (
        step(1, 0, Action.CHANGE_MASTER_PASSWORD, "Vault", R("master_password"), username=""),
        step(2, 1, Action.CHANGE_PASSWORD, "AAA mail", R("breached_account", selector="admin@aaa.jp"),
             R("pwned", count=37451), username="admin@aaa.jp", change_url="https://mail.aaa.jp/password"),
        step(3, 2, Action.CHANGE_PASSWORD, HOSTILE_TITLE,
             R("same_password_as_breached", what="mailbox admin@aaa.jp"),
             R("policy", length=11, min_length=12, no_symbol=True), username=HOSTILE_USER, sub_order=2,
             change_url="https://shop.example/pw", tfa_url="javascript:alert(1)"),
        step(4, 4, Action.SECURE_ACCOUNT, "Forum",
             R("registered_to_breached_address", address="admin@aaa.jp"), R("has_otp")),
        step(5, 5, Action.ENABLE_2FA, "Bank", R("enable_2fa"), R("weak", score=1),
             tfa_url="https://bank.example/2fa"),
        step(6, 6, Action.NONE, "Quiet entry one"),
        step(7, 6, Action.NONE, "Quiet entry two"),
    )
    breach = BreachContext(selectors=("admin@aaa.jp",), matched=("uuid-2",),
                           mailboxes=(Mailbox("admin@aaa.jp", "uuid-2", "its username is the address"),),
                           breached_addresses=("admin@aaa.jp",),
                           mailbox_evidence=("12 bounces for mail you never sent",))
    return Plan(steps=steps, breach=breach, entries_total=6, exposure_note="HIBP was not queried (offline)")


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
    out = render_plan(mailbox_plan(), fmt, lang=lang, width=100)
    assert out.strip()


@pytest.mark.parametrize("fmt", list(PlanFormat))
def test_every_format_renders_a_plan_without_a_breach(fmt: PlanFormat) -> None:
    plan = Plan(steps=(step(1, 5, Action.REVIEW, "Old", R("old", date="2015-01-01")),), breach=None,
                entries_total=1, exposure_note=None)
    assert render_plan(plan, fmt).strip()


@pytest.mark.parametrize("fmt", list(PlanFormat))
def test_no_format_shows_the_javascript_url_as_a_link(fmt: PlanFormat) -> None:
    out = render_plan(mailbox_plan(), fmt)
    assert 'href="javascript' not in out
    assert "](<javascript" not in out


# --- JSON -----------------------------------------------------------------------------------------------


def test_json_document_has_the_schema_keys_and_steps_in_plan_order() -> None:
    doc = json.loads(render_plan(mailbox_plan(), PlanFormat.JSON))
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "reuse-audit", "version": __version__}
    assert doc["lang"] == "en"
    assert {"breach", "exposure_note", "notes", "summary", "steps"} <= set(doc)
    assert doc["breach"]["mailbox"] == {"uuid": "uuid-2", "address": "admin@aaa.jp",
                                        "why": "its username is the address"}
    assert doc["breach"]["password_given"] is False
    assert doc["breach"]["mailbox_evidence"] == ["12 bounces for mail you never sent"]
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
    breach = BreachContext(("x@y.jp",), (), (Mailbox("x@y.jp", None, "no entry for it"),), ("x@y.jp",))
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
    assert s["reasons"] == ["侵害されたメールボックス admin@aaa.jp と同じパスワード", "11 文字、記号なし"]


# --- CSV --------------------------------------------------------------------------------------------------


def test_csv_lists_every_step_including_those_with_nothing_to_do() -> None:
    rows = list(csv.DictReader(io.StringIO(render_plan(mailbox_plan(), PlanFormat.CSV))))
    assert [r["step"] for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[-1]["tier"] == "6" and rows[-1]["action"] == "none"
    assert rows[1]["reasons"] == "this is the breached account (you named admin@aaa.jp); " \
                                 "password found 37,451 times in breaches"
    assert rows[1]["reason_codes"] == "breached_account,pwned"


def test_csv_neutralises_formula_cells() -> None:
    rows = list(csv.DictReader(io.StringIO(render_plan(mailbox_plan(), PlanFormat.CSV))))
    assert rows[2]["username"] == "'" + HOSTILE_USER


# --- table ------------------------------------------------------------------------------------------------


def test_table_shows_what_was_breached_and_only_the_steps_to_do() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.TABLE)
    assert "admin@aaa.jp" in out and "its username is the address" in out
    assert "12 bounces for mail you never sent" in out
    assert "HIBP was not queried" in out
    assert "Change password now" in out
    assert "Quiet entry" not in out
    assert "2 more entries need nothing; --all shows them." in out


def test_table_with_show_all_shows_every_step() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.TABLE, show_all=True)
    assert "Quiet entry one" in out and "Quiet entry two" in out
    assert "more entries need nothing" not in out


def test_table_prints_vault_text_literally() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.TABLE, width=200)
    assert "[/x] shop" in out
    assert HOSTILE_USER in out


def test_table_in_japanese() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.TABLE, lang="ja", width=400)
    assert "パスワードを今すぐ変更" in out
    assert "漏洩データに 37,451 回出現したパスワード" in out
    assert "他の 2 件のエントリは対応不要です" in out


# --- Markdown ---------------------------------------------------------------------------------------------


def test_markdown_is_a_checklist_of_the_steps_to_do_under_tier_headings() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.MARKDOWN)
    lines = out.splitlines()
    assert any(line.startswith("- [ ] 1. **Change the vault's master password**") for line in lines)
    checklist = [int(m.group(1)) for line in lines if (m := re.match(r"- \[ \] (\d+)\. ", line))]
    assert checklist == [1, 2, 3, 4, 5]
    assert "## 2. Same password as the breached one" in lines
    assert "[change](<https://mail.aaa.jp/password>)" in out
    assert "Quiet entry" not in out
    assert "2 more entries need nothing; --all shows them." in out


def test_markdown_with_show_all_lists_the_rest_without_checkboxes() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.MARKDOWN, show_all=True)
    assert r"- 6. **Nothing to do** — Quiet entry one \(me\)" in out.splitlines()


def test_markdown_escapes_vault_text() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.MARKDOWN)
    line = next(x for x in out.splitlines() if x.startswith("- [ ] 3. "))
    assert "<script>" not in out
    assert r"\[/x\] shop" in line
    assert r"\*bold\* \| pipe" in line
    assert "*bold*" not in line


# --- HTML -------------------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.HTML)
    assert out.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in out
    assert not re.search(r"""src\s*=\s*["']?\s*https?:""", out, re.IGNORECASE)
    assert "<link" not in out.lower()
    assert "<script" not in out.lower()
    assert "@media print" in out
    assert out.count('<input type="checkbox"') == 5


def test_html_escapes_vault_text_and_links_only_http_urls() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.HTML)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'href="https://shop.example/pw"' in out
    assert 'href="https://bank.example/2fa"' in out
    assert "javascript:" not in out


def test_html_with_show_all_shows_every_step_and_in_japanese_has_lang_ja() -> None:
    out = render_plan(mailbox_plan(), PlanFormat.HTML, lang="ja", show_all=True)
    assert '<html lang="ja">' in out
    assert "Quiet entry two" in out
    assert "アカウントを保護" in out
    assert out.count('<input type="checkbox"') == 5  # nothing to tick for "nothing to do"


# --- translations -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "en", "ja"), [
    (R("same_password_as_breached", what="mailbox admin@aaa.jp"),
     "same password as the breached mailbox admin@aaa.jp",
     "侵害されたメールボックス admin@aaa.jp と同じパスワード"),
    (R("pwned", count=37451), "password found 37,451 times in breaches",
     "漏洩データに 37,451 回出現したパスワード"),
    (R("policy", length=11, min_length=12, no_symbol=True), "11 characters, no symbol", "11 文字、記号なし"),
    (R("policy", length=14, min_length=12, no_symbol=True), "no symbol", "記号なし"),
    (R("weak", score=1), "weak password (zxcvbn score 1 of 4)", "弱いパスワード（zxcvbn スコア 1／4）"),
    (R("has_otp"), "two-step login is on: the password alone does not open it",
     "二段階認証が有効：パスワードだけではログインできません"),
    (R("enable_2fa"), "turn on two-step login", "二段階認証を有効にする"),
    (R("no_2fa_offered"), "this site offers no two-step login", "このサイトは二段階認証に対応していません"),
    (R("reused", group="R1", others=1), "same password as 1 other entry (R1)",
     "他の 1 件のエントリと同じパスワード（R1）"),
    (R("reused", group="R1", others=4), "same password as 4 other entries (R1)",
     "他の 4 件のエントリと同じパスワード（R1）"),
    (R("variant_of_breached", what="mailbox a@b.jp", kinds="digits_changed, case"),
     "password is a variant of the breached mailbox a@b.jp's (changed digits, capitalisation)",
     "侵害されたメールボックス a@b.jp のパスワードを少し変えただけのパスワード"
     "（数字の変更、大文字・小文字の違い）"),
])
def test_reason_sentences(reason: Reason, en: str, ja: str) -> None:
    assert Translator("en").reason_text(reason) == en
    assert Translator("ja").reason_text(reason) == ja


def test_every_reason_code_of_the_model_has_a_sentence() -> None:
    documented = re.findall(r"(\w+) \{([\w, ]*)\}", Reason.__doc__ or "")
    assert len(documented) >= 20
    for code, names in documented:
        params = tuple((name.strip(), "12") for name in names.split(",") if name.strip())
        for t in (Translator("en"), Translator("ja")):
            text = t.reason_text(Reason(code, params))
            assert text != code and "=12" not in text, code  # not the fallback "code (name=value)"


def test_an_unknown_reason_code_is_shown_rather_than_failing() -> None:
    assert Translator("ja").reason_text(R("new_code", x=1)) == "new_code (x=1)"


def test_a_reuse_reason_without_a_count_is_shown_rather_than_failing() -> None:
    assert Translator("en").reason_text(R("reused", others="many", group="R1")) == "reused (others=many, group=R1)"


def test_a_number_parameter_that_is_not_a_number_is_still_escaped() -> None:
    text = Translator("en").reason_text(R("weak", score="<b>*x*</b>"), quote=escape.markdown)
    assert "<b>" not in text and "*x*" not in text


def test_every_action_and_tier_reads_in_japanese() -> None:
    t = Translator("ja")
    assert t.action_text(Action.CHANGE_PASSWORD) == "パスワードを今すぐ変更"
    assert t.action_text(Action.ENABLE_2FA) == "二段階認証を有効にする"
    for action in Action:
        assert t.action_text(action) != Translator("en").action_text(action)
    for tier in range(7):
        assert t.tier_text(tier) != Translator("en").tier_text(tier)


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

def _declared_msgids() -> set[str]:
    """Every string i18n.py marks for translation with N_(...) or NP_(..., ...)."""
    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    msgids: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "NP_"):
            for arg in node.args:
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), ast.dump(arg)
                msgids.add(arg.value)
    return msgids


def test_committed_mo_is_compiled_from_the_po() -> None:
    compiler = load_compiler()
    assert MO.read_bytes() == compiler.compile_po(PO)


def test_every_msgid_of_i18n_is_translated_in_the_po_and_none_is_stale() -> None:
    messages = load_compiler().parse_po(PO.read_text(encoding="utf-8"))
    po_ids = {k.decode().split("\0")[0] for k in messages if k}
    po_plurals = {k.decode().split("\0")[1] for k in messages if b"\0" in k}
    declared = _declared_msgids()
    assert len(declared) > 80
    assert declared - po_ids - po_plurals == set()
    assert po_ids - declared == set()
    for key, value in messages.items():
        if key:
            assert value.decode().strip("\0"), key


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
