"""The run history on its own: trend lines, bad files, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.history import HistoryPoint, read_history, render_trend, trend_line
from reuse_audit.hygiene.trend_formats import TrendFormat


def _p(**counts: int) -> HistoryPoint:
    return HistoryPoint("2026-01-01T00:00:00Z", 10, counts)


def test_trend_line_lists_every_kind_seen_in_either_run_worst_first() -> None:
    line = trend_line(_p(reused=14, pwned=3), _p(reused=9, weak=1))
    assert line == "trend: pwned: 3 → 0, reused: 14 → 9, weak: 0 → 1"


def test_trend_line_for_a_first_run_and_for_clean_runs() -> None:
    assert trend_line(None, _p(reused=2)) == "trend: first run recorded (reused: 2)"
    assert trend_line(_p(), _p()) == "trend: no findings, as in the previous run"
    assert trend_line(_p(old=1), _p(old=1), arrow="->") == "trend: old: 1 -> 1"


def test_bad_lines_are_named_by_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text(json.dumps(_p(reused=1).as_dict()) + "\n\n" + '{"time": 1}\n')
    with pytest.raises(HygieneInputError, match=r"h.jsonl:3: not a reuse-audit history line"):
        read_history(p)


def test_a_newer_history_version_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text(json.dumps({**_p().as_dict(), "history_version": 2}) + "\n")
    with pytest.raises(HygieneInputError, match="newer reuse-audit"):
        read_history(p)


@pytest.mark.parametrize("fmt", list(TrendFormat))
def test_every_trend_format_renders(tmp_path: Path, fmt: TrendFormat) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text("".join(json.dumps(_p(reused=n, weak=1).as_dict()) + "\n" for n in (5, 3, 1)))
    text = render_trend(p, fmt)
    assert "reused" in text


def test_an_unknown_trend_format_or_empty_history_is_an_input_error(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text("")
    with pytest.raises(HygieneInputError, match="unknown --format"):
        render_trend(p, "pdf")
    with pytest.raises(HygieneInputError, match="no runs yet"):
        render_trend(p, "table")


def test_html_chart_escapes_and_needs_nothing_external(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text(json.dumps({**_p(reused=1).as_dict(), "time": "<script>x</script>"}) + "\n")
    page = render_trend(p, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
