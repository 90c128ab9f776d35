"""Benchmark `reuse-audit bounces` on a ~200 MB mbox of 50,000 messages (a few thousand real bounces).

Builds bench/out/bounces-bench.mbox from the bounce corpus (kept between runs), then scans it in a fresh
process and prints the time, the process's CPU time (what the time would be on an idle machine: other load
only stretches the wall clock), messages per second and peak RSS. Targets: < 30 s and < 200 MB.

    python bench/bounces_bench.py [--messages 50000] [--bounces 3000] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "bounce-corpus"
OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 30.0
TARGET_RSS_MB = 200.0
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua meeting invoice schedule lunch project report").split()


def _mbox_escape(raw: bytes) -> bytes:
    body = raw.replace(b"\r\n", b"\n")
    if body.startswith(b"From "):  # some corpus files carry their own mbox separator line
        body = body.split(b"\n", 1)[1]
    lines = [b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n")]
    return b"\n".join(lines).rstrip(b"\n") + b"\n\n"


def _ordinary(rng: random.Random, n: int, when: datetime) -> bytes:
    size = rng.randint(1500, 6500)
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    lines = [" ".join(words[i:i + 12]) for i in range(0, len(words), 12)]
    headers = (
        f"Received: from mail{n % 97}.example.org (mail.example.org [192.0.2.{n % 250}]) by mx.example.com"
        f" (Postfix) with ESMTPS id A{n:08X}; {format_datetime(when)}\n"
        f"From: Friend {n % 500} <friend{n % 500}@example.org>\nTo: alice@example.com\n"
        f"Subject: Re: {rng.choice(WORDS)} {rng.choice(WORDS)} #{n}\nDate: {format_datetime(when)}\n"
        f"Message-ID: <m{n}@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
    )
    return headers.encode() + "\n".join(lines).encode() + b"\n"


def build(path: Path, messages: int, bounces: int, seed: int = 7) -> None:
    """Write the benchmark mbox: ordinary mail with corpus bounces spread through it."""
    corpus = sorted((CORPUS / "maildir-bsd").glob("*.eml"))
    if not corpus:
        sys.exit(f"bounce corpus not found at {CORPUS}")
    samples = [p.read_bytes() for p in corpus]
    rng = random.Random(seed)
    bounce_at = set(rng.sample(range(messages), bounces))
    start = datetime(2024, 5, 1, tzinfo=UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".part")
    with temp.open("wb") as out:
        for n in range(messages):
            when = start + timedelta(seconds=30 * n)
            raw = samples[n % len(samples)] if n in bounce_at else _ordinary(rng, n, when)
            out.write(f"From MAILER-DAEMON {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode())
            out.write(_mbox_escape(raw))
    temp.replace(path)


def scan_only(path: Path) -> None:
    """Scan in this (fresh) process and print one line of figures."""
    sys.path.insert(0, str(ROOT))
    from reuse_audit.bounces import find_compromised

    began = time.perf_counter()
    result = find_compromised([str(path)])
    elapsed = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_mb = usage.ru_maxrss / 1024
    print(f"{result.messages} {result.bounces} {len(result.accounts)} {elapsed:.3f} {rss_mb:.1f} "
          f"{usage.ru_utime + usage.ru_stime:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--bounces", type=int, default=3_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--scan-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_only:
        scan_only(args.scan_only)
        return 0
    path = OUT / f"bounces-bench-{args.messages}-{args.bounces}.mbox"
    if args.rebuild or not path.exists():
        began = time.perf_counter()
        build(path, args.messages, args.bounces)
        print(f"built {path} in {time.perf_counter() - began:.1f} s")
    size_mb = path.stat().st_size / 1e6
    done = subprocess.run([sys.executable, __file__, "--scan-only", str(path)], capture_output=True,
                          text=True, check=True)
    messages, bounces, accounts, seconds, rss, cpu = done.stdout.split()
    rate = int(messages) / float(seconds)
    print(f"mbox: {size_mb:.0f} MB, {messages} messages, {bounces} bounces recognised, {accounts} addresses")
    print(f"time: {float(seconds):.1f} s (target < {TARGET_SECONDS:.0f} s), {rate:,.0f} messages/s; "
          f"CPU {float(cpu):.1f} s")
    print(f"peak RSS: {float(rss):.0f} MB (target < {TARGET_RSS_MB:.0f} MB)")
    ok = float(seconds) < TARGET_SECONDS and float(rss) < TARGET_RSS_MB
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
