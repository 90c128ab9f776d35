"""The key derivation of a KDBX vault: AES-KDF in C, chunk by chunk, and Argon2 off the main thread.

AES-KDF is N rounds of AES-ECB per 16-byte half, computed as AES-CBC over zero blocks: with IV = block
and all-zero plaintext, CBC yields C1 = E(block), C2 = E(C1), ... so the last ciphertext block of N zero
blocks is E^N(block). pycryptodome runs that loop in C, one 1 MiB chunk per call (constant memory), so
the main thread gets control back every millisecond or so: a progress callback can run and a SIGINT or
SIGTERM (KeyboardInterrupt / SystemExit) stops the run between chunks.

Argon2 is one C call that cannot be split; it runs in a daemon thread (argon2-cffi releases the GIL)
while the main thread waits in short joins, so a signal stops the wait at once and the process exits.
Parameters no real vault uses (memory beyond 4 GiB or the machine's RAM, zero lanes or passes, more
than 2^32 AES rounds) are refused before anything runs: :func:`argon2_problem`, :func:`aes_kdf_problem`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from reuse_audit.errors import Message
from reuse_audit.i18n import N_
from reuse_audit.vault.ciphers import AES

#: progress(done, total): AES-KDF rounds done of total (both halves); Argon2 reports (0, 1) then (1, 1)
KdfProgress = Callable[[int, int], None]

_CHUNK_BLOCKS = 1 << 16  # 1 MiB of zero plaintext per call
_PROGRESS_EVERY = 0.1  # seconds between progress calls
ARGON2_MAX_MEMORY = 4 << 30  # bytes; KeePass and KeePassXC offer at most this much
AES_KDF_MAX_ROUNDS = 1 << 32  # ~15 minutes in C here; calibrated vaults use millions (a flipped high bit: 2^60)
_ARGON2_VERSIONS = (0x10, 0x13)


def aes_kdf(seed: bytes, rounds: int, composite_key: bytes, progress: KdfProgress | None = None) -> bytes:
    """Return the KDBX transformed key: SHA-256 of both 16-byte halves each encrypted ``rounds`` times."""
    zeros = bytes(16 * min(rounds, _CHUNK_BLOCKS))
    out = b""
    total, done = 2 * rounds, 0
    last_report = time.monotonic()
    for half in (composite_key[:16], composite_key[16:32]):
        block = half
        left = rounds
        while left > 0:
            n = min(left, _CHUNK_BLOCKS)
            cipher = AES.new(seed, AES.MODE_CBC, iv=block)
            block = cipher.encrypt(zeros[: 16 * n])[-16:]
            left -= n
            done += n
            if progress is not None and time.monotonic() - last_report >= _PROGRESS_EVERY:
                progress(done, total)
                last_report = time.monotonic()
        out += block
    if progress is not None:
        progress(total, total)
    return hashlib.sha256(out).digest()


@dataclass(frozen=True)
class Argon2Params:
    """Argon2 parameters from a KDBX 4 header (``memory`` in bytes, as the header stores it)."""

    variant: str  # "argon2d" | "argon2id"
    salt: bytes
    iterations: int
    memory: int
    parallelism: int
    version: int


def physical_memory() -> int | None:
    """Bytes of RAM in this machine, or None where we cannot tell."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and size > 0:
            return int(pages) * int(size)
    except (AttributeError, ValueError, OSError):
        pass
    if os.name == "nt":
        return _windows_memory()
    return None


def _windows_memory() -> int | None:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    try:
        ok = ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return None
    return int(status.ullTotalPhys) if ok else None


def aes_kdf_problem(rounds: int) -> str | None:
    """Why this AES-KDF round count must not be run (KDBX 3.1 has no header hash to catch a flipped bit)."""
    if rounds > AES_KDF_MAX_ROUNDS:
        return Message(N_("{rounds:,} rounds (more than {limit:,})"), rounds=rounds, limit=AES_KDF_MAX_ROUNDS)
    return None


def argon2_problem(p: Argon2Params, ram: int | None = None) -> str | None:
    """Why these Argon2 parameters must not be run (one phrase), or None when they are usable."""
    ram = physical_memory() if ram is None else ram
    if not 1 <= p.parallelism <= 0xFFFFFF:
        return Message(N_("parallelism {n} (must be 1 to 16777215)"), n=p.parallelism)
    if not 1 <= p.iterations <= 0xFFFFFFFF:
        return Message(N_("{n} iterations (must be 1 to 4294967295)"), n=p.iterations)
    if p.version not in _ARGON2_VERSIONS:
        return Message(N_("unknown Argon2 version {version:#x}"), version=p.version)
    if len(p.salt) < 8:
        return Message(N_("a {n}-byte salt (at least 8 bytes)"), n=len(p.salt))
    if p.memory // 1024 < 8 * p.parallelism:
        return Message(N_("{kib} KiB of memory for {lanes} lanes (at least 8 KiB per lane)"), kib=p.memory // 1024,
                       lanes=p.parallelism)
    limit = ARGON2_MAX_MEMORY if ram is None else min(ARGON2_MAX_MEMORY, ram)
    if p.memory > limit:
        where = N_("the 4 GiB KeePass allows") if limit == ARGON2_MAX_MEMORY else N_("this machine's RAM")
        return Message(N_("{mib} MiB of memory, more than {where}"), mib=p.memory >> 20, where=Message(where))
    return None


def argon2_kdf(p: Argon2Params, composite_key: bytes, progress: KdfProgress | None = None) -> bytes:
    """Argon2 as pykeepass would compute it, in a daemon thread so that signals stop the wait."""
    from argon2.low_level import Type, hash_secret_raw

    from reuse_audit.background import Background

    if progress is not None:
        progress(0, 1)
    key = Background(lambda: hash_secret_raw(
        secret=composite_key, salt=p.salt, time_cost=p.iterations, memory_cost=p.memory // 1024,
        parallelism=p.parallelism, hash_len=32, type=Type.ID if p.variant == "argon2id" else Type.D,
        version=p.version), name="reuse-audit-argon2").result()  # interruptible wait: signals stop it
    if progress is not None:
        progress(1, 1)
    return key
