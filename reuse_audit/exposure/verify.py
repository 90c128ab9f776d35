"""A full, sequential check of a downloaded HIBP file or range directory: format, order, completeness.

A single sorted file that passes is recorded as verified (see :mod:`reuse_audit.exposure.verified`): only
then does a miss in it count as "not found". A range directory needs no record: each range file is read
whole and checked (format and order) every time a lookup uses it.

Speed: a file is read in 8 MiB chunks into one reused buffer; each chunk is checked with a few bulk
operations (one regular-expression pass that extracts every hash, one comparison of the hash list with
itself shifted by one), not a Python loop per line. Only a chunk that fails is re-read line by line to
say where and why.
"""

from __future__ import annotations

import io
import operator
import os
import re
import stat
from dataclasses import replace
from itertools import islice
from pathlib import Path

from reuse_audit.errors import os_reason
from reuse_audit.exposure.model import (
    BAD_DUPLICATE,
    BAD_EMPTY,
    BAD_NOT_HASH_COUNT,
    BAD_NOT_SUFFIX_COUNT,
    BAD_OUT_OF_ORDER,
    BAD_RANGE_FILE,
    ExposureErrorCode,
    ExposureServiceError,
    ProgressCallback,
    VerifyReport,
)
from reuse_audit.exposure.range_body import MalformedRangeBody, count_range_lines
from reuse_audit.exposure.range_directory import RANGE_COUNT, RANGE_FILE_NAME, read_range_file
from reuse_audit.exposure.verified import CorpusIdentity, remember, remember_in_process

_CHUNK = 8 << 20
_MAX_LINE = 1 << 16  # a "line" longer than this is garbage: it is counted malformed and skipped
# One whole line per match: 40 characters at a line start, a colon, 1-15 digits, [CR] LF. That every
# line matched (as many matches as line breaks) and that the 40 characters are uppercase hex is checked
# on the whole chunk at once.
_ROW = re.compile(rb"^(.{40}):[0-9]{1,15}\r?\n", re.MULTILINE)
_UPPER_HEX = b"0123456789ABCDEF"
_LINE = re.compile(rb"([0-9A-Fa-f]{40}):[0-9]{1,15}\r?")
_RANGE_LINE = re.compile(rb"([0-9A-Fa-f]{35}):[0-9](?:,?[0-9]){0,14}\r?")


def verify_hibp_file(path: Path, progress: ProgressCallback | None = None, *, remember: bool = True) -> VerifyReport:
    """Read the whole file (or every range file of a directory) once and report what is wrong.

    A single file is read sequentially in 8 MiB chunks; ``progress(bytes_done, bytes_total)``. When it is
    a regular file that is ok and did not change while it was read, and ``remember`` is true, it is
    recorded as verified in the user cache (``report.remembered_in``); a cache that cannot be written is
    reported (``report.not_remembered``), not raised.
    A directory is checked range by range; ``progress(ranges_done, 1048576)``.
    Raises :class:`ExposureServiceError` only if ``path`` cannot be read at all.
    """
    from reuse_audit.file_access import PathKind, kind_word, path_kind
    from reuse_audit.i18n import N_

    path = Path(path)
    try:
        kind = path_kind(path)
    except OSError as exc:
        raise ExposureServiceError(ExposureErrorCode.FILE_UNREADABLE, N_("cannot read HIBP file {path}: {reason}"),
                                   path=path, reason=os_reason(exc, fallback="None")) from None
    if kind is PathKind.MISSING:
        raise ExposureServiceError(ExposureErrorCode.FILE_NOT_FOUND, N_("HIBP file not found: {path}"), path=path)
    if kind not in (PathKind.REGULAR, PathKind.DIRECTORY):
        # a pipe or a device would block the open or never end: only files and range directories are corpora
        raise ExposureServiceError(ExposureErrorCode.NOT_HIBP_FILE, N_(
            "{path}: is a {kind}; the HIBP corpus must be a regular file or a directory of range files"),
            path=path, kind=kind_word(kind))
    try:
        if kind is PathKind.DIRECTORY:
            return _verify_directory(path, progress)
        return _verify_file(path, progress, remember)
    except OSError as exc:
        raise ExposureServiceError(ExposureErrorCode.FILE_UNREADABLE, N_("cannot read HIBP file {path}: {reason}"),
                                   path=path, reason=os_reason(exc, fallback="None")) from None


