"""Bounded string distances for variant detection: small edit distance and long shared substrings."""

from __future__ import annotations

from collections.abc import Sequence


def within_edits(a: str, b: str, limit: int) -> bool:
    """True when ``a`` becomes ``b`` in at most ``limit`` edits.

    An edit is inserting, deleting or replacing one character, or swapping two adjacent characters
    (optimal string alignment distance). Gives up as soon as a row of the table exceeds ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return False
    # Common ends cost nothing: trim them so the table covers only the differing middle.
    start = 0
    shortest = min(len(a), len(b))
    while start < shortest and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if not a or not b:
        return max(len(a), len(b)) <= limit
    # Only cells within `limit` of the diagonal can stay within `limit`: fill that band, the rest is over.
    over = limit + 1
    width = len(b)
    before: list[int] = []
    previous = [j if j <= limit else over for j in range(width + 1)]
    for i in range(1, len(a) + 1):
        current = [over] * (width + 1)
        if i <= limit:
            current[0] = i
        char = a[i - 1]
        lowest = current[0]
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            value = previous[j - 1] if char == b[j - 1] else previous[j - 1] + 1
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == b[j - 1] and before[j - 2] + 1 < value:
                value = before[j - 2] + 1
            current[j] = value
            if value < lowest:
                lowest = value
        if lowest > limit:
            return False
        before, previous = previous, current
    return previous[width] <= limit


def shares_run(a: str, bounds_a: Sequence[int], b: str, bounds_b: Sequence[int], length: int) -> bool:
    """True when ``a`` and ``b`` share a run of at least ``length`` characters made of whole tokens.

    ``bounds_a``/``bounds_b`` are the sorted token boundaries of each string (0 and its length included):
    the common run must start and end on a boundary in both, so "hunter" and "winter" sharing "nter" do
    not count, while "correct-horse-battery-" shared by two passphrases does.
    """
    if length > len(a) or length > len(b):
        return False
    runs = whole_token_runs(b, bounds_b, length)
    return bool(runs) and not runs.isdisjoint(whole_token_runs(a, bounds_a, length))


def whole_token_runs(text: str, bounds: Sequence[int], length: int) -> set[str]:
    """Substrings of ``text`` of at least ``length`` characters that start and end on ``bounds``."""
    return {text[start:end] for x, start in enumerate(bounds) for end in bounds[x + 1 :] if end - start >= length}
