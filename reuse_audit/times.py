"""Times the user types (`--since 14d`, `--breached-at 2026-11-29T21:40+09:00`), and how every file and report
writes one (ISO 8601 in UTC with a Z)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import overload

from reuse_audit.errors import InputError
from reuse_audit.i18n import N_


@overload
def iso(t: datetime) -> str: ...


@overload
def iso(t: None) -> None: ...


def iso(t: datetime | None) -> str | None:
    """ISO-8601 UTC with a Z (a naive time is taken as UTC), or None."""
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_AGO = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, option: str = "--since", now: datetime | None = None) -> datetime:
    """``14d``, ``36h``, ``2w``, ``90m`` (ago), or an ISO date/time (UTC when no zone is given)."""
    now = now or datetime.now(UTC)
    match = _AGO.match(value)
    try:
        if match:
            return now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
        parsed = datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: before year 1 (99999999999d, 0001-01-01T00:00+14:00)
        raise InputError(N_("{option}: expected e.g. 14d, 36h or 2024-05-01, got {value!r}"), option=option,
                         value=value) from None


def parse_instant(value: str, option: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 date or date-time (``2026-11-29``, ``2026-11-29T21:40``, ``...Z``, ``...+09:00``) as UTC.

    Without a zone the time is local time; a date alone is the start of that day, local time. A time in
    the future, or text that is not such a time, is an :class:`InputError`.
    """
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.astimezone()  # local time, as the user's clock shows it
        at = parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: beyond year 1 or 9999 once in UTC
        raise InputError(N_("{option}: expected an ISO 8601 date or date-time such as 2026-11-29 or "
                            "2026-11-29T21:40+09:00, got {value!r}"), option=option, value=value) from None
    if at > (now or datetime.now(UTC)):
        raise InputError(N_("{option}: {value} is in the future"), option=option, value=value)
    return at
