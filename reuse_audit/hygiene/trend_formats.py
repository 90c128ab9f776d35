"""The trend of scheduled audits as a table, JSON, or a self-contained HTML chart.

The chart draws one line per finding kind, each with its own dash pattern and marker (so it reads in black
and white too), named in a legend below it; times are shown in local time; the page fits a phone's width (the
runs become cards there).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import wording as W
from reuse_audit.hygiene.choices import TrendFormat as TrendFormat
from reuse_audit.hygiene.history import HistoryPoint, shown_count
from reuse_audit.i18n import Translator
from reuse_audit.report.cards import CARDS_CSS, card_labels, card_row
from reuse_audit.report.escape import html_text, json_text
from reuse_audit.report.wording import LABELLED


def _kinds(points: Sequence[HistoryPoint]) -> list[str]:
    return [k.value for k in FindingKind if any(p.findings.get(k.value) for p in points)]


def local_time(iso: str) -> str:
    """``2026-11-30 15:04`` in this machine's time zone, from the history's UTC time."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def kind_name(kind: str, t: Translator) -> str:
    """A finding kind as the audit report names it: its code in English, words in Japanese (使い回し)."""
    from reuse_audit.report.wording import KINDS

    return t.gettext(KINDS.get(kind, kind))


def render_table(points: Sequence[HistoryPoint], width: int | None, t: Translator) -> str:
    """A table when every cell fits the width whole (nothing cut, no "…"), else a list: a run a line, then its
    counts."""
    from rich.console import Console
    from rich.table import Table

    from reuse_audit.report import DEFAULT_WIDTH
    from reuse_audit.report.wrap import column_widths

    width = width or DEFAULT_WIDTH
    kinds = _kinds(points)
    headers = [t.gettext(W.TREND_TIME), t.gettext(W.TREND_AUDITED), *(kind_name(k, t) for k in kinds)]
    rows = [[local_time(p.time), str(p.entries_audited), *(shown_count(p.findings.get(k, 0), t) for k in kinds)]
            for p in points]
    # each column needs its widest word; the time whole (it is never wrapped)
    columns = [[text.replace(" ", "\u00a0") for text in (headers[0], *(r[0] for r in rows))]]
    columns += [[headers[n], *(r[n] for r in rows)] for n in range(1, len(headers))]
    widths = column_widths(columns, width)
    if widths is None:
        return _list(points, kinds, width, t)
    table = Table(title=t.gettext(W.TREND_TITLE))
    table.add_column(headers[0], justify="left", no_wrap=True, width=widths[0])
    for header, column_width in zip(headers[1:], widths[1:], strict=True):
        table.add_column(header, justify="right", overflow="fold", width=column_width)
    for row in rows:
        table.add_row(*row)
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False).print(table)
    return buf.getvalue()


def _list(points: Sequence[HistoryPoint], kinds: list[str], width: int, t: Translator) -> str:
    from reuse_audit.report.wrap import wrap

    lines = wrap(t.gettext(W.TREND_TITLE), width)
    for p in points:
        audited = t.text(LABELLED, label=t.gettext(W.TREND_AUDITED), text=str(p.entries_audited))
        lines += wrap(f"{local_time(p.time)} — {audited}", width)
        counts = [t.text(LABELLED, label=kind_name(k, t), text=shown_count(p.findings.get(k, 0), t)) for k in kinds]
        if counts:
            lines += wrap(t.join_parts(counts), width, "    ", "  ")
    return "\n".join(lines) + "\n"


def render_json(points: Sequence[HistoryPoint], width: int | None, t: Translator) -> str:
    return json_text([p.as_dict() for p in points])


