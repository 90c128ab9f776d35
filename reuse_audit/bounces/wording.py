"""The bounce report's own wording (headings, verdict sentences) and the plan header's summary reason.

Evidence items are reasons, worded in :mod:`reuse_audit.i18n.reasons`; everything is in the one catalogue.
"""

from __future__ import annotations

from datetime import datetime

from reuse_audit.bounces.verdict import AccountVerdict, Verdict
from reuse_audit.i18n import N_
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R

TITLE = N_("Bounces by address")
COLUMNS: dict[str, str] = {
    "address": N_("Address"),
    "verdict": N_("Verdict"),
    "bounces": N_("Bounces"),
    "via": N_("Via acct"),
    "backscatter": N_("Forged"),
    "unknown": N_("Unknown"),
    "temporary": N_("Temp"),
    "recipients": N_("Recipients"),
    "period": N_("Period (UTC)"),
}
VERDICTS: dict[Verdict, str] = {
    Verdict.COMPROMISED: N_("compromised"),
    Verdict.SPOOFED: N_("spoofed"),
    Verdict.NONE: N_("none"),
}
SAY: dict[Verdict, str] = {
    Verdict.COMPROMISED: N_("{address}: someone else is sending mail through this account. Change its password "
                            "now, sign out other sessions, and check forwarding rules."),
    Verdict.SPOOFED: N_("{address}: the bounces are for mail that only forged this address (backscatter); no "
                        "password leaked. Ask the domain owner to fix SPF/DKIM/DMARC."),
    Verdict.NONE: N_("{address}: no hijack pattern in these bounces."),
}
NEXT = N_("Next: {command}")
NOTHING = N_("No bounces about your addresses were found ({messages} messages read).")
SCANNED = N_("Read {messages} messages, {bounces} bounces.")


def minute(value: datetime | None) -> str:
    """``2024-05-01 10:35`` (bounce times are UTC); ``?`` when unknown."""
    return "?" if value is None else value.strftime("%Y-%m-%d %H:%M")


def compromised_summary(account: AccountVerdict, window_minutes: int) -> Reason:
    """What the mailbox showed about a compromised address, for the plan's header."""
    burst = next((e for e in account.evidence if e.code in (R.BOUNCE_BURST, R.BOUNCE_DAY_BURST)), None)
    recipients = next((e for e in account.evidence if e.code == R.BOUNCE_RECIPIENTS), None)

    def number(reason: Reason | None, name: str, default: int) -> int:
        value = reason.get(name) if reason is not None else None
        return value if isinstance(value, int) else default

    def when(name: str, default: datetime | None) -> datetime:
        value = burst.get(name) if burst is not None else None
        found = value if isinstance(value, datetime) else default
        return found or datetime.min
    return Reason.of(
        R.MAILBOX_SHOWS_COMPROMISED, address=account.address,
        bounces=number(burst, "bounces", account.bounces),
        minutes=window_minutes if burst is None or burst.code == R.BOUNCE_BURST else 24 * 60,
        via_account=number(burst, "via_account", account.via_account),
        recipients=number(recipients, "count", account.distinct_recipients),
        start=when("start", account.first), end=when("end", account.last),
    )
