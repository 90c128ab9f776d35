"""The run history: one JSON line per scheduled audit (time and counts per finding kind, nothing else),
the trend against the previous run, and the trend as a table, JSON or a self-contained HTML chart."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from reuse_audit.audit import AuditResult
from reuse_audit.file_access import PathKind, path_kind, read_text_input
from reuse_audit.file_lock import LockTimeout, locked
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.report.audit_document import iso
from reuse_audit.report.escape import html_text
from reuse_audit.safe_write import append_private, output_target, write_private

HISTORY_VERSION = 1



@dataclass(frozen=True)
class HistoryPoint:
    """One recorded run: when, how many entries were audited, and how many had each finding kind."""

    time: str
    entries_audited: int
    findings: dict[str, int | None]  # None: that kind was not checked (or not for every entry) in that run

    def as_dict(self) -> dict[str, Any]:
        return {"history_version": HISTORY_VERSION, "time": self.time, "entries_audited": self.entries_audited,
                "findings": dict(self.findings)}


def history_point(result: AuditResult, now: datetime | None = None) -> HistoryPoint:
    """The counts of one audit (after ignores; before any baseline filtering)."""
    return HistoryPoint(iso(now or datetime.now(UTC)) or "", len(result.entries), result.counts())


def _point(line: str, where: str) -> HistoryPoint:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        raise HygieneInputError(f"{where}: not a reuse-audit history line (not JSON)") from None
    if not isinstance(data, dict) or not isinstance(data.get("time"), str) or not isinstance(
            data.get("findings"), dict):
        raise HygieneInputError(f"{where}: not a reuse-audit history line (needs time and findings)")
    version = data.get("history_version", 1)
    if not isinstance(version, int) or version > HISTORY_VERSION:
        raise HygieneInputError(f"{where}: written by a newer reuse-audit (history_version {version})")
    counts: dict[str, int | None] = {str(k): v for k, v in data["findings"].items()
                                     if v is None or (isinstance(v, int) and not isinstance(v, bool))}
    audited = data.get("entries_audited", 0)
    return HistoryPoint(data["time"], audited if isinstance(audited, int) else 0, counts)


def _read_text(path: Path) -> str:
    return read_text_input(path, "history file", error=HygieneInputError)


def _parse(text: str, path: Path) -> list[HistoryPoint]:
    return [_point(line, f"{path}:{n}") for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _older_format(text: str) -> bool:
    """True when a line was written in an older history_version (the file is then rewritten once)."""
    for line in text.splitlines():
        if line.strip():
            version = json.loads(line).get("history_version", 1)  # lines were validated by _parse
            if isinstance(version, int) and version < HISTORY_VERSION:
                return True
    return False


def read_history(path: Path) -> list[HistoryPoint]:
    """Every run recorded in ``path``, oldest first; blank lines are skipped, a bad one is an error.

    ``path`` may be a pipe (``trend <(ssh host cat history.jsonl)``); see :func:`read_text_input`.
    """
    return _parse(_read_text(path), path)


def check_history_file(path: Path) -> None:
    """Check a ``--history-file`` before the audit: missing (it will be started) or a regular history file.

    A pipe, device or folder is refused (it is appended to, so it must be a file); HygieneInputError.
    """
    try:
        kind = path_kind(path)
    except OSError as exc:
        raise HygieneInputError(f"{path}: cannot use the history file ({_reason(exc)})") from None
    if kind is PathKind.MISSING:
        return
    if kind is not PathKind.REGULAR:
        raise HygieneInputError(f"{path}: is a {kind.value}, not a history file (runs are appended to it)")
    read_history(path)


def _reason(exc: OSError) -> str:
    return "permission denied" if isinstance(exc, PermissionError) else str(exc.strerror or exc)


def append_history(path: Path, result: AuditResult, now: datetime | None = None
                   ) -> tuple[HistoryPoint | None, HistoryPoint]:
    """Append this run to ``path``; return (previous run, this run). See :func:`append_point`."""
    point = history_point(result, now)
    return append_point(path, point), point


def append_point(path: Path, point: HistoryPoint) -> HistoryPoint | None:
    """Append one line for ``point`` to the history ``path``; return the run recorded before it.

    Concurrent runs never lose a line: each append is one O_APPEND write of one line, made while holding
    an advisory lock on ``path.lock`` (:mod:`reuse_audit.file_lock`), which also makes "the previous
    run" exact. Earlier lines are kept byte for byte (a file written in an older format is rewritten
    once, atomically, in the current one); a missing file is started, mode 0600; a file that is not a
    history is an error, never written. A symlink is followed as :func:`output_target` allows.
    """
    try:
        target = output_target(path)
        with locked(target):
            kind = path_kind(target)
            if kind not in (PathKind.MISSING, PathKind.REGULAR):
                raise HygieneInputError(f"{path}: is a {kind.value}, not a history file (runs are appended to it)")
            old = _read_text(target) if kind is PathKind.REGULAR else ""
            previous = _parse(old, path)
            line = json.dumps(point.as_dict(), ensure_ascii=False) + "\n"
            if _older_format(old):
                write_private(target, "".join(json.dumps(p.as_dict(), ensure_ascii=False) + "\n"
                                              for p in previous) + line)
            else:
                separator = "\n" if old and not old.endswith("\n") else ""
                append_private(target, (separator + line).encode("utf-8"))
    except LockTimeout as exc:
        raise HygieneInputError(f"{path}: cannot write the history ({exc})") from None
    except OSError as exc:
        raise HygieneInputError(f"{path}: cannot write the history ({_reason(exc)})") from None
    return previous[-1] if previous else None


def trend_line(prev: HistoryPoint | None, cur: HistoryPoint, arrow: str = "→") -> str:
    """'reused: 14 → 9, pwned: 3 → 0' for every kind seen in either run, worst kind first."""
    if prev is None:
        seen = [f"{k.value}: {_shown(cur.findings.get(k.value, 0))}" for k in FindingKind
                if cur.findings.get(k.value, 0) != 0]
        return "trend: first run recorded" + (f" ({', '.join(seen)})" if seen else " (no findings)")
    parts = []
    for k in FindingKind:
        a, b = prev.findings.get(k.value, 0), cur.findings.get(k.value, 0)
        if a != 0 or b != 0:
            parts.append(f"{k.value}: {_shown(a)} {arrow} {_shown(b)}")
    return "trend: " + (", ".join(parts) if parts else "no findings, as in the previous run")


def _shown(count: int | None) -> str:
    return "not checked" if count is None else str(count)


def _kinds(points: Sequence[HistoryPoint]) -> list[str]:
    return [k.value for k in FindingKind if any(p.findings.get(k.value) for p in points)]


def render_table(points: Sequence[HistoryPoint], width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    kinds = _kinds(points)
    table = Table(title="reuse-audit: trend")
    for col in ("time", "audited", *kinds):
        table.add_column(col, justify="left" if col == "time" else "right")
    for p in points:
        table.add_row(p.time, str(p.entries_audited), *(_shown(p.findings.get(k, 0)) for k in kinds))
    buf = io.StringIO()
    Console(file=buf, width=width or 120, color_system=None, force_terminal=False).print(table)
    return buf.getvalue()


def render_json(points: Sequence[HistoryPoint], width: int | None = None) -> str:
    return json.dumps([p.as_dict() for p in points], indent=2, ensure_ascii=False) + "\n"


_COLOURS = ("#c0392b", "#d35400", "#8e44ad", "#2c3e50", "#16a085", "#2980b9", "#7f8c8d", "#27ae60")


def render_html(points: Sequence[HistoryPoint], width: int | None = None) -> str:
    """A self-contained page: one inline SVG line per finding kind, no script, no external asset."""
    kinds = _kinds(points)
    w, h, pad = 720, 320, 48
    top = max([p.findings.get(k, 0) or 0 for p in points for k in kinds] + [1])
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return pad + (w - 2 * pad) * (i / n if len(points) > 1 else 0.5)

    def y(v: int) -> float:
        return h - pad - (h - 2 * pad) * v / top

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
           'role="img" aria-label="findings per run">',
           f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#999"/>',
           f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="#999"/>',
           f'<text x="{pad - 6}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="11">{top}</text>',
           f'<text x="{pad - 6}" y="{h - pad + 4}" text-anchor="end" font-size="11">0</text>']
    for i, p in enumerate(points):
        if len(points) <= 12 or i in (0, len(points) - 1):
            svg.append(f'<text x="{x(i):.1f}" y="{h - pad + 16}" text-anchor="middle" font-size="10">'
                       f'{html_text(p.time[:10])}</text>')
    for j, k in enumerate(kinds):
        colour = _COLOURS[j % len(_COLOURS)]
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, p in enumerate(points)
                          if (v := p.findings.get(k, 0)) is not None)  # an unchecked run leaves a gap
        svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}">'
                   f'<title>{html_text(k)}</title></polyline>')
        svg.append(f'<text x="{w - pad + 4}" y="{pad + 14 * j}" font-size="11" fill="{colour}">'
                   f'{html_text(k)}</text>')
    svg.append("</svg>")
    rows = "".join("<tr><td>" + html_text(p.time) + "</td><td>" + str(p.entries_audited) + "</td>"
                   + "".join(f"<td>{_shown(p.findings.get(k, 0))}</td>" for k in kinds) + "</tr>" for p in points)
    head = "".join(f"<th>{html_text(c)}</th>" for c in ("time", "audited", *kinds))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reuse-audit trend</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-top:1em}"
        "td,th{border:1px solid #999;padding:.2em .5em;text-align:right}</style></head><body>"
        f"<h1>reuse-audit trend</h1><p>{len(points)} run(s)</p>\n" + "\n".join(svg)
        + f"\n<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>\n"
    )


class TrendFormat(StrEnum):
    """`trend --format`; each member builds its renderer."""

    TABLE = "table"
    JSON = "json"
    HTML = "html"

    def formatter(self) -> Callable[[Sequence[HistoryPoint], int | None], str]:
        return {TrendFormat.TABLE: render_table, TrendFormat.JSON: render_json,
                TrendFormat.HTML: render_html}[self]


def render_trend(path: Path, fmt: TrendFormat | str = TrendFormat.TABLE, width: int | None = None) -> str:
    """Read a history file and render it; HygieneInputError on a bad file or format."""
    try:
        chosen = TrendFormat(str(fmt).lower())
    except ValueError:
        raise HygieneInputError(f"unknown --format {fmt!r} (table, json, html)") from None
    points = read_history(path)
    if not points:
        raise HygieneInputError(f"{path}: the history has no runs yet")
    return chosen.formatter()(points, width)
