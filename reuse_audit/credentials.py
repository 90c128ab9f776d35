"""The credential model: what the vault source yields and every check consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from reuse_audit.redact import Redactor
from reuse_audit.secret import Secret


class SkipReason(StrEnum):
    """Why an entry outside the Recycle Bin was not audited (stable JSON values)."""

    EMPTY_PASSWORD = "empty_password"
    EXCLUDED = "excluded"
    UNREADABLE = "unreadable"
    IGNORED = "ignored"


@dataclass(frozen=True)
class PasswordRun:
    """A password an entry held from ``start`` until the next run's start (the last run: until now).

    Consecutive versions with the same password (edits of other fields) are one run. ``start`` is the
    modification time of the first version of the run (the creation time for the oldest one when the
    history reaches it); None when the vault has no time for it.
    """

    password: Secret
    start: datetime | None


class HeldAt(StrEnum):
    """What the vault can tell about an entry's password at a past time."""

    KNOWN = "known"
    NOT_CREATED = "not_created"  # the entry did not exist yet
    UNKNOWN = "unknown"  # it existed, but its history does not reach back that far


@dataclass(frozen=True)
class Credential:
    """One audited vault entry (outside the Recycle Bin, with a readable, non-empty password)."""

    uuid: str  # canonical lowercase hyphenated
    title: str
    username: str
    url: str
    group: str  # path without the root group's name, e.g. "Mail/Work"
    password: Secret
    has_otp: bool = False
    has_passkey: bool = False  # a passkey KeePassXC stores in the entry (KPEX_PASSKEY_* attributes)
    excluded: bool = False  # KeePass "exclude from reports"
    linked_to: str | None = None  # uuid of the entry whose password this one references exactly
    expires: datetime | None = None  # set only when the entry's Expires flag is on
    created: datetime | None = None
    modified: datetime | None = None
    password_since: datetime | None = None  # oldest run of versions holding the current password
    email: str = ""  # an "email"/"e-mail" custom field, if any
    tags: tuple[str, ...] = field(default_factory=tuple)
    # The passwords this entry held, oldest first, the current one last (see vault.history); and the time
    # of the oldest version the history still has (KeePass keeps 10 by default): before it, nothing is known.
    history: tuple[PasswordRun, ...] = ()
    history_reach: datetime | None = None
    tags_since: tuple[tuple[str, datetime | None], ...] = ()  # each current tag: since when it is carried
    # The title, username, URL and e-mail as the vault holds them, when a vault password in them is hidden in the
    # fields above (a password "example" and the login "tanaka@example.jp"): to match and look up, never shown.
    clear: tuple[str, str, str, str] | None = field(default=None, repr=False)

    @property
    def real_title(self) -> str:
        return self.title if self.clear is None else self.clear[0]

    @property
    def real_username(self) -> str:
        return self.username if self.clear is None else self.clear[1]

    @property
    def real_url(self) -> str:
        return self.url if self.clear is None else self.clear[2]

    @property
    def real_email(self) -> str:
        return self.email if self.clear is None else self.clear[3]

    def password_at(self, when: datetime) -> tuple[HeldAt, Secret | None]:
        """The password this entry held at ``when`` (the run with the latest start not after it)."""
        if self.created is not None and self.created > when:
            return HeldAt.NOT_CREATED, None
        if self.history_reach is None or self.history_reach > when:
            return HeldAt.UNKNOWN, None
        held = None
        for run in self.history:
            if run.start is not None and run.start <= when:
                held = run.password
        return (HeldAt.KNOWN, held) if held is not None else (HeldAt.UNKNOWN, None)

    def passwords_since(self, when: datetime) -> tuple[Secret, ...]:
        """Every password held at any time from ``when`` on (a run lasts until the next one starts)."""
        out: list[Secret] = []
        for run, following in zip(self.history, (*self.history[1:], None), strict=True):
            end = following.start if following is not None else None
            if end is None or end > when:
                out.append(run.password)
        return tuple(dict.fromkeys(out)) or (self.password,)

    def has_tag(self, tag: str) -> bool:
        """Whether the entry carries ``tag``, in any case."""
        want = tag.casefold()
        return any(t.casefold() == want for t in self.tags)

    def tag_since(self, tag: str) -> datetime | None:
        """Since when the entry carries ``tag`` (any case) without interruption; None if it does not."""
        want = tag.casefold()
        return next((since for name, since in self.tags_since if name.casefold() == want), None)


@dataclass(frozen=True)
class SkippedEntry:
    """An entry outside the Recycle Bin that was not audited, and why."""

    uuid: str
    title: str
    reason: SkipReason


@dataclass(frozen=True)
class VaultContents:
    """Everything the checks need from one unlocked vault."""

    path: str
    kdbx_version: str
    entries_total: int
    credentials: tuple[Credential, ...]
    skipped: tuple[SkippedEntry, ...]
    master_password: Secret | None = None
    redact: Redactor = field(default_factory=Redactor)  # hides vault passwords in any text shown to the user
    master_key_changed: datetime | None = None  # Meta/MasterKeyChanged: when the master key last changed
    root_uuid: str = ""  # the root group's uuid: identifies the vault without anything secret
