"""How each reason code reads, in every format and language: one sentence per code, filled from its
typed parameters. Vault and mail text in the parameters goes through ``quote`` (escaping for the target
format); our own wording does not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from reuse_audit.i18n import N_, NP_, Quote, Translator, plain
from reuse_audit.reasons import Names, Reason, ReasonCode, Subject, SubjectKind

C = ReasonCode

#: One template per code; ``{name}`` fields are the code's parameters, rendered by :func:`reason_text`.
TEMPLATES: dict[ReasonCode, str] = {
    C.MASTER_PASSWORD: N_("password is the vault's own master password"),
    C.VARIANT: N_("password is a variant of others' ({group}: {kinds})"),
    C.EXPIRED: N_("expired on {date}"),
    C.OLD: N_("password unchanged since {date}"),
    C.LINKED: N_("password is a reference to another entry's (same password)"),
    C.EXPOSURE_UNKNOWN: N_("could not check whether the password was in a breach ({why})"),
    C.EXPOSURE_SKIPPED: N_("breach check skipped ({why})"),
    C.EXPOSURE_NOT_SELECTED: N_("exposure check not selected (--checks)"),
    C.MASTER_PASSWORD_USED: N_("it unlocks every other password in the vault, and {entries} use it too"),
    C.BREACHED_ACCOUNT: N_("this is the breached account (you named {selector})"),
    C.SAME_PASSWORD_AS_BREACHED: N_("same password as the breached {what}"),
    C.LINKED_TO_BREACHED: N_("its password refers to the breached {what}'s (same password)"),
    C.SAME_DOMAIN_MAILBOX: N_("a mailbox on the same domain as the breached one ({domain})"),
    C.LOGIN_IS_BREACHED_ADDRESS: N_("you sign in with the breached address {address}"),
    C.HIGH_VALUE_SERVICE: N_("high-value account ({category})"),
    C.VARIANT_OF_BREACHED: N_("password is a variant of the breached {what}'s ({kinds})"),
    C.REGISTERED_TO_BREACHED_ADDRESS: N_("registered to the breached address {address}: whoever holds the "
                                         "mailbox can reset its password"),
    C.HAS_OTP: N_("two-step login is on: the password alone does not open it"),
    C.ENABLE_2FA: N_("turn on two-step login"),
    C.NO_2FA_OFFERED: N_("this site offers no two-step login"),
    C.MAILBOX_TAKEN: N_("took {title} as the mailbox of {address}"),
    C.MAILBOX_HOST_IN_DOMAIN: N_("its host {host} belongs to the mail domain {domain}"),
    C.MAILBOX_PROVIDER_HOST: N_("its host {host} is the mail provider of {domain}"),
    C.MAILBOX_MAIL_HOST: N_("{host} is a mail host"),
    C.MAILBOX_MAIL_TITLE: N_("its title or group says mail"),
    C.MAILBOX_AMBIGUOUS: N_("also plausible: {others}; name the right one with --breached UUID"),
    C.MAILBOX_OUTSIDE_VAULT: N_("no entry looks like the mailbox of {address}, so it is taken to live outside "
                                "the vault; {count} entries use it as their login"),
    C.MAILBOX_SHOWS_COMPROMISED: N_("The mailbox shows {address} is compromised: {bounces} bounces about it "
                                    "within {minutes} min ({via_account} via the account) to {recipients} "
                                    "recipients, {start} – {end} UTC"),
    C.BOUNCE_BURST: N_("{bounces} bounce(s) in {start} – {end} UTC: {via_account} via the account, "
                       "{unknown} unknown"),
    C.BOUNCE_DAY_BURST: N_("{bounces} bounces within 24 h ({start} – {end} UTC): {via_account} via the "
                           "account, {unknown} unknown"),
    C.BOUNCE_BACKSCATTER_BURST: N_("{bounces} bounce(s) in {start} – {end} UTC, all backscatter (forged "
                                   "sender)"),
    C.BOUNCE_LARGEST_BURST: N_("largest burst: {bounces} bounce(s) in {start} – {end} UTC ({via_account} via "
                               "the account, {unknown} unknown, {backscatter} backscatter)"),
    C.BOUNCE_RECIPIENTS: N_("{count} distinct failed recipients; top domains: {top_domains}"),
    C.BOUNCE_NEVER_SENT: N_("{percent}% of those recipients never appear in your Sent folder"),
    C.BOUNCE_REASON: N_("{reason}: {bounces} bounce(s)"),
    C.BOUNCE_RECEIVED: N_("Received: {line}"),
    C.BOUNCE_TEMPORARY: N_("{count} temporary failure(s) (delayed, still retried) counted apart"),
    C.BOUNCE_IN_SENT: N_("{count} bounce(s) are for mail in your Sent folder (your own mail, not counted)"),
}
PLURAL_TEMPLATES: dict[ReasonCode, tuple[str, str]] = {
    C.PWNED: NP_("password found {count:,} time in breaches", "password found {count:,} times in breaches"),
    C.EXPOSURE_INCOMPLETE: NP_("{count:,} password could not be checked against Have I Been Pwned",
                               "{count:,} passwords could not be checked against Have I Been Pwned"),
}
REUSED_NAMED = N_("same password as {names} ({group})")
REUSED_MORE = NP_("{names} and {n:,} more", "{names} and {n:,} more")
REUSED_COUNTED = NP_("same password as {n:,} other entry ({group})", "same password as {n:,} other entries ({group})")
WEAK = N_("weak password: {strength} (zxcvbn {score} of 4)")
POLICY_LENGTH = N_("{length} characters ({min_length} or more recommended)")
POLICY_NO_SYMBOL = N_("no symbol")
POLICY_OTHER = N_("does not meet the password policy")
#: zxcvbn's score 0-4 in words.
STRENGTH_WORDS: tuple[str, ...] = (N_("very weak"), N_("weak"), N_("fair"), N_("strong"), N_("very strong"))
SUBJECTS: dict[SubjectKind, str] = {
    SubjectKind.MAILBOX: N_("mailbox {name}"),
    SubjectKind.ACCOUNT: N_("account {name}"),
}
CATEGORIES: dict[str, str] = {
    "email": N_("e-mail"),
    "identity": N_("identity / sign-in"),
    "social": N_("social network"),
    "finance": N_("finance"),
    "cloud": N_("cloud and hosting"),
    "hosting": N_("web hosting"),
    "domains": N_("domain registrar / DNS"),
    "shopping": N_("shopping"),
    "other": N_("other"),
}
#: Variant kinds (reuse_audit.checks.variants) in words.
VARIANT_KINDS: dict[str, str] = {
    "case": N_("capitalisation"),
    "leet": N_("leet substitution"),
    "appended": N_("appended characters"),
    "prefixed": N_("changed or added prefix"),
    "digits_changed": N_("changed digits"),
    "suffix_changed": N_("changed suffix"),
    "year_changed": N_("changed year"),
    "small_edit": N_("small edit"),
    "shared_core": N_("long shared core"),
    "site_name": N_("site name swapped in"),
}
#: Why one bounce was judged as it was (the ``reason`` parameter of a ``reason`` evidence item).
BOUNCE_REASONS: dict[str, str] = {
    "provider-reporting-mta": N_("reported by your provider's own server"),
    "provider-hop": N_("passed through your provider's relay"),
    "auth-marker": N_("submitted after logging in (authentication marker)"),
    "own-dkim": N_("DKIM-signed with your domain"),
    "not-in-sent": N_("Message-ID not in your Sent folder"),
    "foreign-dkim": N_("signed by another domain only"),
    "no-provider-hop": N_("never passed through your provider"),
    "in-sent": N_("found in your Sent folder"),
}
MAX_NAMES = 3


def names_text(t: Translator, names: Names | tuple[str, ...], total: int, quote: Quote = plain) -> str:
    """Up to three names, then "and N more": ``Google, Instagram and 1 more``."""
    shown = [quote(n) for n in names[:MAX_NAMES]]
    rest = total - len(shown)
    if rest <= 0:
        return t.join(shown)
    return t.plural(REUSED_MORE, rest, names=t.join(shown))


def strength_word(t: Translator, score: int) -> str:
    """zxcvbn's 0-4 score in words (very weak ... very strong)."""
    return t.gettext(STRENGTH_WORDS[max(0, min(score, 4))])


