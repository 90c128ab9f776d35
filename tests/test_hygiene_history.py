"""The run history on its own: trend lines, bad files, formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.history import HistoryPoint, read_history, render_trend, trend_line
from reuse_audit.hygiene.trend_formats import TrendFormat
from reuse_audit.i18n import Translator


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
    from reuse_audit.hygiene.trend_formats import render_html
    from reuse_audit.i18n import Translator

    p = tmp_path / "h.jsonl"
    p.write_text(json.dumps({**_p(reused=1).as_dict(), "time": "<script>x</script>"}) + "\n")
    with pytest.raises(HygieneInputError, match="its time is not an ISO 8601 time"):
        render_trend(p, "html")  # a file's text reaches the page only as a checked time and numbers...
    page = render_html([HistoryPoint("<script>x</script>", 1, {"reused": 1})], None, Translator("en"))
    assert "<script>" not in page and "&lt;script&gt;" in page  # ...and the page escapes it all the same



@pytest.mark.parametrize(("findings", "audited", "says"), [
    ({"reused": "x"}, 3, "the count of reused is not a whole number"),
    ({"reused": 1.5}, 3, "the count of reused is not a whole number"),
    ({"reused": True}, 3, "the count of reused is not a whole number"),
    ({"reused": -5}, 3, "the count of reused is not a whole number"),
    ({"reused": 2}, "x", "entries_audited is not a whole number"),
])
def test_a_count_that_is_no_count_is_one_line_naming_the_line(findings: dict[str, object], audited: object,
                                                               says: str, tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    line = {"history_version": 1, "time": "2026-01-01T00:00:00Z", "entries_audited": audited, "findings": findings}
    p.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(HygieneInputError, match=f"h.jsonl:1: not a reuse-audit history line \\({says}\\)"):
        read_history(p)


def test_a_kind_missing_from_a_line_is_a_gap_not_a_zero(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text(json.dumps({"time": "2026-01-01T00:00:00Z", "entries_audited": 4, "findings": {"bogus": 3}})
                 + "\n", encoding="utf-8")
    [point] = read_history(p)
    assert point.findings["reused"] is None and point.findings["pwned"] is None


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_trend_table_never_cuts_a_date_or_a_count(lang: str, tmp_path: Path) -> None:
    from rich.cells import cell_len

    p = tmp_path / "h.jsonl"
    counts = {"pwned": None, "reused": 7, "variant": 6, "weak": 1, "policy": 7, "no_2fa": 4, "weak_2fa": 1,
              "passkey_available": 5, "insecure_url": 2, "site_breached": None}
    p.write_text("".join(json.dumps({"time": f"2026-01-0{d}T09:30:00Z", "entries_audited": 14, "findings": counts})
                         + "\n" for d in (1, 2)), encoding="utf-8")
    for width in (40, 80, 100, 250):
        text = render_trend(p, "table", width=width, lang=lang)
        assert "…" not in text
        assert all(cell_len(line) <= width for line in text.splitlines()), text
        dates = [line for line in text.splitlines() if "2026-01-0" in line]
        assert len(dates) == 2 and all(re.search(r"2026-01-0\d \d\d:\d\d", line) for line in dates), text
    ja = render_trend(p, "table", width=80, lang="ja")
    if lang == "ja":
        assert "使い回し" in ja and "reused" not in ja


def test_html_chart_is_legible_on_a_phone_and_tells_same_day_runs_apart() -> None:
    from reuse_audit.hygiene.trend_formats import render_html

    points = [HistoryPoint(f"2026-12-01T0{h}:15:00Z", 40, {"reused": 9 - h, "no_2fa": 4}) for h in range(1, 6)]
    page = render_html(points, None, Translator("ja"))
    assert 'viewBox="0 0 560 300"' in page and 'font-size="15"' in page  # ~10 px text at 360 px wide
    assert '<ul class="legend">' in page and "使い回し (4)" in page  # names in HTML, not 5 px SVG text
    assert page.count(">12-01 ") == 3  # first, middle, last run: day and time (they share a day)
    assert 'data-label="使い回し："' in page  # each run a card on a phone
