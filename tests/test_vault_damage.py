"""Damaged, hostile and unusual vault input: refused in one line before any key derivation, never a hang,
never a wrong password counted; vaults and key files through pipes; a KDF that reports progress and stops."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.header import parse_header, read_header
from reuse_audit.vault.kdf import Argon2Params, aes_kdf, argon2_kdf, argon2_problem
from reuse_audit.vault.protected import _inner_stream, decrypt_protected
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, REPO, E, build_vault

DAMAGED = r"damaged \(header does not match its hash\)"
ENTRIES = [E("Mail", "pw-mail-123456"), E("Bank", "pw-bank-987654"), E("Empty", "")]


@pytest.fixture(scope="module")
def vault_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("vault") / "v.kdbx"
    build_vault(path, ENTRIES)  # about a second: built once for the module
    return path.read_bytes()


@pytest.fixture
def vault(tmp_path: Path, vault_bytes: bytes) -> Path:
    path = tmp_path / "v.kdbx"
    path.write_bytes(vault_bytes)
    return path


def _kdf_value(data: bytes, key: bytes) -> tuple[int, int]:
    """(offset, length) of the value of VariantDictionary item ``key`` in the KDBX 4 header."""
    marker = struct.pack("<i", len(key)) + key
    at = data.index(marker) + len(marker)
    (size,) = struct.unpack_from("<i", data, at)
    return at + 4, size


def _rehash(data: bytearray) -> bytes:
    """Recompute the KDBX 4 header's SHA-256, as a hostile (not damaged) file would carry."""
    length = _header_length(bytes(data))
    data[length : length + 32] = hashlib.sha256(bytes(data[:length])).digest()
    return bytes(data)


def _header_length(data: bytes) -> int:
    pos = 12
    while True:
        field_id = data[pos]
        (size,) = struct.unpack_from("<I", data, pos + 1)
        pos += 5 + size
        if field_id == 0:
            return pos


# ---- KDBX 4: the header hash is checked before any key derivation ----

def test_one_flipped_bit_in_the_kdf_parameters_is_damaged_not_a_hang(vault: Path, tmp_path: Path) -> None:
    data = bytearray(vault.read_bytes())
    at, _size = _kdf_value(bytes(data), b"I")
    data[at + 3] ^= 0x80  # Argon2 iterations 1 -> 2,147,483,649: would run for days
    bad = tmp_path / "flip.kdbx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultError, match=DAMAGED) as info:
        load_vault(bad, VaultKey(Secret(MASTER)))
    assert info.value.exit_code == 2


def test_the_header_check_runs_before_the_password_is_asked(vault: Path, tmp_path: Path) -> None:
    data = bytearray(vault.read_bytes())
    data[_header_length(bytes(data)) + 5] ^= 0x01  # the stored hash itself
    bad = tmp_path / "flip.kdbx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultError, match=DAMAGED):
        read_header(bad)


@pytest.mark.parametrize(("key", "value", "message"), [
    (b"M", (64 << 30).to_bytes(8, "little"), r"65536 MiB of memory, more than"),
    (b"P", (0).to_bytes(4, "little"), r"parallelism 0"),
    (b"I", (0).to_bytes(8, "little"), r"0 iterations"),
])
def test_absurd_argon2_parameters_are_refused_before_running(vault: Path, tmp_path: Path, key: bytes, value: bytes,
                                                             message: str) -> None:
    data = bytearray(vault.read_bytes())
    at, size = _kdf_value(bytes(data), key)
    assert size == len(value)
    data[at : at + size] = value
    bad = tmp_path / "hostile.kdbx"
    bad.write_bytes(_rehash(data))
    with pytest.raises(VaultError, match=r"refusing the vault's Argon2 parameters: " + message):
        read_header(bad)


def test_argon2_memory_beyond_this_machine_is_refused() -> None:
    params = Argon2Params("argon2d", b"s" * 32, 2, 2 << 30, 2, 0x13)
    assert argon2_problem(params, ram=4 << 30) is None
    assert argon2_problem(params, ram=1 << 30) == "2048 MiB of memory, more than this machine's RAM"
    assert "4 GiB" in (argon2_problem(Argon2Params("argon2d", b"s" * 32, 2, 5 << 30, 2, 0x13), ram=64 << 30) or "")
    assert "version" in (argon2_problem(Argon2Params("argon2id", b"s" * 32, 2, 1 << 20, 2, 0x42)) or "")
    assert "lane" in (argon2_problem(Argon2Params("argon2id", b"s" * 32, 2, 8 << 10, 4, 0x13)) or "")


