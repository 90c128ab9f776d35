"""Our KDBX body reader gives the tree pykeepass gives, byte for byte, on every corpus vault pykeepass opens."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from lxml import etree

from reuse_audit.credentials import VaultContents
from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.header import parse_header, read_vault_bytes
from reuse_audit.vault.kdbx import CredentialsError, PayloadChecksumError, decrypt_vault
from reuse_audit.vault.source import load_vault, read_contents
from reuse_audit.vault.unlock import VaultKey, composite_key, transformed_key, unlock
from tests.conftest import CORPUS, MASTER, E, build_vault

_ROWS = [r for r in json.loads((CORPUS / "manifest.json").read_text()) if r.get("opens_with_pykeepass")] \
    if (CORPUS / "manifest.json").is_file() else []


def _both(path: Path, key: VaultKey) -> tuple[bytes, bytes, int]:
    """(pykeepass's tree, ours, our count of undecryptable values) serialised."""
    from pykeepass import PyKeePass

    data = read_vault_bytes(path)
    header = parse_header(data, path)
    transformed = transformed_key(header, composite_key(key), path)
    theirs = PyKeePass(io.BytesIO(data), transformed_key=transformed).tree
    ours = decrypt_vault(data, header, transformed)
    return etree.tostring(theirs), etree.tostring(ours.tree), ours.undecryptable


@pytest.mark.parametrize("row", _ROWS, ids=[r["file"] for r in _ROWS])
def test_the_tree_is_the_one_pykeepass_reads(row: dict[str, object], corpus: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="pykeepass")
    password, keyfile = row["password"], row["keyfile"]
    key = VaultKey(None if password is None else Secret(str(password)), corpus / str(keyfile) if keyfile else None)
    try:
        theirs, ours, failed = _both(corpus / str(row["file"]), key)
    except Exception as exc:  # noqa: BLE001 - a file our header check refuses first is another test's
        pytest.skip(f"not opened here: {type(exc).__name__}")
    assert ours == theirs
    assert failed == sum("could not unprotect" in r.getMessage() for r in caplog.records)  # pykeepass's count


def test_a_vault_with_history_fields_and_non_ascii_text_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "v.kdbx"
    build_vault(path, [E("Mail 田中", "pässwörd-1", "tanaka@example.jp", history=["old-1", "old-2"], tags=["a"],
                         fields={"PIN": "1234", "メール": "x@example.jp"}, otp="otpauth://totp/x?secret=AB"),
                       E("Bank", "\u202egnirts", "me", recycle=True)])
    theirs, ours, failed = _both(path, VaultKey(Secret(MASTER)))
    assert ours == theirs and failed == 0


def test_a_wrong_key_is_a_credentials_error(tmp_path: Path) -> None:
    path = tmp_path / "v.kdbx"
    build_vault(path, [E("a", "b")])
    data = read_vault_bytes(path)
    header = parse_header(data, path)
    with pytest.raises(CredentialsError):
        decrypt_vault(data, header, transformed_key(header, composite_key(VaultKey(Secret("wrong"))), path))


def test_a_flipped_payload_byte_is_a_checksum_error(tmp_path: Path) -> None:
    path = tmp_path / "v.kdbx"
    build_vault(path, [E("a", "b")])
    data = bytearray(read_vault_bytes(path))
    data[-40] ^= 1
    header = parse_header(bytes(data), path)
    with pytest.raises(PayloadChecksumError):
        decrypt_vault(bytes(data), header, transformed_key(header, composite_key(VaultKey(Secret(MASTER))), path))


def _summary(contents: VaultContents) -> tuple[object, ...]:
    creds = [(c.uuid, c.title, c.username, c.url, c.group, c.password.reveal(), c.has_otp, c.has_passkey, c.excluded,
              c.linked_to, c.expires, c.created, c.modified, c.password_since, c.email, c.tags,
              [(r.password.reveal(), r.start) for r in c.history], c.history_reach, c.tags_since)
             for c in contents.credentials]
    return (contents.entries_total, creds, contents.skipped, contents.master_key_changed, contents.root_uuid)


def _read_both_ways(path: Path, key: VaultKey) -> tuple[tuple[object, ...], tuple[object, ...]]:
    whole = read_contents(unlock(path, key), path, key.password)  # the whole tree, then the entries
    return _summary(load_vault(path, key)), _summary(whole)  # entries read while parsing


@pytest.mark.parametrize("row", _ROWS, ids=[r["file"] for r in _ROWS])
def test_entries_read_while_parsing_are_those_of_the_whole_tree(row: dict[str, object], corpus: Path) -> None:
    password, keyfile = row["password"], row["keyfile"]
    key = VaultKey(None if password is None else Secret(str(password)), corpus / str(keyfile) if keyfile else None)
    try:
        streamed, whole = _read_both_ways(corpus / str(row["file"]), key)
    except VaultError as exc:
        pytest.skip(f"refused: {exc}")
    assert streamed == whole


def test_groups_recycle_bin_references_and_history_are_read_the_same_while_parsing(tmp_path: Path) -> None:
    path = tmp_path / "v.kdbx"
    build_vault(path, [E("Mail", "shared-1", "me", group="Work/Mail", history=["old-1"], tags=["x"]),
                       E("Copy", "{REF:P@T:Mail}", "me", group="Work"), E("Gone", "shared-1", recycle=True),
                       E("Top", "top-secret-9", fields={"email": "a@b.example"}), E("Empty", "")])
    streamed, whole = _read_both_ways(path, VaultKey(Secret(MASTER)))
    assert streamed == whole
    assert len(streamed[1]) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize("stream_id", ["salsa20", "chacha20"])
def test_the_buffered_keystream_is_the_cipher_stream(stream_id: str) -> None:
    """Protected values XORed with the keystream made 64 KiB at a time are what the cipher itself gives, across
    block edges, for empty values and for a value longer than a block."""
    import hashlib
    import random

    from reuse_audit.vault.ciphers import ChaCha20, Salsa20
    from reuse_audit.vault.protected import _inner_stream

    key = b"inner-stream-key"
    rng = random.Random(5)
    values = [rng.randbytes(rng.choice([0, 1, 7, 33, 500, 3000])) for _ in range(400)] + [rng.randbytes(70_000)]
    buffered = _inner_stream(stream_id, key)
    if stream_id == "salsa20":
        direct = Salsa20.new(key=hashlib.sha256(key).digest(), nonce=bytes.fromhex("e830094b97205d2a"))
    else:
        digest = hashlib.sha512(key).digest()
        direct = ChaCha20.new(key=digest[:32], nonce=digest[32:44])
    assert [buffered.decrypt(v) for v in values] == [direct.decrypt(v) for v in values]
