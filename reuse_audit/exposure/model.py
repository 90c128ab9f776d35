"""Result and error types of the HIBP exposure check: what a check promises to its caller."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from reuse_audit.errors import ReuseAuditError
from reuse_audit.i18n import N_, NP_

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``, called as ranges, hashes or bytes of a check complete."""


class ExposureStatus(StrEnum):
    """Outcome of one password's HIBP lookup."""

    PWNED = "pwned"
    NOT_FOUND = "not_found"
    UNKNOWN = "unknown"  # the lookup could not run; ``reason`` says why
    SKIPPED = "skipped"  # the lookup was not attempted on purpose (offline without a file)


class ExposureFailure(StrEnum):
    """Why one password's exposure is ``UNKNOWN``: machine-readable, for counting failures per kind."""

    CONNECTION_ERROR = "connection_error"  # no HTTP answer: refused, reset, DNS or TLS failure
    TIMEOUT = "timeout"  # a request ran past its own time limit, every try
    HTTP_ERROR = "http_error"  # an HTTP status other than 200 (429 is RATE_LIMITED)
    RATE_LIMITED = "rate_limited"  # HTTP 429 until the tries ran out
    MALFORMED_RESPONSE = "malformed_response"  # a body that is not SUFFIX:COUNT lines (or too large)
    DEADLINE = "deadline"  # the whole check's deadline passed before this password was answered
    UNREACHABLE = "unreachable"  # not tried: the service looked unreachable
    FILE_MISSING = "file_missing"  # the range file is absent from the range directory
    FILE_UNREADABLE = "file_unreadable"  # the range file could not be read
    MALFORMED_FILE = "malformed_file"  # the range file is not SUFFIX:COUNT lines in strict order
    UNVERIFIED_CORPUS = "unverified_corpus"  # absent from a sorted file that `hibp verify` has not checked
    INTERNAL_ERROR = "internal_error"  # a bug: the lookup raised unexpectedly


#: The reason of a miss in a sorted corpus that `hibp verify` has not recorded (or that changed since).
UNVERIFIED_CORPUS_REASON = "corpus not verified: run `reuse-audit hibp verify FILE`"


@dataclass(frozen=True)
class ExposureResult:
    """One password's exposure: ``count`` is 0 when not found and ``None`` when unknown or skipped.

    ``failure`` is set exactly when ``status`` is ``UNKNOWN``; ``reason`` then says why in a few words that
    name no hash and no prefix (``"connection error after 4 tries"``, ``"deadline of 60 s reached"``): the
    report layer words the sentence around it ("could not check whether ... ({why})").
    """

    status: ExposureStatus
    count: int | None
    reason: str | None
    failure: ExposureFailure | None = None

    @classmethod
    def from_count(cls, count: int) -> ExposureResult:
        """A definite answer: pwned ``count`` times, or not found when ``count`` is 0."""
        if count > 0:
            return cls(ExposureStatus.PWNED, count, None)
        return cls(ExposureStatus.NOT_FOUND, 0, None)

    @classmethod
    def unknown(cls, failure: ExposureFailure, reason: str) -> ExposureResult:
        """The lookup could not run; never to be read as "not found"."""
        return cls(ExposureStatus.UNKNOWN, None, reason, failure)

    @classmethod
    def skipped(cls, reason: str) -> ExposureResult:
        """The lookup was deliberately not attempted."""
        return cls(ExposureStatus.SKIPPED, None, reason)


def deadline_reason(seconds: float) -> str:
    """Why a check was left unknown when its time limit ran out."""
    return f"deadline of {seconds:g} s reached"


def failure_counts(results: Iterable[ExposureResult]) -> dict[str, int]:
    """How many results failed for each kind (only kinds that occurred), in the enum's order: for JSON."""
    seen = Counter(r.failure for r in results if r.failure is not None)
    return {kind.value: seen[kind] for kind in ExposureFailure if seen[kind]}


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

    def __init__(self, code: ExposureErrorCode, template: str, /, **values: object) -> None:
        super().__init__(template, **values)
        self.code = code


