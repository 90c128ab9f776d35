"""The one vocabulary of reasons: why an entry has a finding, why a plan step comes where it does, and what a
mailbox showed. A reason is a stable code plus typed parameters; every format renders it through the one
translation catalogue (:mod:`reuse_audit.i18n`). Parameters are never secrets: counts, dates, titles (already
redacted), addresses, host names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType


class ReasonCode(StrEnum):
    """Every reason's stable identifier (JSON ``reason_codes``, the bounce evidence ``kind``)."""

    # an entry's findings (audit, and the plan's hygiene tier)
    MASTER_PASSWORD = "master_password"
    PWNED = "pwned"
    SITE_BREACHED = "site_breached"  # the value of FindingKind.SITE_BREACHED (a baseline drops it by kind)
    REUSED = "reused"
    VARIANT = "variant"
    WEAK = "weak"
    POLICY = "policy"
    EXPIRED = "expired"
    OLD = "old"
    # the values of the site kinds of FindingKind (a baseline drops a finding's reason by its kind)
    INSECURE_URL = "insecure_url"
    NO_2FA = "no_2fa"
    WEAK_2FA = "weak_2fa"
    PASSKEY_AVAILABLE = "passkey_available"
    LINKED = "linked"
    EXPOSURE_UNKNOWN = "exposure_unknown"
    EXPOSURE_SKIPPED = "exposure_skipped"
    # notes about a whole run
    EXPOSURE_NOT_SELECTED = "exposure_not_selected"
    EXPOSURE_OFFLINE = "exposure_offline"
    EXPOSURE_UNVERIFIED_CORPUS = "exposure_unverified_corpus"
    EXPOSURE_INCOMPLETE = "exposure_incomplete"
    CATALOGUE_UNAVAILABLE = "catalogue_unavailable"  # the 2fa check could not load the service catalogue
    BREACH_LIST = "breach_list"  # where the breach list came from, how old it is, and HIBP's credit
    BREACH_LIST_STALE = "breach_list_stale"
    BREACH_LIST_UNAVAILABLE = "breach_list_unavailable"
    # the plan: why a step is in its tier
    MASTER_PASSWORD_USED = "master_password_used"
    BREACHED_ACCOUNT = "breached_account"
    SAME_PASSWORD_AS_BREACHED = "same_password_as_breached"
    LINKED_TO_BREACHED = "linked_to_breached"
    SAME_DOMAIN_MAILBOX = "same_domain_mailbox"
    LOGIN_IS_BREACHED_ADDRESS = "login_is_breached_address"
    HIGH_VALUE_SERVICE = "high_value_service"
    VARIANT_OF_BREACHED = "variant_of_breached"
    SAME_PASSWORD_AS_BREACHED_SITE = "same_password_as_breached_site"
    VARIANT_OF_BREACHED_SITE = "variant_of_breached_site"
    REGISTERED_TO_BREACHED_ADDRESS = "registered_to_breached_address"
    HAS_OTP = "has_otp"
    ENABLE_2FA = "enable_2fa"
    NO_2FA_OFFERED = "no_2fa_offered"
    CHECK_2FA = "check_2fa"
    DOMAIN_KEY = "domain_key"
    CHECK_LOGIN_ADDRESS = "check_login_address"
    CODES_BY_BREACHED_MAILBOX = "codes_by_breached_mailbox"
    # the plan: how far the user got with a step (steps[].status_reasons)
    UNCHANGED_SINCE_BREACH = "unchanged_since_breach"
    UNKNOWN_AT_BREACH = "unknown_at_breach"
    CREATED_AFTER_BREACH = "created_after_breach"
    CHANGED_SINCE_BREACH = "changed_since_breach"
    CHANGED_TO_BREACHED = "changed_to_breached"
    CHANGED_TO_VARIANT = "changed_to_variant"
    NOW_SHARED = "now_shared"
    NOW_PWNED = "now_pwned"
    MARKED_DONE = "marked_done"
    MASTER_KEY_CHANGED = "master_key_changed"
    NO_BREACH_TIME = "no_breach_time"
    # the plan's header: which breach rule was used
    RULE_BREACHED_AT = "rule_breached_at"
    RULE_RECENT = "rule_recent"
    SUGGEST_BREACHED_AT = "suggest_breached_at"
    PREVIOUS_PASSWORD_MISSING = "previous_password_missing"
    UNKNOWN_AT_BREACH_COUNT = "unknown_at_breach_count"
    MAIL_SHOWED_NOTHING = "mail_showed_nothing"
    # the plan: why an entry was taken as the breached mailbox
    MAILBOX_TAKEN = "mailbox_taken"
    MAILBOX_HOST_IN_DOMAIN = "mailbox_host_in_domain"
    MAILBOX_PROVIDER_HOST = "mailbox_provider_host"
    MAILBOX_MAIL_HOST = "mailbox_mail_host"
    MAILBOX_MAIL_TITLE = "mailbox_mail_title"
    MAILBOX_AMBIGUOUS = "mailbox_ambiguous"
    MAILBOX_OUTSIDE_VAULT = "mailbox_outside_vault"
    MAILBOX_SHOWS_COMPROMISED = "mailbox_shows_compromised"
    MAILBOX_SHOWS_UNDETERMINED = "mailbox_shows_undetermined"
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
    BOUNCE_OWN_BURST = "own_mail_burst"
    BOUNCE_SENT_FROM_ACCOUNT = "sent_from_account"
    BOUNCE_FORGED_SENDER = "forged_sender"
    BOUNCE_UNATTRIBUTED = "unattributed_burst"
    BOUNCE_TOP_SUBJECTS = "top_subjects"
    BOUNCE_WEBMAIL_LOGIN = "webmail_login"
    BOUNCE_ACCOUNT_LOGIN = "account_login"
    BOUNCE_NO_ORIGINAL = "no_original"
    BOUNCE_THIRD_PARTY = "third_party_relays"
    BOUNCE_FORGED_HOPS = "forged_hops"
    BOUNCE_REPORTING_MTA = "reporting_mta"
    BOUNCE_DKIM = "dkim"


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
    # breach: HIBP's Name; title: its Title; breached: BreachDate as HIBP gives it, precision: day|month|year
    # (a 1st is a month, 1 January a year); added: AddedDate; since: when the password was set, absent when
    # unknown (then created: the entry's creation time, if any)
    ReasonCode.SITE_BREACHED: {"breach": _S, "title": _S, "domain": _S, "breached": (date,), "precision": _S,
                               "added": (date,), "since": (date,), "created": (date,)},
    ReasonCode.REUSED: {"group": _S, "others": _I, "names": (Names,)},
    ReasonCode.VARIANT: {"group": _S, "kinds": (tuple,)},
    ReasonCode.WEAK: {"score": _I},
    ReasonCode.POLICY: {"length": _I, "min_length": _I, "no_symbol": _B},
    ReasonCode.EXPIRED: {"date": (date,)},
    ReasonCode.OLD: {"date": (date,)},
    # scheme: http|ftp; host: the URL's host (never the whole URL: it may carry a user name or a token)
    ReasonCode.INSECURE_URL: {"scheme": _S, "host": _S},
    # service: the catalogue's name; url: how to turn two-step login (or passkeys) on, absent when unknown
    ReasonCode.NO_2FA: {"service": _S, "url": _S},
    ReasonCode.WEAK_2FA: {"service": _S, "methods": (tuple,)},  # methods: sms, call, email
    ReasonCode.PASSKEY_AVAILABLE: {"service": _S, "url": _S},
    ReasonCode.LINKED: {},
    ReasonCode.EXPOSURE_UNKNOWN: {"why": _S, "failure": _S},  # failure: an ExposureFailure value
    ReasonCode.EXPOSURE_SKIPPED: {"why": _S},
    ReasonCode.EXPOSURE_NOT_SELECTED: {},
    ReasonCode.EXPOSURE_OFFLINE: {},
    ReasonCode.EXPOSURE_UNVERIFIED_CORPUS: {"count": _I, "path": _S},
    ReasonCode.EXPOSURE_INCOMPLETE: {"count": _I},
    ReasonCode.CATALOGUE_UNAVAILABLE: {"why": _S},
    ReasonCode.BREACH_LIST: {"source": _S, "date": (date,), "days": _I},  # source: network|cache|file
    ReasonCode.BREACH_LIST_STALE: {"why": _S},
    ReasonCode.BREACH_LIST_UNAVAILABLE: {"why": _S},
    ReasonCode.MASTER_PASSWORD_USED: {"entries": (Names,)},
    ReasonCode.BREACHED_ACCOUNT: {"selector": _S},
    ReasonCode.SAME_PASSWORD_AS_BREACHED: {"what": (Subject,)},
    ReasonCode.LINKED_TO_BREACHED: {"what": (Subject,)},
    ReasonCode.SAME_DOMAIN_MAILBOX: {"domain": _S},
    ReasonCode.LOGIN_IS_BREACHED_ADDRESS: {"address": _S},
    ReasonCode.HIGH_VALUE_SERVICE: {"category": _S, "service": _S},
    ReasonCode.VARIANT_OF_BREACHED: {"what": (Subject,), "kinds": (tuple,)},
    # the entry on the breached site (its title), and the breach as in SITE_BREACHED
    ReasonCode.SAME_PASSWORD_AS_BREACHED_SITE: {"entry": _S, "breach": _S, "title": _S, "breached": (date,),
                                                "precision": _S},
    ReasonCode.VARIANT_OF_BREACHED_SITE: {"entry": _S, "breach": _S, "title": _S, "breached": (date,),
                                          "precision": _S, "kinds": (tuple,)},
    ReasonCode.REGISTERED_TO_BREACHED_ADDRESS: {"address": _S},
    ReasonCode.HAS_OTP: {},
    ReasonCode.ENABLE_2FA: {},
    ReasonCode.NO_2FA_OFFERED: {"as_of": _S},  # as_of: the month of our 2FA data (YYYY-MM), when known
    ReasonCode.CHECK_2FA: {},
    ReasonCode.DOMAIN_KEY: {"domain": _S, "role": _S},  # role: hosting|domains|host (a host under the domain)
    ReasonCode.CHECK_LOGIN_ADDRESS: {"address": _S},
    ReasonCode.CODES_BY_BREACHED_MAILBOX: {"address": _S},
    ReasonCode.UNCHANGED_SINCE_BREACH: {},
    ReasonCode.UNKNOWN_AT_BREACH: {},
    ReasonCode.CREATED_AFTER_BREACH: {},
    ReasonCode.CHANGED_SINCE_BREACH: {"date": (date,)},
    ReasonCode.CHANGED_TO_BREACHED: {},
    ReasonCode.CHANGED_TO_VARIANT: {"kinds": (tuple,)},
    ReasonCode.NOW_SHARED: {"others": _I, "names": (Names,)},
    ReasonCode.NOW_PWNED: {"count": _I},
    ReasonCode.MARKED_DONE: {"tag": _S, "date": (date,)},
    ReasonCode.MASTER_KEY_CHANGED: {"date": (date,)},
    ReasonCode.NO_BREACH_TIME: {},
    ReasonCode.RULE_BREACHED_AT: {"at": (datetime,), "source": _S},
    ReasonCode.RULE_RECENT: {"days": _I},
    ReasonCode.SUGGEST_BREACHED_AT: {"title": _S, "changed": (datetime,), "command": _S},
    ReasonCode.PREVIOUS_PASSWORD_MISSING: {"title": _S, "changed": (datetime,)},
    ReasonCode.UNKNOWN_AT_BREACH_COUNT: {"count": _I},
    ReasonCode.MAIL_SHOWED_NOTHING: {},
    ReasonCode.MAILBOX_TAKEN: {"title": _S, "address": _S},
    ReasonCode.MAILBOX_HOST_IN_DOMAIN: {"host": _S, "domain": _S},
    ReasonCode.MAILBOX_PROVIDER_HOST: {"host": _S, "domain": _S},
    ReasonCode.MAILBOX_MAIL_HOST: {"host": _S},
    ReasonCode.MAILBOX_MAIL_TITLE: {},
    ReasonCode.MAILBOX_AMBIGUOUS: {"others": (Names,)},
    ReasonCode.MAILBOX_OUTSIDE_VAULT: {"address": _S, "count": _I},
    ReasonCode.MAILBOX_SHOWS_COMPROMISED: {"address": _S, "bounces": _I, "minutes": _I, "via_account": _I,
                                           "recipients": _I, "start": (datetime,), "end": (datetime,)},
    ReasonCode.MAILBOX_SHOWS_UNDETERMINED: {"address": _S, "bounces": _I, "start": (datetime,),
                                            "end": (datetime,)},
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
    ReasonCode.BOUNCE_OWN_BURST: {"count": _I, "start": (datetime,), "end": (datetime,)},
    ReasonCode.BOUNCE_SENT_FROM_ACCOUNT: {"count": _I, "start": (datetime,), "end": (datetime,), "bursts": _I},
    ReasonCode.BOUNCE_FORGED_SENDER: {"count": _I, "start": (datetime,), "end": (datetime,)},
    ReasonCode.BOUNCE_UNATTRIBUTED: {"count": _I, "start": (datetime,), "end": (datetime,), "judged": _I},
    ReasonCode.BOUNCE_TOP_SUBJECTS: {"subjects": (Names,)},
    ReasonCode.BOUNCE_WEBMAIL_LOGIN: {"ips": (Names,)},
    ReasonCode.BOUNCE_ACCOUNT_LOGIN: {"ips": (Names,)},
    ReasonCode.BOUNCE_NO_ORIGINAL: {"count": _I},
    ReasonCode.BOUNCE_THIRD_PARTY: {"hosts": (Names,)},
    ReasonCode.BOUNCE_FORGED_HOPS: {"count": _I},
    ReasonCode.BOUNCE_REPORTING_MTA: {"hosts": (Names,)},
    ReasonCode.BOUNCE_DKIM: {"domains": (Names,)},
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
        for key, value in self.params:  # a loop, not a generator: read for every reason of every entry
            if key == name:
                return value
        return None

    def hidden(self, hide: Callable[[str], str]) -> Reason:
        """This reason with ``hide`` (the vault's redactor) applied to each text parameter and name."""
        def one(value: ParamValue) -> ParamValue:
            if isinstance(value, Names):
                return Names(hide(v) for v in value)
            return hide(value) if isinstance(value, str) else value

        return Reason(self.code, tuple((k, one(v)) for k, v in self.params))

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