# ---- KDBX 3.1: the HeaderHash in Meta ----

@pytest.fixture
def kdbx3_copy(corpus: Path, tmp_path: Path) -> Path:
    """A KDBX 3.1 vault saved without a HeaderHash (as before KeePass 2.20), with 4 protected passwords."""
    from pykeepass import PyKeePass

    kp = PyKeePass(str(corpus / "kdbxweb/cyrillic.kdbx"), password="пароль")
    meta_hash = kp.tree.getroot().find("Meta/HeaderHash")
    meta_hash.getparent().remove(meta_hash)
    path = tmp_path / "v3.kdbx"
    kp.save(str(path))
    return path


def _kdbx3_field(data: bytes, wanted: int) -> tuple[int, int]:
    pos = 12
    while True:
        field_id = data[pos]
        (size,) = struct.unpack_from("<H", data, pos + 1)
        if field_id == wanted:
            return pos + 3, size
        pos += 3 + size


def test_kdbx3_aes_rounds_with_a_flipped_high_bit_are_refused(kdbx3_copy: Path, tmp_path: Path) -> None:
    data = bytearray(kdbx3_copy.read_bytes())
    at, size = _kdbx3_field(bytes(data), 6)  # TransformRounds (u64): KDBX 3.1 has no header hash to catch it
    assert size == 8
    data[at + 7] ^= 0x40
    bad = tmp_path / "rounds.kdbx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultError, match=r"refusing the vault's AES-KDF parameters: [\d,]+ rounds \(more than"):
        read_header(bad)


def test_a_kdbx3_vault_without_header_hash_opens(kdbx3_copy: Path) -> None:
    contents = load_vault(kdbx3_copy, VaultKey(Secret("пароль")))
    assert contents.credentials and not contents.skipped


# ---- protected values that do not decrypt: detected from the data ----

@pytest.fixture
def pykeepass_logger() -> Iterator[logging.Logger]:
    log = logging.getLogger("pykeepass")
    before = (log.propagate, list(log.handlers), log.level)
    yield log
    assert (log.propagate, list(log.handlers), log.level) == before


def test_an_altered_kdbx3_inner_stream_key_is_a_damaged_vault(kdbx3_copy: Path, tmp_path: Path,
                                                              pykeepass_logger: logging.Logger) -> None:
    data = bytearray(kdbx3_copy.read_bytes())
    at, _size = _kdbx3_field(bytes(data), 8)  # ProtectedStreamKey: not covered by anything without HeaderHash
    data[at] ^= 0x01
    bad = tmp_path / "stream.kdbx"
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultError, match="protected values could not be decrypted"):
        load_vault(bad, VaultKey(Secret("пароль")))


