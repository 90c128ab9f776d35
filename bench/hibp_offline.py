"""Benchmark: offline lookups of 1,000 passwords in a sorted HASH:COUNT file of 50M+ lines.

Generates (once, cached under bench/out/) a sorted file of uniformly random SHA-1 hashes with the hashes of
500 of 1,000 known passwords inserted, verifies it once (`hibp verify`: recorded in the user cache, so
that its misses count as "not found"), then measures check_exposure in a fresh process: lookups/s,
distinct 4 KiB pages per lookup, peak RSS, cold (file evicted from the page cache) and warm. If the
``reuse-audit`` console script and ``keepassxc-cli`` exist, times both on a vault of those passwords.
Run: python bench/hibp_offline.py [--lines 51000000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OUT = Path(__file__).resolve().parent / "out"
SEED = 20240601
KNOWN = 1000
SEGMENTS = 16
MASTER = "bench-master-password"


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


def known_passwords() -> tuple[list[str], dict[str, int]]:
    """1,000 passwords (deterministic); the first 500 are in the file, with these counts."""
    rng = random.Random(SEED)
    passwords = [f"bench-{rng.getrandbits(48):012x}-{i}" for i in range(KNOWN)]
    return passwords, {sha1(p): rng.randint(1, 2_000_000) for p in passwords[: KNOWN // 2]}


def _segment(job: tuple[int, int, str, list[tuple[int, int]]]) -> str:
    """Write one key-range segment: hashes with exponential gaps (a uniform random set), merged with known."""
    index, lines, part, known = job
    rng = random.Random(SEED * 1000 + index)
    span = (1 << 160) // SEGMENTS
    start, end = index * span, (index + 1) * span if index < SEGMENTS - 1 else 1 << 160
    mean = float(1 << 160) / lines
    rand, bits, log = rng.random, rng.getrandbits, math.log
    # Breach counts are heavy-tailed: mostly 1-10, a few in the millions.
    counts = [str(max(1, int(math.exp(rng.expovariate(0.45))))) for _ in range(4096)]
    pending = sorted(k for k in known if start <= k[0] < end)
    k = 0
    value = start
    out: list[str] = []
    with open(part, "w", encoding="ascii", newline="\n") as stream:
        while True:
            value += int(-log(1.0 - rand()) * mean) + bits(64) + 1
            if value >= end:
                break
            while k < len(pending) and pending[k][0] <= value:
                if pending[k][0] != value:
                    out.append(f"{pending[k][0]:040X}:{pending[k][1]}\n")
                k += 1
            out.append(f"{value:040X}:{counts[bits(12)]}\n")
            if len(out) >= 200_000:
                stream.write("".join(out))
                out.clear()
        out += [f"{h:040X}:{c}\n" for h, c in pending[k:]]
        stream.write("".join(out))
    return part


def ensure_file(lines: int) -> Path:
    path = OUT / f"hibp-sha1-{lines}-seed{SEED}.txt"
    if path.exists():
        print(f"using cached {path} ({path.stat().st_size / 1e9:.2f} GB)")
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    _, pwned = known_passwords()
    known = [(int(h, 16), c) for h, c in pwned.items()]
    parts = [str(OUT / f".part-{i:02d}") for i in range(SEGMENTS)]
    jobs = [(i, lines, parts[i], known) for i in range(SEGMENTS)]
    print(f"generating {lines:,} sorted lines into {path} ...", flush=True)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 2) as pool:
        for done in pool.imap(_segment, jobs):
            print(f"  {Path(done).name} done", flush=True)
    partial = path.with_suffix(".tmp")
    with open(partial, "wb") as target:
        for part in parts:
            with open(part, "rb") as source:
                shutil.copyfileobj(source, target, 16 << 20)
            os.unlink(part)
    partial.rename(path)
    print(f"generated in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e9:.2f} GB")
    return path


def line_count(path: Path) -> int:
    """Lines in the generated file, counted once and kept next to it."""
    sidecar = path.with_suffix(".lines")
    if sidecar.exists():
        return int(sidecar.read_text())
    count = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(16 << 20):
            count += chunk.count(b"\n")
    sidecar.write_text(str(count))
    return count


def evict(path: Path) -> None:
    """Drop the file from the page cache, so the next lookups really go to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def ensure_verified(path: Path) -> None:
    """`hibp verify` the file once (recorded in the user cache): only then are its misses "not found"."""
    from reuse_audit.exposure import verify_hibp_file
    from reuse_audit.exposure.verified import CorpusIdentity, is_verified

    if is_verified(CorpusIdentity.of(path.stat())):
        print("file already verified (recorded in the user cache)")
        return
    started = time.perf_counter()
    report = verify_hibp_file(path)
    elapsed = time.perf_counter() - started
    print(f"hibp verify: {elapsed:.1f} s ({path.stat().st_size / elapsed / 1e6:.0f} MB/s): {report}")


