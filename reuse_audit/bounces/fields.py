"""A message's header block read once: its fields by name, the sender and the subject.

The header screen runs on every message of a mailbox, so the sender's address is parsed once (a quick
path for the common ``Name <address>`` shapes, :func:`email.utils.parseaddr` otherwise) and RFC 2047
decoding is only done where a header holds an encoded word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.header import Header, decode_header
from email.message import Message
from email.utils import parseaddr

_ANGLE = re.compile(r"<([^<>\s]*)>\s*$")
_PLAIN_ADDRESS = re.compile(r"^[^\s\"(),;:<>]+@[^\s\"(),;:<>]+$")
_DKIM_DOMAIN = re.compile(r"(?:^|;)\s*d=([^;\s]+)")


def dkim_domains(headers: Message) -> list[str]:
    """The signing domains (``d=``) of a message's DKIM-Signature fields, lower-case, in order."""
    signatures = headers.get_all("DKIM-Signature", [])
    found = (_DKIM_DOMAIN.search(" ".join(str(signature).split())) for signature in signatures)
    return [match.group(1).lower() for match in found if match]


def decode_text(value: object) -> str:
    """Decode an RFC 2047 header to text; raw 8-bit and broken charsets never raise."""
    if value is None:
        return ""
    if isinstance(value, str) and "=?" not in value:
        return value
    try:
        chunks = decode_header(value if isinstance(value, Header) else str(value))
    except Exception:  # noqa: BLE001 - a malformed encoded word is shown as written
        return str(value)
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset in (None, "unknown-8bit"):
            out.append(decode_8bit(chunk))
        else:
            try:
                out.append(chunk.decode(charset, errors="replace"))
            except LookupError:
                out.append(decode_8bit(chunk))
    return "".join(out)


def decode_8bit(data: bytes) -> str:
    """Undeclared 8-bit text: UTF-8, else the Japanese encodings, else UTF-8 with replacements."""
    for codec in ("utf-8", "iso-2022-jp", "shift_jis", "euc-jp"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def split_address(text: str) -> tuple[str, str]:
    """(display name, address) of a From-like value: quick for ``Name <a@b>`` and ``a@b``."""
    match = _ANGLE.search(text)
    if match and "," not in text[: match.start()]:
        return text[: match.start()].strip().strip('"').strip(), match.group(1)
    stripped = text.strip()
    if _PLAIN_ADDRESS.match(stripped):
        return "", stripped
    return parseaddr(text)


@dataclass(frozen=True)
class Fields:
    """The header fields of one message, looked up by lower-case name (the first of each)."""

    values: Mapping[str, object]
    sender_name: str
    sender: str  # the From address, lower-case ("" when there is none)
    from_text: str  # the decoded From value as written
    subject: str  # decoded, on one line

    @classmethod
    def of(cls, headers: Message) -> Fields:
        """Read the fields of ``headers`` (one pass)."""
        values: dict[str, object] = {}
        for name, value in headers.raw_items():  # raw: only From and Subject are read as text below
            values.setdefault(name.lower(), value)
        from_text = decode_text(headers.get("From"))
        name, address = split_address(from_text)
        subject = " ".join(decode_text(headers.get("Subject")).split())
        return cls(values, name, address.strip().lower(), from_text, subject)

    def get(self, name: str) -> str:
        """The field's value as text ("" when absent)."""
        value = self.values.get(name.lower())
        return "" if value is None else str(value)

    def has_any(self, names: frozenset[str]) -> bool:
        """Whether any of the fields (lower-case names) is present with a value."""
        return any(self.get(n).strip() for n in names.intersection(self.values))

    def present(self, name: str) -> bool:
        """Whether the field is present at all (even empty, as ``Return-Path: <>``)."""
        return name.lower() in self.values
