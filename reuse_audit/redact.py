"""Hides vault passwords that also stand in displayed text (a username "admin" whose password is "admin")."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[hidden]"
#: Shorter passwords are not masked inside other text: hiding every "1" or "ab" would garble every report.
MIN_LENGTH = 4


class Redactor:
    """Replaces every occurrence of any known password (of MIN_LENGTH or more) in a string with MASK."""

    __slots__ = ("_pattern",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        words = sorted({s for s in secrets if len(s) >= MIN_LENGTH}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def __repr__(self) -> str:
        return "Redactor(***)"
