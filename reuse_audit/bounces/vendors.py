"""Bounces that are not RFC 3464 reports: Amazon SES notifications (JSON), Japanese carriers' notices (KDDI/au,
docomo, SoftBank), fml mailing-list errors, and the failed recipients that MailEnable, SmarterMail, Barracuda,
Kerio, Exchange, Verizon-style ``post_master`` and Coremail (系统退信) write only in their text.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from reuse_audit.bounces.fields import Fields
from reuse_audit.services.domains import host_within

_ADDR = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
# "Where the failure is" lines of MTAs that write no machine-readable report.
_TEXT_RECIPIENTS = tuple(re.compile(p, re.I) for p in (
    rf"RCPT TO:\s*<?({_ADDR})",                                    # Verizon / post_master, Apache James
    rf"\[SMTP:({_ADDR})\]",                                        # MailEnable, Exchange "Recipient: [SMTP:x]"
    rf"Failed to deliver to '?<?({_ADDR})",                        # SmarterMail
    rf"Recipient address:\s*<?({_ADDR})",                          # Kerio Connect
    rf"Your message to:?\s*<?({_ADDR})",                           # Barracuda
    rf"could not be (?:reached|delivered to)[^\n]{{0,20}}?:?\s*<?({_ADDR})",  # Kerio, KDDI, Exchange 2003
    rf"(?:^|\n)\s*(?:收件人|收信人|收件地址)\s*[：:]\s*<?({_ADDR})",  # Coremail
    rf"无法(?:投递|发送)到\s*<?({_ADDR})",                           # Coremail
    rf"(?:^|\n)\s*(?:宛先|あて先|送信先|受信者)\s*[：:]\s*<?({_ADDR})",  # Japanese ISP notices
    rf"Delivery to the following recipients? failed[^\n]*\n+\s*<?({_ADDR})",  # Exchange 2003 / Notes
    rf"Undeliverable to\s*<?({_ADDR})",
))
_CARRIER_SITES = ("dion.ne.jp", "ezweb.ne.jp", "au.com", "auone-net.jp", "kddi.com", "docomo.ne.jp",
                  "softbank.ne.jp", "i.softbank.jp", "vodafone.ne.jp", "disney.ne.jp")
_CARRIER_LOCALPARTS = frozenset({"no-reply", "noreply", "postmaster", "mailer-daemon", "mail-daemon"})
_FML_SUBJECT = re.compile(r"not member|loop alert|error|reject|denied|bounce|cannot|can't|unknown", re.I)
_SES_SENDER = re.compile(r"@(?:[\w.-]+\.)?(?:amazonaws\.com|amazonses\.com)$", re.I)
_SES_SUBJECT = re.compile(r"^(?:AWS Notification Message|Amazon SES (?:Bounce|Email Event) Notification)", re.I)
_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)>|<[^>]+>", re.I | re.S)
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/tr|/li|/h\d)\b[^>]*>", re.I)
_HREF = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)[^>]*>", re.I)


def carrier_notice(fields: Fields) -> bool:
    """A Japanese carrier's delivery notice (KDDI's "Mail" from no-reply@…dion.ne.jp, docomo, SoftBank)."""
    local, _, domain = fields.sender.rpartition("@")
    if local not in _CARRIER_LOCALPARTS:
        return False
    if not any(host_within(domain, s) for s in _CARRIER_SITES):
        return False
    return fields.subject.strip().lower() in ("mail", "") or local != "no-reply"


def fml_notice(fields: Fields) -> bool:
    """An fml mailing-list server's error ("You … are not member", "Loop Alert")."""
    return "fml" in fields.get("X-MLServer").lower() and bool(_FML_SUBJECT.search(fields.subject))


def ses_sender(fields: Fields) -> bool:
    """An Amazon SES/SNS notification by its sender and subject."""
    return bool(_SES_SENDER.search(fields.sender)) and bool(_SES_SUBJECT.search(fields.subject))


@dataclass(frozen=True)
class SesNotice:
    """What an Amazon SES notification says."""

    kind: str                                   # "Bounce", "Delivery", "Complaint"
    failures: tuple[tuple[str, str, str], ...]  # (recipient, action, status)
    temporary: bool
    source: str | None
    destination: tuple[str, ...]
    subject: str
    message_id: str | None
    reporting_mta: str | None


def _json_objects(text: str) -> list[dict[str, Any]]:
    """The JSON object in a notification body, and the SES message inside an SNS envelope."""
    # Sendmail splits lines longer than 998 characters with "!" + newline + space: join them back.
    joined = re.sub(r"!\r?\n ", "", text)
    start = joined.find("{")
    if start < 0:
        return []
    try:
        outer, _ = json.JSONDecoder().raw_decode(joined[start:])
    except ValueError:
        return []
    if not isinstance(outer, dict):
        return []
    found = [outer]
    inner = outer.get("Message")
    if isinstance(inner, str) and inner.lstrip().startswith("{"):
        try:
            message = json.loads(inner)
        except ValueError:
            message = None
        if isinstance(message, dict):
            found.append(message)
    return found


def ses_notice(text: str) -> SesNotice | None:
    """Read an SES notification (plain or inside an SNS envelope); None when the text holds none."""
    for data in reversed(_json_objects(text)):
        kind = data.get("notificationType") or data.get("eventType")
        if kind not in ("Bounce", "Delivery", "Complaint"):
            continue
        mail: dict[str, Any] = data["mail"] if isinstance(data.get("mail"), dict) else {}
        common: dict[str, Any] = mail["commonHeaders"] if isinstance(mail.get("commonHeaders"), dict) else {}
        failures: list[tuple[str, str, str]] = []
        temporary = False
        reporting: str | None = None
        if kind == "Bounce" and isinstance(data.get("bounce"), dict):
            bounce = data["bounce"]
            temporary = str(bounce.get("bounceType", "")).lower() == "transient"
            reporting = str(bounce.get("reportingMTA", "")).split(";")[-1].strip().lower() or None
            for item in bounce.get("bouncedRecipients") or []:
                if isinstance(item, dict) and isinstance(item.get("emailAddress"), str):
                    failures.append((item["emailAddress"].lower(), str(item.get("action", "failed")).lower(),
                                     str(item.get("status", "5.0.0" if not temporary else "4.0.0"))))
        destination = tuple(str(d).lower() for d in mail.get("destination") or [] if isinstance(d, str))
        source = mail.get("source") if isinstance(mail.get("source"), str) else None
        subject = str(common["subject"]) if isinstance(common.get("subject"), str) else ""
        message_id = common.get("messageId") if isinstance(common.get("messageId"), str) else None
        return SesNotice(str(kind), tuple(failures), temporary, parseaddr(source)[1].lower() if source else None,
                         destination, subject, message_id, reporting)
    return None


def html_to_text(markup: str) -> str:
    """The readable text of an HTML notice (Coremail sends HTML only)."""
    text = _HREF.sub(lambda m: f" {m.group(1)} ", markup)  # keep where links point: phishing wants a click
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html.unescape(text).replace("\u3000", " ")


def text_recipients(text: str) -> list[str]:
    """Failed recipients named in a notice's text by the MTAs that write no report."""
    found: dict[str, None] = {}
    for pattern in _TEXT_RECIPIENTS:
        for match in pattern.finditer(text):
            found.setdefault(match.group(1).strip(".").lower())
    return list(found)
