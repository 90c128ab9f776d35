"""The audit's text report at the terminal's width: a table only when every row fits without cutting a word,
else a numbered list whose reasons are whole and whose URLs are whole on their own lines; no line wider than
the width but a lone URL; no secret in either form."""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.demo import DEMO_MASTER_PASSWORD
from tests.conftest import MASTER, REPO, STORY, assert_no_leak

DEMO = REPO / "reuse_audit" / "data" / "demo.kdbx"
LONE_URL = re.compile(r"[(（「]?https?://[!-~]+?[)）」。、.]*")


def audit(*args: str, columns: int, vault: str = str(DEMO), password: str = DEMO_MASTER_PASSWORD) -> str:
    result = CliRunner().invoke(app, ["audit", vault, "--password-stdin", "--offline", *args],
                                input=password + "\n", env={"COLUMNS": str(columns), "REUSE_AUDIT_LANG": None})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("columns", [40, 80, 100])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_line_is_wider_than_the_terminal_but_a_lone_url(columns: int, lang: str) -> None:
    out = audit("--lang", lang, columns=columns)
    for line in out.splitlines():
        if cell_len(line) > columns:
            assert LONE_URL.fullmatch(line.strip()), line


@pytest.mark.parametrize("columns", [80, 100])
def test_the_list_keeps_every_reason_and_every_word_whole(columns: int) -> None:
    out = audit(columns=columns)
    assert "┃" not in out  # the demo's reasons hold URLs: no table can keep them whole
    document = json.loads(audit("--format", "json", columns=columns))
    joined = " ".join(line.strip() for line in out.splitlines())
    for entry in document["entries"]:
        assert f". {entry['title']}" in joined
        for reason in entry["reasons"]:
            assert reason in joined, reason  # wrapped only at spaces: joined again, it is the same sentence


def test_a_wide_terminal_with_short_cells_gets_the_table() -> None:
    out = audit("--checks", "reuse", columns=200)
    assert "┃ #" in out and "Findings" in out
    joined = " ".join(out.split())
    for word in ("reused", "webmail", "Instagram"):
        assert word in joined
    narrow = audit("--checks", "reuse", columns=60)
    assert "┃" not in narrow and narrow.splitlines()[2].startswith("  1. ")


@pytest.mark.parametrize("columns", [50, 250])
def test_neither_form_shows_a_secret(columns: int, story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    out = audit(columns=columns, vault=str(path), password=MASTER)
    assert "Mailbox admin" in out
    assert_no_leak(out, [e.password for e in STORY] + [MASTER])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_html_report_is_no_wider_than_a_390px_phone(lang: str) -> None:
    from scripts.screenshot_plan import chromium, measure

    page = audit("--format", "html", "--lang", lang, columns=80)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<td data-label="' in page  # each cell names its column on a phone's card
    if chromium() is None:
        pytest.skip("chromium is not installed (Debian package chromium; .ci/run installs it)")
    size = measure(page, 390)
    assert size["innerWidth"] == 390
    assert size["scrollWidth"] <= size["innerWidth"], size
    # a phone held sideways (844 px) gets the cards too: eleven columns there broke a username every 2 letters
    assert measure(page, 844)["tableHeads"] == 0
    assert measure(page, 1280)["tableHeads"] == 1


@pytest.mark.parametrize("columns", range(88, 132, 4))
def test_a_table_never_cuts_a_word_when_rich_would_narrow_its_widest_column(tmp_path, columns: int) -> None:  # type: ignore[no-untyped-def]
    """Every column's longest word fit the width, yet rich narrowed the widest column below a word ("recommended"
    / ")," at 100 columns): the widths are now ours, each at least its longest word."""
    from tests.conftest import E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("weak", "123456", "x"), E("one", "a", "y"), E("Some rather long title here", "abcdef", "z"),
                        E("Shared one", "Same-pw-2020!", "u1"), E("Shared two", "Same-pw-2020!", "u2")])
    out = audit("--checks", "reuse,strength", columns=columns, vault=str(vault), password=MASTER)
    if "┃" not in out:
        return  # the list: tested above
    document = json.loads(audit("--checks", "reuse,strength", "--format", "json", columns=columns, vault=str(vault),
                                password=MASTER))
    cells = [line.split("│") for line in out.splitlines() if line.startswith("│")]
    words_shown = {w for row in cells for cell in row for w in cell.split()}
    for entry in document["entries"]:
        for reason in entry["reasons"]:
            for word in reason.split():  # whole, maybe with the "; " that joins two reasons
                assert any(word in shown for shown in words_shown), (word, columns)


