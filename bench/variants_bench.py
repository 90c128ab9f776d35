"""Benchmark of variant detection on 10,000 synthetic passwords, against naive all-pairs checking.

Run: python bench/variants_bench.py [--size N] [--baseline-size M] [--seed S]
Every password belongs to a synthetic site (its site names, as the audit passes them), and 2% are one base
with several sites' names swapped in. Prints timings (with and without site names), cluster counts by kind
of password, and whether the blocked search finds exactly the clusters an exhaustive all-pairs check finds
on the baseline subset. Prints no password.
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
SITES = (
    "gmail google amazon rakuten twitter facebook instagram github dropbox paypal netflix yahoo apple "
    "microsoft linkedin slack zoom spotify adobe ebay mercari docomo softbank line paypay nintendo steam "
    "discord reddit tiktok pinterest shopify stripe wise revolut chase citi hsbc mizuho resona aeon "
    "uniqlo nitori yodobashi biccamera jal ana expedia booking airbnb uber lyft doordash"
).split()
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


def _site_names(rng: random.Random) -> tuple[str, ...]:
    """An entry's site names as the audit gathers them: the service, a host label, a title word."""
    return (rng.choice(SITES), _pseudo_word(rng), rng.choice(("login", "mail", "shop", "bank", "cloud")))


def build_passwords(size: int, seed: int) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    """``size`` distinct passwords and, for each, its source (common, passphrase, random, variant or site)
    and the site names of the entry holding it."""
    rng = random.Random(seed)
    plan = [("variant", size // 50), ("site", size // 50), ("common", size // 4), ("passphrase", size // 4)]
    plan.append(("random", size - sum(n for _, n in plan)))
    makers = {"common": _common, "passphrase": _passphrase, "random": _random}
    passwords: list[str] = []
    sources: list[str] = []
    names: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for source, count in plan[2:] + plan[:2]:
        made = 0
        while made < count:
            if source == "variant":
                made_now = [(_mutate(rng, rng.choice(passwords)), _site_names(rng))]
            elif source == "site":  # one base, two or three sites' names swapped in
                base = _passphrase(rng) if rng.random() < 0.5 else _common(rng)
                sep, first = rng.choice("-_!."), rng.random() < 0.5
                sites = [_site_names(rng) for _ in range(rng.randint(2, 3))]
                made_now = [(f"{s[0]}{sep}{base}" if first else f"{base}{sep}{s[0]}", s) for s in sites]
            else:
                made_now = [(makers[source](rng), _site_names(rng))]
            for candidate, site in made_now[: count - made]:
                if candidate not in seen:
                    seen.add(candidate)
                    passwords.append(candidate)
                    sources.append(source)
                    names.append(site)
                    made += 1
    order = list(range(len(passwords)))
    rng.shuffle(order)
    return [passwords[i] for i in order], [sources[i] for i in order], [names[i] for i in order]


def exhaustive_clusters(passwords: Sequence[str], names: Sequence[tuple[str, ...]]) -> set[tuple[int, ...]]:
    """Components of the variant relation by checking every pair: the naive baseline."""
    parent = list(range(len(passwords)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(passwords)):
        for j in range(i + 1, len(passwords)):
            if variant_kind(passwords[i], passwords[j], names_a=names[i], names_b=names[j]) is not None:
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

    passwords, sources, names = build_passwords(args.size, args.seed)
    started = time.perf_counter()
    find_variant_groups(passwords)
    without_names = time.perf_counter() - started
    started = time.perf_counter()
    clusters = find_variant_groups(passwords, names)
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
    print(f"find_variant_groups: {elapsed:.2f} s with site names, {without_names:.2f} s without "
          f"(target < {TARGET_SECONDS:.0f} s)")
    print(f"clusters: {len(clusters)}  members: {sum(len(c.members) for c in clusters)}")
    print("clusters touching each source: " + ", ".join(f"{k}={v}" for k, v in sorted(by_source.items())))
    print("clusters per kind: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))

    subset, subset_names = passwords[: args.baseline_size], names[: args.baseline_size]
    started = time.perf_counter()
    expected = exhaustive_clusters(subset, subset_names)
    naive = time.perf_counter() - started
    started = time.perf_counter()
    found = {c.members for c in find_variant_groups(subset, subset_names)}
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
