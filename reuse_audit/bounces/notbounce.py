"""Mail that looks like a bounce but is not one: auto-replies, challenges, human replies, receipts, success
notices, reports and phishing dressed as a mail server. Each is counted apart, never as a bounce.

The header tests (:func:`kind_from_headers`) run on every message that has any bounce or auto-reply trait;
the body tests (:func:`looks_human`, :func:`looks_like_phishing`) only on messages parsed in full.
"""

from __future__ import annotations

import re
from enum import StrEnum

from reuse_audit.bounces.fields import Fields


class NotBounceKind(StrEnum):
    """Why a message that looked like a bounce is not one (the JSON ``not_bounces`` keys)."""

    AUTO_REPLY = "auto_reply"
    CHALLENGE = "challenge"
    HUMAN_REPLY = "human_reply"
    RECEIPT = "receipt"
    SUCCESS_DSN = "success_dsn"
    REPORT = "report"
    PHISHING = "phishing"
    BULK = "bulk"  # a newsletter or list mail (List-Id, List-Unsubscribe, Precedence: bulk) with a bounce-like subject


# Auto-reply subjects: English, German, French, Italian, Spanish, Portuguese, Dutch, Japanese, Chinese, and
# Sieve's "Auto:". Matched at the start, after any reply prefix.
_AUTO_REPLY_SUBJECT = re.compile(
    r"^(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?respon|auto:|out of (?:the )?office|"
    r"i am out of|i'?m out of|away from|away until|on vacation|vacation|ooo\b|abwesenheit|abwesend|"
    r"automatische antwort|urlaub|r[ée]ponse automatique|absence|absent|message d'absence|"
    r"risposta automatica|fuori (?:sede|ufficio)|assente|respuesta autom[aá]tica|fuera de la oficina|"
    r"ausente|resposta autom[aá]tica|aus[eê]ncia|fora do escrit[oó]rio|automatisch antwoord|afwezig|"
    r"自動応答|自動返信|自動送信|自動回覆|不在|休暇|自动回复|自动答复|自動回复|休假|不在办公室)",
    re.I,
)
_AUTO_REPLY_HEADERS = frozenset({"x-autoreply", "x-autorespond", "x-autoresponder", "x-autorespond-reason",
                                 "x-ms-exchange-inbox-rules-loop", "x-vacation", "x-mail-autoreply"})
_CHALLENGE_HEADERS = frozenset({"x-boxbe-challenge", "x-boxbe-msgid", "x-spam-arrest", "x-tmda-confirm",
                                "x-challenge", "x-bluebottle-request", "x-sender-verification"})
_CHALLENGE_SUBJECT = re.compile(
    r"please confirm (?:your|that you sent)|confirm your (?:e-?mail|message)|sender verification|"
    r"verify (?:that )?you (?:are|sent)|awaiting (?:your )?(?:confirmation|verification)|"
    r"(?:message|email) (?:is )?(?:awaiting|pending) (?:verification|confirmation|approval)|"
    r"challenge[- ]response|\bboxbe\b|spam ?arrest|送信確認|送信者確認|发件人验证",
    re.I,
)
_RECEIPT_SUBJECT = re.compile(
    r"^(?:read|gelesen|lu|le[ií]do|letto|lido|gelezen|開封済み|开封|已读|已讀|read receipt|return receipt|"
    r"開封確認|读取|not read|nicht gelesen)\s*[:：]",
    re.I,
)
_SUCCESS_SUBJECT = re.compile(
    r"delivery status notification \(success\)|delivery notification: delivery has (?:been )?relayed|"
    r"successful mail delivery|^(?:delivered|relayed|zugestellt|remis|entregado|配信済み)\s*[:：]|"
    r"配信完了|delivery (?:report|receipt): (?:delivered|success)",
    re.I,
)
_REPORT_SUBJECT = re.compile(
    r"report domain:|\bdmarc\b|abuse report|feedback report|complaint about message|spamtraphit|"
    r"tls report|\btlsrpt\b|\bfbl\b",
    re.I,
)
_REPLY_PREFIX = re.compile(
    r"^\s*(?:re|aw|antw|sv|vs|ref|rif|r|odp|ynt|回复|回覆|答复|返信|fwd?|fw|wg|tr|rv|i|enc|転送|转发|轉寄)\s*"
    r"(?:\[\d+\])?\s*[:：]", re.I)
