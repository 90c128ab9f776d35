"""The HIBP Pwned Passwords exposure check: online range queries (k-anonymity) or a local download.

Only the first 5 hex characters of a password's SHA-1 ever leave this layer, over the network or in a
message; a password that could not be checked is ``UNKNOWN`` with a reason, never "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.model import (
    ExposureErrorCode,
    ExposureResult,
    ExposureServiceError,
    ExposureStatus,
    ProgressCallback,
    VerifyReport,
)
from reuse_audit.exposure.offline import check_offline
from reuse_audit.exposure.range_body import results_by_key
from reuse_audit.exposure.settings import DEFAULT_HIBP_URL
from reuse_audit.exposure.verify import verify_hibp_file
from reuse_audit.secret import Secret

if TYPE_CHECKING:
    from reuse_audit.exposure.online import RetryPolicy

__all__ = [
    "DEFAULT_HIBP_URL",
    "OFFLINE_WITHOUT_FILE",
    "ExposureErrorCode",
    "ExposureResult",
    "ExposureServiceError",
    "ExposureStatus",
    "RetryPolicy",
    "VerifyReport",
    "check_exposure",
    "verify_hibp_file",
]

OFFLINE_WITHOUT_FILE = "offline: no --hibp-file given"


def check_exposure(
    passwords: Sequence[Secret],
    *,
    hibp_url: str = DEFAULT_HIBP_URL,
    hibp_file: Path | None = None,
    offline: bool = False,
    workers: int = 16,
    progress: ProgressCallback | None = None,
    timeout: float = 10.0,
    total_timeout: float = 300.0,
    retry_policy: RetryPolicy | None = None,
) -> list[ExposureResult]:
    """Check each password against Pwned Passwords; one result per password, in input order.

    - ``hibp_file`` given: look up in that sorted ``HASH:COUNT`` file or range directory; no network.
    - ``offline`` without ``hibp_file``: every result is ``SKIPPED`` ("offline: no --hibp-file given").
    - otherwise: ``GET {hibp_url}/range/{PREFIX}`` once per distinct prefix, ``workers`` at a time, with
      ``Add-Padding: true``; ``timeout`` bounds each connect/read, ``total_timeout`` the whole check.
      A range that still fails after retries leaves its passwords ``UNKNOWN`` with a reason.

    ``progress(done, total)`` is called as ranges (online, directory) or hashes (single file) complete.
    Raises :class:`ExposureServiceError` for bad arguments, a non-https URL, or a missing, malformed or
    unsorted HIBP file. Messages never contain more of a hash than its 5-character prefix.
    """
    if workers < 1:
        raise ExposureServiceError(ExposureErrorCode.INVALID_ARGUMENT, "workers must be at least 1")
    if not (timeout > 0 and total_timeout > 0):
        raise ExposureServiceError(ExposureErrorCode.INVALID_ARGUMENT, "timeouts must be positive")
    if offline and hibp_file is None:
        return [ExposureResult.skipped(OFFLINE_WITHOUT_FILE) for _ in passwords]
    keys = [HashKey.of(p) for p in passwords]
    if hibp_file is not None:
        return check_offline(keys, Path(hibp_file), progress)
    # requests is imported only when the network is really used: offline runs start faster
    from reuse_audit.exposure.online import RetryPolicy, check_online
    from reuse_audit.exposure.session import checked_base_url

    outcomes = check_online(
        keys,
        base_url=checked_base_url(hibp_url),
        workers=workers,
        timeout=timeout,
        total_timeout=total_timeout,
        policy=retry_policy or RetryPolicy(),
        progress=progress,
    )
    return results_by_key(keys, outcomes)


def __getattr__(name: str) -> Any:
    if name == "RetryPolicy":
        from reuse_audit.exposure.online import RetryPolicy

        return RetryPolicy
    raise AttributeError(name)
