"""Offline lookups: a local HIBP download, either one sorted file or a range directory. No network."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.model import ExposureErrorCode, ExposureResult, ExposureServiceError, ProgressCallback
from reuse_audit.exposure.range_body import RangeOutcome, results_by_key
from reuse_audit.exposure.range_directory import looks_like_range_directory, lookup_ranges
from reuse_audit.exposure.sorted_file import SortedHashFile


def check_offline(
    keys: Sequence[HashKey], path: Path, progress: ProgressCallback | None = None
) -> list[ExposureResult]:
    """One result per key, from a sorted ``HASH:COUNT`` file or a directory of range files.

    Raises :class:`ExposureServiceError` if ``path`` is missing, or is not (or not a sorted) HIBP file.
    ``progress(done, total)`` counts distinct hashes (single file) or distinct prefixes (directory).
    """
    if not path.exists():
        raise ExposureServiceError(ExposureErrorCode.FILE_NOT_FOUND, f"HIBP file not found: {path}")
    if path.is_dir():
        return _check_directory(keys, path, progress)
    with SortedHashFile(path) as hashes:
        counts = hashes.lookup_many((key.digest for key in keys), progress)
    return [ExposureResult.from_count(counts[key.digest]) for key in keys]


def _check_directory(keys: Sequence[HashKey], path: Path, progress: ProgressCallback | None) -> list[ExposureResult]:
    if not looks_like_range_directory(path):
        raise ExposureServiceError(
            ExposureErrorCode.NOT_HIBP_FILE,
            f"not a Pwned Passwords range directory (no XXXXX.txt range files): {path}",
        )
    total = len({key.prefix for key in keys})
    by_prefix: dict[str, RangeOutcome] = {}
    for done, outcome in enumerate(lookup_ranges(path, keys), start=1):
        by_prefix[outcome.prefix] = outcome
        if progress is not None:
            progress(done, total)
    return results_by_key(keys, by_prefix)