_COLOURS = ("#c0392b", "#d35400", "#8e44ad", "#2c3e50", "#16a085", "#2980b9", "#7f8c8d", "#27ae60")
_DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "12 4", "1 2", "6 2 2 2")
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:0 auto;
padding:1em;max-width:60em;color:#111;line-break:strict}
svg{width:100%;max-width:42em;height:auto;max-height:70vh;display:block}
.legend{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:.2em 1.2em}
.legend svg{width:2.4em;height:.8em;display:inline-block;vertical-align:middle;margin-right:.3em}
.runs{overflow-x:auto}table{border-collapse:collapse;margin-top:1em}
td,th{border:1px solid #999;padding:.2em .5em;text-align:right}td:first-child,th:first-child{text-align:left}
@media (max-width:1000px){""" + CARDS_CSS + "}\n"


def _marker(kind_index: int, x: float, y: float, colour: str) -> str:
    shape = kind_index % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 3:.1f} Z" fill="{colour}"/>'


def render_html(points: Sequence[HistoryPoint], width: int | None, t: Translator) -> str:
    """A self-contained page: an inline SVG chart, its legend, and the runs (a table; a card per run on a phone),
    no script, no outside resource."""
    kinds = _kinds(points)
    w, h, left, right, pad, font = 560, 300, 44, 14, 30, 15  # text stays legible when the chart is 360 px wide
    top = max([p.findings.get(k, 0) or 0 for p in points for k in kinds] + [1])
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return left + (w - left - right) * (i / n if len(points) > 1 else 0.5)

    def y(v: int) -> float:
        return h - pad - (h - 2 * pad) * v / top

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{html_text(t.gettext(W.TREND_CHART))}">',
           f'<line x1="{left}" y1="{h - pad}" x2="{w - right}" y2="{h - pad}" stroke="#999"/>',
           f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{h - pad}" stroke="#999"/>',
           f'<text x="{left - 6}" y="{y(top) + 5:.1f}" text-anchor="end" font-size="{font}">{top}</text>',
           f'<text x="{left - 6}" y="{h - pad + 5}" text-anchor="end" font-size="{font}">0</text>']
    # at most three time labels (first, middle, last); the day alone, or with the time when runs share a day
    labelled = sorted({0, len(points) // 2, len(points) - 1}) if len(points) > 2 else list(range(len(points)))
    times = [local_time(p.time) for p in points]
    same_day = len({tm[:10] for tm in times}) < len(times)
    for i in labelled:
        text = times[i][5:16] if same_day else times[i][:10]
        anchor = "start" if i == 0 and len(points) > 1 else "end" if i == len(points) - 1 and len(points) > 1 \
            else "middle"
        svg.append(f'<text x="{x(i):.1f}" y="{h - pad + font + 4}" text-anchor="{anchor}" font-size="{font}">'
                   f"{html_text(text)}</text>")
    legend: list[str] = []
    for j, k in enumerate(kinds):
        colour = _COLOURS[j % len(_COLOURS)]
        dash = _DASHES[j % len(_DASHES)]
        coords = [(x(i), y(v)) for i, p in enumerate(points) if (v := p.findings.get(k, 0)) is not None]
        if not coords:  # every run left this kind unchecked: no line, the table says so
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} points="'
                   + " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
                   + f'"><title>{html_text(kind_name(k, t))}</title>'
                   "</polyline>")
        svg += [_marker(j, cx, cy, colour) for cx, cy in coords]
        last = points[-1].findings.get(k, 0)
        sample = (f'<svg viewBox="0 0 36 12" aria-hidden="true"><line x1="0" y1="6" x2="36" y2="6" stroke="{colour}" '
                  f'stroke-width="2.5"{dash_attr}/>{_marker(j, 18, 6, colour)}</svg>')
        legend.append(f'<li>{sample}<span style="color:{colour}">'
                      f"{html_text(kind_name(k, t))} ({html_text(shown_count(last, t))})</span></li>")
    svg.append("</svg>")
    names = [kind_name(k, t) for k in kinds]
    columns = (t.gettext(W.TREND_TIME), t.gettext(W.TREND_AUDITED), *names)
    head = "".join(f"<th>{html_text(c)}</th>" for c in columns)
    labels = card_labels(t, columns)

    def row(p: HistoryPoint) -> str:
        cells = [local_time(p.time), str(p.entries_audited), *(shown_count(p.findings.get(k, 0), t) for k in kinds)]
        return card_row(labels, [html_text(c) for c in cells])

    title = html_text(t.gettext(W.TREND_TITLE))
    return (
        f'<!DOCTYPE html>\n<html lang="{t.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>{html_text(t.plural(W.TREND_RUNS, len(points)))}</p>\n" + "\n".join(svg)
        + f'\n<ul class="legend">{"".join(legend)}</ul>'
        + f'\n<div class="runs"><table><thead><tr>{head}</tr></thead><tbody>{"".join(row(p) for p in points)}'
        "</tbody></table></div>"
        "</body></html>\n"
    )
