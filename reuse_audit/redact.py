"""Hides vault passwords that also stand in displayed text (a username "admin" whose password is "admin")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

MASK = "[hidden]"
#: The masks to choose from: the first that holds no vault password ("hidden" may be one: the mask must not show it).
_MASKS = (MASK, "[masked]", "[\u2022\u2022\u2022]")
#: Shorter passwords are not masked inside other text: hiding every "1" or "ab" would garble every report.
MIN_LENGTH = 4


class Redactor:
    """Replaces every occurrence of any known password (of MIN_LENGTH or more) in a string with MASK, in any
    letter case ("Kamome" of the password "kamome" too: a host or an address is shown lower-cased); a text that
    is, as a whole, a shorter password (a login "abc" whose password is "abc") is MASK too.

    Passwords are indexed by their first MIN_LENGTH characters, lower-cased, so a text costs one dictionary
    lookup per position however many passwords the vault holds (a regex alternation of thousands is far slower).
    """

    __slots__ = ("_by_head", "_short", "_secrets", "mask")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = frozenset(s for s in secrets if s)
        lowered = {_lower(s) for s in self._secrets if len(s) >= MIN_LENGTH}
        self._short = frozenset(_lower(s) for s in self._secrets if len(s) < MIN_LENGTH)
        by_head: dict[str, list[str]] = defaultdict(list)
        for s in lowered:
            by_head[s[:MIN_LENGTH]].append(s)
        for candidates in by_head.values():
            candidates.sort(key=len, reverse=True)  # the longest match wins
        self._by_head = dict(by_head)
        self.mask = next((m for m in _MASKS if not any(s in _lower(m) for s in lowered | self._short)), _MASKS[-1])

    def also(self, secrets: Iterable[str]) -> Redactor:
        """A redactor that hides ``secrets`` too (a password the user typed, which the vault does not hold)."""
        return Redactor(self._secrets | frozenset(secrets))

    def __call__(self, text: str) -> str:
        if self._short and len(text.strip()) < MIN_LENGTH and _lower(text.strip()) in self._short:
            return self.mask
        if not self._by_head or len(text) < MIN_LENGTH:
            return text
        folded = _lower(text)
        if self._by_head.keys().isdisjoint([folded[i : i + MIN_LENGTH] for i in range(len(text) - MIN_LENGTH + 1)]):
            return text  # most text holds no password: no head of one anywhere (a set lookup per position, in C)
        out: list[str] = []
        i = start = 0
        last = len(text) - MIN_LENGTH
        while i <= last:
            candidates = self._by_head.get(folded[i : i + MIN_LENGTH])
            hit = next((c for c in candidates if folded.startswith(c, i)), None) if candidates else None
            if hit is None:
                i += 1
                continue
            out.append(text[start:i])
            out.append(self.mask)
            i = start = i + len(hit)
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)

    def __repr__(self) -> str:
        return "Redactor(***)"


def _lower(text: str) -> str:
    """``text`` in lower case, character for character (a character whose lower case is longer, such as "İ",
    is kept: positions in the lower-cased text must be those of the text). Final sigma is sigma: Python lower-cases
    "Σ" by its place in the text, so "ΚΩΔΙΚΟΣ" alone ends in "ς" but within "ΚΩΔΙΚΟΣabc" in "σ"."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)
    return lowered.replace("\u03c2", "\u03c3")
