"""The reuse check: entries that hold the very same secret, grouped under opaque ids (R1, R2, ...)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from reuse_audit.credentials import Credential


@dataclass(frozen=True)
class ReuseGroup:
    """Entries sharing one password. Nothing password-derived identifies it: only its id and members."""

    id: str
    entries: tuple[str, ...]  # uuids, in vault order

    @property
    def size(self) -> int:
        return len(self.entries)


def secret_index(credentials: Sequence[Credential]) -> tuple[list[str], list[int]]:
    """Distinct passwords (plaintext, in first-seen order) and, per credential, the index of its password.

    The plaintext list lives only in memory for the checks; it is never output.
    """
    index: dict[str, int] = {}
    of_cred: list[int] = []
    for c in credentials:
        of_cred.append(index.setdefault(c.password.reveal(), len(index)))
    return list(index), of_cred


def find_reuse_groups(credentials: Sequence[Credential], of_cred: Sequence[int]) -> list[ReuseGroup]:
    """Groups of 2+ entries with the same password, unless every member merely references one original.

    An entry whose password is exactly a {REF:P@I:...} to another holds the same secret as its target but
    is not reuse: a group counts only when it holds at least two independent originals.
    """
    members: dict[int, list[Credential]] = defaultdict(list)
    for c, i in zip(credentials, of_cred, strict=True):
        members[i].append(c)
    by_uuid = {c.uuid: c for c in credentials}
    raw = []
    for group in members.values():
        if len(group) < 2:
            continue
        originals = {_root(c, by_uuid) for c in group}
        if len(originals) >= 2:
            raw.append(group)
    raw.sort(key=lambda g: (-len(g), g[0].title.casefold(), g[0].uuid))
    return [ReuseGroup(f"R{n}", tuple(c.uuid for c in g)) for n, g in enumerate(raw, 1)]


def _root(c: Credential, by_uuid: dict[str, Credential]) -> str:
    seen = {c.uuid}
    while c.linked_to and c.linked_to in by_uuid and c.linked_to not in seen:
        c = by_uuid[c.linked_to]
        seen.add(c.uuid)
    return c.uuid
