"""Unlocking: the C-speed AES-KDF, and bad input turned into one clear line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.kdf import aes_kdf
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E, build_vault


@pytest.mark.parametrize("rounds", [0, 1, 7, 65_536, 65_537, 150_001])
def test_fast_aes_kdf_matches_pykeepass(rounds: int) -> None:
    from pykeepass.kdbx_parsing.common import aes_kdf as reference

    seed, key = os.urandom(32), os.urandom(32)
    assert aes_kdf(seed, rounds, key) == reference(seed, rounds, key)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="no such file"):
        load_vault(tmp_path / "nope.kdbx", VaultKey(Secret("x")))


def test_directory_is_not_a_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="is a directory"):
        load_vault(tmp_path, VaultKey(Secret("x")))


def test_text_file_is_not_a_keepass_database(tmp_path: Path) -> None:
    p = tmp_path / "notes.kdbx"
    p.write_text("hello, I am not a vault\n" * 10)
    with pytest.raises(VaultError, match="not a KeePass database"):
        load_vault(p, VaultKey(Secret("x")))


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_vault_is_one_clear_line(tmp_path: Path, keep: float) -> None:
    good = tmp_path / "good.kdbx"
    build_vault(good, [E(f"t{i}", f"pw-{i}-xyzzy") for i in range(30)])
    data = good.read_bytes()
    bad = tmp_path / "cut.kdbx"
    bad.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(VaultError) as info:
        load_vault(bad, VaultKey(Secret(MASTER)))
    assert "\n" not in str(info.value)
    assert "Traceback" not in str(info.value)


def test_corrupted_payload_byte_is_one_clear_line(tmp_path: Path) -> None:
    good = tmp_path / "good.kdbx"
    build_vault(good, [E(f"t{i}", f"pw-{i}-xyzzy") for i in range(30)])
    data = bytearray(good.read_bytes())
    data[-40] ^= 0xFF
    bad = tmp_path / "flip.kdbx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultError, match="corrupted"):
        load_vault(bad, VaultKey(Secret(MASTER)))


def test_keyfile_only_vault(tmp_path: Path) -> None:
    kf = tmp_path / "k.key"
    kf.write_bytes(os.urandom(32))
    p = tmp_path / "kf.kdbx"
    build_vault(p, [E("a", "pw-a-123456")], password=None, keyfile=kf)
    assert load_vault(p, VaultKey(None, kf)).entries_total == 1
    with pytest.raises(VaultError, match="wrong master password or key file"):
        load_vault(p, VaultKey(Secret(""), kf))


def test_missing_keyfile(tmp_path: Path) -> None:
    p = tmp_path / "v.kdbx"
    build_vault(p, [E("a", "pw-a-123456")])
    with pytest.raises(VaultError, match="no such key file"):
        load_vault(p, VaultKey(Secret(MASTER), tmp_path / "missing.key"))
