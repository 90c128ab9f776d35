"""The rotation plan's data: ordered steps, each with an action and its reasons as codes plus parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """What the user should do for one step (stable JSON values)."""

    CHANGE_MASTER_PASSWORD = "change_master_password"
    CHANGE_PASSWORD = "change_password"
    SECURE_ACCOUNT = "secure_account"  # recovery address, sessions, 2FA
    ENABLE_2FA = "enable_2fa"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True)
class Reason:
    """One reason for a step: a stable English code and the values its sentence needs (never a secret).

    Codes and their parameters:
      master_password {}                        breached_account {selector}
      same_password_as_breached {what}          linked_to_breached {what}
      same_domain_mailbox {domain}              login_is_breached_address {address}
      high_value_service {category}             variant_of_breached {what, kinds}
      registered_to_breached_address {address}  has_otp {}
      pwned {count}                             reused {group, others}
      variant {group, kinds}                    weak {score}
      policy {length, min_length, no_symbol}    expired {date}
      old {date}                                enable_2fa {}
      no_2fa_offered {}                         exposure_unknown {why}
      exposure_skipped {why}                    linked {}
    Why an entry was taken as a breached mailbox (``Mailbox.why_reasons``):
      mailbox_taken {title, address}            mailbox_host_in_domain {host, domain}
      mailbox_provider_host {host, domain}      mailbox_mail_host {host}
      mailbox_mail_title {}                     mailbox_ambiguous {others}
      mailbox_outside_vault {address, count}
    """

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Reason:
        return cls(code, tuple((k, str(v)) for k, v in params.items()))

    def param(self, name: str, default: str = "") -> str:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class RotationStep:
    """One entry's place in the plan (or the vault itself, for tier 0)."""

    step: int
    tier: int  # 0 master password ... 6 nothing to do
    sub_order: int  # within tier 2: 0 same-domain mailboxes, 1 login is the address, 2 high value, 3 rest
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
        return tuple(r.code for r in self.reasons)

    @property
    def to_do(self) -> bool:
        return self.action != Action.NONE


@dataclass(frozen=True)
class Mailbox:
    """The breached mailbox named by an e-mail selector."""

    address: str
    uuid: str | None  # None when the mailbox is not in the vault
    why: str  # in words: which entry was taken as the mailbox and why (English; stable)
    why_reasons: tuple[Reason, ...] = ()  # the same, as codes, for the reports' --lang


@dataclass(frozen=True)
class BreachContext:
    selectors: tuple[str, ...]
    matched: tuple[str, ...]  # uuids of the breached entries
    mailboxes: tuple[Mailbox, ...]
    breached_addresses: tuple[str, ...]
    password_given: bool = False  # --breached-password-prompt was used
    mailbox_evidence: tuple[str, ...] = ()  # what the mailbox showed (bounces), for the header


@dataclass(frozen=True)
class Plan:
    steps: tuple[RotationStep, ...]
    breach: BreachContext | None
    entries_total: int
    exposure_note: str | None  # why exposure was not (fully) used
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def todo(self) -> tuple[RotationStep, ...]:
        return tuple(s for s in self.steps if s.to_do)
