"""Decrypts a KDBX 3.1 / 4.x body with the transformed key into the XML tree pykeepass would give, without its parser.

pykeepass reads the file with construct (pure Python) and decrypts each protected value with a cipher call of
its own: on a 10,000-entry vault that was most of the loading time, and it imports a good deal. Here, the same
steps and checks, each in C where it counts:

- KDBX 4: the header's HMAC (the credentials check; its SHA-256 was checked with the header), the HMAC of
  every block; KDBX 3.1: the 32 stream start bytes (the credentials check), the SHA-256 of every block;
- the payload decrypted at once (AES-256-CBC, ChaCha20 or Twofish) and gunzipped, the KDBX 4 inner header read;
- the XML parsed with the parser pykeepass uses (``remove_blank_text``), so the tree is the same, as it is
  decompressed (the XML text is never whole in memory);
- the protected values (``//Value[@Protected='True']``, document order) decrypted, an entry's at once (one
  keystream call), each stripped of the characters XML cannot hold, as pykeepass does. A value that is not
  base64 uses no keystream; one that does not decrypt to UTF-8 is counted in ``undecryptable`` (the caller
  refuses such a vault), exactly as :mod:`reuse_audit.vault.protected` counts them;
- with ``read_entry``, each entry (outside history) is handed to it as soon as it is complete and then taken
  out of the tree, so a large vault never has its whole tree in memory: the tree keeps Meta and the groups.

Errors are internal exception types (the caller words them); anything else malformed raises what the
standard library raises (``ValueError``, ``struct.error``, ``zlib.error``, lxml's errors).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from reuse_audit.vault.header import KdbxHeader
from reuse_audit.vault.protected import _inner_stream, decrypt_protected

_CIPHERS = {
    bytes.fromhex("31c1f2e6bf714350be5805216afc5aff"): "aes256",
    bytes.fromhex("ad68f29f576f4bb9a36ad47af965346c"): "twofish",
    bytes.fromhex("d6038a2b8b6f4cb5a524339a31dbb59a"): "chacha20",
}
_STREAMS = {0: "none", 1: "arcfourvariant", 2: "salsa20", 3: "chacha20"}
_CIPHER_ID, _COMPRESSION, _MASTER_SEED, _IV, _STREAM_KEY, _START_BYTES, _STREAM_ID = 2, 3, 4, 7, 8, 9, 10
_INNER_END, _INNER_STREAM_ID, _INNER_STREAM_KEY = 0, 1, 2
# pykeepass strips what XML 1.0 cannot hold from each decrypted value (its tree could not store it)
_NOT_XML = re.compile("[^\u0020-\ud7ff\u0009\u000a\u000d\ue000-\ufffd\U00010000-\U0010ffff]+")


class CredentialsError(Exception):
    """The key does not open the vault (wrong password or key file)."""


class PayloadChecksumError(Exception):
    """A block of the payload does not match its hash."""


class HeaderChecksumError(Exception):
    """The header does not match its hash."""


@dataclass
class DecryptedVault:
    """The vault's XML tree with its protected values decrypted, and how many of them did not decrypt.

    ``entries``: with a ``read_entry``, what it returned for each entry with the entry's group element, in
    document order (the entries are then no longer in ``tree``); None without one (the tree is whole).
    """

    tree: Any  # lxml.etree._ElementTree
    undecryptable: int
    entries: list[tuple[Any, Any]] | None = None


def compute_key_composite(password: str | None = None, keyfile: BinaryIO | None = None) -> bytes:
    """KeePass's composite key: SHA-256 of the password's SHA-256 and the key file's key (pykeepass's rules for
    the key file formats: XML v1/v2, 32 bytes, 64 hex digits, else the SHA-256 of the file)."""
    if keyfile is not None:
        from pykeepass.kdbx_parsing.common import compute_key_composite as with_key_file

        return bytes(with_key_file(password=password, keyfile=keyfile))
    part = hashlib.sha256(password.encode("utf-8")).digest() if password is not None else b""
    return hashlib.sha256(part).digest()


def decrypt_vault(data: bytes, header: KdbxHeader, transformed_key: bytes,
                  read_entry: Callable[[Any], Any] | None = None) -> DecryptedVault:
    """Check, decrypt and parse the body of the vault ``data`` whose header is ``header``."""
    fields = header.fields
    cipher = _CIPHERS.get(fields.get(_CIPHER_ID, b""))
    if cipher is None:
        raise ValueError("unknown cipher")
    seed = fields[_MASTER_SEED]
    compressed = bool(fields.get(_COMPRESSION, b"\0")[0] & 1)
    master_key = hashlib.sha256(seed + transformed_key).digest()
    inner: dict[int, Any] = {}
    if header.major >= 4:
        payload = _kdbx4_payload(data, header.length, seed, transformed_key, master_key, cipher, fields[_IV])
        chunks = _after_inner_header(_inflated(payload, compressed), inner)
    else:
        payload = _kdbx3_payload(data, header.length, master_key, cipher, fields[_IV], fields[_START_BYTES])
        chunks = _inflated(payload, compressed)
        (number,) = struct.unpack("<I", fields[_STREAM_ID])
        inner = {_INNER_STREAM_ID: number, _INNER_STREAM_KEY: fields[_STREAM_KEY]}
    # the parser pykeepass uses; events (made in C) for entries only
    parser = etree.XMLPullParser(events=("end",), tag="Entry", remove_blank_text=True)
    entries: list[tuple[Any, Any]] | None = [] if read_entry is not None else None
    keystream: Any = None
    failed = 0
    for chunk in chunks:
        if keystream is None:  # the inner header (KDBX 4) is read before the first XML chunk
            stream_id = _STREAMS[inner.get(_INNER_STREAM_ID, 0)]
            if stream_id == "arcfourvariant":
                raise ValueError("ArcFour inner stream")
            keystream = _inner_stream(stream_id, inner.get(_INNER_STREAM_KEY, b"")) or _NO_STREAM
        parser.feed(chunk)
        if read_entry is None or entries is None:
            continue
        for _event, entry in parser.read_events():
            group = entry.getparent()
            if group is None or group.tag != "Group":
                continue  # a history version: read with its entry
            if keystream is not _NO_STREAM:
                failed += _unprotect(_protected(entry), keystream)
            entries.append((group, read_entry(entry)))
            group.remove(entry)
    root = parser.close()
    if keystream is not _NO_STREAM:
        left = _protected(root)
        if left and entries:
            # a protected value outside the entries (no client writes one): the keystream's order is the
            # document's, so read the whole tree instead
            return decrypt_vault(data, header, transformed_key)
        failed += _unprotect(left, keystream)
    return DecryptedVault(root.getroottree(), failed, entries)


def _protected(element: Any) -> list[Any]:
    """The protected values with text under ``element`` (pykeepass's ``//Value[@Protected='True']``), in
    document order."""
    return [value for value in element.iter("Value") if value.text is not None and value.get("Protected") == "True"]


_NO_STREAM = object()  # inner stream "none": protected values are stored as they are


def _inflated(payload: bytes, compressed: bool, chunk: int = 1 << 18) -> Iterator[bytes]:
    """The payload in pieces, gunzipped as it goes when it is compressed."""
    if not compressed:
        for start in range(0, len(payload), chunk):
            yield payload[start : start + chunk]
        return
    inflater = zlib.decompressobj(16 + 15)
    for start in range(0, len(payload), chunk):
        piece = inflater.decompress(payload[start : start + chunk])
        if piece:
            yield piece
    rest = inflater.flush()
    if not inflater.eof:
        raise zlib.error("truncated gzip stream")
    if rest:
        yield rest


def _after_inner_header(pieces: Iterator[bytes], inner: dict[int, Any]) -> Iterator[bytes]:
    """KDBX 4: read the inner header at the start of the plain payload into ``inner``; yield the XML after it."""
    buffer = b""
    pos = 0
    for piece in pieces:
        buffer = buffer[pos:] + piece
        pos = 0
        while True:
            if len(buffer) - pos < 5:
                break
            kind = buffer[pos]
            (size,) = struct.unpack_from("<I", buffer, pos + 1)
            if len(buffer) - pos - 5 < size:
                break
            value = buffer[pos + 5 : pos + 5 + size]
            pos += 5 + size
            if kind == _INNER_END:
                yield buffer[pos:]
                yield from pieces
                return
            if kind == _INNER_STREAM_ID:
                inner[_INNER_STREAM_ID] = struct.unpack("<I", value)[0]
            elif kind == _INNER_STREAM_KEY:
                inner[_INNER_STREAM_KEY] = value
            elif kind != 3:  # 3: an attachment, not needed
                raise ValueError("unknown inner header field")
    raise ValueError("truncated inner header")


def _decrypt(cipher: str, key: bytes, iv: bytes, data: bytes) -> bytes:
    from reuse_audit.vault.ciphers import unpad

    if cipher == "chacha20":
        from reuse_audit.vault.ciphers import ChaCha20

        return bytes(ChaCha20.new(key=key, nonce=iv).decrypt(data))
    if cipher == "aes256":
        from reuse_audit.vault.ciphers import AES

        plain = AES.new(key, AES.MODE_CBC, iv).decrypt(data)
    else:
        from pykeepass.kdbx_parsing.twofish import Twofish

        plain = Twofish.new(key, mode=Twofish.MODE_CBC, IV=iv).decrypt(data)
    try:
        return bytes(unpad(plain, 16))
    except ValueError:  # as pykeepass: a wrong key leaves bad padding; the credentials check below says so
        return bytes(plain)


def _kdbx4_payload(data: bytes, start: int, seed: bytes, transformed_key: bytes, master_key: bytes, cipher: str,
                   iv: bytes) -> bytes:
    hmac_base = hashlib.sha512(seed + transformed_key + b"\x01").digest()

    def block_key(index: int) -> bytes:
        return hashlib.sha512(struct.pack("<Q", index) + hmac_base).digest()

    header_hmac = data[start + 32 : start + 64]
    if len(header_hmac) != 32:
        raise ValueError("truncated")
    if not hmac.compare_digest(hmac.new(block_key(0xFFFFFFFFFFFFFFFF), data[:start], hashlib.sha256).digest(),
                               header_hmac):
        raise CredentialsError
    pos, index, blocks = start + 64, 0, []
    while True:
        stored = data[pos : pos + 32]
        (size,) = struct.unpack_from("<I", data, pos + 32)
        block = data[pos + 36 : pos + 36 + size]
        if len(stored) != 32 or len(block) != size:
            raise ValueError("truncated")
        signed = struct.pack("<Q", index) + struct.pack("<I", size) + block
        if not hmac.compare_digest(hmac.new(block_key(index), signed, hashlib.sha256).digest(), stored):
            raise PayloadChecksumError
        if size == 0:
            break
        blocks.append(block)
        pos += 36 + size
        index += 1
    return _decrypt(cipher, master_key, iv, b"".join(blocks))


def _kdbx3_payload(data: bytes, start: int, master_key: bytes, cipher: str, iv: bytes, start_bytes: bytes) -> bytes:
    plain = _decrypt(cipher, master_key, iv, data[start:])
    if plain[:32] != start_bytes:
        raise CredentialsError
    pos, index, blocks = 32, 0, []
    while True:
        (number,) = struct.unpack_from("<I", plain, pos)
        stored = plain[pos + 4 : pos + 36]
        (size,) = struct.unpack_from("<I", plain, pos + 36)
        block = plain[pos + 40 : pos + 40 + size]
        if number != index or len(stored) != 32 or len(block) != size:
            raise ValueError("malformed block")
        if stored != (hashlib.sha256(block).digest() if size else b"\0" * 32):
            raise PayloadChecksumError
        if size == 0:
            break
        blocks.append(block)
        pos += 40 + size
        index += 1
    return b"".join(blocks)


def _unprotect(elements: list[Any], keystream: Any) -> int:
    """Decrypt the protected values ``elements`` (in document order, each with text) in place with one keystream
    call, and empty the list; return how many did not decrypt."""
    failed = 0
    for element, value in zip(elements, decrypt_protected([e.text for e in elements], keystream), strict=True):
        if value is None:
            failed += 1
        else:
            element.text = _NOT_XML.sub("", value)
    elements.clear()
    return failed
