"""The protected values (passwords) of a KDBX body: the inner random stream (Salsa20 / ChaCha20) that encrypts
them, and their decryption in document order with pykeepass's value-by-value test (a value that does not
decrypt to UTF-8 text is counted, never taken as a password). A wrong or altered inner stream key fails nearly
every value. The body reader (:mod:`reuse_audit.vault.kdbx`) calls it an entry at a time."""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Sequence
from typing import Any

_SALSA20_NONCE = bytes.fromhex("e830094b97205d2a")


def _inner_stream(stream_id: str, key: bytes) -> Any:
    from reuse_audit.vault.ciphers import ChaCha20, Salsa20

    if stream_id == "salsa20":
        return _Keystream(Salsa20.new(key=hashlib.sha256(key).digest(), nonce=_SALSA20_NONCE))
    if stream_id == "chacha20":
        digest = hashlib.sha512(key).digest()
        return _Keystream(ChaCha20.new(key=digest[:32], nonce=digest[32:44]))
    if stream_id == "none":
        return None
    raise ValueError("unknown inner stream")


class _Keystream:
    """A stream cipher's keystream made 64 KiB at a time: an entry's few protected bytes are XORed with the next
    ones, where a cipher call per entry (a C buffer made and filled through ctypes) cost a few microseconds
    each, a tenth of a second per 10,000 entries. ``decrypt`` continues the stream, as the cipher's does."""

    __slots__ = ("_cipher", "_block", "_pos")
    _SIZE = 1 << 16

    def __init__(self, cipher: Any) -> None:
        self._cipher = cipher
        self._block = b""
        self._pos = 0

    def decrypt(self, data: bytes) -> bytes:
        n = len(data)
        if self._pos + n > len(self._block):
            self._block = self._block[self._pos :] + bytes(self._cipher.encrypt(bytes(max(self._SIZE, n))))
            self._pos = 0
        key = self._block[self._pos : self._pos + n]
        self._pos += n
        return (int.from_bytes(data, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")

    encrypt = decrypt  # XOR both ways


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
