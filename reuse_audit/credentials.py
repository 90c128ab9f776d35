"""The credential model: what the vault source yields and every check consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reuse_audit.redact import Redactor
from reuse_audit.secret import Secret


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
    excluded: bool = False  # KeePass "exclude from reports"
    linked_to: str | None = None  # uuid of the entry whose password this one references exactly
    expires: datetime | None = None  # set only when the entry's Expires flag is on
    created: datetime | None = None
    modified: datetime | None = None
    password_since: datetime | None = None  # oldest run of versions holding the current password
    email: str = ""  # an "email"/"e-mail" custom field, if any
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def expired(self) -> bool:
        from datetime import UTC

        return self.expires is not None and self.expires <= datetime.now(UTC)


@dataclass(frozen=True)
class SkippedEntry:
    """An entry outside the Recycle Bin that was not audited, and why."""

    uuid: str
    title: str
    reason: str  # empty_password | excluded | unreadable | ignored


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
