"""Result and error types of the HIBP exposure check: what a check promises to its caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from reuse_audit.errors import ReuseAuditError

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``, called as ranges, hashes or bytes of a check complete."""


class ExposureStatus(StrEnum):
    """Outcome of one password's HIBP lookup."""

    PWNED = "pwned"
    NOT_FOUND = "not_found"
    UNKNOWN = "unknown"  # the lookup could not run; ``reason`` says why
    SKIPPED = "skipped"  # the lookup was not attempted on purpose (offline without a file)


@dataclass(frozen=True)
class ExposureResult:
    """One password's exposure: ``count`` is 0 when not found and ``None`` when unknown or skipped."""

    status: ExposureStatus
    count: int | None
    reason: str | None

    @classmethod
    def from_count(cls, count: int) -> ExposureResult:
        """A definite answer: pwned ``count`` times, or not found when ``count`` is 0."""
        if count > 0:
            return cls(ExposureStatus.PWNED, count, None)
        return cls(ExposureStatus.NOT_FOUND, 0, None)

    @classmethod
    def unknown(cls, reason: str) -> ExposureResult:
        """The lookup could not run; never to be read as "not found"."""
        return cls(ExposureStatus.UNKNOWN, None, reason)

    @classmethod
    def skipped(cls, reason: str) -> ExposureResult:
        """The lookup was deliberately not attempted."""
        return cls(ExposureStatus.SKIPPED, None, reason)


class ExposureErrorCode(StrEnum):
    """Why the exposure layer refused to run at all (as opposed to one password being unknown)."""

    INVALID_ARGUMENT = "invalid_argument"
    INSECURE_URL = "insecure_url"
    FILE_NOT_FOUND = "file_not_found"
    FILE_UNREADABLE = "file_unreadable"
    NOT_HIBP_FILE = "not_hibp_file"
    UNSORTED_FILE = "unsorted_file"


class ExposureServiceError(ReuseAuditError):
    """The one error type of the exposure layer. Its message is one line and holds no secret data."""

    def __init__(self, code: ExposureErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class VerifyReport:
    """What a full pass over an HIBP file or range directory found.

    For a single file, ``lines`` counts hash lines and ``first_bad_line`` is the 1-based number of the
    first malformed or out-of-order line. For a range directory, ``range_files`` counts the range files
    present, ``missing_ranges`` those absent, and ``first_bad_line`` names ``"XXXXX.txt:N"``.
    """

    path: str
    kind: str  # "single_file" | "range_directory"
    lines: int
    sorted: bool
    malformed_lines: int
    unsorted_lines: int
    first_bad_line: str | None
    first_bad_reason: str | None
    range_files: int | None = None
    missing_ranges: int | None = None

    def __str__(self) -> str:
        what = f"{self.range_files:,} range files, " if self.range_files is not None else ""
        state = "ok" if self.ok else "NOT OK"
        parts = [f"{self.path}: {state}: {what}{self.lines:,} lines"]
        parts.append("sorted" if self.sorted else f"{self.unsorted_lines:,} out of order")
        parts.append(f"{self.malformed_lines:,} malformed")
        if self.missing_ranges:
            parts.append(f"{self.missing_ranges:,} range files missing")
        if self.first_bad_line is not None:
            parts.append(f"first bad line {self.first_bad_line} ({self.first_bad_reason})")
        return ", ".join(parts)

    @property
    def ok(self) -> bool:
        """True when every line is well formed, in order, and (for a directory) no range is missing."""
        return self.sorted and self.malformed_lines == 0 and self.lines > 0 and not self.missing_ranges
