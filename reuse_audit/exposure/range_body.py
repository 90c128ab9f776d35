"""Parsing of HIBP range bodies (``SUFFIX:COUNT`` lines), shared by the online client and range files."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.model import ExposureResult

_LINE = rb"[0-9A-Fa-f]{35}:[0-9][0-9,]*"
# Tolerant: CRLF or LF, final newline or not, lowercase hex, counts written as "1,234".
_BODY = re.compile(rb"(?:" + _LINE + rb"\r?\n)*" + _LINE + rb"\s*")
_ONE_LINE = re.compile(_LINE + rb"\r?")


class MalformedRangeBody(ValueError):
    """A range body that does not parse. The message holds a line number, never line content."""


@dataclass(frozen=True)
class RangeOutcome:
    """The counts of the wanted suffixes of one prefix, or why its range (online or a file) could not be read."""

    prefix: str
    counts: Mapping[str, int] | None = field(repr=False)  # keyed by suffix: never to be printed
    failure: str | None  # e.g. "HIBP range 1A2B3: HTTP 500 after 4 tries"


def results_by_key(keys: Sequence[HashKey], outcomes: Mapping[str, RangeOutcome]) -> list[ExposureResult]:
    """One result per key from the outcome of its prefix; ``UNKNOWN`` with the failure when the range failed."""
    results: list[ExposureResult] = []
    for key in keys:
        outcome = outcomes[key.prefix]
        if outcome.counts is None:
            results.append(ExposureResult.unknown(outcome.failure or f"HIBP range {key.prefix}: unavailable"))
        else:
            results.append(ExposureResult.from_count(outcome.counts[key.suffix]))
    return results


def find_counts(body: bytes, suffixes: Collection[str]) -> dict[str, int]:
    """Validate a whole range body and return the breach count of each wanted suffix.

    Suffixes absent from the body, or present only as ``Add-Padding`` rows (count 0), map to 0.
    Raises :class:`MalformedRangeBody` if any line of the body is not ``SUFFIX:COUNT``.
    """
    if not body.strip():
        raise MalformedRangeBody("empty response")
    if _BODY.fullmatch(body) is None:
        raise MalformedRangeBody(f"malformed response (line {_first_bad_line(body)})")
    upper = b"\n" + body.upper()
    counts: dict[str, int] = {}
    for suffix in suffixes:
        counts[suffix] = _count_of(upper, suffix.upper().encode("ascii"))
    return counts


def _count_of(upper_body: bytes, suffix: bytes) -> int:
    start = upper_body.find(b"\n" + suffix + b":")
    if start < 0:
        return 0
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
