"""An entry's history, read once: which password it held when, and since when it carries each tag.

KeePass saves the previous state of an entry as a history item on every edit, so history items are
versions: each has its password and tags and the time that state began (its LastModificationTime). A
merged vault may list them out of order, so they are sorted by time; an entry's modification time moves on
any edit, so passwords are compared by value, never by times alone. Used by the password's age
(``password_since``, the ``old`` finding) and by the plan's breach time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from reuse_audit.credentials import PasswordRun
from reuse_audit.secret import Secret

#: A client writes the creation and first modification times a moment apart at most.
CREATION_SLACK = timedelta(seconds=2)


@dataclass(frozen=True)
class Version:
    """One saved state of an entry: its password (references resolved) and tags, and when it began."""

    password: str
    modified: datetime | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryHistory:
    """What the versions tell: the password runs, how far back they reach, and since when each tag is on."""

    runs: tuple[PasswordRun, ...]
    reach: datetime | None  # the oldest version's time
    tags_since: tuple[tuple[str, datetime | None], ...]

    @property
    def password_since(self) -> datetime | None:
        """When the current password was set: the start of the last run."""
        return self.runs[-1].start if self.runs else None


def read_history(history: Sequence[Version], current: Version, created: datetime | None) -> EntryHistory:
    """Runs of equal passwords over the versions (history items and the entry itself), sorted by time.

    A version without a time keeps its place in the list. The oldest run starts at the entry's creation
    when that is earlier than its first version; the history *reaches* back to the creation only when its
    oldest version is the creation state (else it was cut: KeePass keeps 10 items by default).
    """
    dated = sorted(enumerate([*history, current]),
                   key=lambda item: (item[1].modified is None, item[1].modified or datetime.min, item[0]))
    versions = [v for _, v in dated]
    runs: list[tuple[str, datetime | None]] = []
    for v in versions:
        if not runs or runs[-1][0] != v.password:
            runs.append((v.password, v.modified))
    reach = versions[0].modified
    if runs and created is not None and (runs[0][1] is None or created <= runs[0][1]):
        # the password age counts from the creation when no older password is known (as it always has)
        runs[0] = (runs[0][0], created)
        if reach is not None and reach - created <= CREATION_SLACK:
            reach = created  # the oldest version is the state the entry was created in: nothing is missing
    # since when each current tag is carried: the first version of the trailing run that has it
    since: dict[str, datetime | None] = {}
    for tag in current.tags:
        want = tag.casefold()
        start: datetime | None = None
        for v in reversed(versions):
            if any(t.casefold() == want for t in v.tags):
                start = v.modified
            else:
                break
        since[tag] = start
    distinct: dict[str, Secret] = {}
    return EntryHistory(
        runs=tuple(PasswordRun(distinct.setdefault(p, Secret(p)), start) for p, start in runs),
        reach=reach,
        tags_since=tuple(since.items()),
    )
