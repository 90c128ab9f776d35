"""The one vocabulary of reasons: why an entry has a finding, why a plan step comes where it does, and what a
mailbox showed. A reason is a stable code plus typed parameters; every format renders it through the one
translation catalogue (:mod:`reuse_audit.i18n`). Parameters are never secrets: counts, dates, titles (already
redacted), addresses, host names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType


class ReasonCode(StrEnum):
    """Every reason's stable identifier (JSON ``reason_codes``, the bounce evidence ``kind``)."""

    # an entry's findings (audit, and the plan's hygiene tier)
    MASTER_PASSWORD = "master_password"
    PWNED = "pwned"
    REUSED = "reused"
    VARIANT = "variant"
    WEAK = "weak"
    POLICY = "policy"
    EXPIRED = "expired"
    OLD = "old"
    LINKED = "linked"
    EXPOSURE_UNKNOWN = "exposure_unknown"
    EXPOSURE_SKIPPED = "exposure_skipped"
    # notes about a whole run
    EXPOSURE_NOT_SELECTED = "exposure_not_selected"
    EXPOSURE_INCOMPLETE = "exposure_incomplete"
    # the plan: why a step is in its tier
    MASTER_PASSWORD_USED = "master_password_used"
    BREACHED_ACCOUNT = "breached_account"
    SAME_PASSWORD_AS_BREACHED = "same_password_as_breached"
    LINKED_TO_BREACHED = "linked_to_breached"
    SAME_DOMAIN_MAILBOX = "same_domain_mailbox"
    LOGIN_IS_BREACHED_ADDRESS = "login_is_breached_address"
    HIGH_VALUE_SERVICE = "high_value_service"
    VARIANT_OF_BREACHED = "variant_of_breached"
    REGISTERED_TO_BREACHED_ADDRESS = "registered_to_breached_address"
    HAS_OTP = "has_otp"
    ENABLE_2FA = "enable_2fa"
    NO_2FA_OFFERED = "no_2fa_offered"
    # the plan: why an entry was taken as the breached mailbox
    MAILBOX_TAKEN = "mailbox_taken"
    MAILBOX_HOST_IN_DOMAIN = "mailbox_host_in_domain"
    MAILBOX_PROVIDER_HOST = "mailbox_provider_host"
    MAILBOX_MAIL_HOST = "mailbox_mail_host"
    MAILBOX_MAIL_TITLE = "mailbox_mail_title"
    MAILBOX_AMBIGUOUS = "mailbox_ambiguous"
    MAILBOX_OUTSIDE_VAULT = "mailbox_outside_vault"
    MAILBOX_SHOWS_COMPROMISED = "mailbox_shows_compromised"
    # bounces: what the mailbox showed about one address
    BOUNCE_BURST = "burst"
    BOUNCE_DAY_BURST = "day_burst"
    BOUNCE_BACKSCATTER_BURST = "backscatter_burst"
    BOUNCE_LARGEST_BURST = "largest_burst"
    BOUNCE_RECIPIENTS = "recipients"
    BOUNCE_NEVER_SENT = "never_sent"
    BOUNCE_REASON = "reason"
    BOUNCE_RECEIVED = "received"
    BOUNCE_TEMPORARY = "temporary"
    BOUNCE_IN_SENT = "in_sent"


class SubjectKind(StrEnum):
    """What a breach reason refers to."""

    MAILBOX = "mailbox"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Subject:
    """The breached thing a reason points at: ``mailbox admin@aaa.jp``, ``account Shop A``."""

    kind: SubjectKind
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" if self.name else str(self.kind)


class Names(tuple[str, ...]):
    """A list of entry titles or addresses shown in a reason (a JSON list, never joined into one string)."""

    __slots__ = ()


ParamValue = str | int | bool | date | datetime | Subject | Names | tuple[str, ...]

