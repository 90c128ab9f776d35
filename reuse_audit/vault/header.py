"""Reads the outer KDBX header ourselves: format and version checks, its integrity, and the KDF parameters.

Everything here runs before any key derivation: a KDBX 4 header whose SHA-256 (stored right after it)
does not match is refused, so a flipped bit in the KDF parameters can never start a billion-round or
terabyte derivation; Argon2 parameters no real vault uses are refused too.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

from reuse_audit.file_access import PathKind, path_kind, read_input
from reuse_audit.i18n import N_
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.kdf import Argon2Params, aes_kdf_problem, argon2_problem

SIG1 = 0x9AA2D903
SIG2_KDBX = 0xB54BFB67
SIG2_KDB = 0xB54BFB65  # KeePass 1.x
SIG2_PRE = 0xB54BFB66  # KeePass 2.x pre-release
SUPPORTED_MAJOR = (3, 4)

AES_KDF_UUID = bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")
ARGON2D_UUID = bytes.fromhex("ef636ddf8c29444b91f7a9a403e30a0c")
ARGON2ID_UUID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")

_END, _TRANSFORM_SEED, _TRANSFORM_ROUNDS, _INNER_STREAM_ID, _KDF_PARAMETERS = 0, 5, 6, 10, 11
_ARCFOUR_STREAM = 1
DAMAGED = N_("{path}: damaged (header does not match its hash)")


@dataclass(frozen=True)
class KdbxHeader:
    """What we need from the outer header: the version, its length, and the KDF and its parameters."""

    major: int
    minor: int
    kdf: str  # "aes-kdf" | "argon2d" | "argon2id" | "unknown"
    aes_seed: bytes | None = None
    aes_rounds: int | None = None
    argon2: Argon2Params | None = None
    length: int = 0  # bytes of the header itself (signature to end field), what its hash covers
    # every field by id, for the body reader (cipher, seeds, IV, stream key: never shown)
    fields: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}"


# A pipe can be read once: its bytes are kept (one vault per process) so that the CLI can check the header
# before asking for the password and open the vault after. Regular files are simply read again.
_streams: dict[tuple[int, int], bytes] = {}


def read_vault_bytes(path: Path) -> bytes:
    """The whole vault file (a regular file, or a pipe read once); VaultError with one line when it cannot."""
    try:
        kind = path_kind(path)
    except OSError:
        kind = PathKind.OTHER  # read_input words the problem
    if kind is PathKind.MISSING:
        raise VaultError(N_("{path}: no such file"), path=path)
    if kind is not PathKind.FIFO:
        return read_input(path, N_("KeePass file"), error=VaultError)
    st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    if key not in _streams:
        data = read_input(path, N_("KeePass file"), error=VaultError)
        _streams.clear()
        _streams[key] = data
    return _streams[key]


def read_header(path: Path) -> KdbxHeader:
    """Parse and check the header of the vault at ``path``; raise VaultError for anything we cannot open."""
    return parse_header(read_vault_bytes(path), path)


def parse_header(data: bytes, path: Path) -> KdbxHeader:
    """Parse and check the header at the start of ``data`` (the vault file's bytes; ``path`` for messages)."""
    if len(data) < 12:
        raise VaultError(N_("{path}: not a KeePass database (file too short)"), path=path)
    sig1, sig2 = struct.unpack_from("<II", data, 0)
    if sig1 != SIG1:
        raise VaultError(N_("{path}: not a KeePass database"), path=path)
    if sig2 == SIG2_KDB:
        raise VaultError(
            N_("{path}: KeePass 1.x (.kdb) files are not supported; convert it to KDBX in KeePass/KeePassXC"), path=path
        )
    if sig2 not in (SIG2_KDBX, SIG2_PRE):
        raise VaultError(N_("{path}: not a KeePass database"), path=path)
    minor, major = struct.unpack_from("<HH", data, 8)
    if major not in SUPPORTED_MAJOR:
        raise VaultError(
            N_("{path}: unsupported KDBX version {major}.{minor} (KDBX 3.1, 4.0 and 4.1 are supported)"), path=path,
            major=major, minor=minor,
        )
    try:
        fields, length = _fields(data, major)
    except (struct.error, IndexError, ValueError):
        raise VaultError(N_("{path}: the KeePass header is truncated or corrupted"), path=path) from None
    if major >= 4:  # checked before a single field is believed
        stored = data[length : length + 32]
        if len(stored) < 32:
            raise VaultError(N_("{path}: the KeePass header is truncated or corrupted"), path=path)
        if hashlib.sha256(data[:length]).digest() != stored:
            raise VaultError(DAMAGED, path=path)
    try:
        header, stream_id = _interpret(fields, major, minor, length)
    except (struct.error, IndexError, ValueError):
        raise VaultError(N_("{path}: the KeePass header is truncated or corrupted"), path=path) from None
    if stream_id == _ARCFOUR_STREAM:
        raise VaultError(N_("{path}: uses the ArcFour inner stream of KeePass 2.0x, which is not supported; "
                            "save it with a current KeePass or KeePassXC"), path=path)
    if header.kdf == "unknown":
        raise VaultError(N_("{path}: unsupported key derivation function (AES-KDF and Argon2 are supported)"),
                         path=path)
    if header.argon2 is not None:
        problem = argon2_problem(header.argon2)
        if problem is not None:
            raise VaultError(N_("{path}: refusing the vault's Argon2 parameters: {problem}"), path=path,
                             problem=problem)
    if header.aes_rounds is not None:
        problem = aes_kdf_problem(header.aes_rounds)
        if problem is not None:
            raise VaultError(N_("{path}: refusing the vault's AES-KDF parameters: {problem}"), path=path,
                             problem=problem)
    return header


def _fields(head: bytes, major: int) -> tuple[list[tuple[int, bytes]], int]:
    """The header's (field id, data) items up to its end field, and the header's length in bytes."""
    pos = 12
    size_fmt, size_len = ("<I", 4) if major >= 4 else ("<H", 2)
    fields: list[tuple[int, bytes]] = []
    while True:
        field_id = head[pos]
        (size,) = struct.unpack_from(size_fmt, head, pos + 1)
        start = pos + 1 + size_len
        data = head[start : start + size]
        if len(data) != size:
            raise ValueError("truncated header field")
        pos = start + size
        if field_id == _END:
            return fields, pos
        fields.append((field_id, data))


def _interpret(fields: list[tuple[int, bytes]], major: int, minor: int, length: int
               ) -> tuple[KdbxHeader, int | None]:
    seed: bytes | None = None
    rounds: int | None = None
    argon2: Argon2Params | None = None
    stream_id: int | None = None
    kdf = "aes-kdf" if major < 4 else "unknown"
    for field_id, data in fields:
        if field_id == _TRANSFORM_SEED:
            seed = data
        elif field_id == _TRANSFORM_ROUNDS:
            (rounds,) = struct.unpack("<Q", data)
        elif field_id == _INNER_STREAM_ID and major < 4:
            (stream_id,) = struct.unpack("<I", data)
        elif field_id == _KDF_PARAMETERS:
            params = _variant_dictionary(data)
            uuid = params.get("$UUID", b"")
            if uuid == AES_KDF_UUID:
                kdf = "aes-kdf"
                s, r = params.get("S"), params.get("R")
                seed = s if isinstance(s, bytes) else None
                rounds = r if isinstance(r, int) else None
            elif uuid in (ARGON2D_UUID, ARGON2ID_UUID):
                kdf = "argon2d" if uuid == ARGON2D_UUID else "argon2id"
                argon2 = _argon2(kdf, params)
    aes = kdf == "aes-kdf"
    header = KdbxHeader(major, minor, kdf, seed if aes else None, rounds if aes else None, argon2, length,
                        dict(fields))
    return header, stream_id


def _argon2(kdf: str, params: dict[str, bytes | int | bool | str]) -> Argon2Params:
    def number(key: str) -> int:
        value = params.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"Argon2 parameter {key} missing")
        return value

    salt = params.get("S")
    if not isinstance(salt, bytes):
        raise ValueError("Argon2 salt missing")
    return Argon2Params(kdf, salt, number("I"), number("M"), number("P"), number("V"))


def _variant_dictionary(data: bytes) -> dict[str, bytes | int | bool | str]:
    """KDBX 4 VariantDictionary: version u16, then (type u8, key, value) items until type 0."""
    out: dict[str, bytes | int | bool | str] = {}
    pos = 2
    while pos < len(data):
        vtype = data[pos]
        if vtype == 0:
            break
        (klen,) = struct.unpack_from("<i", data, pos + 1)
        key = data[pos + 5 : pos + 5 + klen].decode("utf-8", "replace")
        pos += 5 + klen
        (vlen,) = struct.unpack_from("<i", data, pos)
        raw = data[pos + 4 : pos + 4 + vlen]
        pos += 4 + vlen
        if vtype in (0x04, 0x05):  # UInt32, UInt64
            out[key] = int.from_bytes(raw, "little")
        elif vtype in (0x0C, 0x0D):  # Int32, Int64
            out[key] = int.from_bytes(raw, "little", signed=True)
        elif vtype == 0x08:
            out[key] = raw != b"\x00"
        elif vtype == 0x18:
            out[key] = raw.decode("utf-8", "replace")
        else:
            out[key] = raw
    return out
