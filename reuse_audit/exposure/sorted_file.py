"""Lookups in one sorted ``HASH:COUNT`` file (tens of GB) by interpolation search over 4 KiB pages.

The file is never scanned: each lookup reads a handful of pages (typically 2-3) at offsets estimated from
the first 8 bytes of the hash, in constant memory. Every line a search touches is checked to be well
formed and in order, so a wrong or unsorted file raises instead of answering wrongly.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from reuse_audit.errors import Message, os_reason
from reuse_audit.exposure.model import ExposureErrorCode, ExposureServiceError, ProgressCallback
from reuse_audit.i18n import N_

PAGE_SIZE = 4096
_SAMPLES = 16  # pages checked on open besides the first: evenly spaced, the last one at the end
_CACHE_PAGES = 64
# Interpolation steps allowed to leave more than half the interval before falling back to bisection.
# Near misses on uniform data often leave a one-sided interval, so a single weak step proves little.
_MAX_WEAK_STEPS = 3
# A count has 1 to 15 digits (MAX_COUNT_DIGITS): a longer one makes the line malformed.
_LINE = re.compile(rb"([0-9A-Fa-f]{40}):([0-9]{1,15})\r?")
_BLOCK = re.compile(rb"(?:[0-9A-Fa-f]{40}:[0-9]{1,15}\r?\n)*")
_NOT_A_LINE = N_("a line is not HASH:COUNT (40 hex SHA-1 characters, a colon, a count of at most 15 digits)")
_RANGE_LINE = re.compile(rb"[0-9A-Fa-f]{35}:[0-9,]+\r?")
_NTLM_LINE = re.compile(rb"[0-9A-Fa-f]{32}:[0-9]{1,15}\r?")
_BELOW_ALL = b""
_ABOVE_ALL = b"\xff"


@dataclass
class SearchStats:
    """Disk-page accounting, for benchmarks: distinct 4 KiB pages touched per lookup."""

    lookups: int = 0
    pages_touched: int = 0
    max_pages: int = 0
    open_pages: int = 0  # pages read by the sanity sample when the file was opened

    @property
    def average_pages(self) -> float:
        """Mean distinct pages per lookup (0 before any lookup)."""
        return self.pages_touched / self.lookups if self.lookups else 0.0


class _Line(NamedTuple):
    """One line's key and place in the file."""

    key: bytes  # uppercase 40-char hex: may be the looked-up hash itself, so repr hides it
    hits: int  # the breach count
    start: int  # byte offset of the line's first character
    end: int  # byte offset just past its line break (or the end of the file)

    def __repr__(self) -> str:
        return f"_Line(start={self.start}, end={self.end})"


class _Block:
    """Consecutive whole lines read from the file. Offsets are worked out only for the two end lines,
    which become anchors; the lines in between are only compared."""

    __slots__ = ("raws", "keys", "start", "stop", "last_has_newline")

    def __init__(self, raws: list[bytes], start: int, stop: int, last_has_newline: bool) -> None:
        self.raws = raws
        self.keys = [raw[:40] for raw in raws]
        self.start = start
        self.stop = stop
        self.last_has_newline = last_has_newline

    def line(self, index: int) -> _Line:
        """The first (``0``) or last (``-1``) line."""
        raw = self.raws[index]
        is_last = index == -1 or index == len(self.raws) - 1
        length = len(raw) + (1 if self.last_has_newline or not is_last else 0)
        start = self.start if index == 0 else self.stop - length
        return _Line(self.keys[index], _count(raw), start, start + length)

    def count_of(self, key: bytes) -> int:
        """The count on the line holding ``key``, or 0 if no line does."""
        at = bisect.bisect_left(self.keys, key)
        return _count(self.raws[at]) if at < len(self.keys) and self.keys[at] == key else 0


