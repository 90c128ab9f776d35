"""The strength check: the "12+ characters with symbols" policy and the zxcvbn score, once per password."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # the command line's options read StrengthPolicy: no multiprocessing for them
    from reuse_audit.checks.workers import CpuPool, Pending


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


_DIGITS = frozenset("0123456789")
_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def character_classes(password: str) -> tuple[str, ...]:
    """Which classes occur: a symbol is anything that is not a Unicode letter or digit.

    Composed first (NFC), so a decomposed "é" (e + combining accent) is a letter, not a letter and a symbol.
    """
    if password.isascii():  # the same answer, without a Unicode lookup per character
        classes = (("lower", password != password.upper()), ("upper", password != password.lower()),
                   ("digit", not _DIGITS.isdisjoint(password)), ("symbol", not _ALNUM.issuperset(password)))
        return tuple(k for k, present in classes if present)
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


def _scores_alone(passwords: list[str]) -> list[int]:
    """zxcvbn scores with no user inputs (a worker's task while the vault is read)."""
    return [_score((p, [])) for p in passwords]


# zxcvbn's l33t table (zxcvbn-rs: a letter and the characters that may stand for it). A user input can only match
# a password where each of its characters equals the password's (lower-cased) character or is a letter that
# character stands for. Mapping both sides through _CANON keeps every such pair equal: the letters that share a
# l33t character (i, l, t: "1", "|", "7") become one, and each l33t character becomes its letter.
_L33T = {"a": "4@", "b": "8", "c": "({[<", "e": "3", "g": "69", "i": "1!|", "l": "1|7", "o": "0", "s": "$5", "t": "+7",
         "x": "%", "z": "2"}
_MERGED = "\x00"
_CANON = str.maketrans({**{c: letter for letter, subs in _L33T.items() for c in subs},
                        **{c: _MERGED for c in "il1!|7t+"}})


def _canon(text: str) -> str:
    return text.lower().translate(_CANON)


def inputs_may_match(password: str, user_inputs: Sequence[str]) -> bool:
    """Whether zxcvbn could match one of ``user_inputs`` in ``password`` (forwards, reversed or l33t), which is
    the only way user inputs change its result: when this is False, the score without them is the score with
    them. Errs towards True (a non-ASCII password always, since case mapping may change its length)."""
    if not password.isascii():
        return True
    forwards = _canon(password)
    backwards = forwards[::-1]
    for word in user_inputs:
        canon = _canon(word)
        if canon and (canon in forwards or canon in backwards):
            return True
    return False


#: Passwords per task once the vault has been read (zxcvbn: about a tenth of a second).
REST_TASK = 128


class EarlyScoring:
    """zxcvbn scores (without user inputs) of the passwords met while the vault is still being read, computed
    meanwhile by the prestarted worker processes: scoring is the longest check, and reading a large vault the
    longest step before the checks. The passwords go to the workers through the pool's pipes.

    While the vault is read, a batch goes to each worker that is idle; when it has been read (:meth:`flush`),
    the rest is queued in tasks of :data:`REST_TASK` passwords, which the workers keep taking while the entries
    become credentials (:meth:`poll`) and the checks are prepared: a task submitted ``first`` (the variant
    search, the longest after scoring) then waits for one of them at most, not for all the scoring.
    :func:`start_scoring` takes a score from here only where :func:`inputs_may_match` shows the entries' user
    inputs cannot change it, so the results are those of scoring after the read.
    """

    def __init__(self, pool: CpuPool, batch: int = 32) -> None:
        self._pool = pool
        self._batch = batch
        self._seen: set[str] = set()
        self._unsent: list[str] = []
        self._pending: list[tuple[list[str], Pending[list[int]]]] = []
        self._scores: dict[str, int] = {}
        self._flushed = False

    def add(self, password: str) -> None:
        """A password read from the vault; a repeated one is scored once."""
        if password in self._seen or self._flushed:
            return
        self._seen.add(password)
        self._unsent.append(password)
        if len(self._unsent) % self._batch == 0:  # (each poll is a system call: once a batch)
            idle = self._pool.poll()
            while idle and len(self._unsent) >= self._batch:
                self._send(self._unsent[: self._batch])
                del self._unsent[: self._batch]
                idle -= 1

    def __contains__(self, password: str) -> bool:
        return password in self._seen

    def _send(self, batch: list[str]) -> None:
        self._pending.append((batch, self._pool.apply_async(_scores_alone, (batch,))))

    def _receive(self) -> None:
        for batch, pending in self._pending:
            self._scores.update(zip(batch, pending.get(), strict=True))
        self._pending.clear()

    def flush(self) -> None:
        """The vault has been read: wait for the batches out (a few milliseconds), then share out the rest."""
        if self._flushed:
            return
        self._flushed = True
        self._receive()
        rest, self._unsent = self._unsent, []
        for start in range(0, len(rest), REST_TASK):
            self._send(rest[start : start + REST_TASK])

    def poll(self) -> None:
        """Take the workers' replies and give them queued tasks (never waits): called now and then by a caller
        busy with other work."""
        self._pool.poll()

    def scores(self) -> dict[str, int]:
        """Wait for every score."""
        self.flush()
        self._receive()
        return self._scores


def start_scoring(passwords: Sequence[str], user_inputs: Sequence[list[str]], policy: StrengthPolicy,
                  pool: CpuPool | None = None, early: EarlyScoring | None = None
                  ) -> Callable[[], list[StrengthResult]]:
    """Start scoring on ``pool`` (or lazily here without one); the returned function waits for the results.

    zxcvbn holds the GIL, so threads would not help: worker processes use every core while the caller
    runs other checks. A password ``early`` has scored already is not scored again unless its user inputs may
    change the score.
    """
    jobs = [(p, [u for u in ins if u]) for p, ins in zip(passwords, user_inputs, strict=True)]
    if early is not None:
        early.flush()
        todo = [j for j in jobs if j[0] not in early or inputs_may_match(*j)]
    else:
        todo = jobs
    if pool is None:
        computed: Callable[[], list[int]] = lambda: [_score(j) for j in todo]  # noqa: E731
    else:
        workers = os.cpu_count() or 2
        pending = pool.map_async(_score, todo, chunksize=max(1, len(todo) // (workers * 8)))
        computed = pending.get

    def results() -> list[StrengthResult]:
        fresh = dict(zip((p for p, _ in todo), computed(), strict=True))
        known = early.scores() if early is not None else {}
        scores = [fresh.get(p, known.get(p)) for p in passwords]
        if None in scores:  # cannot happen (every early password is scored, or its task raised); never a KeyError,
            raise RuntimeError("a password was not scored")  # which would carry the password
        return _results(passwords, cast(list[int], scores), policy)

    return results


def _results(passwords: Sequence[str], scores: Sequence[int], policy: StrengthPolicy) -> list[StrengthResult]:
    results = []
    for p, s in zip(passwords, scores, strict=True):
        classes = character_classes(p)
        failures = policy_failures(len(p), classes, policy)
        results.append(StrengthResult(s, len(p), classes, not failures, failures))
    return results
