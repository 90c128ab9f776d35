"""One breach of Have I Been Pwned's breach list, parsed and checked: what counts, and when it happened.

The list is ``GET https://haveibeenpwned.com/api/v3/breaches``: a JSON array of objects with ``Name``,
``Title``, ``Domain``, ``BreachDate`` (``YYYY-MM-DD``), ``AddedDate``/``ModifiedDate`` (ISO UTC),
``DataClasses`` and flags (``IsFabricated``, ``IsSpamList``, ``IsRetired``, ...). Data: Have I Been Pwned
(haveibeenpwned.com), Creative Commons Attribution 4.0 (:data:`ATTRIBUTION`).

A list that does not have that shape is refused whole (:class:`BreachListError`): half a list would call the
accounts on the missing sites safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from reuse_audit.errors import Message, ReuseAuditError
from reuse_audit.i18n import N_
from reuse_audit.services.domains import normalise_host
from reuse_audit.times import iso

#: The credit HIBP's licence asks for wherever its breach data is shown or shipped.
ATTRIBUTION = "Have I Been Pwned (haveibeenpwned.com), CC BY 4.0"
#: Only breaches that leaked passwords say anything about a password.
PASSWORDS = "Passwords"


class BreachListError(ReuseAuditError):
    """The breach list could not be read, fetched or understood; one line, naming no secret."""


class Precision(StrEnum):
    """How precise a ``BreachDate`` is: HIBP writes a month-precise date as the 1st, a year as 1 January."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Breach:
    """One breach, as far as this tool uses it (``domain`` is normalised; "" when the breach has none)."""

    name: str  # HIBP's stable identifier ("Adobe")
    title: str
    domain: str
    breach_date: date
    added: datetime
    modified: datetime
    data_classes: tuple[str, ...]
    fabricated: bool = False
    spam_list: bool = False
    retired: bool = False

    @property
    def counts(self) -> bool:
        """Whether this breach can flag a password: it leaked passwords, is real, current, and has a domain."""
        return (PASSWORDS in self.data_classes and bool(self.domain)
                and not (self.fabricated or self.spam_list or self.retired))

    @property
    def precision(self) -> Precision:
        """1 January reads as "some time that year", any other 1st as "some time that month"."""
        d = self.breach_date
        if d.day != 1:
            return Precision.DAY
        return Precision.YEAR if d.month == 1 else Precision.MONTH

    @property
    def last_day(self) -> date:
        """The last day the breach may have happened on: the date, or the end of its month or year."""
        d = self.breach_date
        if self.precision is Precision.YEAR:
            return date(d.year, 12, 31)
        if self.precision is Precision.MONTH:
            import calendar

            return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        return d

    @property
    def happened_by(self) -> datetime:
        """The last instant (UTC) the breach may have happened at: a password set up to then was exposed."""
        return datetime.combine(self.last_day, time.max, UTC)

    def as_record(self) -> dict[str, Any]:
        """The breach in HIBP's own field names (what the cache stores; read back by :func:`parse_breaches`)."""
        return {
            "Name": self.name, "Title": self.title, "Domain": self.domain,
            "BreachDate": self.breach_date.isoformat(), "AddedDate": iso(self.added),
            "ModifiedDate": iso(self.modified), "DataClasses": list(self.data_classes),
            "IsFabricated": self.fabricated, "IsSpamList": self.spam_list, "IsRetired": self.retired,
        }


def parse_breaches(data: Any) -> tuple[Breach, ...]:
    """The breaches of a decoded breach-list document; :class:`BreachListError` when it is not one."""
    if not isinstance(data, list):
        raise BreachListError(N_("not a breach list (expected a JSON array of breaches)"))
    return tuple(_breach(record, n) for n, record in enumerate(data, 1))


def newest_change(breaches: Iterable[Breach]) -> datetime | None:
    """When the list last changed, as far as its records tell (the latest AddedDate or ModifiedDate)."""
    return max((max(b.added, b.modified) for b in breaches), default=None)


def _breach(record: Any, n: int) -> Breach:
    if not isinstance(record, dict):
        raise BreachListError(N_("not a breach list (item {n} is not an object)"), n=n)
    name = record.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise BreachListError(N_("not a breach list (item {n} has no Name)"), n=n)
    where = Message(N_("breach {name!r}"), name=name)
    domain_text = _text(record, "Domain", where, default="")
    domain = normalise_host(domain_text) if domain_text.strip() else ""
    if domain is None:
        raise BreachListError(N_("{where}: Domain is not a host name"), where=where)
    classes = record.get("DataClasses", [])
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise BreachListError(N_("{where}: DataClasses is not a list of strings"), where=where)
    breached = _date(record, where)
    added = _time(record, "AddedDate", where)
    modified_text = record.get("ModifiedDate")
    return Breach(
        name=name.strip(), title=_text(record, "Title", where, default=name).strip() or name.strip(),
        domain=domain, breach_date=breached, added=added,
        modified=_time(record, "ModifiedDate", where) if modified_text is not None else added,
        data_classes=tuple(classes), fabricated=_flag(record, "IsFabricated", where),
        spam_list=_flag(record, "IsSpamList", where), retired=_flag(record, "IsRetired", where),
    )


def _text(record: dict[str, Any], key: str, where: str, *, default: str) -> str:
    value = record.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BreachListError(N_("{where}: {key} is not text"), where=where, key=key)
    return value


def _flag(record: dict[str, Any], key: str, where: str) -> bool:
    value = record.get(key, False)
    if not isinstance(value, bool):
        raise BreachListError(N_("{where}: {key} is not true or false"), where=where, key=key)
    return value


def _date(record: dict[str, Any], where: str) -> date:
    value = record.get("BreachDate")
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BreachListError(N_("{where}: BreachDate is not a YYYY-MM-DD date"), where=where)


def _time(record: dict[str, Any], key: str, where: str) -> datetime:
    value = record.get(key)
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except ValueError:
        pass
    raise BreachListError(N_("{where}: {key} is not an ISO date and time"), where=where, key=key)


