"""Unlocks a KDBX file: checks the header ourselves, derives the key ourselves, maps every failure to VaultError.

The vault and the key file are each read once (:mod:`reuse_audit.file_access`: pipes work, devices are
refused), the key derivation runs here (AES-KDF in C chunks, Argon2 off the main thread; both can be
interrupted and report progress), and the body is checked, decrypted and parsed by :mod:`.kdbx` (pykeepass's
rules, without its parser: pykeepass is imported only for key files and Twofish vaults). Then we check what
pykeepass does not: the KDBX 3.1 header hash in the XML, and whether every protected value decrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reuse_audit.errors import Message
from reuse_audit.file_access import read_input
from reuse_audit.i18n import N_, NP_
from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.header import DAMAGED, KdbxHeader, parse_header, read_vault_bytes
from reuse_audit.vault.kdf import KdfProgress, aes_kdf, argon2_kdf


@dataclass(frozen=True)
class VaultKey:
    """The user's credentials for a vault. ``password`` None means "no password" ("" is a real key)."""

    password: Secret | None = None
    keyfile: Path | None = None


@dataclass
class UnlockedVault:
    """An opened vault (``kp.tree``: its XML tree, protected values decrypted) plus what we learnt opening it."""

    kp: Any  # reuse_audit.vault.kdbx.DecryptedVault (pykeepass's ``tree`` attribute, same content)
    version: str


def composite_key(key: VaultKey) -> bytes:
    """SHA-256 of the password's and key file's hashes (KeePass's composite key); VaultError on bad input."""
    from reuse_audit.vault.kdbx import compute_key_composite

    password = None if key.password is None else key.password.reveal()
    if password is not None:
        try:
            password.encode("utf-8")
        except UnicodeEncodeError:
            raise VaultError(N_("the master password is not valid text (it holds bytes that are not UTF-8); "
                                "KeePass master passwords are UTF-8")) from None
    keyfile = None
    if key.keyfile is not None:
        keyfile = io.BytesIO(read_input(key.keyfile, N_("key file"), error=VaultError))
    try:
        return bytes(compute_key_composite(password=password, keyfile=keyfile))
    except (AssertionError, ValueError, binascii.Error, OSError, AttributeError, TypeError):
        raise VaultError(N_("{path}: invalid key file (its format or checksum is wrong)"), path=key.keyfile) from None


def transformed_key(header: KdbxHeader, composite: bytes, path: Path, progress: KdfProgress | None = None) -> bytes:
    """Run the vault's KDF over the composite key."""
    if header.argon2 is not None:
        return argon2_kdf(header.argon2, composite, progress)
    if header.aes_seed is None or header.aes_rounds is None or len(header.aes_seed) != 32:
        raise VaultError(N_("{path}: the KeePass header is corrupted (bad AES-KDF seed or rounds)"), path=path)
    return aes_kdf(header.aes_seed, header.aes_rounds, composite, progress)


def unlock(path: Path, key: VaultKey, progress: KdfProgress | None = None,
           read_entry: Callable[[Any], Any] | None = None) -> UnlockedVault:
    """Open ``path`` read-only with ``key``. Raises VaultError with one clear line on any failure.

    ``progress(done, total)`` is called from this thread during the key derivation (see
    :data:`~reuse_audit.vault.kdf.KdfProgress`). ``read_entry``: each entry is read by it as the vault is
    parsed and then dropped from the tree (see :func:`~reuse_audit.vault.kdbx.decrypt_vault`).
    """
    from reuse_audit.vault.kdbx import CredentialsError, HeaderChecksumError, PayloadChecksumError, decrypt_vault

    data = read_vault_bytes(path)
    header = parse_header(data, path)
    if key.password is None and key.keyfile is None:
        raise VaultError(N_("no password and no key file given: nothing to unlock the vault with"))
    transformed = transformed_key(header, composite_key(key), path, progress)
    try:
        kp = decrypt_vault(data, header, transformed, read_entry)
    except CredentialsError:
        raise VaultError(
            N_("{path}: wrong master password or key file "
               "(challenge-response/YubiKey-protected vaults are not supported)"), path=path
        ) from None
    except PayloadChecksumError:
        raise VaultError(N_("{path}: the vault's contents are corrupted (checksum mismatch)"), path=path) from None
    except HeaderChecksumError:
        raise VaultError(N_("{path}: the KeePass header is corrupted or this is not a KeePass database"),
                         path=path) from None
    except (Exception, zlib.error):  # construct, lxml and crypto errors on truncated/corrupted files
        raise VaultError(N_("{path}: the file is truncated or corrupted and cannot be read"), path=path) from None
    if header.major < 4:
        _check_kdbx3_header_hash(kp, data[: header.length], path)
    failures = kp.undecryptable  # counted while decrypting
    if failures:
        # pykeepass would hand back their ciphertext as the passwords: refuse the vault rather than audit it
        raise VaultError(Message.counted(NP_(
            "{path}: damaged: {n} protected value could not be decrypted (the inner stream does not match); open "
            "and save it in KeePass or KeePassXC, or restore a backup",
            "{path}: damaged: {n} protected values could not be decrypted (the inner stream does not match); open "
            "and save it in KeePass or KeePassXC, or restore a backup"), failures, path=path))
    return UnlockedVault(kp=kp, version=header.version)


def _check_kdbx3_header_hash(kp: Any, header_bytes: bytes, path: Path) -> None:
    """KDBX 3.1 keeps the header's SHA-256 in Meta/HeaderHash (written since KeePass 2.20; optional)."""
    element = kp.tree.getroot().find("Meta/HeaderHash")
    if element is None or not (element.text or "").strip():
        return
    try:
        stored = base64.b64decode(element.text, validate=True)
    except (binascii.Error, ValueError):
        raise VaultError(DAMAGED, path=path) from None
    if stored != hashlib.sha256(header_bytes).digest():
        raise VaultError(DAMAGED, path=path)