def category_text(t: Translator, category: str, quote: Quote = plain) -> str:
    return t.gettext(CATEGORIES[category]) if category in CATEGORIES else quote(category)


def kinds_text(t: Translator, kinds: tuple[str, ...], quote: Quote = plain) -> str:
    """Variant kinds in words, as a list."""
    return t.join([t.gettext(VARIANT_KINDS[k]) if k in VARIANT_KINDS else quote(k) for k in kinds])


def _value(t: Translator, name: str, value: object, quote: Quote) -> object:
    """One parameter as it goes into a sentence."""
    if isinstance(value, Subject):
        return t.text(SUBJECTS[value.kind], name=quote(value.name)) if value.name else quote(str(value))
    if isinstance(value, Names):
        return t.join([quote(v) for v in value])
    if isinstance(value, tuple) and name == "kinds":
        return kinds_text(t, value, quote)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int):
        if name == "category":
            return category_text(t, str(value), quote)
        if name == "reason" and str(value) in BOUNCE_REASONS:
            return t.gettext(BOUNCE_REASONS[str(value)])
        return quote(str(value))
    return value


def _reused(t: Translator, r: Reason, quote: Quote) -> str:
    others = r.get("others")
    n = others if isinstance(others, int) else 0
    group = quote(str(r.get("group") or ""))
    names = r.get("names")
    if isinstance(names, Names) and names:
        return t.text(REUSED_NAMED, names=names_text(t, names, n, quote), group=group)
    return t.plural(REUSED_COUNTED, n, group=group)


def _weak(t: Translator, r: Reason, _quote: Quote) -> str:
    score = r.get("score")
    s = score if isinstance(score, int) and not isinstance(score, bool) else 0
    return t.text(WEAK, strength=strength_word(t, s), score=s)


def _policy(t: Translator, r: Reason, _quote: Quote) -> str:
    parts = []
    length, min_length = r.get("length"), r.get("min_length")
    if isinstance(length, int) and isinstance(min_length, int) and length < min_length:
        parts.append(t.text(POLICY_LENGTH, length=length, min_length=min_length))
    if r.get("no_symbol") is True:
        parts.append(t.gettext(POLICY_NO_SYMBOL))
    return t.join(parts) if parts else t.gettext(POLICY_OTHER)


_SPECIAL: dict[ReasonCode, Callable[[Translator, Reason, Quote], str]] = {
    C.REUSED: _reused, C.WEAK: _weak, C.POLICY: _policy,
}


def reason_text(t: Translator, reason: Reason, quote: Quote = plain) -> str:
    """One reason as a sentence fragment in ``t``'s language; parameter values go through ``quote``."""
    special = _SPECIAL.get(reason.code)
    if special is not None:
        return special(t, reason, quote)
    values = {k: _value(t, k, v, quote) for k, v in reason.params}
    plural = PLURAL_TEMPLATES.get(reason.code)
    if plural is not None:
        count = reason.get("count")
        return t.ngettext(*plural, count if isinstance(count, int) else 0).format(**values)
    return t.text(TEMPLATES[reason.code], **values)
