"""Reads the outer KDBX header ourselves: format and version checks, and the KDF parameters."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from reuse_audit.vault.errors import VaultError

SIG1 = 0x9AA2D903
SIG2_KDBX = 0xB54BFB67
SIG2_KDB = 0xB54BFB65  # KeePass 1.x
SIG2_PRE = 0xB54BFB66  # KeePass 2.x pre-release
SUPPORTED_MAJOR = (3, 4)

AES_KDF_UUID = bytes.fromhex("c9d9f39a628a4460bf740d08c18a4fea")
ARGON2D_UUID = bytes.fromhex("ef636ddf8c29444b91f7a9a403e30a0c")
ARGON2ID_UUID = bytes.fromhex("9e298b1956db4773b23dfc3ec6f0a1e6")

_END, _TRANSFORM_SEED, _TRANSFORM_ROUNDS, _KDF_PARAMETERS = 0, 5, 6, 11


@dataclass(frozen=True)
class KdbxHeader:
    """What we need from the outer header: the version and, for AES-KDF, its seed and rounds."""

    major: int
    minor: int
    kdf: str  # "aes-kdf" | "argon2d" | "argon2id" | "unknown"
    aes_seed: bytes | None = None
    aes_rounds: int | None = None

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}"


def read_header(path: Path) -> KdbxHeader:
    """Parse the signature, version and KDF of ``path``; raise VaultError for anything we cannot open."""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except FileNotFoundError:
        raise VaultError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise VaultError(f"{path}: is a directory, not a KeePass file") from None
    except OSError as exc:
        raise VaultError(f"{path}: cannot read: {exc.strerror}") from None
    if len(head) < 12:
        raise VaultError(f"{path}: not a KeePass database (file too short)")
    sig1, sig2 = struct.unpack_from("<II", head, 0)
    if sig1 != SIG1:
        raise VaultError(f"{path}: not a KeePass database")
    if sig2 == SIG2_KDB:
        raise VaultError(
            f"{path}: KeePass 1.x (.kdb) files are not supported; convert it to KDBX in KeePass/KeePassXC"
        )
    if sig2 not in (SIG2_KDBX, SIG2_PRE):
        raise VaultError(f"{path}: not a KeePass database")
    minor, major = struct.unpack_from("<HH", head, 8)
    if major not in SUPPORTED_MAJOR:
        raise VaultError(
            f"{path}: unsupported KDBX version {major}.{minor} (KDBX 3.1, 4.0 and 4.1 are supported)"
        )
    try:
        return _read_fields(head, major, minor)
    except (struct.error, IndexError, ValueError):
        raise VaultError(f"{path}: the KeePass header is truncated or corrupted") from None


def _read_fields(head: bytes, major: int, minor: int) -> KdbxHeader:
    pos = 12
    size_fmt, size_len = ("<I", 4) if major >= 4 else ("<H", 2)
    seed: bytes | None = None
    rounds: int | None = None
    kdf = "aes-kdf" if major < 4 else "unknown"
    while True:
        field_id = head[pos]
        (size,) = struct.unpack_from(size_fmt, head, pos + 1)
        start = pos + 1 + size_len
        data = head[start : start + size]
        if len(data) != size:
            raise ValueError("truncated header field")
        pos = start + size
        if field_id == _END:
            break
        if field_id == _TRANSFORM_SEED:
            seed = data
        elif field_id == _TRANSFORM_ROUNDS:
            (rounds,) = struct.unpack("<Q", data)
        elif field_id == _KDF_PARAMETERS:
            params = _variant_dictionary(data)
            uuid = params.get("$UUID", b"")
            if uuid == AES_KDF_UUID:
                kdf = "aes-kdf"
                s, r = params.get("S"), params.get("R")
                seed = s if isinstance(s, bytes) else None
                rounds = r if isinstance(r, int) else None
            elif uuid == ARGON2D_UUID:
                kdf = "argon2d"
            elif uuid == ARGON2ID_UUID:
                kdf = "argon2id"
    return KdbxHeader(major, minor, kdf, seed if kdf == "aes-kdf" else None, rounds if kdf == "aes-kdf" else None)


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
