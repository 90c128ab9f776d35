"""The audit report's own wording: column names, headings and the one-line summary (translated)."""

from __future__ import annotations

from reuse_audit.i18n import N_, NP_

COLUMNS: dict[str, str] = {
    "rank": N_("#"),
    "title": N_("Title"),
    "username": N_("Username"),
    "group": N_("Group"),
    "findings": N_("Findings"),
    "reuse": N_("Reuse"),
    "variant": N_("Variant"),
    "score": N_("Score"),
    "length": N_("Length"),
    "exposure": N_("Exposure"),
    "otp": N_("OTP"),
    "reasons": N_("Reasons"),
}
#: Finding kinds as the human formats show them (English: the codes themselves; CSV and JSON keep codes).
KINDS: dict[str, str] = {
    "master_password": N_("master_password"),
    "pwned": N_("pwned"),
    "site_breached": N_("site_breached"),
    "reused": N_("reused"),
    "variant": N_("variant"),
    "weak": N_("weak"),
    "policy": N_("policy"),
    "expired": N_("expired"),
    "old": N_("old"),
    "insecure_url": N_("insecure_url"),
    "no_2fa": N_("no_2fa"),
    "weak_2fa": N_("weak_2fa"),
    "passkey_available": N_("passkey_available"),
}
TITLE = N_("reuse-audit report")
TABLE_TITLE = N_("reuse-audit: worst first")
LABELLED = N_("{label}: {text}")
AUDITED = N_("{n} entries audited")
YES, NO = N_("yes"), N_("no")
EXPOSURE: dict[str, str] = {
    "pwned": N_("pwned ({count:,})"),
    "not_found": N_("not found"),
    "unknown": N_("unknown"),
    "skipped": N_("skipped"),
}

# The summary line on stderr and at the top of reports.
ENTRIES = NP_("{n:,} entry ({audited:,} audited, {skipped:,} skipped)",
              "{n:,} entries ({audited:,} audited, {skipped:,} skipped)")
NOT_CHECKED = N_("{what}: not checked")
SHARED = NP_("{shared:,} share a password in {n:,} group", "{shared:,} share a password in {n:,} groups")
VARIANTS = NP_("{count:,} use variants in {n:,} group", "{count:,} use variants in {n:,} groups")
#: Entries whose breach check could not run (the run's note counts distinct passwords, which entries may share).
UNKNOWN_EXPOSURE = NP_("{n:,} entry with unknown exposure", "{n:,} entries with unknown exposure")
COUNTS: dict[str, str] = {
    "reuse": N_("reuse"),
    "weak": N_("{n} weak"),
    "weak_name": N_("weak"),
    "policy": N_("{n} fail the policy"),
    "policy_name": N_("fail the policy"),
    "pwned": N_("{n} pwned"),
    "pwned_incomplete": N_("{n} pwned (exposure incomplete)"),
    "pwned_name": N_("pwned"),
    "site_breached": N_("{n} on breached sites"),
    "site_breached_name": N_("breached sites"),
    "expired": N_("{n} expired"),
    "old": N_("{n} old"),
    "insecure_url": N_("{n} on unencrypted http:// or ftp://"),
    "insecure_url_name": N_("unencrypted URLs"),
    "no_2fa": N_("{n} without two-step login"),
    "weak_2fa": N_("{n} with only SMS or e-mail codes"),
    "passkey_available": N_("{n} could use a passkey"),
    "2fa_name": N_("two-step login and passkeys"),
    "master_password": N_("{n} use the master password"),
}
EXPOSURE_NOTE = N_("{line} (exposure: {note})")
NOT_SELECTED = N_("not selected (--checks)")
