"""The rotation plan's data: ordered steps, each with an action and its reasons as codes plus parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from reuse_audit.reasons import Reason


class Action(StrEnum):
    """What the user should do for one step (stable JSON values)."""

    CHANGE_MASTER_PASSWORD = "change_master_password"
    CHANGE_PASSWORD = "change_password"
    SECURE_ACCOUNT = "secure_account"  # recovery address, sessions, 2FA
    ENABLE_2FA = "enable_2fa"
    REVIEW = "review"
    NONE = "none"


class Tier(IntEnum):
    """The plan's tiers, most urgent first (stable JSON values)."""

    MASTER_PASSWORD = 0
    BREACHED_ACCOUNT = 1
    SAME_PASSWORD = 2
    VARIANT = 3
    REGISTERED = 4
    HYGIENE = 5
    NOTHING = 6


class SubOrder(IntEnum):
    """Order within tier 2 (same password as the breached one): who an attacker tries first."""

    SAME_DOMAIN_MAILBOX = 0
    LOGIN_IS_ADDRESS = 1
    HIGH_VALUE = 2
    REST = 3


@dataclass(frozen=True)
class RotationStep:
    """One entry's place in the plan (or the vault itself, for tier 0)."""

    step: int
    tier: Tier
    sub_order: SubOrder
    uuid: str | None  # None for the vault itself (tier 0)
    title: str
    username: str
    url: str
    group: str
    action: Action
    reasons: tuple[Reason, ...]
    change_url: str | None
    tfa_url: str | None
    has_otp: bool = False
    category: str | None = None
    service: str | None = None
    findings: tuple[str, ...] = ()
    reuse_group: str | None = None
    variant_group: str | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code.value for r in self.reasons)

    @property
    def to_do(self) -> bool:
        return self.action != Action.NONE


@dataclass(frozen=True)
class Mailbox:
    """The breached mailbox named by an e-mail selector."""

    address: str
    uuid: str | None  # None when the mailbox is not in the vault
    why: tuple[Reason, ...]  # which entry was taken as the mailbox, and why


@dataclass(frozen=True)
class BreachContext:
    selectors: tuple[str, ...]
    matched: tuple[str, ...]  # uuids of the breached entries
    mailboxes: tuple[Mailbox, ...]
    breached_addresses: tuple[str, ...]
    password_given: bool = False  # --breached-password-prompt was used
    mailbox_evidence: tuple[Reason, ...] = ()  # what the mailbox showed (bounces), for the header


@dataclass(frozen=True)
class Plan:
    steps: tuple[RotationStep, ...]
    breach: BreachContext | None
    entries_total: int
    exposure_note: Reason | None  # why exposure was not (fully) used
    notes: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def todo(self) -> tuple[RotationStep, ...]:
        return tuple(s for s in self.steps if s.to_do)