def trust_for_this_process(path: Path) -> bool:
    """Verify a (small) file and, when it is ok but for being an excerpt (it need not run from range 00000 to
    FFFFF), trust it for the rest of this process only: nothing is written to the cache. For the demo's bundled
    excerpt. Returns whether it was ok."""
    report = replace(verify_hibp_file(path, remember=False), spans=None)
    if report.ok:
        with Path(path).open("rb") as stream:
            remember_in_process(CorpusIdentity.of(os.fstat(stream.fileno())))
    return report.ok


class _Tally:
    """Running counts of a sequential pass over ``HASH:COUNT`` lines."""

    def __init__(self) -> None:
        self.lines = 0
        self.malformed = 0
        self.unsorted = 0
        self.first_bad: int | None = None
        self.first_reason: str | None = None
        self.previous = b""
        self.first_hash = b""  # of the first well-formed line
        # whether a hash range (5-hex prefix) between the first line's and the last one's has no line: a whole
        # corpus has lines in each of the 1,048,576 (an excerpt that runs from 00000 to FFFFF has not)
        self.gaps = False

    def _step(self, before: bytes, after: bytes) -> None:
        """From one well-formed line (in order) to the next: is a range skipped?"""
        if before and int(after[:5], 16) - int(before[:5], 16) > 1:
            self.gaps = True

    @staticmethod
    def _gap_within(data: bytearray, stop: int, first: bytes, last: bytes, lines: int) -> bool:
        """Whether a range after ``first``'s and up to ``last``'s has no line in ``data[:stop]`` (sorted): more
        ranges than lines, or one search per range, each from where the last one found its line, that finds
        none (the first miss ends the search: the work is one pass over the data at most)."""
        low, high = int(first[:5], 16), int(last[:5], 16)
        if high - low + 1 > lines:
            return True
        position = 0
        for prefix in range(low + 1, high + 1):
            position = data.find(b"\n%05X" % prefix, position, stop) + 1
            if not position:
                return True
        return False

    def bad(self, number: int, reason: str) -> None:
        if self.first_bad is None:
            self.first_bad, self.first_reason = number, reason

    def add_block(self, data: bytearray, stop: int) -> None:
        """``data[:stop]``: a run of complete lines, each ending in a line break."""
        count = data.count(b"\n", 0, stop)
        hashes = _ROW.findall(data, 0, stop)
        if (
            hashes
            and len(hashes) == count
            and not b"".join(hashes).translate(None, _UPPER_HEX)
            and self.previous < hashes[0]
            and all(map(operator.lt, hashes, islice(hashes, 1, None)))
        ):
            self.lines += count
            self.first_hash = self.first_hash or hashes[0]
            self._step(self.previous, hashes[0])
            self.gaps = self.gaps or self._gap_within(data, stop, hashes[0], hashes[-1], count)
            self.previous = hashes[-1]
            return
        for raw in bytes(data[:stop]).split(b"\n")[:-1]:
            self.add_line(raw)

    def add_line(self, raw: bytes) -> None:
        self.lines += 1
        match = _LINE.fullmatch(raw)
        if match is None:
            self.malformed += 1
            self.bad(self.lines, BAD_NOT_HASH_COUNT)
            return
        key = match.group(1).upper()
        self.first_hash = self.first_hash or key
        if not self.previous < key:
            self.unsorted += 1
            self.bad(self.lines, BAD_OUT_OF_ORDER if self.previous != key else BAD_DUPLICATE)
        else:
            self._step(self.previous, key)
        self.previous = key