class SortedHashFile:
    """An open, sorted HIBP SHA-1 file. Use as a context manager; lookups are single-threaded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stats = SearchStats()
        try:
            self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            raise ExposureServiceError(ExposureErrorCode.FILE_NOT_FOUND, N_("HIBP file not found: {path}"),
                                       path=path) from None
        except OSError as exc:
            raise ExposureServiceError(ExposureErrorCode.FILE_UNREADABLE, N_("cannot open HIBP file {path}: {reason}"),
                                       path=path, reason=os_reason(exc, fallback="None")) from None
        try:
            #: The opened file's identity and version, for the verified-corpus record (see verified.py).
            self.stat = os.fstat(self._fd)
            self.size = self.stat.st_size
            if hasattr(os, "posix_fadvise"):
                # Lookups jump around a file far bigger than RAM: readahead would only waste I/O.
                os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_RANDOM)
            self._cache: OrderedDict[int, bytes] = OrderedDict()
            self._touched: set[int] = set()
            # Known lines, ordered by key: sentinels, the open-time sample, and pages read by lookups.
            self._anchor_keys: list[bytes] = [_BELOW_ALL, _ABOVE_ALL]
            self._anchor_lines: list[_Line] = [
                _Line(_BELOW_ALL, 0, 0, 0),
                _Line(_ABOVE_ALL, 0, self.size, self.size),
            ]
            self._opening = True  # where a fault is, is said only of the sample read on open (see _not_hibp)
            self._check_sample()
            self._opening = False
        except BaseException:
            os.close(self._fd)
            raise

    def __enter__(self) -> SortedHashFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the file descriptor."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def lookup_many(self, digests: Iterable[str], progress: ProgressCallback | None = None,
                    stop: Callable[[], bool] | None = None) -> dict[str, int]:
        """Breach count (0 when absent) of each uppercase SHA-1 hex digest, looked up in sorted order.

        ``progress(done, total)`` is called after each distinct digest. When ``stop()`` says so (a deadline),
        the digests not looked up yet are left out.
        """
        ordered = sorted(set(digests))
        counts: dict[str, int] = {}
        for done, digest in enumerate(ordered, start=1):
            if stop is not None and stop():
                break
            counts[digest] = self.lookup(digest)
            if progress is not None:
                progress(done, len(ordered))
        return counts

    def lookup(self, digest: str) -> int:
        """Breach count of one uppercase SHA-1 hex digest, 0 when absent."""
        target = digest.upper().encode("ascii")
        self._touched = set()
        try:
            return self._search(target)
        finally:
            self.stats.lookups += 1
            self.stats.pages_touched += len(self._touched)
            self.stats.max_pages = max(self.stats.max_pages, len(self._touched))

    # -- search -------------------------------------------------------------------------------------

    def _search(self, target: bytes) -> int:
        index = bisect.bisect_left(self._anchor_keys, target)
        if self._anchor_keys[index] == target:
            return self._anchor_lines[index].hits
        low, high = self._anchor_lines[index - 1], self._anchor_lines[index]
        weak_steps = 0  # interpolation steps that did not halve the interval
        page: int | None = None  # set when the next page to read is already decided
        tried: set[int] = set()  # pages of the current interval that held no whole line
        while True:
            # A target line, if present, starts in [low.end, high.start).
            width = high.start - low.end
            if width <= 0:
                return 0
            first_page, last_page = low.end // PAGE_SIZE, (high.start - 1) // PAGE_SIZE
            unread = {first_page, last_page} - self._touched
            if first_page == last_page or (last_page == first_page + 1 and len(unread) <= 1):
                return self._scan_between(target, low, high)
            interpolating = page is None and weak_steps < _MAX_WEAK_STEPS
            if page is None:
                if interpolating:
                    estimate = low.end + int(_fraction(target, low.key, high.key) * width)
                else:  # non-uniform data: binary search keeps the worst case logarithmic
                    estimate = low.end + width // 2
                page = min(max(estimate, low.end), high.start - 1) // PAGE_SIZE
            block = self._lines_in_page(page, low, high)
            if not block.keys:
                # No whole line of the interval starts here: on the interval's first page, a line
                # runs on into the next page; elsewhere this is the tail of one from the page before.
                tried.add(page)
                page += 1 if page == first_page else -1
                if page in tried or not first_page <= page <= last_page:
                    return self._scan_between(target, low, high)
                continue
            page = None
            tried.clear()
            if target < block.keys[0]:
                high = block.line(0)
            elif target > block.keys[-1]:
                low = block.line(-1)
            else:
                return block.count_of(target)
            if interpolating and high.start - low.end > width // 2:
                weak_steps += 1

    def _scan_between(self, target: bytes, low: _Line, high: _Line) -> int:
        """Read all lines between two known lines (a small span) and look for the target among them."""
        if high.start - low.end > 1 << 20:
            raise self._not_hibp(low.end, N_("no line break found where one was expected"))
        block = self._parse(self._read(low.end, high.start), low.end, complete_tail=True)
        self._check_order(block, low, high)
        return block.count_of(target)

    def _lines_in_page(self, page: int, low: _Line, high: _Line) -> _Block:
        """Complete lines starting inside ``page`` and strictly between ``low`` and ``high``, checked."""
        start = max(page * PAGE_SIZE, low.end)
        stop = min((page + 1) * PAGE_SIZE, high.start)
        if start >= stop:
            return _Block([], start, start, True)
        data = self._read(start, stop)
        skip = 0
        if start != low.end:
            # Mid-line (or at a line start we cannot tell apart): resume after the next line break.
            newline = data.find(b"\n")
            if newline < 0:
                if stop - start == PAGE_SIZE:
                    raise self._not_hibp(start, N_("no line break within 4 KiB"))
                return _Block([], start, start, True)
            skip = newline + 1
        block = self._parse(data[skip:], start + skip, complete_tail=stop == high.start)
        self._check_order(block, low, high)
        self._remember(block)
        return block

    # -- parsing and checks -------------------------------------------------------------------------

    def _parse(self, data: bytes, offset: int, *, complete_tail: bool) -> _Block:
        """Whole lines of ``data`` (which starts at a line start), validated. A trailing partial line is
        dropped unless ``complete_tail`` says the data ends where the next known line (or the file) begins."""
        cut = data.rfind(b"\n") + 1
        tail = data[cut:] if complete_tail else b""
        if _BLOCK.fullmatch(data, 0, cut) is None or (tail and _LINE.fullmatch(tail) is None):
            raise self._not_hibp(offset + _first_bad(data[:cut] + tail), _NOT_A_LINE)
        raws = data[:cut].upper().split(b"\n")
        raws.pop()
        if tail:
            raws.append(tail.upper())
        return _Block(raws, offset, offset + cut + len(tail), not tail)

    def _check_order(self, block: _Block, low: _Line, high: _Line) -> None:
        keys = block.keys
        if not keys:
            return
        if not (low.key < keys[0] and keys[-1] < high.key and all(map(bytes.__lt__, keys, keys[1:]))):
            previous = [low.key, *keys]
            bad = next((i for i, key in enumerate(keys) if not previous[i] < key), len(keys) - 1)
            raise self._unsorted(block.start + sum(len(raw) + 1 for raw in block.raws[:bad]))

    def _check_sample(self) -> None:
        """On open: the first page must hold HIBP SHA-1 lines; evenly spaced pages must be in order."""
        if self.size == 0:
            raise ExposureServiceError(ExposureErrorCode.NOT_HIBP_FILE, N_("HIBP file is empty: {path}"),
                                       path=self.path)
        head = self._read(0, min(self.size, PAGE_SIZE))
        first = head.split(b"\n", 1)[0]
        if _LINE.fullmatch(first) is None:
            if _RANGE_LINE.fullmatch(first) is not None:
                hint = N_("it looks like one range file; pass the whole range directory instead")
            elif _NTLM_LINE.fullmatch(first) is not None:
                hint = N_("it looks like the NTLM edition; the SHA-1 edition is needed")
            else:
                hint = N_("line 1 is not HASH:COUNT")
            raise ExposureServiceError(ExposureErrorCode.NOT_HIBP_FILE,
                                       N_("not a Pwned Passwords SHA-1 file: {path} ({hint})"), path=self.path,
                                       hint=Message(hint))
        last_page = (self.size - 1) // PAGE_SIZE
        pages = sorted({0, last_page, *(last_page * i // _SAMPLES for i in range(1, _SAMPLES))})
        low = self._anchor_lines[0]
        for page in pages:
            # Each sampled page must sort after the previous one: a cheap guard against unsorted files.
            block = self._lines_in_page(page, low, self._anchor_lines[-1])
            if block.keys:
                low = block.line(-1)
        self.stats.open_pages = len(self._touched)
        self._touched = set()

    def _remember(self, block: _Block) -> None:
        for line in (block.line(0), block.line(-1)) if block.keys else ():
            at = bisect.bisect_left(self._anchor_keys, line.key)
            if self._anchor_keys[at] != line.key:
                self._anchor_keys.insert(at, line.key)
                self._anchor_lines.insert(at, line)

    def _not_hibp(self, offset: int, why: str) -> ExposureServiceError:
        """``why``: an ``N_`` msgid. The byte offset is said only for a fault found by the sample read on open: one
        found by a lookup lies where the looked-up hash would be, and its offset would tell its first hex digits."""
        if not self._opening:
            return ExposureServiceError(ExposureErrorCode.NOT_HIBP_FILE,
                                        N_("not a Pwned Passwords SHA-1 file: {path} ({why}; hibp verify finds "
                                           "where)"), path=self.path, why=Message(why))
        return ExposureServiceError(
            ExposureErrorCode.NOT_HIBP_FILE,
            N_("not a Pwned Passwords SHA-1 file: {path} ({why}, near byte {offset})"), path=self.path,
            why=Message(why), offset=offset,
        )

    def _unsorted(self, offset: int) -> ExposureServiceError:
        """As :meth:`_not_hibp`: the offset only for the sample read on open."""
        if not self._opening:
            return ExposureServiceError(
                ExposureErrorCode.UNSORTED_FILE,
                N_("HIBP file is not sorted by hash: {path} (download the file ordered by hash, or check it with "
                   "verify)"), path=self.path)
        return ExposureServiceError(
            ExposureErrorCode.UNSORTED_FILE,
            N_("HIBP file is not sorted by hash near byte {offset}: {path} "
               "(download the file ordered by hash, or check it with verify)"), offset=offset, path=self.path,
        )

    # -- page I/O -----------------------------------------------------------------------------------

    def _read(self, start: int, stop: int) -> bytes:
        """Bytes ``[start, stop)``, read page by page through a small cache; pages are counted."""
        first, last = start // PAGE_SIZE, (stop - 1) // PAGE_SIZE
        chunks = [self._page(page) for page in range(first, last + 1)]
        joined = b"".join(chunks)
        base = first * PAGE_SIZE
        return joined[start - base : stop - base]

    def _page(self, page: int) -> bytes:
        self._touched.add(page)
        cached = self._cache.get(page)
        if cached is not None:
            self._cache.move_to_end(page)
            return cached
        data = _pread(self._fd, PAGE_SIZE, page * PAGE_SIZE)
        self._cache[page] = data
        if len(self._cache) > _CACHE_PAGES:
            self._cache.popitem(last=False)
        return data


def _fraction(target: bytes, low: bytes, high: bytes) -> float:
    """Where ``target`` sits between ``low`` and ``high``, from their first 8 bytes (16 hex chars)."""
    t, lo, hi = _key_number(target), _key_number(low), _key_number(high)
    if hi <= lo:
        return 0.5
    return min(1.0, max(0.0, (t - lo) / (hi - lo)))


def _key_number(key: bytes) -> int:
    if key == _BELOW_ALL:
        return 0
    if key == _ABOVE_ALL:
        return 1 << 64
    return int(key[:16], 16)


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - platforms without pread (Windows)
    return os.read(fd, size)  # pragma: no cover


def _count(raw: bytes) -> int:
    return int(raw[41:].rstrip(b"\r"))


def _first_bad(data: bytes) -> int:
    """Offset in ``data`` of its first line that is not ``HASH:COUNT``."""
    position = 0
    for raw in data.split(b"\n"):
        if _LINE.fullmatch(raw) is None:
            return position
        position += len(raw) + 1
    return 0
