"""Benchmark: online HIBP range checks of a 2,000-entry vault against a local server with 20 ms latency.

Compares check_exposure (one request per distinct prefix, 16 pooled connections) with the usual client
(one fresh connection and request per entry, sequentially), and with the ideal prefixes x latency / workers.
Run: python bench/hibp_online.py
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reuse_audit.exposure import ExposureStatus, check_exposure  # noqa: E402
from reuse_audit.exposure.session import USER_AGENT  # noqa: E402
from reuse_audit.secret import Secret  # noqa: E402


def sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


def serve(port_queue: multiprocessing.Queue[int], pwned: dict[str, int], latency: float) -> None:
    """A padded range API (about 900 rows per response, like the real one) in its own process."""
    rng = random.Random(0)
    filler = [f"{rng.getrandbits(140):035X}:{rng.choice([0, 0, 0, 1, 2, 5, 40])}" for _ in range(900)]
    by_prefix: dict[str, list[str]] = {}
    for digest, count in pwned.items():
        by_prefix.setdefault(digest[:5], []).append(f"{digest[5:]}:{count}")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:
            time.sleep(latency)
            prefix = self.path.rsplit("/", 1)[-1]
            body = "\r\n".join(sorted(filler + by_prefix.get(prefix, []))).encode()
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
            self.wfile.write(head.encode() + body)  # one write: no delayed-ACK stall

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def baseline(url: str, passwords: list[str]) -> float:
    """The usual client: for each entry, a fresh connection and request, one after another."""
    started = time.perf_counter()
    for password in passwords:
        digest = sha1(password)
        with requests.Session() as fresh:  # new connection each time, as requests.get() does
            response = fresh.get(
                f"{url}/range/{digest[:5]}",
                headers={"Add-Padding": "true", "User-Agent": USER_AGENT},
                timeout=(5, 10),
            )
        response.raise_for_status()
        _ = digest[5:] in response.text
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=1500)
    parser.add_argument("--latency", type=float, default=0.020)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--baseline-cap", type=int, default=300)
    args = parser.parse_args()

    rng = random.Random(42)
    distinct = [f"{rng.getrandbits(64):016x}-{i}" for i in range(args.distinct)]
    entries = distinct + [rng.choice(distinct) for _ in range(args.entries - args.distinct)]
    rng.shuffle(entries)
    pwned = {sha1(p): rng.randint(1, 100_000) for p in rng.sample(distinct, args.distinct // 10)}
    prefixes = len({sha1(p)[:5] for p in entries})

    context = multiprocessing.get_context("fork")
    ports: multiprocessing.Queue[int] = context.Queue()
    server = context.Process(target=serve, args=(ports, pwned, args.latency), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=10)}"
    socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=5).close()
    try:
        started = time.perf_counter()
        results = check_exposure([Secret(p) for p in entries], hibp_url=url, workers=args.workers)
        ours = time.perf_counter() - started
        wrong = sum(
            (r.status is ExposureStatus.PWNED) != (sha1(p) in pwned) or (r.count or 0) != pwned.get(sha1(p), 0)
            for p, r in zip(entries, results, strict=True)
        )
        unknown = sum(r.status is ExposureStatus.UNKNOWN for r in results)

        sample = entries[: args.baseline_cap]
        measured = baseline(url, sample)
        extrapolated = measured * len(entries) / len(sample)
    finally:
        server.terminate()
        server.join()

    ideal = prefixes * args.latency / args.workers
    print(f"entries: {len(entries)}, distinct passwords: {args.distinct}, distinct prefixes: {prefixes}")
    print(f"latency per response: {args.latency * 1000:.0f} ms, workers: {args.workers}")
    print(f"check_exposure: {ours:.2f} s  (wrong answers: {wrong}, unknown: {unknown})")
    print(
        f"baseline (fresh connection per entry, sequential): {measured:.2f} s for {len(sample)} requests, "
        f"extrapolated to {len(entries)}: {extrapolated:.1f} s"
    )
    print(f"speed-up vs baseline: {extrapolated / ours:.1f}x  (target >= 10x)")
    print(f"ideal (prefixes x latency / workers): {ideal:.2f} s; ours / ideal: {ours / ideal:.2f}x (target <= 1.75x)")


if __name__ == "__main__":
    main()