def _verify_file(path: Path, progress: ProgressCallback | None, remember_it: bool) -> VerifyReport:
    tally = _Tally()
    with path.open("rb", buffering=0) as stream:
        before = os.fstat(stream.fileno())
        total = before.st_size
        _read_lines(stream, tally, progress, total)
        after = os.fstat(stream.fileno())
    if tally.lines == 0:
        tally.bad(1, BAD_EMPTY)
    report = VerifyReport(
        path=str(path),
        kind="single_file",
        lines=tally.lines,
        sorted=tally.unsorted == 0 and tally.lines > tally.malformed,  # no well-formed line is in no order
        malformed_lines=tally.malformed,
        unsorted_lines=tally.unsorted,
        first_bad_line=None if tally.first_bad is None else str(tally.first_bad),
        first_bad_reason=tally.first_reason,
        spans=tally.first_hash.startswith(b"00000") and tally.previous.startswith(b"FFFFF") and not tally.gaps,
    )
    identity = CorpusIdentity.of(before)
    if not (remember_it and report.ok and stat.S_ISREG(before.st_mode) and identity == CorpusIdentity.of(after)):
        return report
    try:
        record = remember(identity, tally.lines)
    except OSError as exc:
        why = f"cannot write the cache: {exc.strerror or type(exc).__name__}"
        return replace(report, not_remembered=why)
    return replace(report, remembered_in=str(record))


def _read_lines(stream: io.RawIOBase, tally: _Tally, progress: ProgressCallback | None, total: int) -> None:
    """Feed every line of ``stream`` (a raw binary file) to ``tally``, a chunk of whole lines at a time."""
    readinto = stream.readinto
    buffer = bytearray(_CHUNK + _MAX_LINE)
    view = memoryview(buffer)
    kept = 0  # bytes of an unfinished line carried over at the start of the buffer
    done = 0
    skipping = False  # inside an over-long line: drop everything up to its line break
    try:
        while True:
            got = readinto(view[kept : kept + _CHUNK]) or 0
            if not got:
                break
            done += got
            end = kept + got
            if skipping:
                newline = buffer.find(b"\n", 0, end)
                if newline < 0:
                    kept = 0
                    continue
                skipping = False
                buffer[0 : end - newline - 1] = buffer[newline + 1 : end]
                end -= newline + 1
            cut = buffer.rfind(b"\n", 0, end) + 1
            if cut:
                tally.add_block(buffer, cut)
            kept = end - cut
            if kept > _MAX_LINE:
                tally.add_line(b"")  # one malformed line, reported where it starts
                kept = 0
                skipping = True
            else:
                buffer[0:kept] = buffer[cut:end]
            if progress is not None:
                progress(done, total)
        if kept and not skipping:
            tally.add_line(bytes(buffer[:kept]))  # a final line without a line break is fine
    finally:
        view.release()


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
            body = read_range_file(path / name)
            if body is None:  # a pipe, a device, or a file far larger than any range file: not read
                malformed += 1
                if first_bad is None:
                    first_bad, first_reason = f"{prefix}.txt", BAD_RANGE_FILE
            else:
                try:
                    lines += count_range_lines(body)
                except MalformedRangeBody:
                    bad = _tally_range_file(body)
                    lines += bad.lines
                    malformed += bad.malformed
                    unsorted += bad.unsorted
                    if bad.first_bad is not None and first_bad is None:
                        first_bad, first_reason = f"{prefix}.txt:{bad.first_bad}", bad.first_reason
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


def _tally_range_file(body: bytes) -> _Tally:
    """Line by line, for a range file that failed the bulk check: what is wrong and where (1-based lines,
    blank lines skipped but counted in the numbering)."""
    tally = _Tally()
    for number, raw in enumerate(body.splitlines(), start=1):
        if not raw.strip():
            continue
        tally.lines += 1
        match = _RANGE_LINE.fullmatch(raw)
        if match is None:
            tally.malformed += 1
            tally.bad(number, BAD_NOT_SUFFIX_COUNT)
            continue
        key = match.group(1).upper()
        if not tally.previous < key:
            tally.unsorted += 1
            tally.bad(number, BAD_OUT_OF_ORDER)
        tally.previous = key
    return tally


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
