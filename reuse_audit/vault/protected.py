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
        return Salsa20.new(key=hashlib.sha256(key).digest(), nonce=_SALSA20_NONCE)
    if stream_id == "chacha20":
        digest = hashlib.sha512(key).digest()
        return ChaCha20.new(key=digest[:32], nonce=digest[32:44])
    if stream_id == "none":
        return None
    raise ValueError("unknown inner stream")


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
