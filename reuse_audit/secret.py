"""A wrapper for secrets whose repr and str never show the value."""

from __future__ import annotations

import hashlib


class Secret:
    """A password held in memory. ``repr``/``str`` are masked; use :meth:`reveal` on purpose."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the plaintext. Callers must never print, log or persist it."""
        return self._value

    def sha1_hex(self) -> str:
        """Uppercase SHA-1 hex of the UTF-8 password: an HIBP lookup key, never to be output whole."""
        return hashlib.sha1(self._value.encode("utf-8"), usedforsecurity=False).hexdigest().upper()

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values cannot be pickled")
