"""Bounded string distances for variant detection: small edit distance and long shared substrings."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_osa_distance: Any = None  # rapidfuzz's, imported at the first use: the search runs in a worker (14 ms of imports)


def within_edits(a: str, b: str, limit: int) -> bool:
    """True when ``a`` becomes ``b`` in at most ``limit`` edits.

    An edit is inserting, deleting or replacing one character, or swapping two adjacent characters
    (optimal string alignment distance), computed in C by rapidfuzz with an early cut-off at ``limit``.
    """
    global _osa_distance
    if abs(len(a) - len(b)) > limit:
        return False
    if _osa_distance is None:
        from rapidfuzz.distance import OSA

        _osa_distance = OSA.distance
    return bool(_osa_distance(a, b, score_cutoff=limit) <= limit)


def shares_run(a: str, bounds_a: tuple[int, ...], b: str, bounds_b: tuple[int, ...], length: int) -> bool:
    """True when ``a`` and ``b`` share a run of at least ``length`` characters made of whole tokens.

    ``bounds_a``/``bounds_b`` are the sorted token boundaries of each string (0 and its length included):
    the common run must start and end on a boundary in both, so "hunter" and "winter" sharing "nter" do
    not count, while "correct-horse-battery-" shared by two passphrases does.
    """
    if length > len(a) or length > len(b):
        return False
    runs = whole_token_runs(b, bounds_b, length)
    return bool(runs) and not runs.isdisjoint(whole_token_runs(a, bounds_a, length))


@lru_cache(maxsize=1 << 15)
def whole_token_runs(text: str, bounds: tuple[int, ...], length: int) -> frozenset[str]:
    """Substrings of ``text`` of at least ``length`` characters that start and end on ``bounds``."""
    return frozenset(text[start:end] for x, start in enumerate(bounds) for end in bounds[x + 1 :]
                     if end - start >= length)