_AUTOMATED_LOCALPARTS = frozenset({
    "mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster", "post_master", "no-reply", "noreply",
    "do-not-reply", "donotreply", "do_not_reply", "mail", "mailer", "bounce", "bounces", "root", "daemon",
    "mail-daemon", "maildelivery", "notification", "notifications", "notify", "system", "admin",
})
_HUMAN_HEADERS = frozenset({"user-agent", "x-mailer", "x-mimeole", "thread-index", "x-ms-has-attach", "in-reply-to",
                            "references"})
_LINK = re.compile(r"https?://[^\s\"'<>]+", re.I)


def strip_reply_prefixes(subject: str) -> tuple[str, bool]:
    """The subject without leading ``Re:``/``Fwd:``/``AW:``/``転送:`` prefixes, and whether there were any."""
    found = False
    while True:
        match = _REPLY_PREFIX.match(subject)
        if not match:
            return subject.strip(), found
        subject = subject[match.end():]
        found = True


def automated_sender(fields: Fields) -> bool:
    """Sent by a mail system or a no-reply robot, or with a null envelope sender."""
    local = fields.sender.partition("@")[0].strip().strip('"')
    if local in _AUTOMATED_LOCALPARTS or not fields.sender:
        return True
    return fields.present("Return-Path") and fields.get("Return-Path").strip() in ("<>", "")


def _auto_submitted(fields: Fields) -> bool:
    value = fields.get("Auto-Submitted").strip().lower()
    return bool(value) and not value.startswith("no")


def kind_from_headers(
    fields: Fields, *, report_type: str, strong: bool, bounce_subject: bool
) -> NotBounceKind | None:
    """What a message is when its headers alone say it is not a bounce; None when they do not say.

    ``strong`` is whether the headers carry a strong bounce trait (a delivery-status report, a
    MAILER-DAEMON sender, a known provider's notice); ``bounce_subject`` whether the subject reads like one.
    """
    if report_type in ("feedback-report", "tlsrpt"):
        return NotBounceKind.REPORT
    if report_type == "disposition-notification":
        return NotBounceKind.RECEIPT
    if strong:
        return None
    subject = fields.subject
    bare, prefixed = strip_reply_prefixes(subject)
    if _REPORT_SUBJECT.search(subject) and not bounce_subject:
        return NotBounceKind.REPORT
    if _RECEIPT_SUBJECT.match(subject):
        return NotBounceKind.RECEIPT
    if _AUTO_REPLY_SUBJECT.match(bare) or fields.has_any(_AUTO_REPLY_HEADERS):
        return NotBounceKind.AUTO_REPLY
    if fields.has_any(_CHALLENGE_HEADERS) or _CHALLENGE_SUBJECT.search(subject):
        return NotBounceKind.CHALLENGE
    if _auto_submitted(fields) and not bounce_subject:
        return NotBounceKind.AUTO_REPLY
    if bounce_subject and prefixed and not automated_sender(fields):
        return NotBounceKind.HUMAN_REPLY
    if fields.has_any(_BULK_HEADERS) or fields.get("Precedence").strip().lower() in ("bulk", "list", "junk"):
        return NotBounceKind.BULK  # a mail system's notice is never list mail (a list server's error is "fml")
    return None


_BULK_HEADERS = frozenset({"list-id", "list-unsubscribe", "list-post"})


def success_subject(subject: str) -> bool:
    """A subject announcing a delivery (Exchange's "Delivered:", Gmail's "(Success)")."""
    return bool(_SUCCESS_SUBJECT.search(subject))


def looks_human(fields: Fields) -> bool:
    """Written by a person: not a robot's sender, and a mail program's traits or a reply's references."""
    if automated_sender(fields) or _auto_submitted(fields):
        return False
    return fields.has_any(_HUMAN_HEADERS)


def has_link(text: str) -> bool:
    """Whether a notice's text links to a web page."""
    return bool(_LINK.search(text))
