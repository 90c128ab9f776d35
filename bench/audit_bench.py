"""Benchmark: the whole `reuse-audit audit` process against `keepassxc-cli db-info`, start-up, and AES-KDF unlocking.

Run: python bench/audit_bench.py [--sizes 500,10000,50000] [--runs N] [--skip-kdf] [--skip-startup]

- Whole process, all checks, offline, JSON to stdout (as a script or a scheduled audit runs it), on synthetic
  vaults of 500, 10,000 and 50,000 entries (60% distinct passwords; a third of the entries with two older
  versions, notes, tags; one in 30 with a one-time code), against `keepassxc-cli db-info` on the same file in
  the same run (KeePassXC's own reuse and zxcvbn statistics over every entry, in C++). Prints the minimum
  and the median of each (wall and CPU seconds, workers' CPU included) and the ratios. Targets:
  10,000 entries <= 2.5x keepassxc-cli, 500 entries <= 6x. Skipped cleanly where keepassxc-cli is absent.
- Peak resident memory of each process of the run: the audit's own process and its largest worker
  (POSIX; target: every process of the 50,000-entry run under 400 MB).
- Start-up: `--help`, `demo` and `audit` of the 500-entry vault, wall time and the modules' import time
  (``python -X importtime``).
- Unlocking a 1M-round AES-KDF vault of the shared corpus: ours vs plain pykeepass (target >= 5x).

The machine is shared: read the minimum and the median together, and re-run when they are far apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUT = REPO / "bench" / "out"
PASSWORD = "bench"
VAULT_FORMAT = 3  # bump when the synthetic vaults change (their file names carry it)
WORDS = ("sunshine monkey dragon shadow master princess football baseball welcome flower summer winter "
         "purple orange silver golden tiger falcon river ocean forest castle rocket planet garden").split()
TARGET_RATIO = {10_000: 2.5, 500: 6.0}
TARGET_PEAK_MB = {50_000: 400.0}
# Run the CLI in a child that reports its own peak RSS and its largest child's (the workers) on exit.
_RUNNER = """
import atexit, json, os, sys
def _report():
    try:
        import resource
    except ImportError:
        return
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    with open(os.environ["BENCH_RSS_FILE"], "w") as out:
        json.dump({"parent_mb": own * scale / 2**20, "worker_mb": kids * scale / 2**20}, out)
