"""Recognise a bounce and read what it reports: failed recipients, DSN fields and the returned original.

Two steps, so a large mailbox stays fast: :func:`might_be_bounce` looks at headers only and lets the
caller skip the full parse of ordinary mail; :func:`read_bounce` parses one message in full and returns a
:class:`Bounce`, or ``None`` when it is not a bounce. Neither raises on malformed mail.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from flufl.bounce import all_failures

# flufl.bounce logs a full traceback at ERROR level when one of its detectors raises; we handle that.
logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)

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
    r"email delivery failure|^delivery status\b|"
    r"メールエラー|エラー通知|配信できません|配信不能|配送エラー|配信エラー|不達|送信できません|"
    r"届きません|宛先不明",
    re.I,
)
# Auto-replies (RFC 3834) and abuse reports share bounce traits (null sender, auto-submitted).
_AUTOREPLY_SUBJECT = re.compile(
    r"^(automatic reply|auto[- ]?reply|autorespon|out of (the )?office|away|vacation|abwesend|不在)", re.I
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
_NON_BOUNCE_REPORTS = frozenset({"feedback-report", "disposition-notification"})
_MAX_INLINE_SCAN = 200_000


@dataclass(frozen=True)
class DeliveryFailure:
    """One recipient a bounce reports, with the DSN action and status when the bounce gave them."""

    recipient: str
    action: str = ""
    status: str = ""

    @property
    def temporary(self) -> bool:
        """``Action: delayed`` or a 4.x.x status: delivery is still being retried."""
        return self.action == "delayed" or self.status.startswith("4")


@dataclass(frozen=True)
class ReturnedOriginal:
    """Headers of the message that bounced, as returned inside the bounce."""

    sender: str | None
    recipients: tuple[str, ...]
    date: datetime | None
    message_id: str | None
    received: tuple[str, ...]
    dkim_domains: tuple[str, ...]


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


def decode_text(value: object) -> str:
    """Decode an RFC 2047 header to text; raw 8-bit and broken charsets never raise."""
    if value is None:
        return ""
    try:
        chunks = decode_header(value if isinstance(value, Header) else str(value))
    except Exception:
        return str(value)
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset in (None, "unknown-8bit"):
            out.append(_decode_8bit(chunk))
        else:
            try:
                out.append(chunk.decode(charset, errors="replace"))
            except LookupError:
                out.append(_decode_8bit(chunk))
    return "".join(out)


def _decode_8bit(data: bytes) -> str:
    for codec in ("utf-8", "iso-2022-jp", "shift_jis", "euc-jp"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


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


def _sender_signals(headers: Message) -> tuple[bool, bool]:
    """(is a mailer-daemon, is a postmaster) judged on From and Return-Path."""
    daemon = postmaster = False
    from_value = decode_text(headers.get("From"))
    name, address = parseaddr(from_value)
    local = _localpart(address or from_value)
    if from_value.strip() in ("<>", ""):
        daemon = bool(headers.get("From"))  # a null From is only ever written by a mail system
    if local in _DAEMON_LOCALPARTS or _DAEMON_NAMES.search(name or ""):
        daemon = True
    if local in _POSTMASTER_LOCALPARTS:
        postmaster = True
    return_path = str(headers.get("Return-Path", "")).strip().strip("<>").lower()
    if _localpart(return_path) in _DAEMON_LOCALPARTS:
        daemon = True
    return daemon, postmaster


def header_signals(headers: Message) -> tuple[str, ...]:
    """Names of the header traits that mark a bounce; empty for mail that cannot be one.

    ``dsn`` (a ``multipart/report`` of type delivery-status), ``daemon`` (sent by MAILER-DAEMON or a
    "Mail Delivery System"), ``subject`` (a bounce subject), ``postmaster`` (sent by postmaster) — the
    last is only a hint, confirmed later by a subject or a parsed failure.
    """
    try:
        content_type = headers.get_content_type()
        report_type = str(headers.get_param("report-type", "") or "").lower()
    except Exception:
        content_type, report_type = "", ""
    if content_type == "multipart/report" and report_type in _NON_BOUNCE_REPORTS:
        return ()
    subject = decode_text(headers.get("Subject")).strip()
    if _AUTOREPLY_SUBJECT.search(subject):
        return ()
    signals: list[str] = []
    if content_type == "multipart/report" and report_type == "delivery-status":
        signals.append("dsn")
    daemon, postmaster = _sender_signals(headers)
    if daemon:
        signals.append("daemon")
    if _BOUNCE_SUBJECT.search(subject) and not subject.lower().startswith(("fwd:", "fw:")):
        signals.append("subject")
    if postmaster:
        signals.append("postmaster")
    return tuple(signals)


def might_be_bounce(raw_headers: bytes) -> bool:
    """Cheap pre-check on the header block: False means the message is certainly not parsed as a bounce."""
    try:
        return bool(header_signals(parse_headers(raw_headers)))
    except Exception:
        return False


def message_date(headers: Message) -> datetime | None:
    """The ``Date`` header in UTC (a date without a zone is taken as UTC); ``None`` when absent or bad."""
    value = str(headers.get("Date", ""))
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
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
    dkim_domains: list[str] = []
    for signature in headers.get_all("DKIM-Signature", []):
        match = re.search(r"(?:^|;)\s*d=([^;\s]+)", str(signature))
        if match:
            dkim_domains.append(match.group(1).lower())
    message_id = str(headers.get("Message-ID", "")).strip() or None
    return ReturnedOriginal(
        sender=sender.lower() if sender and "@" in sender else None,
        recipients=recipients,
        date=message_date(headers),
        message_id=message_id,
        received=tuple(" ".join(str(v).split()) for v in headers.get_all("Received", [])),
        dkim_domains=tuple(dkim_domains),
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


def _notice_recipients(msg: Message) -> set[str]:
    """Addresses in angle brackets in the human-readable notice, before any returned headers.

    The last resort for MTAs that neither flufl.bounce nor RFC 3464 cover ("error delivering to <x>").
    """
    for part in msg.walk():
        if part.get_content_type() != "text/plain":
            continue
        notice = _part_text(part)[:_MAX_INLINE_SCAN]
        match = _INLINE_ORIGINAL.search(notice)
        if match:
            notice = notice[: match.start()]
        found = {m.group(1).lower() for m in _BRACKETED_ADDRESS.finditer(notice)}
        return {a for a in found if _PLAUSIBLE_DOMAIN.search(a)}
    return set()


def read_bounce(raw: bytes, headers: Message | None = None) -> Bounce | None:
    """Parse one message in full; return a :class:`Bounce`, or ``None`` when it is not a bounce.

    Recognised when flufl.bounce or the RFC 3464 report finds failed recipients, or when the headers show
    a DSN report, a MAILER-DAEMON sender or a bounce subject (a postmaster sender needs one of the others).
    Never raises: a message the email package cannot make sense of is simply not a bounce.
    """
    try:
        return _read_bounce(raw, headers)
    except Exception:  # noqa: BLE001 - one odd message must never stop a scan
        return None


def _read_bounce(raw: bytes, headers: Message | None) -> Bounce | None:
    if headers is None:
        headers = parse_headers(split_headers(raw))
    signals = list(header_signals(headers))
    if not signals:
        return None
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    dsn_failures, reporting_mta, postfix_sender = _dsn_fields(msg, raw)
    flufl_temporary, flufl_permanent = _flufl_failures(msg)
    if flufl_temporary or flufl_permanent:
        signals.append("flufl")
    if signals == ["postmaster"]:
        return None
    original = returned_original(msg)
    # flufl.bounce sometimes reports the original sender or a Message-ID as a "recipient".
    not_recipients = {a for a in (original.sender if original else None, postfix_sender) if a}
    bounce_to = _bounce_addresses(headers)
    failures: dict[str, DeliveryFailure] = {f.recipient: f for f in dsn_failures if f.recipient}
    for address in sorted(flufl_permanent - not_recipients):
        failures.setdefault(address, DeliveryFailure(address, "failed", ""))
    for address in sorted(flufl_temporary - not_recipients):
        failures.setdefault(address, DeliveryFailure(address, "delayed", ""))
    if not failures:
        for address in _notice_recipients(msg) - not_recipients - set(bounce_to):
            failures[address] = DeliveryFailure(address)
    if failures:
        temporary = all(f.temporary for f in failures.values())
    else:
        temporary = bool(_DELAY_SUBJECT.search(decode_text(headers.get("Subject"))))
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
