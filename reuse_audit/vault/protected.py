"""Counts the protected values (passwords) that cannot be decrypted, from the vault's own data.

pykeepass decrypts protected values with the inner random stream (Salsa20 / ChaCha20) in document
order and, when one does not decrypt to UTF-8 text, leaves its ciphertext in place as if it were the
value. We redo that decryption alongside it, on the raw XML: decrypt the payload again with the master
key pykeepass derived (its integrity was already checked), take the protected values' base64 text in
document order, run the same keystream over them, and count those that are not UTF-8 — the same test
pykeepass applies, without reading its log. A wrong or altered inner stream key fails nearly every value.

The raw values are found with a regular expression when the XML is written the way KeePass writers
write it (``<Value Protected="True">base64</Value>``; other attributed values only empty or attachment
references; UTF-8; no comment or CDATA); anything else is parsed with lxml and the XPath pykeepass uses.
"""

from __future__ import annotations

import binascii
import hashlib
import re
import struct
import zlib
from collections.abc import Sequence
from typing import Any

from lxml import etree

# Every Value start tag with attributes: group 2 is a protected value's text as written (no entity, no
# CDATA); group 3 an empty value or an attachment reference; neither group: a form we leave to lxml.
_ATTRIBUTED_VALUE = re.compile(
    rb'<Value\s(?:(Protected="True">([^<&]*)</Value>)|(Ref="\d+"\s*/>|Protected="True"\s*/>|/>))?')
_DECLARATION = re.compile(rb'^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=["\']([^"\']+)', re.IGNORECASE)
_SALSA20_NONCE = bytes.fromhex("e830094b97205d2a")


class InnerStreamUnchecked(Exception):
    """The payload could not be decrypted a second time (internal: the caller words the error)."""


def undecryptable_count(data: bytes, header_length: int, major: int, kdbx: Any) -> int:
    """How many protected values of the vault (``data``, opened by pykeepass as ``kdbx``) do not decrypt.

    ``header_length`` is the outer header's length (signature to end field). Raises InnerStreamUnchecked
    when the payload does not decrypt the way pykeepass just decrypted it.
    """
    try:
        outer = kdbx.header.value.dynamic_header
        master_key = kdbx.body.master_key
        if major >= 4:
            inner = kdbx.body.payload.inner_header
            stream_id, stream_key = inner.protected_stream_id.data, inner.protected_stream_key.data
        else:
            stream_id, stream_key = outer.protected_stream_id.data, outer.protected_stream_key.data
        cipher_id, iv = outer.cipher_id.data, outer.encryption_iv.data
        compressed = bool(outer.compression_flags.data.compression)
    except AttributeError as exc:
        raise InnerStreamUnchecked("unexpected pykeepass structure") from exc
    keystream = _inner_stream(stream_id, stream_key)
    if keystream is None:
        return 0  # no inner stream: protected values are stored as they are
    try:
        xml = _xml(data, header_length, major, master_key, cipher_id, iv, compressed)
    except (ValueError, IndexError, struct.error, zlib.error) as exc:
        raise InnerStreamUnchecked("payload") from exc
    return _count_failures(protected_texts(xml), keystream)


def _inner_stream(stream_id: str, key: bytes) -> Any:
    from reuse_audit.vault.ciphers import ChaCha20, Salsa20

    if stream_id == "salsa20":
        return Salsa20.new(key=hashlib.sha256(key).digest(), nonce=_SALSA20_NONCE)
    if stream_id == "chacha20":
        digest = hashlib.sha512(key).digest()
        return ChaCha20.new(key=digest[:32], nonce=digest[32:44])
    if stream_id == "none":
        return None
    raise InnerStreamUnchecked(f"inner stream {stream_id}")