def measure(path: Path) -> None:
    """In a fresh process: time check_exposure, then count pages with the same searcher."""
    from reuse_audit.exposure import ExposureStatus, check_exposure
    from reuse_audit.exposure.sorted_file import SortedHashFile
    from reuse_audit.secret import Secret

    passwords, pwned = known_passwords()
    secrets = [Secret(p) for p in passwords]
    started = time.perf_counter()
    results = check_exposure(secrets, hibp_file=path, offline=True)
    elapsed = time.perf_counter() - started
    wrong = sum(  # an unknown answer (an unverified file, the deadline) counts as wrong
        (r.count if r.status is not ExposureStatus.UNKNOWN else -1) != pwned.get(sha1(p), 0)
        for p, r in zip(passwords, results, strict=True)
    )
    with SortedHashFile(path) as hashes:
        hashes.lookup_many(sha1(p) for p in passwords)
        stats = hashes.stats
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "lookups": len(passwords),
                "wrong": wrong,
                "avg_pages": stats.average_pages,
                "max_pages": stats.max_pages,
                "open_pages": stats.open_pages,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_measure(path: Path, cold: bool) -> dict[str, float]:
    if cold:
        evict(path)
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def build_vault(directory: Path) -> Path | None:
    try:
        from pykeepass import create_database
    except ImportError:
        print("pykeepass not installed: skipping the vault runs")
        return None
    passwords, _ = known_passwords()
    vault = directory / "bench.kdbx"
    started = time.perf_counter()
    keepass = create_database(str(vault), password=MASTER)
    kdf = keepass.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 1, 1024 * 1024, 1  # cheap KDF: time our work, not Argon2
    for i, password in enumerate(passwords):
        keepass.add_entry(keepass.root_group, f"entry {i}", f"user{i}", password, url=f"https://site{i}.example")
    keepass.save()
    print(f"vault: {len(passwords)} entries, cheap Argon2 KDF, built in {time.perf_counter() - started:.1f} s")
    return vault


def timed(command: list[str], stdin: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    return time.perf_counter() - started, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=51_000_000, help="target line count (about)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    path = ensure_file(args.lines)
    size = path.stat().st_size
    print(f"file: {size / 1e9:.2f} GB, {line_count(path):,} lines")
    ensure_verified(path)

    for label, cold in (("cold (evicted from page cache)", True), ("warm", False)):
        m = run_measure(path, cold)
        print(
            f"check_exposure, {label}: {m['lookups']:.0f} lookups in {m['seconds']:.3f} s = "
            f"{m['lookups'] / m['seconds']:,.0f} lookups/s, wrong answers: {m['wrong']:.0f}"
        )
    print(
        f"distinct 4 KiB pages per lookup: avg {m['avg_pages']:.2f} (goal <= 3), max {m['max_pages']:.0f}; "
        f"{m['open_pages']:.0f} pages sampled once on open"
    )
    print(f"peak RSS of the measuring process: {m['peak_rss_mib']:.0f} MiB")

    cli = Path(sys.executable).parent / "reuse-audit"
    keepassxc = shutil.which("keepassxc-cli")
    if not cli.exists() and not keepassxc:
        print("neither reuse-audit nor keepassxc-cli found: skipping whole-command timings")
        return
    with tempfile.TemporaryDirectory() as tmp:
        vault = build_vault(Path(tmp))
        if vault is None:
            return
        ours: float | None = None
        if cli.exists():
            evict(path)
            command = [str(cli), "audit", str(vault), "--checks", "exposure", "--hibp-file", str(path)]
            command += ["--password-stdin", "--format", "json", "--offline", "--quiet"]
            ours, done = timed(command, MASTER + "\n")
            try:
                pwned = sum(e["exposure"]["status"] == "pwned" for e in json.loads(done.stdout)["entries"])
            except (ValueError, KeyError, TypeError):
                pwned = -1
            print(f"reuse-audit audit (subprocess, cold file): {ours:.2f} s, exit {done.returncode}")
            if done.returncode not in (0, 1):
                print(f"  stderr: {done.stderr.strip()[:300]}")
            else:
                print(f"  entries reported pwned: {pwned} (expected {KNOWN // 2})")
        else:
            print("reuse-audit console script not found: skipping its timing")
        if keepassxc:
            evict(path)
            theirs, done = timed([keepassxc, "analyze", "--hibp", str(path), str(vault)], MASTER + "\n")
            flagged = done.stdout.count("has been leaked")
            print(
                f"keepassxc-cli analyze --hibp (cold file): {theirs:.2f} s, exit {done.returncode}, "
                f"{flagged} entries reported leaked"
            )
            if ours:
                print(f"ratio keepassxc-cli / reuse-audit: {theirs / ours:.1f}x")
        else:
            print("keepassxc-cli not installed: skipping the comparison")


if __name__ == "__main__":
    main()