def test_counts_of_one_are_singular(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("one", "a", "y")])
    result = CliRunner().invoke(app, ["audit", str(vault), "--password-stdin", "--offline", "--checks",
                                      "reuse,strength", "--format", "json"], input=MASTER + "\n")
    (entry,) = json.loads(result.stdout)["entries"]
    assert "1 character (12 or more recommended)" in " ".join(entry["reasons"])
    assert result.stderr.startswith("1 entry (1 audited, 0 skipped), 0 share a password in 0 groups")
    build_vault(vault, [E("A", "Same-pw-2020!", "a"), E("B", "Same-pw-2020!", "b")])
    result = CliRunner().invoke(app, ["audit", str(vault), "--password-stdin", "--offline", "--checks", "reuse",
                                      "--format", "json"], input=MASTER + "\n")
    assert result.stderr.startswith("2 entries (2 audited, 0 skipped), 2 share a password in 1 group,")


def test_an_insecure_url_holding_a_vault_password_is_still_found_and_shown_hidden(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import E, build_vault

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("Store", "shop", "me", "https://b.example/"),
                        E("Old store", "Sh0p!unique-pw-123", "me", "http://shop.example.com/login")])
    result = CliRunner().invoke(app, ["audit", str(vault), "--password-stdin", "--offline", "--checks", "urls",
                                      "--format", "json"], input=MASTER + "\n")
    [entry] = [e for e in json.loads(result.stdout)["entries"] if e["title"] == "Old store"]
    assert entry["findings"] == ["insecure_url"]
    assert "shop" not in result.stdout.replace("Shop", "")


def test_a_url_that_fits_follows_its_label_and_one_that_does_not_gets_its_own_line() -> None:
    from reuse_audit.report.wrap import wrap

    url = "https://webmail.aaa.jp/.well-known/change-password"
    assert wrap(f"change: {url}", 80, "  ") == [f"  change: {url}"]
    assert wrap(f"change: {url}", 40, "  ") == ["  change:", f"  {url}"]  # never cut, wider if it must
    assert wrap(f"パスキーの設定：{url}", 80) == [f"パスキーの設定：{url}"]  # glued: no space added
    assert wrap(f"turn it on ({url}) now", 80) == [f"turn it on ({url}) now"]


def test_the_html_report_links_the_catalogues_pages_and_never_vault_text(vault_factory) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import E

    path = vault_factory([E("See https://evil.example/login now", "Zr4!tW8#pQ2&nL6^xV0s", "me@example.jp",
                            "https://accounts.google.com/")])
    page = CliRunner().invoke(app, ["audit", str(path), "--password-stdin", "--offline", "-f", "html"],
                              input=MASTER + "\n").stdout
    assert '<a href="https://safety.google/authentication/">https://safety.google/authentication/</a>' in page
    assert "https://evil.example/login" in page and 'href="https://evil.example' not in page


def test_a_tab_in_a_login_is_shown_not_turned_into_a_space(vault_factory) -> None:  # type: ignore[no-untyped-def]
    """`correct<TAB>horse` was shown as `correct horse`: another value (maybe another entry's passphrase)."""
    from tests.conftest import E

    path = vault_factory([E("Forum", "Zr4!tW8#pQ2&nL6^xV0s", "correct\thorse", "https://forum.example/"),
                          E("Shop", "Zr4!tW8#pQ2&nL6^xV0s", "buyer", "https://shop.example/")])
    for command in (["audit", str(path)], ["plan", str(path), "--all"]):
        for fmt in ("table", "markdown", "html"):
            out = CliRunner().invoke(app, [*command, "--password-stdin", "--offline", "-f", fmt],
                                     input=MASTER + "\n", env={"COLUMNS": "120"}).stdout
            shown = "correct\\\\thorse" if fmt == "markdown" else "correct\\thorse"  # Markdown escapes the "\\"
            assert shown in out and "correct horse" not in out, (command[0], fmt)


@pytest.mark.parametrize(("text", "mark"), [
    ("二段階認証を有効にしてください（https://help.dropbox.com/account-access/enable-2-factor-authentication）。次へ",
     "（"),
    ("Turn on two-step login (https://help.dropbox.com/account-access/enable-2-factor-authentication-xy) next", "("),
])
def test_a_url_that_fits_a_line_without_its_opening_mark_leaves_the_mark_on_the_line_before(text: str, mark: str
                                                                                            ) -> None:
    from rich.cells import cell_len

    from reuse_audit.report.wrap import wrap

    lines = wrap(text, 80, indent="      ")
    assert all(cell_len(line) <= 80 for line in lines), lines
    assert lines[0].endswith(mark) and lines[1].lstrip().startswith("https://")
