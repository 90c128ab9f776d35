"""Text that fits the terminal: word wrapping, Japanese line breaking, long URLs kept whole, the width."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from reuse_audit.bounces.layout import terminal_width, wrap


def test_english_wraps_at_word_boundaries_with_indents() -> None:
    lines = wrap("one two three four five six seven", 14, "  - ", "    ")
    assert lines == ["  - one two", "    three four", "    five six", "    seven"]


def test_japanese_wraps_between_characters_and_never_before_closing_marks() -> None:
    text = "あなたが書いていないメール 120 通が、あなたのアカウントから送信されました。"
    lines = wrap(text, 20)
    assert all(cell_len(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("、", "。")) for line in lines)


def test_a_url_longer_than_the_line_stays_whole_on_its_own_line() -> None:
    url = "https://example.com/" + "x" * 90
    lines = wrap(f"see {url} now", 40)
    assert lines == ["see", url, "now"]


def test_width_follows_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_width() == 72
    monkeypatch.setenv("COLUMNS", "10")
    assert terminal_width() == 40  # never narrower than a readable line