atexit.register(_report)
sys.argv = ["reuse-audit", *sys.argv[1:]]
from reuse_audit.cli import main
main()
"""


def passwords(rng: random.Random, n: int) -> list[str]:
    out: set[str] = set()
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*-_=+"
    while len(out) < n:
        kind = len(out) % 4
        if kind == 0:
            out.add(rng.choice(WORDS) + str(rng.randint(0, 99999)))
        elif kind == 1:
            out.add("-".join(rng.choice(WORDS) for _ in range(4)) + str(rng.randint(0, 99)))
        else:
            out.add("".join(rng.choice(alphabet) for _ in range(rng.randint(16, 40))))
    return list(out)


def build(path: Path, entries: int) -> None:
    """A vault of ``entries`` entries in 20 groups, 60% distinct passwords; a third of the entries with two older
    versions, notes and tags, one in 30 with a one-time code. pykeepass makes 60 model entries; each entry is a
    copy of one with its own UUID, title, login, URL and passwords (adding 50,000 through pykeepass takes long)."""
    import base64
    import copy
    import uuid

    from pykeepass import create_database

    rng = random.Random(entries)
    pws = passwords(rng, entries * 6 // 10)
    kp = create_database(str(path), password=PASSWORD)
    kdf = kp.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 1, 1024 * 1024, 1
    groups = [kp.add_group(kp.root_group, f"G{i}") for i in range(20)]
    models = []
    for i in range(60):
        old = ["old-a", "old-b"] if i % 3 == 0 else []
        e = kp.add_entry(groups[0], f"model {i}", "u", old[0] if old else "pw", url="https://x.example/",
                         notes="account number", tags=["work", f"t{i % 13}"] if i % 3 == 0 else None,
                         force_creation=True)
        for value in old[1:] + ["pw"] if old else []:
            e.save_history()
            e.password = value
        if i % 50 == 0:
            e.otp = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
        models.append(e._element)
    for model in models:
        model.getparent().remove(model)

    def put(element: object, fields: dict[str, str]) -> None:
        for item in element.findall("String"):  # type: ignore[attr-defined]
            key = item.findtext("Key")
            if key in fields:
                item.find("Value").text = fields[key]

    for i in range(entries):
        pw = pws[i] if i < len(pws) else rng.choice(pws)
        element = copy.deepcopy(models[i % 60])
        ident = base64.b64encode(uuid.UUID(int=rng.getrandbits(128)).bytes).decode()
        element.find("UUID").text = ident
        put(element, {"Title": f"Site {i}", "UserName": f"user{i}@example.com", "Password": pw,
                      "URL": f"https://s{i % 5000}.example{i % 7}.com/login", "Notes": f"account number {i}"})
        history = element.find("History")
        if history is not None:
            for n, version in enumerate(history.findall("Entry")):
                version.find("UUID").text = ident
                put(version, {"Title": f"Site {i}", "UserName": f"user{i}@example.com",
                              "Password": rng.choice(pws) if n == 0 else pws[i % len(pws)] + "!"})
        groups[i % 20]._element.append(element)
    kp.save()


def vault(entries: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bench-audit-{entries}-v{VAULT_FORMAT}.kdbx"
    if not path.exists():
        t = time.perf_counter()
        partial = path.with_suffix(".partial")
        build(partial, entries)
        partial.replace(path)
        print(f"built {path.name} in {time.perf_counter() - t:.1f} s", flush=True)
    return path


@dataclass
class Run:
    wall: float
    cpu: float | None  # user + system of the process and every child it waited for
    peaks: dict[str, float]


def timed(cmd: list[str], stdin: str, env: dict[str, str] | None = None, rss_file: Path | None = None) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, text=True)
    try:
        _out, err = proc.communicate(stdin, timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise SystemExit(f"timed out: {' '.join(cmd[:4])}") from None
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])}... exited {proc.returncode}: {err.strip()[-500:]}")
    peaks = json.loads(rss_file.read_text()) if rss_file is not None and rss_file.exists() else {}
    return Run(wall, _children_cpu_since(), peaks)


_cpu_seen = 0.0


def _children_cpu_since() -> float | None:
    """CPU seconds of the children waited for since the previous call (POSIX only)."""
    global _cpu_seen
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    spent, _cpu_seen = total - _cpu_seen, total
    return spent


def ours(path: Path, runs: int) -> list[Run]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss.json"
        env = {**os.environ, "BENCH_RSS_FILE": str(rss_file), "REUSE_AUDIT_LANG": "en"}
        cmd = [sys.executable, "-c", _RUNNER, "audit", str(path), "--password-stdin", "--offline",
               "--format", "json", "--quiet"]
        _children_cpu_since()
        for _ in range(runs):
            rss_file.unlink(missing_ok=True)
            out.append(timed(cmd, PASSWORD + "\n", env, rss_file))
    return out


def keepassxc(path: Path, runs: int, cli: str) -> list[Run]:
    _children_cpu_since()
    return [timed([cli, "db-info", "-q", str(path)], PASSWORD + "\n") for _ in range(runs)]


def summary(runs: list[Run]) -> tuple[float, float, float | None]:
    walls = [r.wall for r in runs]
    cpus = [r.cpu for r in runs if r.cpu is not None]
    return min(walls), statistics.median(walls), (statistics.median(cpus) if cpus else None)


def bench_sizes(sizes: list[int], runs: int) -> dict[int, dict[str, float]]:
    cli = shutil.which("keepassxc-cli")
    if cli is None:
        print("keepassxc-cli not found: ratios skipped (install KeePassXC to compare)")
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        path = vault(size)
        n = runs if size <= 10_000 else max(1, runs // 2)
        # interleaved, so that a noisy moment of the shared machine falls on both
        mine: list[Run] = []
        theirs: list[Run] = []
        for _ in range(n):
            mine += ours(path, 1)
            if cli is not None:
                theirs += keepassxc(path, 1, cli)
        lo, med, cpu = summary(mine)
        row: dict[str, float] = {"min_s": lo, "median_s": med}
        cpu_text = f", CPU {cpu:.2f} s" if cpu is not None else ""
        line = f"{size:>6,} entries: reuse-audit audit min {lo:.2f} s, median {med:.2f} s{cpu_text}"
        if theirs:
            klo, kmed, kcpu = summary(theirs)
            kcpu_text = f", CPU {kcpu:.2f} s" if kcpu is not None else ""
            line += f" | keepassxc-cli db-info min {klo:.2f} s, median {kmed:.2f} s{kcpu_text}"
            row.update(kpxc_min_s=klo, ratio_min=lo / klo, ratio_median=med / kmed)
            line += f" | ratio {lo / klo:.1f}x (min), {med / kmed:.1f}x (median)"
            if size in TARGET_RATIO:
                line += f"; target <= {TARGET_RATIO[size]}x"
        print(line + f"  [{n} runs]", flush=True)
        peaks = [r.peaks for r in mine if r.peaks]
        if peaks:
            parent = max(p["parent_mb"] for p in peaks)
            worker = max(p["worker_mb"] for p in peaks)
            row.update(parent_mb=parent, worker_mb=worker)
            target = f"; target: every process < {TARGET_PEAK_MB[size]:.0f} MB" if size in TARGET_PEAK_MB else ""
            print(f"        peak RSS: audit process {parent:.0f} MB, largest worker {worker:.0f} MB{target}")
        results[size] = row
    return results


def _import_ms(stderr: str) -> float:
    """Total import time (top-level entries of ``-X importtime``), in milliseconds."""
    total = 0
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if m:
            total += int(m.group(1))
    return total / 1000


def bench_startup(vault_path: Path, runs: int) -> None:
    cases = {"--help": ["--help"], "demo": ["demo", "--quiet"],
             "audit (500 entries)": ["audit", str(vault_path), "--password-stdin", "--offline", "--format", "json",
                                     "--quiet"]}
    env = {**os.environ, "REUSE_AUDIT_LANG": "en"}
    for name, args in cases.items():
        cmd = [sys.executable, "-m", "reuse_audit", *args]
        walls = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, input=PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=120)
            walls.append(time.perf_counter() - t)
        imports = [_import_ms(subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], input=PASSWORD + "\n",
                                             capture_output=True, text=True, env=env, timeout=120).stderr)
                   for _ in range(3)]
        print(f"start-up {name}: wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
              f"imports {min(imports):.0f} ms (min of 3, -X importtime)")


def bench_kdf() -> None:
    from reuse_audit.secret import Secret
    from reuse_audit.vault.source import load_vault
    from reuse_audit.vault.unlock import VaultKey

    corpus = REPO.parent / "shared" / "kdbx-corpus"
    rows = {r["file"]: r for r in json.loads((corpus / "manifest.json").read_text())} \
        if (corpus / "manifest.json").exists() else {}
    row = rows.get("keepassxc-cli/kpxc_reuse_weak.kdbx")
    if row is None:
        print("AES-KDF: shared corpus vault not found; skipped")
        return
    from pykeepass import PyKeePass

    path = corpus / row["file"]
    t = time.perf_counter()
    PyKeePass(str(path), password=row["password"])
    plain = time.perf_counter() - t
    t = time.perf_counter()
    load_vault(path, VaultKey(Secret(row["password"])))
    mine = time.perf_counter() - t
    rounds = row["kdf_params"].get("rounds")
    print(f"AES-KDF ({rounds:,} rounds) unlock: pykeepass {plain:.2f} s, reuse-audit {mine:.2f} s "
          f"-> {plain / mine:.1f}x faster; target >= 5x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500,10000,50000")
    parser.add_argument("--runs", type=int, default=5, help="runs per size (half, at least 1, above 10,000)")
    parser.add_argument("--skip-kdf", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    # as installed: the modules compiled (this environment may be told not to write bytecode)
    subprocess.run([sys.executable, "-c", "import compileall, pathlib, reuse_audit; "
                    "compileall.compile_dir(pathlib.Path(reuse_audit.__file__).parent, quiet=1)"], check=True)
    if not args.skip_kdf:
        bench_kdf()
    if not args.skip_startup:
        bench_startup(vault(500), args.runs)
    bench_sizes(sizes, args.runs)


if __name__ == "__main__":
    main()