# The parameters of each code and their types: checked when a reason is made, so a typo fails at once.
_S, _I, _B = (str,), (int,), (bool,)
_PARAMS: Mapping[ReasonCode, Mapping[str, tuple[type, ...]]] = MappingProxyType({
    ReasonCode.MASTER_PASSWORD: {},
    ReasonCode.PWNED: {"count": _I},
    ReasonCode.REUSED: {"group": _S, "others": _I, "names": (Names,)},
    ReasonCode.VARIANT: {"group": _S, "kinds": (tuple,)},
    ReasonCode.WEAK: {"score": _I},
    ReasonCode.POLICY: {"length": _I, "min_length": _I, "no_symbol": _B},
    ReasonCode.EXPIRED: {"date": (date,)},
    ReasonCode.OLD: {"date": (date,)},
    ReasonCode.LINKED: {},
    ReasonCode.EXPOSURE_UNKNOWN: {"why": _S},
    ReasonCode.EXPOSURE_SKIPPED: {"why": _S},
    ReasonCode.EXPOSURE_NOT_SELECTED: {},
    ReasonCode.EXPOSURE_INCOMPLETE: {"count": _I},
    ReasonCode.MASTER_PASSWORD_USED: {"entries": (Names,)},
    ReasonCode.BREACHED_ACCOUNT: {"selector": _S},
    ReasonCode.SAME_PASSWORD_AS_BREACHED: {"what": (Subject,)},
    ReasonCode.LINKED_TO_BREACHED: {"what": (Subject,)},
    ReasonCode.SAME_DOMAIN_MAILBOX: {"domain": _S},
    ReasonCode.LOGIN_IS_BREACHED_ADDRESS: {"address": _S},
    ReasonCode.HIGH_VALUE_SERVICE: {"category": _S, "service": _S},
    ReasonCode.VARIANT_OF_BREACHED: {"what": (Subject,), "kinds": (tuple,)},
    ReasonCode.REGISTERED_TO_BREACHED_ADDRESS: {"address": _S},
    ReasonCode.HAS_OTP: {},
    ReasonCode.ENABLE_2FA: {},
    ReasonCode.NO_2FA_OFFERED: {},
    ReasonCode.MAILBOX_TAKEN: {"title": _S, "address": _S},
    ReasonCode.MAILBOX_HOST_IN_DOMAIN: {"host": _S, "domain": _S},
    ReasonCode.MAILBOX_PROVIDER_HOST: {"host": _S, "domain": _S},
    ReasonCode.MAILBOX_MAIL_HOST: {"host": _S},
    ReasonCode.MAILBOX_MAIL_TITLE: {},
    ReasonCode.MAILBOX_AMBIGUOUS: {"others": (Names,)},
    ReasonCode.MAILBOX_OUTSIDE_VAULT: {"address": _S, "count": _I},
    ReasonCode.MAILBOX_SHOWS_COMPROMISED: {"address": _S, "bounces": _I, "minutes": _I, "via_account": _I,
                                           "recipients": _I, "start": (datetime,), "end": (datetime,)},
    **dict.fromkeys(
        (ReasonCode.BOUNCE_BURST, ReasonCode.BOUNCE_DAY_BURST, ReasonCode.BOUNCE_BACKSCATTER_BURST,
         ReasonCode.BOUNCE_LARGEST_BURST),
        {"bounces": _I, "start": (datetime,), "end": (datetime,), "via_account": _I, "unknown": _I,
         "backscatter": _I}),
    ReasonCode.BOUNCE_RECIPIENTS: {"count": _I, "top_domains": _S},
    ReasonCode.BOUNCE_NEVER_SENT: {"percent": _I},
    ReasonCode.BOUNCE_REASON: {"reason": _S, "bounces": _I},
    ReasonCode.BOUNCE_RECEIVED: {"line": _S},
    ReasonCode.BOUNCE_TEMPORARY: {"count": _I},
    ReasonCode.BOUNCE_IN_SENT: {"count": _I},
})


def parameters_of(code: ReasonCode) -> Mapping[str, tuple[type, ...]]:
    """The parameter names of ``code`` and the types each accepts."""
    return _PARAMS[code]


@dataclass(frozen=True)
class Reason:
    """One reason: a code and its typed parameters (in the order the code declares them)."""

    code: ReasonCode
    params: tuple[tuple[str, ParamValue], ...] = ()

    @classmethod
    def of(cls, code: ReasonCode, **params: ParamValue) -> Reason:
        """Make a reason, checking the parameters against the code's declaration (TypeError if wrong)."""
        declared = _PARAMS[code]
        unknown = set(params) - set(declared)
        if unknown:
            raise TypeError(f"reason {code}: unknown parameter(s) {', '.join(sorted(unknown))}")
        for name, value in params.items():
            types = declared[name]
            wrong = isinstance(value, bool) and bool not in types  # bool is an int: say what is meant
            if wrong or not isinstance(value, types):
                raise TypeError(f"reason {code}: parameter {name} is {type(value).__name__}")
        return cls(code, tuple((name, params[name]) for name in declared if name in params))

    def get(self, name: str) -> ParamValue | None:
        """The parameter called ``name``, or None."""
        return next((v for k, v in self.params if k == name), None)

    def json_params(self) -> dict[str, object]:
        """Parameters as the JSON reports carry them: scalars as text, lists of names as lists."""
        return {k: _json_value(v) for k, v in self.params}


def _json_value(value: ParamValue) -> object:
    if isinstance(value, Names):
        return list(value)
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
