"""Where exposure answers come from, behind one protocol: the range API, a sorted file, a range directory,
or nothing (offline without a file). :func:`open_exposure_source` picks one from the settings, once.

Every source bounds its whole lookup by the settings' ``deadline``: what is unanswered then is unknown
(``deadline``), never "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reuse_audit.deadline import Deadline
from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.model import (
    UNVERIFIED_CORPUS_REASON,
    ExposureErrorCode,
    ExposureFailure,
    ExposureResult,
    ExposureServiceError,
    ProgressCallback,
    deadline_reason,
)
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.i18n import N_

if TYPE_CHECKING:
    from reuse_audit.exposure.online import RetryPolicy
    from reuse_audit.exposure.range_body import RangeOutcome
    from reuse_audit.exposure.session import HttpSession

OFFLINE_WITHOUT_FILE = "offline: no --hibp-file given"


class ExposureSource(Protocol):
    """Answers exposure lookups for a batch of hash keys."""

    def lookup(self, keys: Sequence[HashKey], progress: ProgressCallback | None = None) -> list[ExposureResult]:
        """One result per key, in order. ``progress(done, total)`` as ranges or hashes complete."""
        ...


class SkippedSource:
    """No lookup at all (offline without a file): every result is ``SKIPPED`` with the reason."""

    def __init__(self, reason: str = OFFLINE_WITHOUT_FILE) -> None:
        self.reason = reason

    def lookup(self, keys: Sequence[HashKey], progress: ProgressCallback | None = None) -> list[ExposureResult]:
        return [ExposureResult.skipped(self.reason) for _ in keys]


class SortedFileSource:
    """One sorted ``HASH:COUNT`` file, searched a few pages per lookup (see :mod:`.sorted_file`).

    A hit is ``pwned`` whatever the file's state. A miss is ``not_found`` only when `hibp verify` has
    recorded this very version of the file (:mod:`.verified`); otherwise it is unknown
    (``unverified_corpus``): a line out of place elsewhere in the file would go unnoticed.
    """

    def __init__(self, path: Path, deadline: float) -> None:
        self.path = path
        self.deadline = deadline

    def lookup(self, keys: Sequence[HashKey], progress: ProgressCallback | None = None) -> list[ExposureResult]:
        from reuse_audit.exposure.sorted_file import SortedHashFile
        from reuse_audit.exposure.verified import CorpusIdentity, is_verified

        clock = Deadline(self.deadline)
        with SortedHashFile(self.path) as hashes:
            verified = is_verified(CorpusIdentity.of(hashes.stat))
            counts = hashes.lookup_many((key.digest for key in keys), progress, stop=clock.expired)
        late = ExposureResult.unknown(ExposureFailure.DEADLINE, deadline_reason(self.deadline))
        unverified = ExposureResult.unknown(ExposureFailure.UNVERIFIED_CORPUS, UNVERIFIED_CORPUS_REASON)
        results: list[ExposureResult] = []
        for key in keys:
            count = counts.get(key.digest)
            if count is None:
                results.append(late)
            elif count > 0 or verified:
                results.append(ExposureResult.from_count(count))
            else:
                results.append(unverified)
        return results


class RangeDirectorySource:
    """A directory of ``XXXXX.txt`` range files: each needed file is read and checked whole."""

    def __init__(self, path: Path, deadline: float) -> None:
        self.path = path
        self.deadline = deadline

    def lookup(self, keys: Sequence[HashKey], progress: ProgressCallback | None = None) -> list[ExposureResult]:
        from reuse_audit.exposure.range_body import results_by_key
        from reuse_audit.exposure.range_directory import lookup_ranges

        clock = Deadline(self.deadline)
        prefixes = {key.prefix for key in keys}
        outcomes: dict[str, RangeOutcome] = {}
        ranges = lookup_ranges(self.path, keys)
        while not clock.expired():
            outcome = next(ranges, None)
            if outcome is None:
                break
            outcomes[outcome.prefix] = outcome
            if progress is not None:
                progress(len(outcomes), len(prefixes))
        return results_by_key(keys, outcomes, deadline=self.deadline)


def open_exposure_source(
    settings: ExposureSettings,
    *,
    session: HttpSession | None = None,
    retry_policy: RetryPolicy | None = None,
) -> ExposureSource:
    """The source the settings name, checked and ready; no socket is opened here.

    - ``hibp_file`` set: a :class:`RangeDirectorySource` for a directory, else a :class:`SortedFileSource`
      (no network whatever ``offline`` says);
    - ``offline`` without a file: a :class:`SkippedSource`;
    - otherwise the range API at ``hibp_url`` (``session`` and ``retry_policy`` for tests and mirrors).

    Raises :class:`ExposureServiceError` for bad settings, a non-https URL, a missing path or a
    directory without range files. A sorted file is opened (and sampled) when looked up.
    """
    if settings.workers < 1:
        raise ExposureServiceError(ExposureErrorCode.INVALID_ARGUMENT, N_("workers must be at least 1"))
    if not (settings.request_timeout > 0 and settings.deadline > 0):
        raise ExposureServiceError(ExposureErrorCode.INVALID_ARGUMENT,
                                   N_("timeouts and the deadline must be positive"))
    if settings.hibp_file is not None:
        path = Path(settings.hibp_file)
        if not path.exists():
            raise ExposureServiceError(ExposureErrorCode.FILE_NOT_FOUND, N_("HIBP file not found: {path}"), path=path)
        if path.is_file():
            return SortedFileSource(path, settings.deadline)
        if not path.is_dir():  # a FIFO or a device: opening it could block, and it cannot be searched
            raise ExposureServiceError(ExposureErrorCode.NOT_HIBP_FILE,
                                       N_("not a regular file or a range directory: {path}"), path=path)
        from reuse_audit.exposure.range_directory import looks_like_range_directory

        if not looks_like_range_directory(path):
            raise ExposureServiceError(
                ExposureErrorCode.NOT_HIBP_FILE,
                N_("not a Pwned Passwords range directory (no XXXXX.txt range files): {path}"), path=path,
            )
        return RangeDirectorySource(path, settings.deadline)
    if settings.offline:
        return SkippedSource()
    # requests is imported only when the network is really used: offline runs start faster
    from reuse_audit.exposure.endpoint import checked_base_url
    from reuse_audit.exposure.online import RangeApiSource, RetryPolicy

    return RangeApiSource(
        checked_base_url(settings.hibp_url),
        workers=settings.workers,
        timeout=settings.request_timeout,
        deadline=settings.deadline,
        policy=retry_policy or RetryPolicy(),
        session=session,
    )
