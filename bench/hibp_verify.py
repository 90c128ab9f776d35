"""Benchmark: `hibp verify` on a sorted HASH:COUNT file in the page cache, against the previous implementation.

Generates (once, cached under bench/out/) a sorted file of random SHA-1 hashes (4M lines, about 183 MB by
default), reads it once so it sits in the page cache, then times the previous verify (a per-chunk regex
validation, a second regex pass for the hashes, sort and set comparisons; copied below as the baseline)
and today's verify_hibp_file, alternately, several rounds. Prints MB/s of each and the ratio of medians.
Run: python bench/hibp_verify.py [--lines 4000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse_audit.exposure.verify import verify_hibp_file  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"

# -- the previous implementation (reuse_audit/exposure/verify.py before the bulk check), single file only --

_OLD_CHUNK = 8 << 20
_OLD_FAST_LINES = re.compile(rb"(?:[0-9A-F]{40}:[0-9]+\r?\n)*")
_OLD_FAST_HASHES = re.compile(rb"^([0-9A-F]{40}):", re.MULTILINE)
_OLD_LINE = re.compile(rb"([0-9A-Fa-f]{40}):[0-9]+\r?")


class _OldTally:
    def __init__(self) -> None:
        self.lines = 0
        self.malformed = 0
        self.unsorted = 0
        self.first_bad: int | None = None
        self.previous = b""

    def add_block(self, block: bytes) -> None:
        if _OLD_FAST_LINES.fullmatch(block) is not None:
            hashes = _OLD_FAST_HASHES.findall(block)
            if hashes and self.previous < hashes[0] and hashes == sorted(hashes) and len(set(hashes)) == len(hashes):
                self.lines += len(hashes)
                self.previous = hashes[-1]
                return
        for raw in block.split(b"\n")[:-1]:
            self.add_line(raw)

    def add_line(self, raw: bytes) -> None:
        self.lines += 1
        match = _OLD_LINE.fullmatch(raw)
        if match is None:
            self.malformed += 1
            return
        key = match.group(1).upper()
        if not self.previous < key:
            self.unsorted += 1
        self.previous = key


def old_verify(path: Path) -> tuple[int, bool]:
    tally = _OldTally()
    carry = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_OLD_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            tally.add_block(data[:cut])
            carry = data[cut:]
    if carry:
        tally.add_line(carry)
    return tally.lines, tally.unsorted == 0 and tally.malformed == 0


# -- the benchmark --------------------------------------------------------------------------------------


def ensure_file(lines: int) -> Path:
    path = OUT / f"hibp-verify-{lines}-v2.txt"  # v2: runs from range 00000 to FFFFF with a line in every range
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20260301)
    step = (1 << 160) // lines  # at least 1,048,576 lines: consecutive lines never skip a whole range
    partial = path.with_suffix(".tmp")
    with partial.open("w", encoding="ascii", newline="\n") as stream:
        batch: list[str] = []
        for n in range(lines):
            value = n * step + rng.randrange(step)
            batch.append(f"{value:040X}:{rng.randint(1, 5000)}\n")
            if len(batch) >= 100_000:
                stream.write("".join(batch))
                batch.clear()
        stream.write("".join(batch))
    partial.rename(path)
    return path


def warm(path: Path) -> None:
    with path.open("rb") as stream:
        while stream.read(16 << 20):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=4_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    path = ensure_file(args.lines)
    size = path.stat().st_size
    warm(path)
    print(f"file: {path} ({size / 1e6:.0f} MB, {args.lines:,} lines), in the page cache")
    old_times: list[float] = []
    new_times: list[float] = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        lines, ok = old_verify(path)
        old_times.append(time.perf_counter() - started)
        assert ok and lines == args.lines
        started = time.perf_counter()
        report = verify_hibp_file(path, remember=False)
        new_times.append(time.perf_counter() - started)
        assert report.ok and report.lines == args.lines
    old, new = statistics.median(old_times), statistics.median(new_times)
    print(f"previous verify: {size / old / 1e6:6.0f} MB/s (median of {args.rounds}: {old:.2f} s)")
    print(f"verify today:    {size / new / 1e6:6.0f} MB/s (median of {args.rounds}: {new:.2f} s)")
    print(f"speed-up: {old / new:.1f}x (target >= 3x)  [cpu count {os.cpu_count()}]")


if __name__ == "__main__":
    main()
