"""A full, sequential check of a downloaded HIBP file or range directory: format, order, completeness."""

from __future__ import annotations

import os
import re
from pathlib import Path

from reuse_audit.exposure.model import ExposureErrorCode, ExposureServiceError, ProgressCallback, VerifyReport
from reuse_audit.exposure.range_directory import RANGE_COUNT, RANGE_FILE_NAME

_CHUNK = 8 << 20
_FAST_LINES = re.compile(rb"(?:[0-9A-F]{40}:[0-9]+\r?\n)*")
_FAST_HASHES = re.compile(rb"^([0-9A-F]{40}):", re.MULTILINE)
_LINE = re.compile(rb"([0-9A-Fa-f]{40}):[0-9]+\r?")
_RANGE_LINE = re.compile(rb"([0-9A-Fa-f]{35}):[0-9][0-9,]*\r?")


def verify_hibp_file(path: Path, progress: ProgressCallback | None = None) -> VerifyReport:
    """Read the whole file (or every range file of a directory) once and report what is wrong.

    A single file is read sequentially in 8 MiB chunks; ``progress(bytes_done, bytes_total)``.
    A directory is checked range by range; ``progress(ranges_done, 1048576)``.
    Raises :class:`ExposureServiceError` only if ``path`` cannot be read at all.
    """
    path = Path(path)
    if not path.exists():
        raise ExposureServiceError(ExposureErrorCode.FILE_NOT_FOUND, f"HIBP file not found: {path}")
    try:
        if path.is_dir():
            return _verify_directory(path, progress)
        return _verify_file(path, progress)
    except OSError as exc:
        raise ExposureServiceError(
            ExposureErrorCode.FILE_UNREADABLE, f"cannot read HIBP file {path}: {exc.strerror}"
        ) from None


class _Tally:
    """Running counts of a sequential pass over ``HASH:COUNT`` lines."""

    def __init__(self) -> None:
        self.lines = 0
        self.malformed = 0
        self.unsorted = 0
        self.first_bad: int | None = None
        self.first_reason: str | None = None
        self.previous = b""

    def bad(self, number: int, reason: str) -> None:
        if self.first_bad is None:
            self.first_bad, self.first_reason = number, reason

    def add_block(self, block: bytes) -> None:
        """A run of complete lines, each ending in a line break."""
        if _FAST_LINES.fullmatch(block) is not None:
            hashes = _FAST_HASHES.findall(block)
            if hashes and self.previous < hashes[0] and hashes == sorted(hashes) and len(set(hashes)) == len(hashes):
                self.lines += len(hashes)
                self.previous = hashes[-1]
                return
        for raw in block.split(b"\n")[:-1]:
            self.add_line(raw)

    def add_line(self, raw: bytes) -> None:
        self.lines += 1
        match = _LINE.fullmatch(raw)
        if match is None:
            self.malformed += 1
            self.bad(self.lines, "not HASH:COUNT")
            return
        key = match.group(1).upper()
        if not self.previous < key:
            self.unsorted += 1
            self.bad(self.lines, "out of order" if self.previous != key else "duplicate hash")
        self.previous = key


def _verify_file(path: Path, progress: ProgressCallback | None) -> VerifyReport:
    total = path.stat().st_size
    tally = _Tally()
    done = 0
    carry = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            done += len(chunk)
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            tally.add_block(data[:cut])
            carry = data[cut:]
            if progress is not None:
                progress(done, total)
    if carry:
        tally.add_line(carry)  # a final line without a line break is fine
    if tally.lines == 0:
        tally.bad(1, "empty file")
    return VerifyReport(
        path=str(path),
        kind="single_file",
        lines=tally.lines,
        sorted=tally.unsorted == 0,
        malformed_lines=tally.malformed,
        unsorted_lines=tally.unsorted,
        first_bad_line=None if tally.first_bad is None else str(tally.first_bad),
        first_bad_reason=tally.first_reason,
    )


def _verify_directory(path: Path, progress: ProgressCallback | None) -> VerifyReport:
    lines = malformed = unsorted = present = 0
    first_bad: str | None = None
    first_reason: str | None = None
    present_map = _present_ranges(path)
    for index in range(RANGE_COUNT):
        prefix = f"{index:05X}"
        name = _range_file_name(prefix, present_map[index])
        if name is not None:
            present += 1
            previous = b""
            for number, raw in enumerate((path / name).read_bytes().splitlines(), start=1):
                if not raw.strip():
                    continue
                lines += 1
                match = _RANGE_LINE.fullmatch(raw)
                reason = None
                if match is None:
                    malformed += 1
                    reason = "not SUFFIX:COUNT"
                else:
                    key = match.group(1).upper()
                    if not previous < key:
                        unsorted += 1
                        reason = "out of order"
                    previous = key
                if reason is not None and first_bad is None:
                    first_bad, first_reason = f"{prefix}.txt:{number}", reason
        if progress is not None and (index % 1024 == 1023 or index == RANGE_COUNT - 1):
            progress(index + 1, RANGE_COUNT)
    return VerifyReport(
        path=str(path),
        kind="range_directory",
        lines=lines,
        sorted=unsorted == 0,
        malformed_lines=malformed,
        unsorted_lines=unsorted,
        first_bad_line=first_bad,
        first_bad_reason=first_reason,
        range_files=present,
        missing_ranges=RANGE_COUNT - present,
    )


_UPPER_NAME = 1
_LOWER_NAME = 2


def _present_ranges(path: Path) -> bytearray:
    """A 1 MiB map of which range files exist, from one directory listing instead of 1M stat calls.

    Each byte has ``_UPPER_NAME`` set when ``XXXXX.txt`` is a file, ``_LOWER_NAME`` when ``xxxxx.txt`` is
    (as :func:`~reuse_audit.exposure.range_directory.range_file` looks them up; mixed case is not found).
    """
    present = bytearray(RANGE_COUNT)
    with os.scandir(path) as entries:
        for entry in entries:
            if RANGE_FILE_NAME.fullmatch(entry.name) and entry.is_file():
                prefix = entry.name[:5]
                if prefix == prefix.upper():
                    present[int(prefix, 16)] |= _UPPER_NAME
                if prefix == prefix.lower():
                    present[int(prefix, 16)] |= _LOWER_NAME
    return present


def _range_file_name(prefix: str, flags: int) -> str | None:
    """The name of the range file of an uppercase ``prefix``, the uppercase one first, or None if missing."""
    if flags & _UPPER_NAME:
        return f"{prefix}.txt"
    if flags & _LOWER_NAME:
        return f"{prefix.lower()}.txt"
    return None
