"""The strength check: the "12+ characters with symbols" policy and the zxcvbn score, once per password."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's options read StrengthPolicy: no multiprocessing for them
    from reuse_audit.checks.workers import CpuPool


@dataclass(frozen=True)
class StrengthPolicy:
    """The guidance users are given: at least ``min_length`` characters, with a symbol if required."""

    min_length: int = 12
    require_symbol: bool = True


@dataclass(frozen=True)
class StrengthResult:
    """Strength of one distinct password: never the password itself."""

    score: int  # zxcvbn 0-4 (it scores the first 100 characters)
    length: int  # code points, as KeePass counts
    classes: tuple[str, ...]  # of lower, upper, letter (caseless, e.g. kana), digit, symbol
    meets_policy: bool
    policy_failures: tuple[str, ...]

    @property
    def weak(self) -> bool:
        return self.score <= 2


def character_classes(password: str) -> tuple[str, ...]:
    """Which classes occur: a symbol is anything that is not a Unicode letter or digit.

    Composed first (NFC), so a decomposed "é" (e + combining accent) is a letter, not a letter and a symbol.
    """
    seen: set[str] = set()
    for ch in unicodedata.normalize("NFC", password):
        cat = unicodedata.category(ch)
        if cat == "Lu":
            seen.add("upper")
        elif cat == "Ll":
            seen.add("lower")
        elif cat.startswith("L"):
            seen.add("letter")
        elif cat.startswith("N"):
            seen.add("digit")
        else:
            seen.add("symbol")
    return tuple(k for k in ("lower", "upper", "letter", "digit", "symbol") if k in seen)


def policy_failures(length: int, classes: tuple[str, ...], policy: StrengthPolicy) -> tuple[str, ...]:
    """The ways a password misses the policy, in words."""
    out = []
    if length < policy.min_length:
        out.append(f"{length} characters (fewer than {policy.min_length})")
    if policy.require_symbol and "symbol" not in classes:
        out.append("no symbol")
    return tuple(out)


def _score(job: tuple[str, list[str]]) -> int:
    from zxcvbn_rs_py import zxcvbn

    password, inputs = job
    return int(zxcvbn(password, user_inputs=inputs).score)


def start_scoring(passwords: Sequence[str], user_inputs: Sequence[list[str]], policy: StrengthPolicy,
                  pool: CpuPool | None = None) -> Callable[[], list[StrengthResult]]:
    """Start scoring on ``pool`` (or lazily here without one); the returned function waits for the results.

    zxcvbn holds the GIL, so threads would not help: worker processes use every core while the caller
    runs other checks.
    """
    jobs = [(p, [u for u in ins if u]) for p, ins in zip(passwords, user_inputs, strict=True)]
    if pool is None:
        return lambda: _results(passwords, [_score(j) for j in jobs], policy)
    workers = os.cpu_count() or 2
    pending = pool.map_async(_score, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
    return lambda: _results(passwords, pending.get(), policy)


def _results(passwords: Sequence[str], scores: Sequence[int], policy: StrengthPolicy) -> list[StrengthResult]:
    results = []
    for p, s in zip(passwords, scores, strict=True):
        classes = character_classes(p)
        failures = policy_failures(len(p), classes, policy)
        results.append(StrengthResult(s, len(p), classes, not failures, failures))
    return results
