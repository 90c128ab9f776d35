"""The bounce report's own wording (headings, verdict sentences) and the plan header's summary reasons.

Evidence items are reasons, worded in :mod:`reuse_audit.i18n.reasons`; everything is in the one catalogue.
"""

from __future__ import annotations

from datetime import datetime

from reuse_audit.bounces.verdict import AccountVerdict, Verdict
from reuse_audit.i18n import N_, NP_
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
    "period": N_("Period (UTC)"),
}
VERDICTS: dict[Verdict, str] = {
    Verdict.COMPROMISED: N_("compromised"),
    Verdict.UNDETERMINED: N_("undetermined"),
    Verdict.SPOOFED: N_("spoofed"),
    Verdict.NONE: N_("none"),
}
SAY: dict[Verdict, str] = {
    Verdict.COMPROMISED: N_("{address}: someone else is sending mail through this account. Change its password "
                            "now, sign out other sessions, and check forwarding rules."),
    Verdict.UNDETERMINED: N_("{address}: a burst of {bounces} bounces we cannot attribute. Change the mailbox "
                             "password to be safe, sign out other sessions, and check forwarding rules."),
    Verdict.SPOOFED: N_("{address}: the bounces are for mail that only forged this address (backscatter); no "
                        "password leaked. Ask the domain owner to fix SPF/DKIM/DMARC."),
    Verdict.NONE: N_("{address}: no hijack pattern in these bounces."),
}
ROW = NP_("{verdict}: {n} bounce ({via} via the account, {forged} forged, {unknown} unknown), {period} UTC",
          "{verdict}: {n} bounces ({via} via the account, {forged} forged, {unknown} unknown), {period} UTC")
DETAILS = N_("Details:")
NEXT = N_("Next: {command}")
NOTHING = N_("No bounces about your addresses were found ({messages} messages read).")
SCANNED = NP_("Read {messages} messages, {n} bounce.", "Read {messages} messages, {n} bounces.")
SCANNED_ONE = NP_("Read 1 message, {n} bounce.", "Read 1 message, {n} bounces.")  # "Read 1 messages" read wrong
NOT_BOUNCES = N_("Set apart as not bounces: {counts}.")
NOT_BOUNCE_KINDS: dict[str, tuple[str, str]] = {
    "auto_reply": NP_("{n} auto-reply", "{n} auto-replies"),
    "challenge": NP_("{n} challenge mail", "{n} challenge mails"),
    "human_reply": NP_("{n} reply written by a person", "{n} replies written by people"),
    "receipt": NP_("{n} read or delivery receipt", "{n} read or delivery receipts"),
    "success_dsn": NP_("{n} delivery confirmation", "{n} delivery confirmations"),
    "report": NP_("{n} abuse or DMARC report", "{n} abuse or DMARC reports"),
    "phishing": NP_("{n} fake mail-server notice (phishing)", "{n} fake mail-server notices (phishing)"),
    "bulk": NP_("{n} newsletter or list mail", "{n} newsletters or list mails"),
}


def minute(value: datetime | None) -> str:
    """``2024-05-01 10:35`` (bounce times are UTC); ``?`` when unknown."""
    return "?" if value is None else value.strftime("%Y-%m-%d %H:%M")


def period(first: datetime | None, last: datetime | None) -> str:
    """``2024-05-01 10:00–10:33`` within a day, ``2024-05-01 10:00–05-03 04:05`` across days."""
    if first is None or last is None:
        return f"{minute(first)}–{minute(last)}"
    if first.date() == last.date():
        return f"{minute(first)}–{last.strftime('%H:%M')}"
    if first.year == last.year:
        return f"{minute(first)}–{last.strftime('%m-%d %H:%M')}"
    return f"{minute(first)}–{minute(last)}"


def burst_bounces(account: AccountVerdict) -> int:
    """The bounces in the account's bursts (all its bounces when it had none)."""
    return sum(b.bounces for b in account.bursts) or account.bounces


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


def breached_summary(account: AccountVerdict, window_minutes: int) -> Reason:
    """The plan header's line for an address to treat as breached: compromised, or undetermined."""
    if account.verdict is not Verdict.UNDETERMINED:
        return compromised_summary(account, window_minutes)
    start = min((b.start for b in account.bursts), default=account.first) or datetime.min
    end = max((b.end for b in account.bursts), default=account.last) or datetime.min
    return Reason.of(R.MAILBOX_SHOWS_UNDETERMINED, address=account.address, bounces=burst_bounces(account),
                     start=start, end=end)
UNREADABLE = NP_("reuse-audit: {n:,} message file could not be read (no permission, or not a file) and was left out",
                 "reuse-audit: {n:,} message files could not be read (no permission, or not files) and were left out")
ME_UNMATCHED = NP_("reuse-audit: --me {address}: no bounce is about this address, and {n:,} is about another",
                   "reuse-audit: --me {address}: no bounce is about this address, and {n:,} are about others")
