"""How each reason code reads, in every format and language: one sentence per code, filled from its
typed parameters. Vault and mail text in the parameters goes through ``quote`` (escaping for the target
format); our own wording does not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from reuse_audit.errors import Message
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
    C.EXPOSURE_OFFLINE: N_("offline and no --hibp-file given: passwords were not checked against Have I Been "
                           "Pwned"),
    C.INSECURE_URL: N_("the site is reached over unencrypted {scheme}:// on {host}: the password crosses the "
                       "network in clear; use https:// if the site offers it"),
    C.WEAK_2FA: N_("{service} offers two-step login only by {methods}, which a SIM swap or a taken-over mailbox "
                   "defeats: keep this password unique and strong, and protect that phone number and mailbox"),
    C.CATALOGUE_UNAVAILABLE: N_("two-step login and passkeys not checked: the service catalogue could not be "
                                "loaded ({why})"),
    C.BREACH_LIST_STALE: N_("could not refresh the breach list ({why}); using the cached copy"),
    C.BREACH_LIST_UNAVAILABLE: N_("breached sites not checked ({why})"),
    C.MASTER_PASSWORD_USED: N_("it unlocks every other password in the vault, and it is also the password of "
                               "{entries}"),
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
    C.CHECK_2FA: N_("high-value account without a second factor here: find out whether the site offers "
                    "two-step login (a one-time code or a security key) and turn it on"),
    C.CHECK_LOGIN_ADDRESS: N_("check that its login e-mail is not the breached address {address}, and turn on "
                              "two-step login"),
    C.CODES_BY_BREACHED_MAILBOX: N_("its second factor comes by e-mail: whoever holds {address} gets the codes "
                                    "too"),
    C.UNCHANGED_SINCE_BREACH: N_("unchanged since the breach"),
    C.UNKNOWN_AT_BREACH: N_("its history does not reach back to the breach: judged by today's password"),
    C.CREATED_AFTER_BREACH: N_("created after the breach, with the breached password or a variant of it"),
    C.CHANGED_SINCE_BREACH: N_("changed on {date}, after the breach"),
    C.CHANGED_TO_BREACHED: N_("changed, but to a breached password"),
    C.CHANGED_TO_VARIANT: N_("changed to a variant of the breached password ({kinds})"),
    C.MARKED_DONE: N_("marked done (tag {tag}) on {date}"),
    C.MASTER_KEY_CHANGED: N_("master password changed on {date}"),
    C.NO_BREACH_TIME: N_("no breach time given, so progress cannot be told (see --breached-at)"),
    C.MAIL_SHOWED_NOTHING: N_("the mail (--breached-from) showed no compromised address: this plan covers general "
                              "hygiene only"),
    C.RULE_BREACHED_AT: N_("breach time {at} UTC (from {source}): each account's breached password is the "
                           "one it held then"),
    C.RULE_RECENT: N_("no breach time given: the breached passwords are the breached account's current one and "
                      "every one it held in the last {days} days"),
    C.SUGGEST_BREACHED_AT: N_("{title}'s password last changed at {changed} UTC; if the breach came before "
                              "that, re-run: {command}"),
    C.PREVIOUS_PASSWORD_MISSING: N_("{title}'s password changed at {changed} UTC, but its previous password is "
                                    "not in the vault (no history): if you know it, add "
                                    "--breached-password-prompt"),
    C.MAILBOX_TAKEN: N_("took {title} as the mailbox of {address}"),
    C.MAILBOX_HOST_IN_DOMAIN: N_("its host {host} belongs to the mail domain {domain}"),
    C.MAILBOX_PROVIDER_HOST: N_("its host {host} is the mail provider of {domain}"),
    C.MAILBOX_MAIL_HOST: N_("{host} is a mail host"),
    C.MAILBOX_MAIL_TITLE: N_("its title or group says mail"),
    C.MAILBOX_AMBIGUOUS: N_("also plausible: {others}; name the right one with --breached UUID"),
    C.MAILBOX_SHOWS_COMPROMISED: N_("The mailbox shows {address} is compromised: {bounces} bounces about it "
                                    "within {minutes} min ({via_account} via the account) to {recipients} "
                                    "recipients, {start} – {end} UTC"),
    C.MAILBOX_SHOWS_UNDETERMINED: N_("The mailbox shows a burst of {bounces} bounces about {address} that cannot "
                                     "be attributed ({start} – {end} UTC): treated as breached to be safe"),
    C.BOUNCE_BURST: N_("{bounces} bounce(s) in {start} – {end} UTC: {via_account} via the account, "
                       "{unknown} unknown"),
    C.BOUNCE_DAY_BURST: N_("{bounces} bounces within 24 h ({start} – {end} UTC): {via_account} via the "
                           "account, {unknown} unknown"),
    C.BOUNCE_BACKSCATTER_BURST: N_("{bounces} bounce(s) in {start} – {end} UTC: {backscatter} backscatter "
                                   "(forged sender), none via the account, {unknown} unknown"),
    C.BOUNCE_LARGEST_BURST: N_("largest burst: {bounces} bounce(s) in {start} – {end} UTC ({via_account} via "
                               "the account, {unknown} unknown, {backscatter} backscatter)"),
    C.BOUNCE_RECIPIENTS: N_("{count} distinct failed recipients; top domains: {top_domains}"),
    C.BOUNCE_NEVER_SENT: N_("{percent}% of those recipients never appear in your Sent folder"),
    C.BOUNCE_REASON: N_("{reason}: {bounces} bounce(s)"),
    C.BOUNCE_RECEIVED: N_("Received: {line}"),
    C.BOUNCE_TEMPORARY: N_("{count} temporary failure(s) (delayed, still retried) counted apart"),
    C.BOUNCE_IN_SENT: N_("your own mail: {count} bounce(s) of mail in your Sent folder (for example mistyped "
                         "addresses), not counted"),
    C.BOUNCE_OWN_BURST: N_("a burst of {count} bounces ({start} – {end} UTC) of mail in your Sent folder: if you did "
                           "not send it, someone else did from your account (webmail saves what it sends)"),
    C.BOUNCE_UNATTRIBUTED: N_("a burst of {count} bounces ({start} – {end} UTC) that cannot be attributed: only "
                              "{judged} of them show where the mail came from"),
    C.BOUNCE_WEBMAIL_LOGIN: N_("they were sent after a login to your webmail from {ips}"),
    C.BOUNCE_ACCOUNT_LOGIN: N_("they were sent after a login to your account (by a mail program) from {ips}"),
    C.BOUNCE_THIRD_PARTY: N_("the mail went through other people's accounts or servers: {hosts}"),
    C.BOUNCE_FORGED_HOPS: N_("{count} bounce(s) carry made-up Received lines naming your domain; they were "
                             "ignored"),
    C.BOUNCE_REPORTING_MTA: N_("reported by: {hosts}"),
    C.BOUNCE_DKIM: N_("signed (DKIM) by: {domains}"),
}
PLURAL_TEMPLATES: dict[ReasonCode, tuple[str, str]] = {
    C.MAILBOX_OUTSIDE_VAULT: NP_("no entry looks like the mailbox of {address}, so it is taken to live outside "
                                 "the vault; {count:,} entry uses it as its login",
                                 "no entry looks like the mailbox of {address}, so it is taken to live outside "
                                 "the vault; {count:,} entries use it as their login"),
    C.BOUNCE_SENT_FROM_ACCOUNT: NP_("{count:,} mail you did not write was sent from your account between {start} "
                                    "and {end} UTC ({bursts} burst(s))",
                                    "{count:,} mails you did not write were sent from your account between {start} "
                                    "and {end} UTC ({bursts} burst(s))"),
    C.BOUNCE_FORGED_SENDER: NP_("{count:,} bounce is for mail that someone else sent with your address as the "
                                "sender ({start} – {end} UTC); none of it went through your account",
                                "{count:,} bounces are for mail that someone else sent with your address as the "
                                "sender ({start} – {end} UTC); none of it went through your account"),
    C.BOUNCE_NO_ORIGINAL: NP_("{count:,} bounce returned no copy of the mail, so it cannot be attributed",
                              "{count:,} bounces returned no copy of the mail, so they cannot be attributed"),
    C.PWNED: NP_("password found {count:,} time in breaches", "password found {count:,} times in breaches"),
    C.NOW_PWNED: NP_("the new password was found {count:,} time in breaches",
                     "the new password was found {count:,} times in breaches"),
    C.UNKNOWN_AT_BREACH_COUNT: NP_("{count:,} entry's history does not reach back to the breach time: it is "
                                   "judged by today's password",
                                   "{count:,} entries' histories do not reach back to the breach time: they are "
                                   "judged by today's password"),
    C.EXPOSURE_UNVERIFIED_CORPUS: NP_("{count:,} password was not found in a corpus that is not verified, so it "
                                      "is unknown: run `reuse-audit hibp verify {path}` once",
                                      "{count:,} passwords were not found in a corpus that is not verified, so "
                                      "they are unknown: run `reuse-audit hibp verify {path}` once"),
    C.EXPOSURE_INCOMPLETE: NP_("{count:,} distinct password could not be checked against Have I Been Pwned",
                               "{count:,} distinct passwords could not be checked against Have I Been Pwned"),
}
NO_2FA_OFFERED_AS_OF = N_("our data (as of {as_of}) lists no two-step login for this site, but many now offer "
                          "one (banks issue one-time passwords): check")
BOUNCE_NONE_ATTRIBUTED = N_("a burst of {count} bounces ({start} – {end} UTC) that cannot be attributed: none of "
                            "them shows where the mail came from")
DOMAIN_KEYS: dict[str, str] = {
    "hosting": N_("may control the mail of {domain}: its web host holds the mail accounts and forwarding"),
    "domains": N_("may control the mail of {domain}: its registrar or DNS can point the mail anywhere"),
    "host": N_("may control the mail of {domain}: a site on the same domain"),
}
REUSED_NAMED = N_("same password as {names} ({group})")
NOW_SHARED = N_("now shares its password with {names}")
REUSED_MORE = NP_("{names} and {n:,} more", "{names} and {n:,} more")
REUSED_COUNTED = NP_("same password as {n:,} other entry ({group})", "same password as {n:,} other entries ({group})")
WEAK = N_("weak password: {strength} (zxcvbn {score} of 4)")
POLICY_LENGTH = NP_("{n:,} character ({min_length} or more recommended)",
                    "{n:,} characters ({min_length} or more recommended)")
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
    "webmail-login": N_("sent from your webmail after a login"),
    "third-party-login": N_("sent by someone logged in to another account"),
    "origin-not-mail-server": N_("sent straight from a machine that is not a mail server"),
    "entered-from-outside": N_("sent from outside to your own domain"),
    "no-original": N_("no copy of the mail came back"),
    "no-path": N_("the returned copy shows no route"),
    "unverified": N_("nothing believable shows where it came from"),
    "conflicting": N_("the signs contradict each other"),
}
#: The subjects of mail the owner did not send, each quoted (mail text, never a template).
TOP_SUBJECTS = N_("the top subjects were: {subjects}")
QUOTED_SUBJECT = N_("“{subject}”")
#: A site breach (Have I Been Pwned's breach list): when it happened, by the precision of its BreachDate.
BREACH_WHEN: dict[str, str] = {
    "day": N_("on {date}"),
    "month": N_("in {month}"),
    "year": N_("in {year}"),
}
SITE_BREACHED_SINCE = N_("{title} ({domain}) was breached {when}, reported {added}; this password dates from "
                         "{since}")
SITE_BREACHED_UNKNOWN = N_("{title} ({domain}) was breached {when}, reported {added}; password date unknown")
SITE_BREACHED_CREATED = N_("{title} ({domain}) was breached {when}, reported {added}; password date unknown "
                           "(entry created {created})")
SAME_PASSWORD_AS_BREACHED_SITE = N_("same password as {entry}, whose site {title} was breached {when}")
VARIANT_OF_BREACHED_SITE = N_("password is a variant of {entry}'s, whose site {title} was breached {when} "
                              "({kinds})")
#: Where the breach list came from; every one credits Have I Been Pwned (its licence, CC BY 4.0, asks so).
BREACH_LIST_FETCHED = N_("breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), fetched {date}")
BREACH_LIST_AGED: dict[str, tuple[str, str]] = {
    "cache": NP_("breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), cached copy fetched {date}, "
                 "{n:,} day old",
                 "breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), cached copy fetched {date}, "
                 "{n:,} days old"),
    "file": NP_("breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), from --breaches-file, newest "
                "breach added {date}, {n:,} day old",
                "breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), from --breaches-file, newest "
                "breach added {date}, {n:,} days old"),
}
BREACH_LIST_CACHED_TODAY = N_("breach list: Have I Been Pwned (haveibeenpwned.com, CC BY 4.0), cached copy "
                              "fetched today ({date})")
#: Second factors a site offers (the catalogue's ``tfa`` values), in words, for ``weak_2fa``.
TFA_METHODS: dict[str, str] = {
    "sms": N_("SMS"),
    "call": N_("phone call"),
    "email": N_("e-mail"),
}
NO_2FA = N_("{service} offers two-step login and this entry has no one-time code: turn it on")
NO_2FA_HOW = N_("{service} offers two-step login and this entry has no one-time code: turn it on ({url})")
PASSKEY_AVAILABLE = N_("{service} accepts a passkey instead of this password")
PASSKEY_AVAILABLE_HOW = N_("{service} accepts a passkey instead of this password ({url})")
#: Why a password's exposure is unknown, in words (ExposureFailure values); the exposure layer's own
#: English reason is used for a kind not listed here.
EXPOSURE_FAILURES: dict[str, str] = {
    "connection_error": N_("no connection to Have I Been Pwned"),
    "timeout": N_("Have I Been Pwned did not answer in time"),
    "http_error": N_("Have I Been Pwned answered with an error"),
    "rate_limited": N_("Have I Been Pwned asked us to slow down"),
    "malformed_response": N_("Have I Been Pwned's answer could not be read"),
    "deadline": N_("the time limit of the breach check was reached (--hibp-deadline)"),
    "unreachable": N_("Have I Been Pwned could not be reached"),
    "file_missing": N_("its range file is missing from --hibp-file"),
    "file_unreadable": N_("its range file in --hibp-file could not be read"),
    "malformed_file": N_("its range file in --hibp-file is damaged or out of order"),
    "unverified_corpus": N_("not in the downloaded corpus, which is not verified (run reuse-audit hibp verify)"),
    "internal_error": N_("an internal error; please report it"),
}

#: Where the breach time came from, in words (BreachTimeSource values).
TIME_SOURCES: dict[str, str] = {
    "option": N_("--breached-at"),
    "environment": N_("REUSE_AUDIT_BREACHED_AT"),
    "bounces": N_("the start of the bounce burst"),
    "breach_list": N_("the breach list"),
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
    if isinstance(value, tuple) and name == "methods":
        return t.join([t.gettext(TFA_METHODS[m]) if m in TFA_METHODS else quote(m) for m in value])
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int):
        if name == "category":
            return category_text(t, str(value), quote)
        if name == "reason" and str(value) in BOUNCE_REASONS:
            return t.gettext(BOUNCE_REASONS[str(value)])
        if name == "source" and str(value) in TIME_SOURCES:
            return t.gettext(TIME_SOURCES[str(value)])
        if isinstance(value, Message):  # an error's sentence (why a check could not run): in t's language
            return quote(value.render(t))
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


def _now_shared(t: Translator, r: Reason, quote: Quote) -> str:
    others, names = r.get("others"), r.get("names")
    n = others if isinstance(others, int) else 0
    shown = names if isinstance(names, Names) else Names()
    return t.text(NOW_SHARED, names=names_text(t, shown, n, quote))


def _exposure_unknown(t: Translator, r: Reason, quote: Quote) -> str:
    failure = r.get("failure")
    if isinstance(failure, str) and failure in EXPOSURE_FAILURES:
        why = t.gettext(EXPOSURE_FAILURES[failure])
    else:
        why = quote(str(r.get("why") or ""))
    return t.text(TEMPLATES[C.EXPOSURE_UNKNOWN], why=why)


def _no_2fa_offered(t: Translator, r: Reason, _quote: Quote) -> str:
    as_of = r.get("as_of")
    if isinstance(as_of, str) and as_of:
        return t.text(NO_2FA_OFFERED_AS_OF, as_of=as_of)
    return t.text(TEMPLATES[C.NO_2FA_OFFERED])


def _unattributed(t: Translator, r: Reason, quote: Quote) -> str:
    if r.get("judged") == 0:
        return t.text(BOUNCE_NONE_ATTRIBUTED, **_values(t, r, quote))
    return t.text(TEMPLATES[C.BOUNCE_UNATTRIBUTED], **_values(t, r, quote))


def _domain_key(t: Translator, r: Reason, quote: Quote) -> str:
    role = str(r.get("role") or "host")
    return t.text(DOMAIN_KEYS.get(role, DOMAIN_KEYS["host"]), domain=quote(str(r.get("domain") or "")))


def _weak(t: Translator, r: Reason, _quote: Quote) -> str:
    score = r.get("score")
    s = score if isinstance(score, int) and not isinstance(score, bool) else 0
    return t.text(WEAK, strength=strength_word(t, s), score=s)


def _policy(t: Translator, r: Reason, _quote: Quote) -> str:
    parts = []
    length, min_length = r.get("length"), r.get("min_length")
    if isinstance(length, int) and isinstance(min_length, int) and length < min_length:
        parts.append(t.plural(POLICY_LENGTH, length, min_length=min_length))
    if r.get("no_symbol") is True:
        parts.append(t.gettext(POLICY_NO_SYMBOL))
    return t.join(parts) if parts else t.gettext(POLICY_OTHER)


def breach_when(t: Translator, breached: object, precision: object) -> str:
    """'on 2013-10-04', 'in 2015-03' or 'in 2012': a BreachDate as precisely as HIBP knows it."""
    if not isinstance(breached, date):
        return ""
    if precision == "year":
        return t.text(BREACH_WHEN["year"], year=f"{breached.year:04d}")
    if precision == "month":
        return t.text(BREACH_WHEN["month"], month=f"{breached.year:04d}-{breached.month:02d}")
    return t.text(BREACH_WHEN["day"], date=breached.isoformat())


def _values(t: Translator, r: Reason, quote: Quote, leave_out: tuple[str, ...] = ()) -> dict[str, object]:
    """The reason's parameters as its template shows them (quoted, worded in ``t``'s language)."""
    return {k: _value(t, k, v, quote) for k, v in r.params if k not in leave_out}


def _breach_values(t: Translator, r: Reason, quote: Quote) -> dict[str, object]:
    values = _values(t, r, quote, ("breached", "precision"))
    return {**values, "when": breach_when(t, r.get("breached"), r.get("precision"))}


def _site_breached(t: Translator, r: Reason, quote: Quote) -> str:
    values = _breach_values(t, r, quote)
    if "since" in values:
        return t.text(SITE_BREACHED_SINCE, **values)
    if "created" in values:
        return t.text(SITE_BREACHED_CREATED, **values)
    return t.text(SITE_BREACHED_UNKNOWN, **values)


def _sharer_of_breached_site(t: Translator, r: Reason, quote: Quote) -> str:
    template = SAME_PASSWORD_AS_BREACHED_SITE if r.code is C.SAME_PASSWORD_AS_BREACHED_SITE else \
        VARIANT_OF_BREACHED_SITE
    return t.text(template, **_breach_values(t, r, quote))


def _breach_list(t: Translator, r: Reason, _quote: Quote) -> str:
    when, days, source = r.get("date"), r.get("days"), r.get("source")
    shown = when.isoformat() if isinstance(when, date) else ""
    aged = BREACH_LIST_AGED.get(str(source))
    if aged is None:
        return t.text(BREACH_LIST_FETCHED, date=shown)
    if days == 0 and source == "cache":  # not "0 days old"
        return t.text(BREACH_LIST_CACHED_TODAY, date=shown)
    return t.plural(aged, days if isinstance(days, int) else 0, date=shown)


def _with_how_to(plain_template: str, how_template: str) -> Callable[[Translator, Reason, Quote], str]:
    """A reason whose ``url`` parameter is optional: one sentence with the link, one without."""

    def render(t: Translator, r: Reason, quote: Quote) -> str:
        values = _values(t, r, quote)
        return t.text(how_template if "url" in values else plain_template, **values)

    return render


def _top_subjects(t: Translator, r: Reason, quote: Quote) -> str:
    subjects = r.get("subjects")
    names = subjects if isinstance(subjects, Names) else Names()
    return t.text(TOP_SUBJECTS, subjects=t.join([t.text(QUOTED_SUBJECT, subject=quote(s)) for s in names]))


_SPECIAL: dict[ReasonCode, Callable[[Translator, Reason, Quote], str]] = {
    C.BOUNCE_TOP_SUBJECTS: _top_subjects,
    C.NO_2FA: _with_how_to(NO_2FA, NO_2FA_HOW), C.PASSKEY_AVAILABLE: _with_how_to(PASSKEY_AVAILABLE,
                                                                                   PASSKEY_AVAILABLE_HOW),
    C.REUSED: _reused, C.WEAK: _weak, C.POLICY: _policy, C.NOW_SHARED: _now_shared,
    C.NO_2FA_OFFERED: _no_2fa_offered, C.DOMAIN_KEY: _domain_key,
    C.EXPOSURE_UNKNOWN: _exposure_unknown, C.SITE_BREACHED: _site_breached,
    C.SAME_PASSWORD_AS_BREACHED_SITE: _sharer_of_breached_site, C.VARIANT_OF_BREACHED_SITE: _sharer_of_breached_site,
    C.BREACH_LIST: _breach_list, C.BOUNCE_UNATTRIBUTED: _unattributed,
}


def reason_text(t: Translator, reason: Reason, quote: Quote = plain) -> str:
    """One reason as a sentence fragment in ``t``'s language; parameter values go through ``quote``."""
    special = _SPECIAL.get(reason.code)
    if special is not None:
        return special(t, reason, quote)
    values = _values(t, reason, quote)
    plural = PLURAL_TEMPLATES.get(reason.code)
    if plural is not None:
        count = reason.get("count")
        return t.ngettext(*plural, count if isinstance(count, int) else 0).format(**values)
    return t.text(TEMPLATES[reason.code], **values)
