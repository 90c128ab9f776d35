"""Every line a person reads on stderr when something goes wrong is in the run's language (issue 10, point 8):
errors are made from ``N_`` templates and named values, ``str(err)`` stays English, the CLI renders them in
``--lang`` (else the locale); values (paths, options, what the user typed) are never translated."""

from __future__ import annotations

import ast
import errno
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.errors import InputError, Message, ReuseAuditError, os_reason
from reuse_audit.failure import error_line, internal_error_line, interrupted_line, run_lang
from reuse_audit.i18n import N_, NP_, Translator
from reuse_audit.safe_write import OutputError
from reuse_audit.vault.errors import VaultError
from tests.conftest import CORPUS, MASTER, REPO

PACKAGE = REPO / "reuse_audit"
JA = Translator("ja")
#: Names and codes that stay as they are inside a Japanese sentence.
NAMES = {"KeePass", "KeePassXC", "KDBX", "YubiKey", "HIBP", "Pwned", "Passwords", "SHA", "UTF", "HASH", "COUNT",
         "ISO", "Argon", "KDF", "AES", "NTLM", "MiB", "KiB", "GiB", "JSON", "TOML", "IMAP", "TLS", "URL"}
NO_LOCALE = {"LC_ALL": "C", "LC_MESSAGES": None, "LANG": "C", "REUSE_AUDIT_LANG": None}


def english_words(line: str, *values: str) -> set[str]:
    """The Latin words of ``line`` that are neither a value given, an option, quoted user text nor a name."""
    for value in values:
        line = line.replace(value, " ")
    line = line.replace("reuse-audit", " ")
    line = re.sub(r"--[a-z0-9-]+|'[^']*'", " ", line)
    return set(re.findall(r"[A-Za-z]{2,}", line)) - NAMES


def assert_one_japanese_error_line(stderr: str, *values: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("reuse-audit: エラー："), lines[0]
    assert english_words(lines[0], *values) == set(), lines[0]
    return lines[0]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args: str, password: str = MASTER, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=password + "\n", env={**NO_LOCALE, **(env or {})})


# ---- real error paths, --lang ja over an English locale ----------------------------------------------------