@pytest.fixture
def kdbx4_with_wrong_stream(vault: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A KDBX 4 vault whose protected values were encrypted with another inner stream key than it stores."""
    from pykeepass import PyKeePass
    from pykeepass.kdbx_parsing import common

    kp = PyKeePass(str(vault), password=MASTER)
    real = common.ChaCha20Stream.get_cipher
    monkeypatch.setattr(common.ChaCha20Stream, "get_cipher", lambda self, key: real(self, b"another key"))
    kp.save()
    monkeypatch.undo()
    return vault


def test_an_altered_kdbx4_inner_stream_is_a_damaged_vault_never_passwords(
        kdbx4_with_wrong_stream: Path, pykeepass_logger: logging.Logger) -> None:
    with pytest.raises(VaultError, match=r"damaged: 2 protected values could not be decrypted"):
        load_vault(kdbx4_with_wrong_stream, VaultKey(Secret(MASTER)))


def test_a_sound_vault_has_no_unreadable_entries(vault: Path) -> None:
    contents = load_vault(vault, VaultKey(Secret(MASTER)))
    assert sorted(c.title for c in contents.credentials) == ["Bank", "Mail"]


def _count_failures(texts: list[bytes], keystream: object) -> int:
    return sum(value is None for value in decrypt_protected(texts, keystream))


def test_failures_are_counted_the_way_pykeepass_decides_them() -> None:
    key = b"k" * 32
    stream = _inner_stream("chacha20", key)
    values = ["hunter2", "пароль", ""]
    cipher = stream.encrypt(b"".join(v.encode() for v in values))
    texts, pos = [], 0
    for v in values:
        n = len(v.encode())
        texts.append(base64.b64encode(cipher[pos : pos + n]))
        pos += n
    assert _count_failures(texts, _inner_stream("chacha20", key)) == 0
    assert _count_failures(texts, _inner_stream("chacha20", b"other")) >= 1
    assert _count_failures([b"not base64!", "é".encode()], _inner_stream("chacha20", key)) == 2


# ---- vaults and key files through pipes, devices refused ----

def test_a_vault_through_a_fifo_is_checked_then_opened(vault: Path, tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX FIFOs")
    fifo = tmp_path / "vault.pipe"
    os.mkfifo(fifo)
    payload = vault.read_bytes()

    def write() -> None:
        with open(fifo, "wb") as f:
            f.write(payload)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert read_header(fifo).major == 4  # the CLI's check before the password: the pipe is read once
    contents = load_vault(fifo, VaultKey(Secret(MASTER)))
    writer.join(10)
    assert contents.entries_total == 3


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_key_file_from_process_substitution_is_read(tmp_path: Path) -> None:
    key = os.urandom(64)
    kf = tmp_path / "k.key"
    kf.write_bytes(key)
    path = tmp_path / "kf.kdbx"
    build_vault(path, [E("a", "pw-a-123456")], password=None, keyfile=kf)
    r, w = os.pipe()
    try:
        os.write(w, key)
        os.close(w)
        assert load_vault(path, VaultKey(None, Path(f"/dev/fd/{r}"))).entries_total == 1
    finally:
        os.close(r)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_dev_null_as_key_file_says_what_it_is(vault: Path) -> None:
    with pytest.raises(VaultError, match=r"^/dev/null: is a character device, not a key file$"):
        load_vault(vault, VaultKey(Secret(MASTER), Path("/dev/null")))


def test_a_directory_as_key_file_says_what_it_is(vault: Path, tmp_path: Path) -> None:
    with pytest.raises(VaultError, match=r": is a directory, not a key file$"):
        load_vault(vault, VaultKey(Secret(MASTER), tmp_path))


def test_a_master_password_that_is_not_text_is_one_line_about_the_password(vault: Path) -> None:
    undecodable = b"caf\xe9".decode("utf-8", "surrogateescape")  # what a latin-1 line becomes
    with pytest.raises(VaultError, match=r"^the master password is not valid text") as info:
        load_vault(vault, VaultKey(Secret(undecodable)))
    assert "key file" not in str(info.value)


# ---- the key derivation: progress, and stopping on a signal ----

def test_aes_kdf_reports_progress_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    aes_kdf(bytes(32), 300_000, bytes(32), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (600_000, 600_000)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


def test_argon2_reports_start_and_end_and_matches_the_library() -> None:
    from argon2.low_level import Type, hash_secret_raw

    calls: list[tuple[int, int]] = []
    params = Argon2Params("argon2id", b"salt" * 8, 2, 1 << 20, 2, 0x13)
    out = argon2_kdf(params, b"k" * 32, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 1), (1, 1)]
    assert out == hash_secret_raw(b"k" * 32, b"salt" * 8, time_cost=2, memory_cost=1024, parallelism=2,
                                  hash_len=32, type=Type.ID, version=0x13)


_ENDLESS = {
    "aes": "aes_kdf(bytes(32), 10**13, bytes(32))",
    "argon2": "argon2_kdf(Argon2Params('argon2d', bytes(32), 10**8, 8 << 20, 1, 0x13), bytes(32))",
}


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("kdf", sorted(_ENDLESS))
@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGINT, b"KeyboardInterrupt"), (signal.SIGTERM, b"")])
def test_a_signal_stops_a_long_key_derivation(kdf: str, signum: int, expected: bytes) -> None:
    code = ("import signal, sys\n"
            "signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))\n"
            # as the CLI does: Ctrl-C is handled even when the process was started with SIGINT ignored (`cmd &`)
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from reuse_audit.vault.kdf import Argon2Params, aes_kdf, argon2_kdf\n"
            "print('started', flush=True)\n" + _ENDLESS[kdf] + "\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
        threading.Event().wait(0.3)  # well inside the derivation
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    # an uncaught KeyboardInterrupt ends Python by re-raising SIGINT
    assert proc.returncode == (143 if signum == signal.SIGTERM else -signal.SIGINT)
    assert expected in err


def test_parse_header_reports_the_header_length(vault: Path) -> None:
    data = vault.read_bytes()
    header = parse_header(data, vault)
    assert header.length == _header_length(data)
    assert hashlib.sha256(data[: header.length]).digest() == data[header.length : header.length + 32]
