"""Benchmark of variant detection on 10,000 synthetic passwords, against naive all-pairs checking.

Run: python bench/variants_bench.py [--size N] [--baseline-size M] [--seed S]
Prints timings, cluster counts by kind of password, and whether the blocked search finds exactly the
clusters an exhaustive all-pairs check finds on the baseline subset. Prints no password.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reuse_audit.checks.variants import find_variant_groups, variant_kind  # noqa: E402

TARGET_SECONDS = 5.0
COMMON_WORDS = (
    "password monkey dragon shadow master sunshine princess football baseball welcome login admin "
    "letmein qwerty freedom whatever trustno michael jennifer superman batman charlie summer winter "
    "autumn spring flower hunter ranger soccer hockey killer george andrew thomas jordan harley robert "
    "matthew daniel pepper ginger cookie coffee chocolate banana orange purple silver golden diamond "
    "angel heaven secret dolphin tiger lion eagle falcon phoenix thunder lightning starwars pokemon "
    "computer internet samsung iloveyou lovely family friends forever blessed jesus loveme mustang "
    "corvette ferrari porsche yankees lakers cowboys arsenal chelsea liverpool barcelona madrid berlin "
    "london paris tokyo boston chicago dallas denver august october november december january february "
    "maggie buster bailey molly daisy lucky rocky sparky snoopy garfield mickey minnie butterfly"
).split()
RANDOM_ALPHABET = string.ascii_letters + string.digits + "!#$%&*+-.:;<=>?@^_~"
CONSONANTS = "bcdfghjkmnprstvwz"
VOWELS = "aeiou"


def _pseudo_word(rng: random.Random) -> str:
    """A pronounceable dictionary-ish word, from a vocabulary of millions (so passphrases rarely collide)."""
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))


def _common(rng: random.Random) -> str:
    word = rng.choice(COMMON_WORDS)
    if rng.random() < 0.3:
        word = word.capitalize()
    return word + str(rng.randint(0, 10 ** rng.randint(1, 4) - 1))


def _passphrase(rng: random.Random) -> str:
    sep = rng.choice("-_. ")
    return sep.join(_pseudo_word(rng) for _ in range(4))


def _random(rng: random.Random) -> str:
    return "".join(rng.choice(RANDOM_ALPHABET) for _ in range(rng.randint(16, 40)))


def _mutate(rng: random.Random, password: str) -> str:
    step = rng.randrange(4)
    if step == 0:
        return password + str(rng.randint(0, 99))
    if step == 1:
        return password.swapcase()
    if step == 2:
        return password.replace("a", "@").replace("o", "0").replace("e", "3") + "!"
    return password[:-1] + rng.choice("!?#")


def build_passwords(size: int, seed: int) -> tuple[list[str], list[str]]:
    """``size`` distinct passwords and, for each, its source: common, passphrase, random or variant."""
    rng = random.Random(seed)
    plan = [("variant", size // 50), ("common", size // 4), ("passphrase", size // 4)]
    plan.append(("random", size - sum(n for _, n in plan)))
    makers = {"common": _common, "passphrase": _passphrase, "random": _random}
    passwords: list[str] = []
    sources: list[str] = []
    seen: set[str] = set()
    for source, count in plan[1:] + plan[:1]:
        made = 0
        while made < count:
            if source == "variant":
                candidate = _mutate(rng, rng.choice(passwords))
            else:
                candidate = makers[source](rng)
            if candidate not in seen:
                seen.add(candidate)
                passwords.append(candidate)
                sources.append(source)
                made += 1
    order = list(range(len(passwords)))
    rng.shuffle(order)
    return [passwords[i] for i in order], [sources[i] for i in order]


def exhaustive_clusters(passwords: Sequence[str]) -> set[tuple[int, ...]]:
    """Components of the variant relation by checking every pair: the naive baseline."""
    parent = list(range(len(passwords)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(passwords)):
        for j in range(i + 1, len(passwords)):
            if variant_kind(passwords[i], passwords[j]) is not None:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(passwords)):
        groups.setdefault(root(i), []).append(i)
    return {tuple(g) for g in groups.values() if len(g) >= 2}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--baseline-size", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    passwords, sources = build_passwords(args.size, args.seed)
    started = time.perf_counter()
    clusters = find_variant_groups(passwords)
    elapsed = time.perf_counter() - started

    by_source: dict[str, int] = {}
    for cluster in clusters:
        for source in {sources[i] for i in cluster.members}:
            by_source[source] = by_source.get(source, 0) + 1
    kinds: dict[str, int] = {}
    for cluster in clusters:
        for kind in cluster.kinds:
            kinds[kind] = kinds.get(kind, 0) + 1
    print(f"passwords: {len(passwords)}  (seed {args.seed})")
    print(f"find_variant_groups: {elapsed:.2f} s  (target < {TARGET_SECONDS:.0f} s)")
    print(f"clusters: {len(clusters)}  members: {sum(len(c.members) for c in clusters)}")
    print("clusters touching each source: " + ", ".join(f"{k}={v}" for k, v in sorted(by_source.items())))
    print("clusters per kind: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))

    subset = passwords[: args.baseline_size]
    started = time.perf_counter()
    expected = exhaustive_clusters(subset)
    naive = time.perf_counter() - started
    started = time.perf_counter()
    found = {c.members for c in find_variant_groups(subset)}
    blocked = time.perf_counter() - started
    scale = (args.size / len(subset)) ** 2
    print(
        f"baseline all-pairs on {len(subset)}: {naive:.2f} s, extrapolated to {args.size}: "
        f"{naive * scale:.0f} s  (blocked search on the same subset: {blocked:.3f} s)"
    )
    print(f"speed-up at {args.size}: {naive * scale / elapsed:.0f}x")
    print(f"blocked clusters equal exhaustive clusters on the subset: {'yes' if found == expected else 'NO'}")
    # Deliberate variants are labelled "variant", so a cluster holding two generated random passwords or
    # two generated passphrases links strangers: a false positive.
    strangers = sum(
        1
        for cluster in clusters
        if max(sum(sources[i] == source for i in cluster.members) for source in ("random", "passphrase")) >= 2
    )
    print(f"clusters linking two unrelated random passwords or passphrases: {strangers}")
    ok = elapsed < TARGET_SECONDS and found == expected and strangers == 0
    print("result: " + ("OK" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
