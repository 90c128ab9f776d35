"""The cached copy of the breach list: one JSON file in the user cache directory, with its fetch time.

``hibp-breaches.json`` in ``platformdirs.user_cache_dir("reuse-audit")`` (``$XDG_CACHE_HOME/reuse-audit`` or
``~/.cache/reuse-audit`` on Linux), or in ``$REUSE_AUDIT_CACHE_DIR`` when that is set; mode 0600 in a 0700
directory, replaced atomically::

    {"version": 1, "attribution": "Have I Been Pwned (haveibeenpwned.com), CC BY 4.0",
     "api_url": "https://haveibeenpwned.com/api/v3", "fetched_at": "2026-03-01T09:00:00Z",
     "etag": "W/\\"...\\"", "last_modified": "Sat, 01 Mar 2026 08:00:00 GMT",
     "breaches": [{"Name": "Adobe", "Title": "Adobe", "Domain": "adobe.com", "BreachDate": "2013-10-04", ...}]}

Only the fields the check uses are kept. The file holds public breach data, never anything about the vault.
A missing, unreadable or foreign cache is no cache (it is refetched, or offline the kind is not checked).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reuse_audit.breaches.model import ATTRIBUTION, Breach, BreachListError, parse_breaches
from reuse_audit.times import iso

log = logging.getLogger(__name__)

CACHE_NAME = "hibp-breaches.json"
CACHE_DIR_ENV = "REUSE_AUDIT_CACHE_DIR"
_VERSION = 1


def cache_dir() -> Path:
    """The user cache directory of reuse-audit (``$REUSE_AUDIT_CACHE_DIR`` wins when set)."""
    given = os.environ.get(CACHE_DIR_ENV)
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("reuse-audit"))


def cache_path() -> Path:
    """Where the breach list is cached."""
    return cache_dir() / CACHE_NAME


@dataclass(frozen=True)
class CachedList:
    """A cached breach list and what a conditional request needs to revalidate it."""

    breaches: tuple[Breach, ...]
    api_url: str
    fetched_at: datetime
    etag: str | None
    last_modified: str | None

    def age(self, now: datetime) -> float:
        """Seconds since it was fetched (or last revalidated); never negative."""
        return max(0.0, (now - self.fetched_at).total_seconds())


def read_cache(path: Path | None = None) -> CachedList | None:
    """The cached list, or None when there is none that can be trusted."""
    path = path or cache_path()
    from reuse_audit.file_access import read_if_small_regular as read_cache_file

    try:
        data = read_cache_file(path)
        if data is None:
            return None
        document = json.loads(data)
    except (OSError, ValueError, RecursionError) as exc:
        log.debug("breach list cache %s unusable: %s", path, type(exc).__name__)
        return None
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return None
    try:
        fetched = datetime.fromisoformat(str(document["fetched_at"]).replace("Z", "+00:00"))
        api_url = document["api_url"]
        etag, modified = document.get("etag"), document.get("last_modified")
        if not isinstance(api_url, str) or not all(v is None or isinstance(v, str) for v in (etag, modified)):
            return None
        breaches = parse_breaches(document["breaches"])
    except (KeyError, ValueError, BreachListError):
        return None
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=UTC)
    return CachedList(breaches, api_url, fetched, etag, modified)


def write_cache(cached: CachedList, path: Path | None = None) -> None:
    """Store the list (atomically, 0600 in a 0700 directory); raises OSError when that is impossible."""
    from reuse_audit.safe_write import write_output

    path = path or cache_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "version": _VERSION, "attribution": ATTRIBUTION, "api_url": cached.api_url,
        "fetched_at": iso(cached.fetched_at),
        "etag": cached.etag, "last_modified": cached.last_modified,
        "breaches": [b.as_record() for b in cached.breaches],
    }
    write_output(path, (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
