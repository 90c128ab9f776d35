"""Decrypts a KDBX 3.1 / 4.x body with the transformed key into the XML tree pykeepass would give, without its parser.

pykeepass reads the file with construct (pure Python) and decrypts each protected value with a cipher call of
its own: on a 10,000-entry vault that was most of the loading time, and it imports a good deal. Here, the same
steps and checks, each in C where it counts:

- KDBX 4: the header's HMAC (the credentials check; its SHA-256 was checked with the header), the HMAC of
  every block; KDBX 3.1: the 32 stream start bytes (the credentials check), the SHA-256 of every block;
- the payload decrypted at once (AES-256-CBC, ChaCha20 or Twofish) and gunzipped, the KDBX 4 inner header read;
- the XML parsed with the parser pykeepass uses (``remove_blank_text``), so the tree is the same;
- the protected values (``//Value[@Protected='True']``, document order) decrypted with one keystream call over
  all of them, each stripped of the characters XML cannot hold, as pykeepass does. A value that is not base64
  uses no keystream; one that does not decrypt to UTF-8 is counted in ``undecryptable`` (the caller refuses
  such a vault), exactly as :mod:`reuse_audit.vault.protected` counts them.

Errors are internal exception types (the caller words them); anything else malformed raises what the
standard library raises (``ValueError``, ``struct.error``, ``zlib.error``, lxml's errors).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from reuse_audit.vault.header import KdbxHeader, _fields
from reuse_audit.vault.protected import _inner_stream

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
_PROTECTED = etree.XPath("//Value[@Protected='True']")


class CredentialsError(Exception):
    """The key does not open the vault (wrong password or key file)."""


class PayloadChecksumError(Exception):
    """A block of the payload does not match its hash."""


class HeaderChecksumError(Exception):
    """The header does not match its hash."""


@dataclass
class DecryptedVault:
    """The vault's XML tree with its protected values decrypted, and how many of them did not decrypt."""

    tree: Any  # lxml.etree._ElementTree
    undecryptable: int


def compute_key_composite(password: str | None = None, keyfile: BinaryIO | None = None) -> bytes:
    """KeePass's composite key: SHA-256 of the password's SHA-256 and the key file's key (pykeepass's rules for
    the key file formats: XML v1/v2, 32 bytes, 64 hex digits, else the SHA-256 of the file)."""
    if keyfile is not None:
        from pykeepass.kdbx_parsing.common import compute_key_composite as with_key_file

        return bytes(with_key_file(password=password, keyfile=keyfile))
    part = hashlib.sha256(password.encode("utf-8")).digest() if password is not None else b""
    return hashlib.sha256(part).digest()


def decrypt_vault(data: bytes, header: KdbxHeader, transformed_key: bytes) -> DecryptedVault:
    """Check, decrypt and parse the body of the vault ``data`` whose header is ``header``."""
    fields = dict(_fields(data, header.major)[0])
    cipher = _CIPHERS.get(fields.get(_CIPHER_ID, b""))
    if cipher is None:
        raise ValueError("unknown cipher")
    seed = fields[_MASTER_SEED]
    compressed = bool(fields.get(_COMPRESSION, b"\0")[0] & 1)
    master_key = hashlib.sha256(seed + transformed_key).digest()
    if header.major >= 4:
        xml, stream_id, stream_key = _kdbx4_xml(data, header.length, seed, transformed_key, master_key, cipher,
                                                fields[_IV], compressed)
    else:
        xml = _kdbx3_xml(data, header.length, master_key, cipher, fields[_IV], fields[_START_BYTES], compressed)
        (number,) = struct.unpack("<I", fields[_STREAM_ID])
        stream_id, stream_key = _STREAMS[number], fields[_STREAM_KEY]
    tree = etree.parse(io.BytesIO(xml), etree.XMLParser(remove_blank_text=True))  # the parser pykeepass uses
    del xml
    if stream_id == "arcfourvariant":
        raise ValueError("ArcFour inner stream")
    keystream = _inner_stream(stream_id, stream_key)
    failed = 0 if keystream is None else _unprotect(tree, keystream)
    return DecryptedVault(tree, failed)


def _decrypt(cipher: str, key: bytes, iv: bytes, data: bytes) -> bytes:
    from Cryptodome.Util.Padding import unpad

    if cipher == "chacha20":
        from Cryptodome.Cipher import ChaCha20

        return bytes(ChaCha20.new(key=key, nonce=iv).decrypt(data))
    if cipher == "aes256":
        from Cryptodome.Cipher import AES

        plain = AES.new(key, AES.MODE_CBC, iv).decrypt(data)
    else:
        from pykeepass.kdbx_parsing.twofish import Twofish

        plain = Twofish.new(key, mode=Twofish.MODE_CBC, IV=iv).decrypt(data)
    try:
        return bytes(unpad(plain, 16))
    except ValueError:  # as pykeepass: a wrong key leaves bad padding; the credentials check below says so
        return bytes(plain)


def _kdbx4_xml(data: bytes, start: int, seed: bytes, transformed_key: bytes, master_key: bytes, cipher: str,
               iv: bytes, compressed: bool) -> tuple[bytes, str, bytes]:
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
    plain = _decrypt(cipher, master_key, iv, b"".join(blocks))
    del blocks
    if compressed:
        plain = zlib.decompress(plain, 16 + 15)
    pos, stream_id, stream_key = 0, "none", b""
    while True:
        kind = plain[pos]
        (size,) = struct.unpack_from("<I", plain, pos + 1)
        value = plain[pos + 5 : pos + 5 + size]
        if len(value) != size:
            raise ValueError("truncated inner header")
        pos += 5 + size
        if kind == _INNER_END:
            return plain[pos:], stream_id, stream_key
        if kind == _INNER_STREAM_ID:
            stream_id = _STREAMS[struct.unpack("<I", value)[0]]
        elif kind == _INNER_STREAM_KEY:
            stream_key = value
        elif kind != 3:  # 3: an attachment, not needed
            raise ValueError("unknown inner header field")


def _kdbx3_xml(data: bytes, start: int, master_key: bytes, cipher: str, iv: bytes, start_bytes: bytes,
               compressed: bool) -> bytes:
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
    joined = b"".join(blocks)
    return zlib.decompress(joined, 16 + 15) if compressed else joined


def _unprotect(tree: Any, keystream: Any) -> int:
    """Decrypt the protected values in place, in document order; return how many did not decrypt."""
    failed = 0
    elements: list[Any] = []
    raws: list[bytes] = []
    for element in _PROTECTED(tree):
        text = element.text
        if text is None:
            continue
        if not text.isascii():  # base64.b64decode of a str: non-ASCII is a ValueError, no keystream used
            failed += 1
            continue
        try:
            raws.append(binascii.a2b_base64(text))
        except binascii.Error:
            failed += 1
            continue
        elements.append(element)
    stream = memoryview(keystream.decrypt(b"".join(raws)))
    pos = 0
    for element, raw in zip(elements, raws, strict=True):
        try:
            value = str(stream[pos : pos + len(raw)], "utf-8")
        except UnicodeDecodeError:
            failed += 1
        else:
            element.text = _NOT_XML.sub("", value)
        pos += len(raw)
    return failed
