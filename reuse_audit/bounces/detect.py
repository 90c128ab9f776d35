"""Recognise a bounce and read what it reports: failed recipients, DSN fields and the returned original.

Two steps, so a large mailbox stays fast: :func:`screen` looks at headers only and lets the caller skip the
full parse of ordinary mail (and set apart, from headers alone, auto-replies, receipts, reports and human
replies); :func:`read_message` parses one message in full and returns a :class:`Bounce`, a
:class:`NotBounce` (a success notice, a human reply, phishing dressed as a mail server), or ``None``.
Nothing here raises on malformed mail.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from flufl.bounce import all_failures

from reuse_audit.bounces import vendors
from reuse_audit.bounces.fields import Fields, decode_text, dkim_domains
from reuse_audit.bounces.notbounce import (
    NotBounceKind,
    has_link,
    kind_from_headers,
    looks_human,
    strip_reply_prefixes,
    success_subject,
)

_HEADER_PARSER = BytesHeaderParser(policy=email.policy.compat32)
_TEXT_HEADER_PARSER = HeaderParser(policy=email.policy.compat32)

_DAEMON_LOCALPARTS = frozenset({"mailer-daemon", "mailer_daemon", "mailerdaemon"})
_POSTMASTER_LOCALPARTS = frozenset({"postmaster", "post_master", "poostmaster"})
_DAEMON_NAMES = re.compile(r"mail delivery (system|subsystem)|mailer[- ]daemon|mail deliver system", re.I)

# Subjects of delivery failures across MTAs and providers (English and Japanese), matched after RFC 2047
# decoding. A bare "bounce" is deliberately absent: notices *about* bounces are not bounces.
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|returned mail|mail returned|returning message|delivery (status )?"
    r"notification|delivery status report|delivery failure|delivery failed|delivery has failed|"
    r"failure notice|mail delivery failed|mail delivery failure|could not send|error sending your mail|"
    r"delivery problem|non[- ]?delivery|nondeliverable|not delivered|delivery report|mail system error|"
    r"message not delivered|delivery notification|returned to sender|warning: could not|delayed mail|"
    r"email delivery failure|^delivery status\b|message delivery failure|undeliverable|"
    r"メールエラー|エラー通知|配信できません|配信不能|配送エラー|配信エラー|不達|送信できません|"
    r"メール送信エラー|宛先不明|返送されたメール|"
    r"系统退信|系統退信|退信|邮件被退回|無法投遞|无法投递|投递失败|未能送达|發送失敗|发送失败",
    re.I,
)
_DELAY_SUBJECT = re.compile(
    r"\(delay\)|delayed|warning|could not send .* for past|not yet been delivered", re.I
)
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_DSN_FIELD = re.compile(
    rb"^(Final-Recipient|Action|Status|Reporting-MTA|X-Postfix-Sender):\s*(.+)$", re.I | re.M
)
_INLINE_ORIGINAL = re.compile(
    r"^(Received|Return-Path|Message-I[Dd]|DKIM-Signature|X-Mailer|From|To|Date|Subject):[ \t]", re.M
)
_BRACKETED_ADDRESS = re.compile(r"<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+)>")
_PLAUSIBLE_DOMAIN = re.compile(r"@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$")
_MAX_INLINE_SCAN = 200_000
_SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})
# Header traits that only a mail system's notice has; "subject" and "postmaster" alone are weaker.
_STRONG = frozenset({"dsn", "daemon", "carrier", "ses", "fml"})


@dataclass(frozen=True)
class DeliveryFailure:
    """One recipient a bounce reports, with the DSN action and status when the bounce gave them."""

    recipient: str
    action: str = ""
    status: str = ""

    @property
    def temporary(self) -> bool:
        """``Action: delayed``, or a 4.x.x status without ``Action: failed``: delivery is still being retried.
        ``Action: failed`` is final whatever the status (4.4.7: the queue's lifetime ran out, RFC 3464 2.3.3)."""
        if self.action == "failed":
            return False
        return self.action == "delayed" or self.status.startswith("4")

    @property
    def succeeded(self) -> bool:
        """``Action: delivered``/``relayed``/``expanded`` or a 2.x.x status: not a failure at all."""
        return self.action in _SUCCESS_ACTIONS or self.status.startswith("2")


@dataclass(frozen=True)
class ReturnedOriginal:
    """Headers of the message that bounced, as returned inside the bounce."""

    sender: str | None
    recipients: tuple[str, ...]
    date: datetime | None
    message_id: str | None
    received: tuple[str, ...]
    dkim_domains: tuple[str, ...]
    subject: str = ""


@dataclass(frozen=True)
class NotBounce:
    """A message that looked like a bounce and is not one, and why."""

    kind: NotBounceKind
    date: datetime | None = None


@dataclass(frozen=True)
class Screen:
    """What the header block says: the bounce traits found, or a kind of non-bounce decided already."""

    signals: tuple[str, ...] = ()
    kind: NotBounceKind | None = None

    @property
    def candidate(self) -> bool:
        """Worth a full parse: it may be a bounce."""
        return bool(self.signals) and self.kind is None


@dataclass(frozen=True)
class Bounce:
    """A recognised bounce: when it came, whom it was sent to, and what failed."""

    date: datetime | None
    bounce_to: tuple[str, ...]
    reporting_mta: str | None
    postfix_sender: str | None
    failures: tuple[DeliveryFailure, ...]
    original: ReturnedOriginal | None
    temporary: bool
    signals: tuple[str, ...]

    @property
    def failed_recipients(self) -> frozenset[str]:
        """Recipients whose delivery failed (permanently or not)."""
        return frozenset(f.recipient for f in self.failures)


def split_headers(raw: bytes) -> bytes:
    """The header block of a raw message (up to the first blank line)."""
    for sep in (b"\n\n", b"\r\n\r\n"):
        end = raw.find(sep)
        if end != -1:
            return raw[: end + len(sep)]
    return raw


def parse_headers(raw_headers: bytes) -> Message:
    """Parse a header block only; the body is not touched."""
    return _HEADER_PARSER.parsebytes(raw_headers, headersonly=True)


def _localpart(address: str) -> str:
    return address.partition("@")[0].strip().strip('"').lower()


def _sender_signals(fields: Fields) -> tuple[bool, bool]:
    """(is a mailer-daemon, is a postmaster) judged on From and Return-Path."""
    daemon = postmaster = False
    local = _localpart(fields.sender or fields.from_text)
    if fields.from_text.strip() in ("<>", ""):
        daemon = fields.present("From")  # a null From is only ever written by a mail system
    if local in _DAEMON_LOCALPARTS or _DAEMON_NAMES.search(fields.sender_name):
        daemon = True
    if local in _POSTMASTER_LOCALPARTS:
        postmaster = True
    return_path = fields.get("Return-Path").strip().strip("<>").lower()
    if _localpart(return_path) in _DAEMON_LOCALPARTS:
        daemon = True
    return daemon, postmaster


def _report_type(headers: Message, fields: Fields) -> str:
    """The ``report-type`` of a ``multipart/report`` message ("" for anything else)."""
    if "report" not in fields.get("Content-Type").lower():
        return ""
    try:
        if headers.get_content_type() != "multipart/report":
            return ""
        return str(headers.get_param("report-type", "") or "").lower() or "unknown"
    except Exception:  # noqa: BLE001 - a malformed Content-Type is no report
        return ""


def screen(headers: Message) -> Screen:
    """The header block's verdict: bounce traits to confirm with a full parse, or a non-bounce kind.

    Traits: ``dsn`` (a ``multipart/report`` of type delivery-status), ``daemon`` (sent by MAILER-DAEMON or
    a "Mail Delivery System"), ``carrier`` (a Japanese carrier's notice), ``ses`` (an Amazon SES
    notification), ``fml`` (an fml list error), ``subject`` (a bounce subject), ``postmaster`` (sent by
    postmaster) — the last two are confirmed by the full parse.
    """
    fields = Fields.of(headers)
    report_type = _report_type(headers, fields)
    signals: list[str] = []
    if report_type == "delivery-status":
        signals.append("dsn")
    daemon, postmaster = _sender_signals(fields)
    if daemon:
        signals.append("daemon")
    if vendors.carrier_notice(fields):
        signals.append("carrier")
    if vendors.ses_sender(fields):
        signals.append("ses")
    if vendors.fml_notice(fields):
        signals.append("fml")
    bounce_subject = bool(_BOUNCE_SUBJECT.search(fields.subject))
    _, prefixed = strip_reply_prefixes(fields.subject)
    if bounce_subject and not prefixed:
        signals.append("subject")
    if postmaster:
        signals.append("postmaster")
    kind = kind_from_headers(fields, report_type=report_type, strong=bool(_STRONG.intersection(signals)),
                             bounce_subject=bounce_subject)
    return Screen(tuple(signals), kind)


def header_signals(headers: Message) -> tuple[str, ...]:
    """Names of the header traits that mark a possible bounce; empty for mail that cannot be one."""
    found = screen(headers)
    return found.signals if found.candidate else ()


def might_be_bounce(raw_headers: bytes) -> bool:
    """Cheap pre-check on the header block: False means the message is certainly not parsed as a bounce."""
    try:
        return bool(header_signals(parse_headers(raw_headers)))
    except Exception:
        return False


def message_date(headers: Message) -> datetime | None:
    """The ``Date`` header in UTC (a date without a zone is taken as UTC); when it is absent or bad, the time the
    receiving server stamped on the topmost ``Received`` line (after its ``;``); ``None`` when neither is read."""
    found = _date_of(str(headers.get("Date", "")))
    if found is not None:
        return found
    received = headers.get_all("Received") or []
    return _date_of(str(received[0]).rpartition(";")[2]) if received and ";" in str(received[0]) else None


def _date_of(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _clean_address(value: str) -> str | None:
    text = value.split(";", 1)[1] if ";" in value else value
    match = _ADDRESS.search(text)
    if not match:
        return None
    return match.group(0).strip(".").lower()


def _dsn_blocks(msg: Message) -> list[Message]:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                return [block for block in payload if isinstance(block, Message)]
            if isinstance(payload, str):
                return [_TEXT_HEADER_PARSER.parsestr(chunk) for chunk in
                        re.split(r"\r?\n\r?\n", payload) if chunk.strip()]
    return []


def _dsn_fields(msg: Message, raw: bytes) -> tuple[list[DeliveryFailure], str | None, str | None]:
    """Per-recipient failures plus Reporting-MTA and X-Postfix-Sender from RFC 3464 fields."""
    failures: list[DeliveryFailure] = []
    reporting_mta: str | None = None
    postfix_sender: str | None = None
    blocks = _dsn_blocks(msg)
    if blocks:
        for block in blocks:
            if block.get("Reporting-MTA") and reporting_mta is None:
                reporting_mta = str(block["Reporting-MTA"]).split(";")[-1].strip().lower() or None
            if block.get("X-Postfix-Sender") and postfix_sender is None:
                postfix_sender = _clean_address(str(block["X-Postfix-Sender"]))
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            address = _clean_address(str(recipient)) if recipient else None
            if address:
                failures.append(DeliveryFailure(
                    address,
                    str(block.get("Action", "")).strip().lower(),
                    str(block.get("Status", "")).strip(),
                ))
        return failures, reporting_mta, postfix_sender
    # DSN fields written into a text part (no delivery-status part): read them line by line.
    current: dict[str, str] = {}
    for match in _DSN_FIELD.finditer(raw[:_MAX_INLINE_SCAN]):
        name = match.group(1).decode("ascii").lower()
        value = match.group(2).decode("latin-1").strip()
        if name == "reporting-mta" and reporting_mta is None:
            reporting_mta = value.split(";")[-1].strip().lower() or None
        elif name == "x-postfix-sender" and postfix_sender is None:
            postfix_sender = _clean_address(value)
        elif name == "final-recipient":
            if current.get("recipient"):
                failures.append(DeliveryFailure(current["recipient"], current.get("action", ""),
                                                current.get("status", "")))
            current = {"recipient": _clean_address(value) or ""}
        elif name in ("action", "status") and current:
            current[name] = value.lower() if name == "action" else value.split()[0] if value else ""
    if current.get("recipient"):
        failures.append(DeliveryFailure(current["recipient"], current.get("action", ""),
                                        current.get("status", "")))
    return failures, reporting_mta, postfix_sender


def _flufl_failures(msg: Message) -> tuple[set[str], set[str]]:
    """flufl.bounce's (temporary, permanent) recipients; empty when one of its detectors raises."""
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # noqa: BLE001 - a detector may raise IndexError (and others) on odd mail
        return set(), set()

    def clean(values: Iterable[bytes]) -> set[str]:
        out: set[str] = set()
        for value in values:
            text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
            address = _clean_address(text)
            if address and "<" not in text.strip("<>"):
                out.add(address)
        return out

    return clean(temporary), clean(permanent)


def _original_from_headers(headers: Message) -> ReturnedOriginal | None:
    if not any(headers.get(name) for name in ("From", "Message-ID", "Received", "DKIM-Signature", "To")):
        return None
    _, sender = parseaddr(decode_text(headers.get("From")))
    recipients = tuple(
        address.lower()
        for _, address in getaddresses([decode_text(v) for v in headers.get_all("To", []) +
                                        headers.get_all("Cc", [])])
        if "@" in address
    )
    signed_by = dkim_domains(headers)
    message_id = str(headers.get("Message-ID", "")).strip() or None
    return ReturnedOriginal(
        sender=sender.lower() if sender and "@" in sender else None,
        recipients=recipients,
        date=message_date(headers),
        message_id=message_id,
        received=tuple(" ".join(str(v).split()) for v in headers.get_all("Received", [])),
        dkim_domains=tuple(signed_by),
        subject=" ".join(decode_text(headers.get("Subject")).split()),
    )


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    return payload if isinstance(payload, str) else ""


def returned_original(msg: Message) -> ReturnedOriginal | None:
    """The bounced message's headers: from a ``message/rfc822`` part, ``text/rfc822-headers``, or inline."""
    text_parts: list[Message] = []
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                found = _original_from_headers(payload[0])
                if found:
                    return found
        elif content_type == "text/rfc822-headers":
            text = _part_text(part)
            found = _original_from_headers(_TEXT_HEADER_PARSER.parsestr(text.lstrip()))
            if found:
                return found
        elif content_type == "text/plain":
            text_parts.append(part)
    for part in text_parts:
        text = _part_text(part)[:_MAX_INLINE_SCAN]
        match = _INLINE_ORIGINAL.search(text)
        if match:
            block = text[match.start():]
            headers = _TEXT_HEADER_PARSER.parsestr(block, headersonly=True)
            found = _original_from_headers(headers)
            if found and (found.received or found.message_id or found.sender):
                return found
    return None


def _bounce_addresses(headers: Message) -> tuple[str, ...]:
    """Where the bounce was delivered: its To and Delivered-To (the original's envelope sender)."""
    values = [decode_text(v) for v in headers.get_all("To", []) + headers.get_all("Delivered-To", [])]
    return tuple(dict.fromkeys(a.lower() for _, a in getaddresses(values) if "@" in a))


def _notice_text(msg: Message) -> str:
    """The human-readable notice: its first text part (HTML reduced to text), before any returned headers."""
    html_text = ""
    notice: str | None = None
    for part in msg.walk():
        content_type = part.get_content_type()
        broken = content_type.startswith("multipart/") and isinstance(part.get_payload(), str)
        if content_type == "text/plain" or broken:  # a multipart without a usable boundary is text
            notice = _part_text(part)[:_MAX_INLINE_SCAN]
            break
        if content_type == "text/html" and not html_text:
            html_text = vendors.html_to_text(_part_text(part)[:_MAX_INLINE_SCAN])
    if notice is None:
        notice = html_text
    match = _INLINE_ORIGINAL.search(notice)
    return notice[: match.start()] if match else notice


def _notice_recipients(notice: str) -> set[str]:
    """Addresses in angle brackets in the notice: the last resort for MTAs nothing else covers."""
    found = {m.group(1).lower() for m in _BRACKETED_ADDRESS.finditer(notice)}
    return {a for a in found if _PLAUSIBLE_DOMAIN.search(a)}


def read_bounce(raw: bytes, headers: Message | None = None) -> Bounce | None:
    """Parse one message in full; return a :class:`Bounce`, or ``None`` when it is not one."""
    found = read_message(raw, headers)
    return found if isinstance(found, Bounce) else None


def read_message(raw: bytes, headers: Message | None = None, screened: Screen | None = None
                 ) -> Bounce | NotBounce | None:
    """Parse one message in full: a :class:`Bounce`, a :class:`NotBounce`, or ``None`` (ordinary mail).

    A bounce is recognised when flufl.bounce, the RFC 3464 report, an SES notification or the notice's
    text names failed recipients, or when the headers show a DSN report, a MAILER-DAEMON sender, a
    carrier's or list server's notice, or a bounce subject (a postmaster sender alone needs a failure).
    Never raises: a message the email package cannot make sense of is simply not a bounce. ``screened``: what
    :func:`screen` said of ``headers`` already (a scan screens every message before reading any in full).
    """
    try:
        if headers is None:
            headers = parse_headers(split_headers(raw))
        found = screened if screened is not None else screen(headers)
        if found.kind is not None:
            return NotBounce(found.kind, message_date(headers))
        if not found.signals:
            return None
        try:
            return _read_bounce(raw, headers, list(found.signals))
        except RecursionError:
            # MIME nested past Python's stack (the returned copy is the sender's to shape: 1,000 multiparts deep
            # hid every bounce of a hijack): read as a notice of its headers alone, its origin unknown
            return _read_bounce(split_headers(raw) + b"\r\n\r\n", headers, list(found.signals))
    except Exception:  # noqa: BLE001 - one odd message must never stop a scan
        return None


def _ses_bounce(msg: Message, headers: Message, signals: list[str]) -> Bounce | NotBounce | None:
    text = "".join(_part_text(p) for p in msg.walk() if p.get_content_type() == "text/plain")
    notice = vendors.ses_notice(text[:_MAX_INLINE_SCAN])
    if notice is None:
        return None
    if notice.kind == "Delivery":
        return NotBounce(NotBounceKind.SUCCESS_DSN, message_date(headers))
    if notice.kind == "Complaint":
        return NotBounce(NotBounceKind.REPORT, message_date(headers))
    original = ReturnedOriginal(notice.source, notice.destination, None, notice.message_id, (), (),
                                notice.subject)
    failures = tuple(DeliveryFailure(r, a, s) for r, a, s in notice.failures)
    return Bounce(message_date(headers), _bounce_addresses(headers), notice.reporting_mta, None, failures,
                  original, notice.temporary or all(f.temporary for f in failures) and bool(failures),
                  (*signals, "ses-json"))


def _read_bounce(raw: bytes, headers: Message, signals: list[str]) -> Bounce | NotBounce | None:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = " ".join(decode_text(headers.get("Subject")).split())
    if "ses" in signals:
        found = _ses_bounce(msg, headers, signals)
        if found is not None:
            return found
    dsn_failures, reporting_mta, postfix_sender = _dsn_fields(msg, raw)
    if dsn_failures and all(f.succeeded for f in dsn_failures):
        return NotBounce(NotBounceKind.SUCCESS_DSN, message_date(headers))
    if not dsn_failures and success_subject(subject):
        return NotBounce(NotBounceKind.SUCCESS_DSN, message_date(headers))
    flufl_temporary, flufl_permanent = _flufl_failures(msg)
    if flufl_temporary or flufl_permanent:
        signals.append("flufl")
    strong = bool(_STRONG.intersection(signals)) or "flufl" in signals
    if not strong and "postmaster" not in signals and looks_human(Fields.of(headers)):
        return NotBounce(NotBounceKind.HUMAN_REPLY, message_date(headers))
    original = returned_original(msg)
    # flufl.bounce sometimes reports the original sender or a Message-ID as a "recipient".
    not_recipients = {a for a in (original.sender if original else None, postfix_sender) if a}
    bounce_to = _bounce_addresses(headers)
    failures: dict[str, DeliveryFailure] = {f.recipient: f for f in dsn_failures if f.recipient and not f.succeeded}
    for address in sorted(flufl_permanent - not_recipients):
        failures.setdefault(address, DeliveryFailure(address, "failed", ""))
    for address in sorted(flufl_temporary - not_recipients):
        failures.setdefault(address, DeliveryFailure(address, "delayed", ""))
    notice = _notice_text(msg)
    if not failures:
        for address in vendors.text_recipients(notice):
            if address not in not_recipients and address not in bounce_to:
                failures.setdefault(address, DeliveryFailure(address))
    if not failures:
        for address in sorted(_notice_recipients(notice) - not_recipients - set(bounce_to)):
            failures[address] = DeliveryFailure(address)
    if signals == ["postmaster"] and not failures:
        return None
    machine = bool(dsn_failures) or "flufl" in signals or "dsn" in signals
    if not machine and original is None and not failures and has_link(notice):
        # Claims to be the mail server, reports nothing a mail server reports, and wants a click.
        return NotBounce(NotBounceKind.PHISHING, message_date(headers))
    if failures:
        temporary = all(f.temporary for f in failures.values())
    else:
        temporary = bool(_DELAY_SUBJECT.search(subject))
    return Bounce(
        date=message_date(headers),
        bounce_to=bounce_to,
        reporting_mta=reporting_mta,
        postfix_sender=postfix_sender,
        failures=tuple(failures.values()),
        original=original,
        temporary=temporary,
        signals=tuple(signals),
    )
