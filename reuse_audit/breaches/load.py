"""Obtains the breach list for a run: a given file, else the cache, else (online) the network.

- ``--breaches-file FILE``: that file (a saved ``/breaches`` response), read once; no network, no cache.
- ``--offline``: the cached copy only, however old (the note says how old); without one, the list is not
  available and the kind is not checked.
- online: the cached copy while it is younger than ``max_age`` (a day), else a conditional request (a 304
  keeps the cached copy and renews its fetch time); a failed refresh falls back to the cached copy with a
  note, and without one the list is not available.

Every list comes with a note for the run naming its source, its age and the credit HIBP's licence asks for.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reuse_audit.breaches.cache import CachedList, read_cache, write_cache
from reuse_audit.breaches.fetch import fetch_breaches
from reuse_audit.breaches.index import BreachIndex
from reuse_audit.breaches.model import Breach, BreachListError, newest_change, parse_breaches
from reuse_audit.breaches.settings import BreachSettings
from reuse_audit.errors import Message
from reuse_audit.i18n import N_
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R

if TYPE_CHECKING:  # the HTTP stack comes with fetching, not with reading a saved list
    from reuse_audit.exposure.session import HttpSession

log = logging.getLogger(__name__)


class ListSource(StrEnum):
    """Where this run's breach list came from (the ``source`` of the note)."""

    NETWORK = "network"  # fetched (or revalidated with a 304) just now
    CACHE = "cache"  # the cached copy, without asking the network
    FILE = "file"  # --breaches-file


@dataclass(frozen=True)
class BreachList:
    """The breaches of this run, where they came from, as of when, and what to tell the user about them."""

    breaches: tuple[Breach, ...]
    source: ListSource
    as_of: datetime | None  # fetch time (network, cache); the newest AddedDate/ModifiedDate (file)
    notes: tuple[Reason, ...] = ()

    @cached_property
    def index(self) -> BreachIndex:
        """The breaches that count, by host and by Name (built on first use)."""
        return BreachIndex(self.breaches)


def source_note(source: ListSource, as_of: datetime | None, now: datetime) -> Reason:
    """'breach list: Have I Been Pwned (..., CC BY 4.0), cached copy fetched 2026-03-01, 2 days old'."""
    when = as_of or now
    days = max(0, (now - when).days)
    return Reason.of(R.BREACH_LIST, source=source.value, date=when.date(), days=days)


def parse_document(data: bytes, where: str) -> tuple[Breach, ...]:
    """The breaches in a ``/breaches`` response body; :class:`BreachListError` naming ``where`` otherwise."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BreachListError(N_("{where}: not a breach list (not UTF-8 text)"), where=where) from None
    except RecursionError:
        raise BreachListError(N_("{where}: not a breach list (nested too deeply)"), where=where) from None
    except json.JSONDecodeError as exc:  # the decoder's own (English) words on what it met
        raise BreachListError(N_("{where}: not a breach list (not JSON: {reason} at line {line})"), where=where,
                              reason=exc.msg, line=exc.lineno) from None
    try:
        return parse_breaches(document)
    except BreachListError as exc:
        raise BreachListError(N_("{where}: {problem}"), where=where, problem=exc.message) from None


def read_breaches_file(path: Path, now: datetime | None = None) -> BreachList:
    """``--breaches-file``: a saved copy of the list (a pipe works: it is read once); one-line error else."""
    from reuse_audit.file_access import read_input

    data = read_input(path, N_("breach list file"), error=BreachListError)
    breaches = parse_document(data, str(path))
    as_of = newest_change(breaches)
    return BreachList(breaches, ListSource.FILE, as_of, (source_note(ListSource.FILE, as_of, now or _now()),))


def load_breach_list(settings: BreachSettings, *, offline: bool, now: datetime | None = None,
                     session: HttpSession | None = None) -> BreachList:
    """This run's breach list by the rules in the module docstring; :class:`BreachListError` when there is none.

    With ``offline`` no socket is opened.
    """
    now = now or _now()
    if settings.preloaded is not None:
        return settings.preloaded
    if settings.file is not None:
        return read_breaches_file(settings.file, now)
    cached = read_cache()
    if cached is not None and cached.api_url != settings.api_url.rstrip("/"):
        cached = None  # a copy from another server (a mirror, a test) neither answers nor revalidates for this one,
        # online or offline (an empty list from a test server would say "no breached site")
    if offline:
        if cached is None:
            raise BreachListError(N_("offline and no cached breach list (run once online, or give --breaches-file)"))
        return _from_cache(cached, now)
    if cached is not None and cached.age(now) < settings.max_age.total_seconds():
        return _from_cache(cached, now)
    try:
        return _refresh(settings, cached, now, session)
    except BreachListError as exc:
        if cached is None:
            raise
        stale = _from_cache(cached, now)
        return BreachList(stale.breaches, stale.source, stale.as_of,
                          (Reason.of(R.BREACH_LIST_STALE, why=exc.message), *stale.notes))


def _from_cache(cached: CachedList, now: datetime) -> BreachList:
    return BreachList(cached.breaches, ListSource.CACHE, cached.fetched_at,
                      (source_note(ListSource.CACHE, cached.fetched_at, now),))


def _refresh(settings: BreachSettings, cached: CachedList | None, now: datetime,
             session: HttpSession | None) -> BreachList:
    fetched = fetch_breaches(settings.api_url, etag=cached.etag if cached else None,
                             last_modified=cached.last_modified if cached else None,
                             timeout=settings.request_timeout, deadline=settings.deadline, session=session)
    if fetched.body is None:
        if cached is None:
            raise BreachListError(N_("HTTP 304 without a cached copy"))
        breaches = cached.breaches
        etag, modified = fetched.etag or cached.etag, fetched.last_modified or cached.last_modified
    else:
        breaches = parse_document(fetched.body, Message(N_("the breach list")))
        etag, modified = fetched.etag, fetched.last_modified
    try:
        write_cache(CachedList(breaches, settings.api_url.rstrip("/"), now, etag, modified))
    except OSError as exc:  # the run goes on with the list in memory; the next one fetches again
        log.debug("breach list cache not written: %s", exc)
    return BreachList(breaches, ListSource.NETWORK, now, (source_note(ListSource.NETWORK, now, now),))


def _now() -> datetime:
    return datetime.now(UTC)
