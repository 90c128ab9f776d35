"""AES-KDF in C: N rounds of AES-ECB per 16-byte half, computed as one AES-CBC pass over zero blocks.

With IV = block and all-zero plaintext, CBC yields C1 = E(block), C2 = E(C1), ... so the last ciphertext
block of N zero blocks is E^N(block). pycryptodome runs that loop in C, chunk by chunk (constant memory).
"""

from __future__ import annotations

import hashlib

from Cryptodome.Cipher import AES

_CHUNK_BLOCKS = 1 << 16  # 1 MiB of zero plaintext per call


def aes_kdf(seed: bytes, rounds: int, composite_key: bytes) -> bytes:
    """Return the KDBX transformed key: SHA-256 of both 16-byte halves each encrypted ``rounds`` times."""
    zeros = bytes(16 * min(rounds, _CHUNK_BLOCKS))
    out = b""
    for half in (composite_key[:16], composite_key[16:32]):
        block = half
        left = rounds
        while left > 0:
            n = min(left, _CHUNK_BLOCKS)
            cipher = AES.new(seed, AES.MODE_CBC, iv=block)
            block = cipher.encrypt(zeros[: 16 * n])[-16:]
            left -= n
        out += block
    return hashlib.sha256(out).digest()
