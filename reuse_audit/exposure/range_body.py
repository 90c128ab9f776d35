"""Parsing of HIBP range bodies (``SUFFIX:COUNT`` lines), shared by the online client and range files."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.model import ExposureFailure, ExposureResult, deadline_reason

#: Breach counts have at most this many digits; a longer one makes its line malformed (Python's int()
#: refuses more than 4,300 digits, and no password was seen 10^15 times).
MAX_COUNT_DIGITS = 15
# Tolerant: CRLF or LF, final newline or not, lowercase hex, counts written as "1,234".
_COUNT = rb"[0-9](?:,?[0-9]){0,%d}" % (MAX_COUNT_DIGITS - 1)
_LINE = rb"[0-9A-Fa-f]{35}:" + _COUNT
_BODY = re.compile(rb"(?:" + _LINE + rb"\r?\n)*" + _LINE + rb"\s*")
_ONE_LINE = re.compile(_LINE + rb"\r?")
_SUFFIX = re.compile(rb"([0-9A-Fa-f]{35}):")


class MalformedRangeBody(ValueError):
    """A range body that does not parse. The message holds a line number, never line content."""


@dataclass(frozen=True)
class RangeOutcome:
    """The counts of the wanted suffixes of one prefix, or why its range (online or a file) could not be read.

    Neither the prefix nor the counts appear in ``repr``: an outcome may end up in a traceback or a log.
    """

    prefix: str = field(repr=False)
    counts: Mapping[str, int] | None = field(repr=False)  # keyed by suffix: never to be printed
    failure: ExposureFailure | None = None
    reason: str | None = None  # why, in a few prefix-free words: "HTTP 500 after 4 tries"

    @classmethod
    def failed(cls, prefix: str, failure: ExposureFailure, reason: str) -> RangeOutcome:
        """A range that could not be read: every password under it is unknown for this reason."""
        return cls(prefix, None, failure, reason)


def results_by_key(keys: Sequence[HashKey], outcomes: Mapping[str, RangeOutcome], *, deadline: float | None = None
                   ) -> list[ExposureResult]:
    """One result per key from the outcome of its prefix; ``UNKNOWN`` with the failure when the range failed.
    With ``deadline`` (seconds), a key whose range was not reached in time is ``UNKNOWN`` (deadline)."""
    results: list[ExposureResult] = []
    for key in keys:
        outcome = outcomes.get(key.prefix)
        if outcome is None:
            if deadline is None:
                raise KeyError(key.prefix)
            results.append(ExposureResult.unknown(ExposureFailure.DEADLINE, deadline_reason(deadline)))
        elif outcome.counts is None:
            failure = outcome.failure or ExposureFailure.INTERNAL_ERROR
            results.append(ExposureResult.unknown(failure, outcome.reason or "unavailable"))
        else:
            results.append(ExposureResult.from_count(outcome.counts[key.suffix]))
    return results


def find_counts(body: bytes, suffixes: Collection[str], *, check_order: bool = False) -> dict[str, int]:
    """Validate a whole range body and return the breach count of each wanted suffix.

    Suffixes absent from the body, or present only as ``Add-Padding`` rows (count 0), map to 0.
    Raises :class:`MalformedRangeBody` if any line of the body is not ``SUFFIX:COUNT`` (a count of more
    than 15 digits included), if a wanted suffix is listed twice (contradictory counts), or, with
    ``check_order``, if the suffixes are not in strictly rising order.
    """
    upper = _validated(body, check_order)[0]
    counts: dict[str, int] = {}
    for suffix in suffixes:
        counts[suffix] = _count_of(upper, suffix.upper().encode("ascii"))
    return counts


def count_range_lines(body: bytes) -> int:
    """The number of lines of a range file that is well formed and in strictly rising order.

    Raises :class:`MalformedRangeBody` otherwise (a range file's order is checked: it is read whole).
    """
    return _validated(body, True)[1]


def _validated(body: bytes, check_order: bool) -> tuple[bytes, int]:
    """The body uppercased behind a line break, and its line count (when ordered); raises if malformed."""
    if not body.strip():
        raise MalformedRangeBody("empty response")
    if _BODY.fullmatch(body) is None:
        raise MalformedRangeBody(f"malformed response (line {_first_bad_line(body)})")
    upper = b"\n" + body.upper()
    if not check_order:
        return upper, 0
    suffixes = _SUFFIX.findall(upper)
    if not all(map(bytes.__lt__, suffixes, suffixes[1:])):
        line = next(i for i, (a, b) in enumerate(zip(suffixes, suffixes[1:], strict=False), start=2) if not a < b)
        raise MalformedRangeBody(f"out of order (line {line})")
    return upper, len(suffixes)


def _count_of(upper_body: bytes, suffix: bytes) -> int:
    needle = b"\n" + suffix + b":"
    start = upper_body.find(needle)
    if start < 0:
        return 0
    if upper_body.find(needle, start + 1) >= 0:  # "SUFFIX:0" (padding) and "SUFFIX:17043": which is it?
        raise MalformedRangeBody("a wanted suffix appears twice")
    value_start = start + len(suffix) + 2
    value_end = upper_body.find(b"\n", value_start)
    raw = upper_body[value_start:] if value_end < 0 else upper_body[value_start:value_end]
    return int(raw.strip().replace(b",", b""))


def _first_bad_line(body: bytes) -> int:
    lines = body.split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if _ONE_LINE.fullmatch(line) is None:
            return number
    return len(lines)
