"""SHA-1 keys for HIBP: the 5-character prefix that may leave the machine and the suffix that may not."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reuse_audit.secret import Secret

PREFIX_LENGTH = 5
_SHA1_HEX = re.compile(r"[0-9A-F]{40}")


@dataclass(frozen=True, repr=False)
class HashKey:
    """An uppercase SHA-1 hex digest split for a k-anonymity range lookup.

    ``repr`` shows nothing of the hash (not even the prefix), so a key that ends up in a log or a
    traceback leaks nothing.
    """

    digest: str

    def __post_init__(self) -> None:
        if not _SHA1_HEX.fullmatch(self.digest):
            raise ValueError("HashKey needs 40 uppercase hex characters")

    @classmethod
    def of(cls, password: Secret) -> HashKey:
        """The key of a password."""
        return cls(password.sha1_hex())

    @property
    def prefix(self) -> str:
        """The first 5 hex characters: the only part of the hash that may be sent, and never printed."""
        return self.digest[:PREFIX_LENGTH]

    @property
    def suffix(self) -> str:
        """The remaining 35 hex characters: compared locally, never sent, logged or stored."""
        return self.digest[PREFIX_LENGTH:]

    def __repr__(self) -> str:
        return "HashKey(...)"

    __str__ = __repr__


def suffixes_by_prefix(keys: Iterable[HashKey]) -> dict[str, set[str]]:
    """The distinct suffixes wanted under each distinct prefix: one range read (or request) per prefix."""
    by_prefix: dict[str, set[str]] = {}
    for key in keys:
        by_prefix.setdefault(key.prefix, set()).add(key.suffix)
    return by_prefix
