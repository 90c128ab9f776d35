"""Lookups in a directory of ``XXXXX.txt`` range files, as PwnedPasswordsDownloader writes it."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from reuse_audit.exposure.hashing import HashKey, suffixes_by_prefix
from reuse_audit.exposure.model import ExposureFailure
from reuse_audit.exposure.range_body import MalformedRangeBody, RangeOutcome, find_counts

log = logging.getLogger(__name__)

RANGE_COUNT = 16**5
RANGE_FILE_NAME = re.compile(r"[0-9A-Fa-f]{5}\.txt")


def looks_like_range_directory(path: Path) -> bool:
    """True if ``path`` holds at least one range file (checks the ends, then the first few entries)."""
    if (path / "00000.txt").is_file() or (path / "FFFFF.txt").is_file():
        return True
    with os.scandir(path) as entries:
        for seen, entry in enumerate(entries):
            if RANGE_FILE_NAME.fullmatch(entry.name):
                return True
            if seen >= 1000:
                break
    return False


def range_file(directory: Path, prefix: str) -> Path | None:
    """The range file for a prefix (upper- or lowercase name), or ``None`` if missing."""
    for name in (f"{prefix.upper()}.txt", f"{prefix.lower()}.txt"):
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


#: Bytes a range file may hold: the corpus's largest are under 100 KB. A larger one (a sparse file of gigabytes)
#: is bad, not read: it would take seconds past the deadline and gigabytes of memory.
RANGE_FILE_LIMIT = 4 << 20


def read_range_file(path: Path) -> bytes | None:
    """The range file's bytes; None when it is not a regular file of at most :data:`RANGE_FILE_LIMIT` bytes."""
    from reuse_audit.file_access import read_if_small_regular

    return read_if_small_regular(path, RANGE_FILE_LIMIT)


def lookup_ranges(directory: Path, keys: Iterable[HashKey]) -> Iterator[RangeOutcome]:
    """Read each needed range file once, in prefix order, yielding one outcome per distinct prefix.

    Each range file is read whole and checked whole: every line ``SUFFIX:COUNT`` (at most 15 digits) and
    the suffixes in strictly rising order. A missing, unreadable or bad file leaves its passwords unknown;
    since the whole range is scanned, a suffix absent from a good file is really not in the corpus.
    """
    from reuse_audit.file_access import remember_input_folder
    from reuse_audit.i18n import N_

    remember_input_folder(directory, N_("HIBP range file"))  # -o must not replace a range file
    by_prefix = suffixes_by_prefix(keys)
    for prefix in sorted(by_prefix):
        yield _lookup_range(directory, prefix, by_prefix[prefix])


def _lookup_range(directory: Path, prefix: str, suffixes: set[str]) -> RangeOutcome:
    # Reasons name the directory, never the range file: its name is the hash prefix.
    path = range_file(directory, prefix)
    if path is None:
        return RangeOutcome.failed(
            prefix, ExposureFailure.FILE_MISSING, f"its range file is missing from {directory}"
        )
    try:
        body = read_range_file(path)
    except OSError as exc:
        return RangeOutcome.failed(
            prefix, ExposureFailure.FILE_UNREADABLE,
            f"its range file in {directory} is unreadable: {exc.strerror}",
        )
    try:
        if body is None:
            raise MalformedRangeBody("not a regular file of a range file's size")
        return RangeOutcome(prefix, find_counts(body, suffixes, check_order=True))
    except MalformedRangeBody as exc:
        log.debug("HIBP range file: %s", exc)
        return RangeOutcome.failed(
            prefix, ExposureFailure.MALFORMED_FILE,
            f"a bad range file in {directory}: run `reuse-audit hibp verify {directory}`",
        )
