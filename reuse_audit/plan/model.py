"""The rotation plan's data: ordered steps, each with an action and its reasons as codes plus parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from reuse_audit.reasons import Reason


class Action(StrEnum):
    """What the user should do for one step (stable JSON values)."""

    CHANGE_MASTER_PASSWORD = "change_master_password"
    CHANGE_PASSWORD = "change_password"
    SECURE_ACCOUNT = "secure_account"  # recovery address, sessions, 2FA
    ENABLE_2FA = "enable_2fa"
    CHECK_2FA = "check_2fa"  # find out whether the site offers two-step login (our data does not know or says none)
    REVIEW = "review"
    NONE = "none"


class StepStatus(StrEnum):
    """How far the user got with a step, read from the vault alone (stable JSON values)."""

    TODO = "todo"  # unchanged since the breach, or no breach time given
    DONE = "done"  # changed to a sound password since the breach, or marked done (tag) since then
    REDO = "redo"  # changed since the breach, but the new password has a problem


class BreachTimeSource(StrEnum):
    """Where the breach time came from (JSON ``breach.breached_at_source``)."""

    OPTION = "option"
    ENVIRONMENT = "environment"
    BOUNCES = "bounces"
    BREACH_LIST = "breach_list"
    NONE = "none"


@dataclass(frozen=True)
class BreachTime:
    """When the breach happened, as far as the user or the evidence says, and who said so."""

    at: datetime | None = None
    source: BreachTimeSource = BreachTimeSource.NONE


class ChecklistCode(StrEnum):
    """The items of the breached mailbox's recovery checklist (stable JSON values)."""

    CHANGE_PASSWORD = "change_password"
    SIGN_OUT_SESSIONS = "sign_out_sessions"
    REMOVE_FORWARDING = "remove_forwarding"
    REVOKE_APP_PASSWORDS = "revoke_app_passwords"
    CHECK_RECOVERY = "check_recovery"
    ENABLE_2FA = "enable_2fa"
    REVIEW_SENT = "review_sent"


@dataclass(frozen=True)
class ChecklistItem:
    """One thing to do in the breached mailbox besides changing its password; ``url`` where we know it."""

    code: ChecklistCode
    url: str | None
    status: StepStatus = StepStatus.TODO


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
    """Order within tiers 2-4: who an attacker tries first (values are stable JSON; DOMAIN_KEYS sorts first:
    a web host, registrar or DNS of the breached address's own domain holds the keys to its mail)."""

    SAME_DOMAIN_MAILBOX = 0
    LOGIN_IS_ADDRESS = 1
    HIGH_VALUE = 2
    REST = 3
    DOMAIN_KEYS = 4

    @property
    def rank(self) -> int:
        """Position within a tier (DOMAIN_KEYS first)."""
        return -1 if self is SubOrder.DOMAIN_KEYS else int(self)


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
    status: StepStatus = StepStatus.TODO
    status_reasons: tuple[Reason, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    passkey_url: str | None = None  # where to set a passkey up, when the site accepts one instead

    @property
    def finished(self) -> bool:
        """Done, checklist included: a done password with open checklist items is not finished."""
        return self.status == StepStatus.DONE and all(i.status == StepStatus.DONE for i in self.checklist)

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
    time: BreachTime = field(default_factory=BreachTime)


@dataclass(frozen=True)
class Plan:
    steps: tuple[RotationStep, ...]
    breach: BreachContext | None
    entries_total: int
    exposure_note: Reason | None  # why exposure was not (fully) used
    notes: tuple[Reason, ...] = field(default_factory=tuple)
    unknown_at_breach: int = 0  # entries whose history does not reach back to the breach time
    vault_id: str = ""  # the vault's root-group UUID (keys the HTML page's ticks; nothing secret)

    @property
    def todo(self) -> tuple[RotationStep, ...]:
        """Steps with something to do (whatever their status): ``summary.to_do``."""
        return tuple(s for s in self.steps if s.to_do)

    def progress(self) -> dict[str, int]:
        """How far the user got: steps with something to do by status, and the entries of unknown past."""
        done = sum(1 for s in self.todo if s.finished)
        redo = sum(1 for s in self.todo if s.status == StepStatus.REDO)
        return {"done": done, "redo": redo, "todo": len(self.todo) - done - redo,
                "unknown_at_breach": self.unknown_at_breach}