def test_missing_vault_is_one_japanese_line(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere.kdbx"
    result = _run(runner, "audit", str(missing), "--password-stdin", "--offline", "--lang", "ja")
    assert result.exit_code == 2
    line = assert_one_japanese_error_line(result.stderr, str(missing))
    assert line == f"reuse-audit: エラー：{missing}：ファイルが見つかりません"


def test_wrong_master_password_is_one_japanese_line(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _run(runner, "audit", str(path), "--password-stdin", "--offline", "--lang", "ja", password="wrong")
    assert result.exit_code == 2
    line = assert_one_japanese_error_line(result.stderr, str(path))
    assert "マスターパスワードかキーファイルが違います" in line


def test_bad_breached_at_is_one_japanese_line_keeping_what_was_typed(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _run(runner, "plan", str(path), "--password-stdin", "--offline", "--lang", "ja",
                  "--breached", "Google", "--breached-at", "last tuesday")
    assert result.exit_code == 2
    line = assert_one_japanese_error_line(result.stderr, "2026-11-29T21:40+09:00")
    assert "'last tuesday'" in line  # the user's text, untranslated


def test_damaged_vault_is_one_japanese_line(runner) -> None:  # type: ignore[no-untyped-def]
    damaged = CORPUS / "keepassxc" / "BrokenHeaderHash.kdbx"
    if not damaged.is_file():
        pytest.skip("shared KDBX corpus not present")
    result = _run(runner, "audit", str(damaged), "--password-stdin", "--offline", "--lang", "ja", password="")
    assert result.exit_code == 2
    line = assert_one_japanese_error_line(result.stderr, str(damaged))
    assert "壊れています" in line


@pytest.mark.parametrize("content", [None, "not a hash file\n"])
def test_bad_hibp_file_is_one_japanese_line(runner, story_vault, tmp_path, content) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    hibp = tmp_path / "pwned.txt"
    if content is not None:
        hibp.write_text(content)
    result = _run(runner, "audit", str(path), "--password-stdin", "--offline", "--hibp-file", str(hibp),
                  "--lang", "ja")
    assert result.exit_code == 2
    assert_one_japanese_error_line(result.stderr, str(hibp))


def test_a_folder_given_as_the_vault_is_named_in_japanese(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _run(runner, "audit", str(tmp_path), "--password-stdin", "--lang", "ja")
    assert result.exit_code == 2
    assert assert_one_japanese_error_line(result.stderr, str(tmp_path)).endswith(
        "：フォルダです。KeePass データベースではありません")


def test_without_lang_the_locale_decides(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere.kdbx"
    japanese = _run(runner, "audit", str(missing), "--offline", env={"LC_ALL": None, "LANG": "ja_JP.UTF-8"})
    english = _run(runner, "audit", str(missing), "--offline")
    assert japanese.stderr.strip() == f"reuse-audit: エラー：{missing}：ファイルが見つかりません"
    assert english.stderr.strip() == f"reuse-audit: error: {missing}: no such file"


def test_an_unknown_lang_is_reported_in_the_locale_language(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _run(runner, "audit", str(path), "--password-stdin", "--offline", "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr.strip() == "reuse-audit: error: unknown --lang 'fr' (en or ja)"


def test_a_note_built_from_an_error_is_translated_too(runner, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault  # offline with no cached breach list: the breach check's note says why, in Japanese
    result = _run(runner, "audit", str(path), "--password-stdin", "--offline", "--lang", "ja")
    assert "保存済みの情報漏洩のあったサイトの一覧もありません" in result.stderr
    assert "offline and no cached breach list" not in result.stderr


def test_click_usage_errors_are_one_japanese_line_under_a_japanese_locale() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "REUSE_AUDIT_LANG")}
    proc = subprocess.run([sys.executable, "-m", "reuse_audit", "audit", "v.kdbx", "--hibp-workers", "abc"],
                          capture_output=True, text=True, timeout=60, env={**env, "LANG": "ja_JP.UTF-8"})
    assert proc.returncode == 2
    assert_one_japanese_error_line(proc.stderr, "'--hibp-workers'", "abc")


# ---- the lines main() says itself ---------------------------------------------------------------------------

def test_interrupted_and_internal_error_lines_are_translated() -> None:
    assert interrupted_line("en") == "reuse-audit: interrupted"
    assert interrupted_line("ja") == "reuse-audit: 中断しました"
    assert internal_error_line("KeyError", "en") == "reuse-audit: internal error (KeyError); please report it"
    assert english_words(internal_error_line("KeyError", "ja"), "KeyError") == set()


def test_run_lang_prefers_the_option_then_the_environment_then_the_locale(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "REUSE_AUDIT_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert run_lang(None) == "ja"
    assert run_lang({"lang": "en"}) == "en"
    assert run_lang({"lang": "fr"}) == "ja"  # an unknown --lang is the error itself: the locale says it
    monkeypatch.setenv("REUSE_AUDIT_LANG", "en")
    assert run_lang({}) == "en"


# ---- the mechanism ------------------------------------------------------------------------------------------

def test_an_error_is_english_as_str_and_japanese_when_rendered() -> None:
    err = VaultError(N_("{path}: no such file"), path=Path("/v/a.kdbx"))
    assert str(err) == "/v/a.kdbx: no such file"
    assert err.render(JA) == "/v/a.kdbx：ファイルが見つかりません"
    assert error_line(err, "en") == "reuse-audit: error: /v/a.kdbx: no such file"


def test_values_are_never_translated_and_format_specs_apply() -> None:
    err = InputError(N_("{option}: expected e.g. 14d, 36h or 2024-05-01, got {value!r}"), option="--since",
                     value="permission denied")  # a value that happens to be a msgid stays as typed
    assert str(err) == "--since: expected e.g. 14d, 36h or 2024-05-01, got 'permission denied'"
    assert "'permission denied'" in err.render(JA)


def test_a_nested_sentence_is_rendered_in_the_same_language() -> None:
    inner = Message(N_("permission denied"))
    err = InputError(N_("{path}: cannot look for the config file ({reason})"), path="/c", reason=inner)
    assert str(err) == "/c: cannot look for the config file (permission denied)"
    assert err.render(JA) == "/c：設定ファイルを探せません（アクセス権がありません）"


def test_the_system_reason_is_the_c_library_in_english_and_ours_in_japanese() -> None:
    reason = os_reason(PermissionError(errno.EACCES, "Permission denied"))
    assert str(reason) == "Permission denied"
    assert reason.render(JA) == "アクセス権がありません"
    unknown = os_reason(OSError(9999, "Something odd"))
    assert unknown.render(JA) == "Something odd"  # no words of ours: the system's stay


def test_an_output_error_says_its_reason_in_both_languages_and_survives_pickling() -> None:
    err = OutputError(errno.EISDIR, N_("is a directory; give a file name"), "/tmp/out")
    assert str(err) == "/tmp/out: is a directory; give a file name"
    assert err.strerror == "is a directory; give a file name"
    assert err.render(JA) == "/tmp/out：フォルダです。ファイル名を指定してください"
    assert os_reason(err).render(JA) == "フォルダです。ファイル名を指定してください"
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object, round-tripped
    assert str(again) == str(err) and os_reason(again).render(JA) == os_reason(err).render(JA)


def test_a_message_pickles_with_its_template_and_values() -> None:
    message = Message(N_("{path}: no such file"), path="/x")
    again = pickle.loads(pickle.dumps(message))  # noqa: S301 - our own object, round-tripped
    assert again == message and again.render(JA) == "/x：ファイルが見つかりません"


def test_a_counted_sentence_takes_the_form_for_its_count() -> None:
    forms = NP_("{path}: damaged: {n} protected value could not be decrypted (the inner stream does not match); "
                "open and save it in KeePass or KeePassXC, or restore a backup",
                "{path}: damaged: {n} protected values could not be decrypted (the inner stream does not match); "
                "open and save it in KeePass or KeePassXC, or restore a backup")
    assert "1 protected value could" in Message.counted(forms, 1, path="/v")
    assert "3 protected values could" in Message.counted(forms, 3, path="/v")
    assert "保護された値 3 件" in Message.counted(forms, 3, path="/v").render(JA)


def test_a_redacted_sentence_hides_the_secret_in_every_language() -> None:
    message = Message(N_("--breached {selector!r}: no entry has this address as its login or e-mail field{near}"),
                      selector="hunter2@x.jp", near="")
    hidden = message.redacted(lambda text: text.replace("hunter2", "[hidden]"))
    assert "hunter2" not in hidden and "hunter2" not in hidden.render(JA)
    assert "[hidden]@x.jp" in hidden.render(JA)


def test_a_translation_that_names_a_field_wrongly_falls_back_to_english() -> None:
    class Broken:
        def gettext(self, message: str) -> str:
            return "{nope}"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return "{nope}"

    assert Message(N_("{path}: no such file"), path="/x").render(Broken()) == "/x: no such file"


# ---- every raise site uses the mechanism -------------------------------------------------------------------

def _error_classes() -> set[str]:
    """Names of ReuseAuditError and every class in reuse_audit/ that derives from it (by name)."""
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = (b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
                         if isinstance(b, ast.Name | ast.Attribute))
                bases.setdefault(node.name, set()).update(names)
    found = {"ReuseAuditError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


#: Where the template is not the first argument.
_TEMPLATE_AT = {"ExposureServiceError": 1, "OutputError": 1}


def test_no_user_visible_error_is_raised_with_a_bare_english_string() -> None:
    classes = _error_classes() | {"error"}  # file_access's ``error=`` parameter
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes):
                continue
            at = _TEMPLATE_AT.get(node.func.id, 0)
            if len(node.args) <= at:
                continue
            template = node.args[at]
            bare = isinstance(template, ast.JoinedStr | ast.BinOp) or (
                isinstance(template, ast.Constant) and isinstance(template.value, str)) or (
                isinstance(template, ast.Call) and isinstance(template.func, ast.Attribute)
                and template.func.attr == "format") or (
                isinstance(template, ast.Call) and isinstance(template.func, ast.Name) and template.func.id == "str")
            if bare:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_every_error_template_has_a_japanese_translation() -> None:
    classes = _error_classes()
    templates = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
                for arg in node.args:
                    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "N_":
                        templates.add(arg.args[0].value)  # type: ignore[attr-defined]
    assert len(templates) > 100
    untranslated = sorted(t for t in templates if JA.gettext(t) == t)
    assert untranslated == []


def test_reuse_audit_error_without_values_keeps_braces_literal() -> None:
    assert str(ReuseAuditError("a {literal} brace")) == "a {literal} brace"


# ---- the option parser's own sentences ---------------------------------------------------------------------------

def _cli(*args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in {**os.environ, **NO_LOCALE, **(env or {})}.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "reuse_audit", *args], capture_output=True, text=True, timeout=60,
                          env=environ)


_PARSER_CASES = [  # (arguments, environment, the English line's words, the Japanese line's words)
    (["audit", "x.kdbx", "--formt", "json"], {},
     "No such option: --formt (Possible options: --format) (see --help)",
     "--formt というオプションはありません（候補：--format）"),
    (["audit", "x.kdbx", "--bogus"], {}, "No such option: --bogus (see --help)",
     "--bogus というオプションはありません"),
    (["audti"], {}, "No such command 'audti'. Did you mean 'audit'? (see --help)",
     "「audti」というコマンドはありません"),
    (["audit"], {}, "Missing argument 'VAULT'. (see --help)", "引数 VAULT がありません"),
    (["audit", "x.kdbx", "--min-pwned-count"], {}, "Option '--min-pwned-count' requires an argument.",
     "オプション --min-pwned-count には値が必要です"),
    (["audit", "x.kdbx", "--strict=3"], {}, "Option '--strict' does not take a value.",
     "オプション --strict は値をとりません"),
    (["audit", "x.kdbx", "y.kdbx"], {}, "Got unexpected extra argument(s) (y.kdbx)", "余分な引数があります（y.kdbx）"),
    (["audit", "x.kdbx", "--hibp-workers", "0"], {}, "'--hibp-workers': 0 is not in the range 1<=x<=64.",
     "0 は範囲 1<=x<=64 の外です"),
    (["audit", "x.kdbx", "--min-pwned-count", "abc"], {}, "'abc' is not a valid int range.",
     "「abc」は数として正しくありません"),
    (["audit", "x.kdbx"], {"REUSE_AUDIT_FORMAT": "foo"},
     "Invalid value for '--format' / '-f' (env var: 'REUSE_AUDIT_FORMAT'): 'foo' is not one of 'table', 'json', 'csv', "
     "'markdown', 'html'.", "（環境変数 REUSE_AUDIT_FORMAT）の値が正しくありません：「foo」は"),
]


@pytest.mark.parametrize(("args", "env", "english", "japanese"), _PARSER_CASES)
def test_the_option_parsers_sentences_are_said_in_the_runs_language(args, env, english, japanese) -> None:  # type: ignore[no-untyped-def]
    said = _cli(*args, env=env)
    assert said.returncode == 2 and said.stdout == ""
    assert said.stderr.startswith("reuse-audit: error: ") and english in said.stderr  # click's own English words
    assert len(said.stderr.splitlines()) == 1
    for ja in (_cli(args[0], "--lang", "ja", *args[1:], env=env), _cli(*args, env={**env, "REUSE_AUDIT_LANG": "ja"})):
        assert ja.returncode == 2 and len(ja.stderr.splitlines()) == 1, ja.stderr
        assert ja.stderr.startswith("reuse-audit: エラー：") and japanese in ja.stderr, ja.stderr
        assert ja.stderr.rstrip().endswith("（--help を参照）")
        values = [a for a in [*args, *env.values()] if a != "audit"]
        assert english_words(ja.stderr, *values, "VAULT", "REUSE_AUDIT_FORMAT", "x<=64") == set(), ja.stderr


def test_an_unknown_parser_sentence_stays_as_the_parser_said_it() -> None:
    from reuse_audit.failure import parser_sentence

    assert parser_sentence("Something new happened.") == "Something new happened."
    known = parser_sentence("Invalid value for '--x': 'y' is not a valid float.")
    assert isinstance(known, Message) and str(known) == "Invalid value for '--x': 'y' is not a valid float."
    assert known.render(JA) == "'--x' の値が正しくありません：「y」は数として正しくありません"


def test_argv_lang_reads_the_command_lines_lang_before_any_double_dash() -> None:
    from reuse_audit.failure import argv_lang

    assert argv_lang(["audit", "--lang", "ja", "v"]) == "ja"
    assert argv_lang(["audit", "--lang=ja"]) == "ja"
    assert argv_lang(["config", "show", "--", "--lang", "ja"]) is None
    assert argv_lang(["audit", "--lang"]) is None


@pytest.mark.parametrize("args", [[], ["config"], ["hibp"], ["baseline"]])
def test_a_command_group_without_its_command_prints_its_help_not_an_error_line(args: list[str]) -> None:
    said = _cli(*args)
    assert said.returncode == 2
    assert said.stdout.startswith("Usage: ") and "[OPTIONS] COMMAND" in said.stdout and "Commands:" in said.stdout
    assert "error" not in said.stderr and "error" not in said.stdout


def test_an_error_line_shows_control_characters_in_its_values_as_escapes() -> None:
    exc = InputError(N_("{path}: no such file"), path="INBOX\r\nZ1 \x1b[31mred")
    for lang in ("en", "ja"):
        line = error_line(exc, lang)
        assert "\r" not in line and "\n" not in line and "\x1b" not in line
        assert "INBOX\\r\\nZ1" in line and "\\x1b[31mred" in line
