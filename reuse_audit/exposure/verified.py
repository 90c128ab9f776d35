"""Which sorted corpus files `reuse-audit hibp verify` has checked whole, so a miss in them may be trusted.

A lookup in a sorted file reads a few pages only: a line that sits out of place elsewhere in the file would
make its password "not found" without any lookup noticing. So a miss counts as ``not_found`` only in a
file that a full pass (:func:`~reuse_audit.exposure.verify.verify_hibp_file`) found sorted and well formed,
and that has not changed since; elsewhere it is unknown (``unverified_corpus``).

The record is ``verified-corpora.json`` in the user cache directory (``$REUSE_AUDIT_CACHE_DIR``, else
``platformdirs.user_cache_dir("reuse-audit")``: ``$XDG_CACHE_HOME/reuse-audit`` on Linux), mode 0600 in a
0700 directory::

    {"version": 1, "files": [{"st_dev": 2049, "st_ino": 1234, "size": 37812629475,
                              "mtime_ns": 1700000000000000000, "ctime_ns": 1700000000000000000,
                              "lines": 936494887, "verified_at": "2026-03-01T09:00:00Z"}]}

A file is identified by its device and inode and is the same version while its size, mtime and ctime
(nanoseconds) are unchanged: any rewrite, truncation, append, ``touch`` or rename makes it unverified
again. Nothing derived from a password is ever written, and neither is the file's path.

Files verified in this process only (the demo's bundled excerpt) are remembered in memory, never on disk.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reuse_audit.times import iso

RECORD_NAME = "verified-corpora.json"
_VERSION = 1
_MAX_RECORDS = 32  # a handful of downloads at most; the oldest records go first
_in_process: set[tuple[int, int, int, int, int]] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class CorpusIdentity:
    """What identifies one version of one file: never its content, never anything password-derived."""

    st_dev: int
    st_ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> CorpusIdentity:
        """The identity of a file from its ``stat``/``fstat`` result."""
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def key(self) -> tuple[int, int, int, int, int]:
        return (self.st_dev, self.st_ino, self.size, self.mtime_ns, self.ctime_ns)


def record_path() -> Path:
    """Where the records live: ``verified-corpora.json`` in the user cache directory (``$REUSE_AUDIT_CACHE_DIR``
    when set, as for the breach list)."""
    from reuse_audit.breaches.cache import cache_dir

    return cache_dir() / RECORD_NAME


def is_verified(identity: CorpusIdentity) -> bool:
    """True when this exact version of the file was verified (on disk, or earlier in this process)."""
    with _lock:
        if identity.key() in _in_process:
            return True
    return any(_same(entry, identity) for entry in _load(record_path()))


def remember_in_process(identity: CorpusIdentity) -> None:
    """Trust this file version for the rest of this process only (the demo's excerpt): nothing is written."""
    with _lock:
        _in_process.add(identity.key())


def remember(identity: CorpusIdentity, lines: int) -> Path:
    """Record this file version as verified, on disk and in this process; returns the record file.

    Raises ``OSError`` when the cache directory cannot be created or written.
    """
    from reuse_audit.safe_write import write_output

    remember_in_process(identity)
    path = record_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    kept = [entry for entry in _load(path) if not _same_file(entry, identity)]
    stamp = iso(datetime.now(UTC))
    kept.append({**asdict(identity), "lines": lines, "verified_at": stamp})
    document = {"version": _VERSION, "files": kept[-_MAX_RECORDS:]}
    write_output(path, (json.dumps(document, indent=1) + "\n").encode("ascii"))
    return path


def _load(path: Path) -> list[dict[str, Any]]:
    """The records in ``path``; a missing, unreadable or foreign file holds none (it is never trusted)."""
    from reuse_audit.file_access import read_if_small_regular

    try:
        data = read_if_small_regular(path)
        document = json.loads(data) if data is not None else None
    except (OSError, ValueError, RecursionError):
        return []
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return []
    files = document.get("files")
    if not isinstance(files, list):
        return []
    return [entry for entry in files if isinstance(entry, dict) and _well_formed(entry)]


_FIELDS = ("st_dev", "st_ino", "size", "mtime_ns", "ctime_ns")


def _well_formed(entry: dict[str, Any]) -> bool:
    return all(type(entry.get(name)) is int for name in _FIELDS)


def _same(entry: dict[str, Any], identity: CorpusIdentity) -> bool:
    return tuple(entry[name] for name in _FIELDS) == identity.key()


def _same_file(entry: dict[str, Any], identity: CorpusIdentity) -> bool:
    return (entry["st_dev"], entry["st_ino"]) == (identity.st_dev, identity.st_ino)
