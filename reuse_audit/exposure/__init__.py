"""The HIBP Pwned Passwords exposure check: online range queries (k-anonymity) or a local download.

Only the first 5 hex characters of a password's SHA-1 ever leave this layer, and only to the network:
no reason, message or log line names a hash or a prefix. A password that could not be checked is
``UNKNOWN`` with a failure kind and a reason, never "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reuse_audit.exposure.settings import (
    DEFAULT_DEADLINE,
    DEFAULT_HIBP_URL,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_WORKERS,
    ExposureSettings,
)
from reuse_audit.lazy import lazy_names
from reuse_audit.secret import Secret

if TYPE_CHECKING:  # loaded on first use: the command line's options import only the settings
    from reuse_audit.exposure.model import (
        UNVERIFIED_CORPUS_REASON,
        ExposureErrorCode,
        ExposureFailure,
        ExposureResult,
        ExposureServiceError,
        ExposureStatus,
        ProgressCallback,
        VerifyReport,
        failure_counts,
    )
    from reuse_audit.exposure.online import RetryPolicy
    from reuse_audit.exposure.session import HttpSession
    from reuse_audit.exposure.sources import OFFLINE_WITHOUT_FILE, ExposureSource, open_exposure_source
    from reuse_audit.exposure.verify import verify_hibp_file

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_HIBP_URL",
    "OFFLINE_WITHOUT_FILE",
    "UNVERIFIED_CORPUS_REASON",
    "ExposureErrorCode",
    "ExposureFailure",
    "ExposureResult",
    "ExposureServiceError",
    "ExposureSettings",
    "ExposureSource",
    "ExposureStatus",
    "RetryPolicy",
    "VerifyReport",
    "check_exposure",
    "failure_counts",
    "open_exposure_source",
    "verify_hibp_file",
]


def check_exposure(
    passwords: Sequence[Secret],
    *,
    hibp_url: str = DEFAULT_HIBP_URL,
    hibp_file: Path | None = None,
    offline: bool = False,
    workers: int = DEFAULT_WORKERS,
    progress: ProgressCallback | None = None,
    timeout: float = DEFAULT_REQUEST_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    retry_policy: RetryPolicy | None = None,
    session: HttpSession | None = None,
) -> list[ExposureResult]:
    """Check each password against Pwned Passwords; one result per password, in input order.

    - ``hibp_file`` given: look up in that sorted ``HASH:COUNT`` file or range directory; no network.
      In a sorted file that `reuse-audit hibp verify` has not recorded, a miss is unknown
      (``unverified_corpus``), never "not found".
    - ``offline`` without ``hibp_file``: every result is ``SKIPPED`` ("offline: no --hibp-file given").
    - otherwise: ``GET {hibp_url}/range/{PREFIX}`` once per distinct prefix, ``workers`` at a time, with
      ``Add-Padding: true``; each request takes at most ``timeout`` seconds in total, retries included
      the whole check at most ``deadline`` seconds. A range that still fails leaves its passwords
      ``UNKNOWN`` with a failure kind and a reason.

    ``progress(done, total)`` is called as ranges (online, directory) or hashes (single file) complete.
    Raises :class:`ExposureServiceError` for bad arguments, a non-https URL, or a missing, malformed or
    unsorted HIBP file. Messages never contain a hash or a prefix.
    """
    from reuse_audit.exposure.hashing import HashKey
    from reuse_audit.exposure.sources import open_exposure_source

    settings = ExposureSettings(offline=offline, hibp_url=hibp_url, hibp_file=hibp_file, workers=workers,
                                deadline=deadline, request_timeout=timeout)
    source = open_exposure_source(settings, session=session, retry_policy=retry_policy)
    return source.lookup([HashKey.of(p) for p in passwords], progress)


_HOME = {"UNVERIFIED_CORPUS_REASON": "model", "ExposureErrorCode": "model", "ExposureFailure": "model",
         "ExposureResult": "model", "ExposureServiceError": "model", "ExposureStatus": "model",
         "ProgressCallback": "model", "VerifyReport": "model", "failure_counts": "model", "RetryPolicy": "online",
         "OFFLINE_WITHOUT_FILE": "sources", "ExposureSource": "sources", "open_exposure_source": "sources",
         "verify_hibp_file": "verify"}


__getattr__ = lazy_names(__name__, _HOME)
