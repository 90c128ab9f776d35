"""Finding kinds shared by every command, format, baseline and history file."""

from __future__ import annotations

from enum import StrEnum


class FindingKind(StrEnum):
    """One kind of problem with an entry's password; the values are stable identifiers."""

    MASTER_PASSWORD = "master_password"
    PWNED = "pwned"
    REUSED = "reused"
    VARIANT = "variant"
    WEAK = "weak"
    POLICY = "policy"
    EXPIRED = "expired"
    OLD = "old"


#: Worst first: the order findings are listed and entries are ranked in.
SEVERITY: tuple[FindingKind, ...] = tuple(FindingKind)

DEFAULT_FAIL_ON: frozenset[FindingKind] = frozenset(
    {FindingKind.MASTER_PASSWORD, FindingKind.PWNED, FindingKind.REUSED, FindingKind.WEAK, FindingKind.POLICY}
)


def parse_kinds(text: str) -> frozenset[FindingKind]:
    """Parse a comma-separated list of finding kinds; raise ValueError naming an unknown one."""
    kinds: set[FindingKind] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        try:
            kinds.add(FindingKind(part))
        except ValueError:
            known = ", ".join(k.value for k in FindingKind)
            raise ValueError(f"unknown finding kind {part!r} (known: {known})") from None
    return frozenset(kinds)
