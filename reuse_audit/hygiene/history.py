"""The run history: one JSON line per scheduled audit (time and counts per finding kind, nothing else),
the trend against the previous run, and the trend as a table, JSON or a self-contained HTML chart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse_audit.audit import AuditResult
from reuse_audit.errors import Message, message_of, os_reason
from reuse_audit.file_access import PathKind, kind_word, path_kind, read_text_input
from reuse_audit.file_lock import LockTimeout, locked
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.i18n import N_
from reuse_audit.safe_write import append_private, output_target, write_private
from reuse_audit.times import iso

if TYPE_CHECKING:
    from reuse_audit.i18n import Translator

HISTORY_VERSION = 1
#: Kinds added after history_version 1 was first written: an older line without one did not check it (not 0).
LATER_KINDS: tuple[FindingKind, ...] = (FindingKind.SITE_BREACHED, FindingKind.INSECURE_URL, FindingKind.NO_2FA,
                                        FindingKind.WEAK_2FA, FindingKind.PASSKEY_AVAILABLE)



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
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") is no text to show
    except (ValueError, RecursionError):  # bad JSON; an integer of over 4,300 digits; nesting past the stack
        raise HygieneInputError(N_("{where}: not a reuse-audit history line (not JSON)"), where=where) from None
    if not isinstance(data, dict) or not isinstance(data.get("time"), str) or not isinstance(
            data.get("findings"), dict):
        raise HygieneInputError(N_("{where}: not a reuse-audit history line (needs time and findings)"), where=where)
    version = data.get("history_version", 1)
    if not _is_count(version) or version < 1:  # "1", 0, -5, true
        raise HygieneInputError(N_("{where}: not a reuse-audit history line (its history_version is not a whole "
                                   "number from 1)"), where=where)
    if version > HISTORY_VERSION:
        raise HygieneInputError(N_("{where}: written by a newer reuse-audit (history_version {version})"),
                                where=where, version=version)
    counts: dict[str, int | None] = {}
    for key, value in data["findings"].items():
        if value is not None and not _is_count(value):  # "x", 1.5, true, Infinity, -5: never shown as a number
            raise HygieneInputError(N_("{where}: not a reuse-audit history line (the count of {kind} is not a whole "
                                       "number)"), where=where, kind=str(key))
        counts[str(key)] = value
    for kind in FindingKind:  # a kind the line lacks (added later: LATER_KINDS) was not checked: a gap, never 0
        counts.setdefault(kind.value, None)
    audited = data.get("entries_audited", 0)
    if not _is_count(audited):
        raise HygieneInputError(N_("{where}: not a reuse-audit history line (entries_audited is not a whole "
                                   "number)"), where=where)
    try:
        datetime.fromisoformat(data["time"].replace("Z", "+00:00"))
    except ValueError:
        raise HygieneInputError(N_("{where}: not a reuse-audit history line (its time is not an ISO 8601 time)"),
                                where=where) from None
    return HistoryPoint(data["time"], audited, counts)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _read_text(path: Path) -> str:
    return read_text_input(path, N_("history file"), error=HygieneInputError)


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
        raise HygieneInputError(N_("{path}: cannot use the history file ({reason})"), path=path,
                                reason=_reason(exc)) from None
    if kind is PathKind.MISSING:
        return
    if kind is not PathKind.REGULAR:
        raise _not_a_history(path, kind)
    read_history(path)


def _not_a_history(path: Path, kind: PathKind) -> HygieneInputError:
    return HygieneInputError(N_("{path}: is a {kind}, not a history file (runs are appended to it)"), path=path,
                             kind=kind_word(kind))


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return Message(N_("permission denied"))
    return os_reason(exc) if exc.strerror else message_of(exc)


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
                raise _not_a_history(path, kind)
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
        raise HygieneInputError(N_("{path}: cannot write the history ({reason})"), path=path,
                                reason=message_of(exc)) from None
    except OSError as exc:
        raise HygieneInputError(N_("{path}: cannot write the history ({reason})"), path=path,
                                reason=_reason(exc)) from None
    return previous[-1] if previous else None


def trend_line(prev: HistoryPoint | None, cur: HistoryPoint, arrow: str = "→", lang: str = "en") -> str:
    """'reused: 14 → 9, pwned: 3 → 0' for every kind seen in either run, worst kind first."""
    from reuse_audit.hygiene import wording as W
    from reuse_audit.hygiene.trend_formats import kind_name
    from reuse_audit.i18n import Translator
    from reuse_audit.report.wording import LABELLED

    t = Translator(lang)
    if prev is None:
        seen = [t.text(LABELLED, label=kind_name(k.value, t), text=shown_count(cur.findings.get(k.value, 0), t))
                for k in FindingKind if cur.findings.get(k.value, 0) != 0]
        return t.text(W.TREND_FIRST, parts=t.join(seen)) if seen else t.text(W.TREND_FIRST_EMPTY)
    parts = []
    for k in FindingKind:
        a, b = prev.findings.get(k.value, 0), cur.findings.get(k.value, 0)
        if a != 0 or b != 0:
            parts.append(t.text(LABELLED, label=kind_name(k.value, t),
                                text=f"{shown_count(a, t)} {arrow} {shown_count(b, t)}"))
    return t.text(W.TREND, parts=t.join(parts)) if parts else t.text(W.TREND_SAME)


def shown_count(count: int | None, t: Translator) -> str:
    """A count of a history run, or "not checked" in ``t``'s language when the run could not decide it."""
    from reuse_audit.hygiene import wording as W

    return t.gettext(W.NOT_CHECKED) if count is None else str(count)


def render_trend(path: Path, fmt: str = "table", width: int | None = None, lang: str = "en") -> str:
    """Read a history file and render it (see :mod:`reuse_audit.hygiene.trend_formats`); HygieneInputError on
    a bad file or format."""
    from reuse_audit.hygiene.trend_formats import TrendFormat

    try:
        chosen = TrendFormat(str(fmt).lower())
    except ValueError:
        raise HygieneInputError(N_("unknown --format {fmt!r} (table, json, html)"), fmt=fmt) from None
    points = read_history(path)
    if not points:
        raise HygieneInputError(N_("{path}: the history has no runs yet"), path=path)
    return chosen.render(points, width, lang)