def _decrypt(cipher_id: str, key: bytes, iv: bytes, data: bytes) -> bytes:
    from reuse_audit.vault.ciphers import AES, ChaCha20, unpad

    if cipher_id == "aes256":
        return unpad(AES.new(key, AES.MODE_CBC, iv).decrypt(data), 16)
    if cipher_id == "chacha20":
        return bytes(ChaCha20.new(key=key, nonce=iv).decrypt(data))
    if cipher_id == "twofish":
        from pykeepass.kdbx_parsing.twofish import Twofish

        return unpad(Twofish.new(key, mode=Twofish.MODE_CBC, IV=iv).decrypt(data), 16)
    raise ValueError(f"cipher {cipher_id}")


def _xml(data: bytes, start: int, major: int, key: bytes, cipher_id: str, iv: bytes, compressed: bool) -> bytes:
    if major >= 4:  # header, its SHA-256 and HMAC, then HMAC'd blocks of ciphertext, then the inner header
        pos, blocks = start + 64, []
        while True:
            (size,) = struct.unpack_from("<I", data, pos + 32)
            if size == 0:
                break
            blocks.append(data[pos + 36 : pos + 36 + size])
            pos += 36 + size
        plain = _decrypt(cipher_id, key, iv, b"".join(blocks))
        plain = zlib.decompress(plain, 16 + 15) if compressed else plain
        pos = 0
        while True:
            kind = plain[pos]
            (size,) = struct.unpack_from("<I", plain, pos + 1)
            pos += 5 + size
            if kind == 0:
                return plain[pos:]
    plain = _decrypt(cipher_id, key, iv, data[start:])  # KDBX 3: stream start bytes, then hashed blocks
    pos, blocks = 32, []
    while True:
        (size,) = struct.unpack_from("<I", plain, pos + 36)
        if size == 0:
            break
        blocks.append(plain[pos + 40 : pos + 40 + size])
        pos += 40 + size
    joined = b"".join(blocks)
    return zlib.decompress(joined, 16 + 15) if compressed else joined


def protected_texts(xml: bytes) -> list[bytes]:
    """The text of every ``Value`` with ``Protected="True"``, in document order (as pykeepass sees them)."""
    declared = _DECLARATION.match(xml[:200])
    found = _ATTRIBUTED_VALUE.findall(xml)
    plain_form = (
        (declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"))
        and xml[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        and all(whole or other for whole, _text, other in found)
        # a comment or CDATA section could hold text that looks like a value ("!" alone is a quick test)
        and (b"!" not in xml or (b"<!--" not in xml and b"<![CDATA[" not in xml))
    )
    if plain_form:
        return [text for whole, text, _other in found if whole]
    parser = etree.XMLParser(remove_blank_text=True)  # the parser pykeepass uses, so the same values
    root = etree.fromstring(xml, parser)
    return [str(e.text).encode("utf-8", "surrogateescape")
            for e in root.xpath("//Value[@Protected='True']") if e.text is not None]


def _count_failures(texts: list[bytes], keystream: Any) -> int:
    """How many of the protected values ``texts`` do not decrypt."""
    return sum(value is None for value in decrypt_protected(texts, keystream))


def decrypt_protected(texts: Sequence[str | bytes], keystream: Any) -> list[str | None]:
    """Each protected value's plain text, in document order, or None where it does not decrypt. pykeepass's test,
    value by value: text that is not base64 (base64.b64decode of a str: non-ASCII or bad padding) uses no
    keystream; a decrypted value that is not UTF-8 does. One keystream call over all values equals one call
    per value."""
    out: list[str | None] = [None] * len(texts)
    raws: list[bytes] = []
    at: list[int] = []
    for i, text in enumerate(texts):
        if not text.isascii():
            continue
        try:
            raws.append(binascii.a2b_base64(text))
        except binascii.Error:
            continue
        at.append(i)
    stream = memoryview(keystream.decrypt(b"".join(raws)))
    pos = 0
    for i, raw in zip(at, raws, strict=True):
        try:
            out[i] = str(stream[pos : pos + len(raw)], "utf-8")
        except UnicodeDecodeError:
            pass
        pos += len(raw)
    return out
