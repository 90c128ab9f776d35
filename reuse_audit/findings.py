"""Finding kinds and check names shared by every command, format, baseline and history file."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from reuse_audit.errors import InputError, Message
from reuse_audit.i18n import N_


class FindingKind(StrEnum):
    """One kind of problem with an entry's password; the values are stable identifiers."""

    MASTER_PASSWORD = "master_password"
    PWNED = "pwned"
    SITE_BREACHED = "site_breached"  # a site of the entry was breached after its password was set
    REUSED = "reused"
    VARIANT = "variant"
    WEAK = "weak"
    POLICY = "policy"
    EXPIRED = "expired"
    OLD = "old"
    # about the entry's site rather than its password (checks 2fa and urls): after every password finding
    INSECURE_URL = "insecure_url"  # http:// or ftp:// to a public host: the password crosses the net in clear
    NO_2FA = "no_2fa"  # the site offers an app, key or passkey as second factor; the entry has no OTP
    WEAK_2FA = "weak_2fa"  # a high-value site whose only second factors are SMS, call or e-mail
    PASSKEY_AVAILABLE = "passkey_available"  # the site accepts a passkey instead of the password


#: Worst first: the order findings are listed and entries are ranked in.
SEVERITY: tuple[FindingKind, ...] = tuple(FindingKind)

DEFAULT_FAIL_ON: frozenset[FindingKind] = frozenset(
    {FindingKind.MASTER_PASSWORD, FindingKind.PWNED, FindingKind.REUSED, FindingKind.WEAK, FindingKind.POLICY}
)


class Check(StrEnum):
    """The checks `--checks` can select."""

    REUSE = "reuse"
    STRENGTH = "strength"
    EXPOSURE = "exposure"
    VARIANTS = "variants"
    TWO_FACTOR = "2fa"  # no_2fa, weak_2fa, passkey_available, from the service catalogue (offline)
    URLS = "urls"  # insecure_url, from the URL alone (no DNS)
    BREACHES = "breaches"  # sites breached since the password was set (Have I Been Pwned's breach list)


E = TypeVar("E", bound=StrEnum)


def parse_names(enum: type[E], text: str, noun: str) -> frozenset[E]:
    """Parse a comma-separated list of ``enum`` values (`--fail-on pwned,reused`); InputError names an unknown one
    (``noun``, an ``N_`` msgid, says what they are)."""
    out: set[E] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        try:
            out.add(enum(part))
        except ValueError:
            known = ", ".join(e.value for e in enum)
            raise InputError(N_("unknown {noun} {part!r} (known: {known})"), noun=Message(noun), part=part,
                             known=known) from None
    return frozenset(out)


def parse_checks(text: str) -> frozenset[Check]:
    """Parse `--checks reuse,strength,...`; raise InputError naming an unknown check."""
    out = parse_names(Check, text, N_("check"))
    if not out:
        raise InputError(N_("--checks needs at least one check"))
    return out


def parse_kinds(text: str) -> frozenset[FindingKind]:
    """Parse a comma-separated list of finding kinds; raise InputError naming an unknown one."""
    return parse_names(FindingKind, text, N_("finding kind"))
