"""Unlocks a KDBX file: checks the header ourselves, runs AES-KDF in C, maps every failure to VaultError."""

from __future__ import annotations

import binascii
import logging
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.header import read_header
from reuse_audit.vault.kdf import aes_kdf

_UNPROTECT_FAILED = "marked as protected, but could not unprotect"


@dataclass(frozen=True)
class VaultKey:
    """The user's credentials for a vault. ``password`` None means "no password" ("" is a real key)."""

    password: Secret | None = None
    keyfile: Path | None = None


@dataclass
class UnlockedVault:
    """An opened PyKeePass database plus what we learnt while opening it."""

    kp: Any  # pykeepass.PyKeePass (untyped library)
    version: str
    unreadable_paths: set[str] = field(default_factory=set)  # XML paths of undecryptable protected values


class _CaptureUnprotectFailures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.paths: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if _UNPROTECT_FAILED in msg:
            self.paths.add(msg.split()[2])


def _composite_key(key: VaultKey, path: Path) -> bytes:
    from pykeepass.kdbx_parsing.common import compute_key_composite

    if key.keyfile is not None and not key.keyfile.is_file():
        what = "is a directory, not a key file" if key.keyfile.is_dir() else "key file not found"
        raise VaultError(f"{key.keyfile}: {what}")
    try:
        return bytes(
            compute_key_composite(
                password=None if key.password is None else key.password.reveal(),
                keyfile=None if key.keyfile is None else str(key.keyfile),
            )
        )
    except (AssertionError, ValueError, binascii.Error, OSError, AttributeError, TypeError):
        raise VaultError(f"{key.keyfile}: invalid key file (its format or checksum is wrong)") from None


def unlock(path: Path, key: VaultKey) -> UnlockedVault:
    """Open ``path`` read-only with ``key``. Raises VaultError with one clear line on any failure."""
    from pykeepass import PyKeePass
    from pykeepass.exceptions import CredentialsError, HeaderChecksumError, PayloadChecksumError

    header = read_header(path)
    if key.password is None and key.keyfile is None:
        raise VaultError("no password and no key file given: nothing to unlock the vault with")
    composite = _composite_key(key, path)
    transformed = None
    if header.kdf == "aes-kdf" and header.aes_seed is not None and header.aes_rounds is not None:
        if len(header.aes_seed) != 32:
            raise VaultError(f"{path}: the KeePass header is corrupted (bad AES-KDF seed)")
        transformed = aes_kdf(header.aes_seed, header.aes_rounds, composite)

    capture = _CaptureUnprotectFailures()
    plog = logging.getLogger("pykeepass")
    old_propagate = plog.propagate
    plog.addHandler(capture)
    plog.propagate = False
    try:
        kp = PyKeePass(
            str(path),
            password=None if key.password is None else key.password.reveal(),
            keyfile=None if key.keyfile is None else str(key.keyfile),
            transformed_key=transformed,
        )
        kp.tree.getroot()  # pykeepass can return without a parsed body: fail here, not later
    except CredentialsError:
        raise VaultError(
            f"{path}: wrong master password or key file "
            "(challenge-response/YubiKey-protected vaults are not supported)"
        ) from None
    except PayloadChecksumError:
        raise VaultError(f"{path}: the vault's contents are corrupted (checksum mismatch)") from None
    except HeaderChecksumError:
        raise VaultError(f"{path}: the KeePass header is corrupted or this is not a KeePass database") from None
    except VaultError:
        raise
    except (Exception, zlib.error):  # construct, lxml and crypto errors on truncated/corrupted files
        raise VaultError(f"{path}: the file is truncated or corrupted and cannot be read") from None
    finally:
        plog.removeHandler(capture)
        plog.propagate = old_propagate
    return UnlockedVault(kp=kp, version=header.version, unreadable_paths=capture.paths)
