"""Benchmark: audit of a 10,000-entry vault (6,000 distinct passwords), and AES-KDF unlocking vs pykeepass.

Run: python bench/audit_bench.py   (prints entries/s, peak memory and the unlocking ratio)
Targets on a 2-core machine: audit < 3 s excluding the KDF, peak RSS < 300 MB, unlocking >= 5x pykeepass.
"""

from __future__ import annotations

import json
import random
import resource
import string
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reuse_audit.audit import AuditOptions, Check, ExposureSettings, run_audit  # noqa: E402
from reuse_audit.secret import Secret  # noqa: E402
from reuse_audit.vault.source import load_vault  # noqa: E402
from reuse_audit.vault.unlock import VaultKey, unlock  # noqa: E402

OUT = REPO / "bench" / "out"
WORDS = ("sunshine monkey dragon shadow master princess football baseball welcome flower summer winter "
         "purple orange silver golden tiger falcon river ocean forest castle rocket planet garden").split()


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


def build(path: Path) -> None:
    from pykeepass import create_database

    rng = random.Random(10_000)
    pws = passwords(rng, 6000)
    kp = create_database(str(path), password="bench")
    kdf = kp.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 1, 1024 * 1024, 1
    groups = [kp.add_group(kp.root_group, f"G{i}") for i in range(20)]
    for i in range(10_000):
        pw = pws[i] if i < 6000 else rng.choice(pws)
        kp.add_entry(groups[i % 20], f"Site {i}", f"user{i}@example.com", pw, url=f"https://s{i}.example.com/",
                     force_creation=True)
    kp.save()


def bench_audit() -> dict[str, float]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bench-10k.kdbx"
    if not path.exists():
        t = time.perf_counter()
        build(path)
        print(f"built {path.name} in {time.perf_counter() - t:.1f} s")
    key = VaultKey(Secret("bench"))
    t0 = time.perf_counter()
    vault = unlock(path, key)
    t1 = time.perf_counter()
    from reuse_audit.vault.source import read_contents

    contents = read_contents(vault, path, key.password)
    opts = AuditOptions(checks=frozenset({Check.REUSE, Check.STRENGTH, Check.VARIANTS, Check.EXPOSURE}),
                        exposure=ExposureSettings(offline=True))
    result = run_audit(contents, opts)
    t2 = time.perf_counter()
    audit_s = t2 - t1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"audit of {len(result.entries)} entries ({len(result.reuse_groups)} reuse groups, "
          f"{len(result.variant_groups)} variant groups): {audit_s:.2f} s excluding the KDF "
          f"(open+decrypt incl. cheap KDF {t1 - t0:.2f} s) -> {len(result.entries) / audit_s:,.0f} entries/s; "
          f"target < 3 s")
    print(f"peak RSS {rss_mb:.0f} MB (largest scoring worker {child_mb:.0f} MB); target < 300 MB")
    return {"audit_s": audit_s, "rss_mb": rss_mb}


def bench_kdf() -> dict[str, float] | None:
    corpus = REPO.parent / "shared" / "kdbx-corpus"
    rows = {r["file"]: r for r in json.loads((corpus / "manifest.json").read_text())} \
        if (corpus / "manifest.json").exists() else {}
    row = rows.get("keepassxc-cli/kpxc_reuse_weak.kdbx")
    if row is None:
        print("AES-KDF: shared corpus vault not found; skipped")
        return None
    from pykeepass import PyKeePass

    path = corpus / row["file"]
    t = time.perf_counter()
    PyKeePass(str(path), password=row["password"])
    plain = time.perf_counter() - t
    t = time.perf_counter()
    load_vault(path, VaultKey(Secret(row["password"])))
    ours = time.perf_counter() - t
    rounds = row["kdf_params"].get("rounds")
    print(f"AES-KDF ({rounds:,} rounds) unlock: pykeepass {plain:.2f} s, reuse-audit {ours:.2f} s "
          f"-> {plain / ours:.1f}x faster; target >= 5x")
    return {"plain_s": plain, "ours_s": ours}


if __name__ == "__main__":
    bench_kdf()
    bench_audit()