# `hibp verify`'s line (model.VerifyReport.text)
VERIFY_OK = N_("{path}: ok: {details}")
VERIFY_NOT_OK = N_("{path}: NOT OK: {details}")
VERIFY_RANGE_FILES = NP_("{count} range file", "{count} range files")
VERIFY_LINES = NP_("{count} line", "{count} lines")
VERIFY_SORTED = N_("sorted")
VERIFY_UNSORTED = N_("{count} out of order")
VERIFY_MALFORMED = N_("{count} malformed")
VERIFY_MISSING = NP_("{count} range file missing", "{count} range files missing")
VERIFY_NOT_WHOLE = N_("not a whole corpus, which has lines in every hash range from 00000 to FFFFF (a download cut "
                      "short, or an excerpt): its misses stay unknown")
VERIFY_FIRST_BAD = N_("first bad line {line} ({reason})")
VERIFY_LIST_SEP = N_(", ")
VERIFY_REMEMBERED = N_("; remembered as verified in {path}")
VERIFY_NOT_REMEMBERED = N_("; not remembered as verified ({why})")
#: Why a line is bad (``VerifyReport.first_bad_reason``: the English message id, translated when shown).
BAD_NOT_HASH_COUNT = N_("not HASH:COUNT")
BAD_OUT_OF_ORDER = N_("out of order")
BAD_DUPLICATE = N_("duplicate hash")
BAD_RANGE_FILE = N_("not a regular file of a range file's size")
BAD_EMPTY = N_("empty file")
BAD_NOT_SUFFIX_COUNT = N_("not SUFFIX:COUNT")


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
    remembered_in: str | None = None  # the cache file that now records this single file as verified
    not_remembered: str | None = None  # why an ok single file could not be recorded (cache unwritable)
    # A single file: whether it has lines in every hash range from 00000 to FFFFF, as every complete corpus has (a
    # download cut short ends before, an excerpt skips ranges); None for a directory, whose missing range files
    # are counted instead.
    spans: bool | None = None

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """The one line ``hibp verify`` prints, in ``lang``."""
        from reuse_audit.i18n import Translator

        t = Translator(lang)
        parts = []
        if self.range_files is not None:
            parts.append(t.plural(VERIFY_RANGE_FILES, self.range_files, count=f"{self.range_files:,}"))
        parts.append(t.plural(VERIFY_LINES, self.lines, count=f"{self.lines:,}"))
        if self.sorted or self.unsorted_lines:  # neither where no line is well formed
            parts.append(t.text(VERIFY_SORTED) if self.sorted
                         else t.text(VERIFY_UNSORTED, count=f"{self.unsorted_lines:,}"))
        parts.append(t.text(VERIFY_MALFORMED, count=f"{self.malformed_lines:,}"))
        if self.missing_ranges:
            parts.append(t.plural(VERIFY_MISSING, self.missing_ranges, count=f"{self.missing_ranges:,}"))
        if self.spans is False:
            parts.append(t.text(VERIFY_NOT_WHOLE))
        if self.first_bad_line is not None:
            parts.append(t.text(VERIFY_FIRST_BAD, line=self.first_bad_line,
                                reason=t.gettext(self.first_bad_reason or "")))
        text = t.text(VERIFY_OK if self.ok else VERIFY_NOT_OK, path=self.path,
                      details=t.text(VERIFY_LIST_SEP).join(parts))
        if self.remembered_in is not None:
            text += t.text(VERIFY_REMEMBERED, path=self.remembered_in)
        elif self.not_remembered is not None:
            text += t.text(VERIFY_NOT_REMEMBERED, why=self.not_remembered)
        return text

    @property
    def ok(self) -> bool:
        """True when every line is well formed, in order, and no range is missing (a directory) or the file runs
        from the first range to the last."""
        return (self.sorted and self.malformed_lines == 0 and self.lines > 0 and not self.missing_ranges
                and self.spans is not False)
