"""Every file of the shared KDBX corpus opens with the right entry count or fails with the right message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reuse_audit.secret import Secret
from reuse_audit.vault.errors import VaultError
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import CORPUS

_ROWS = json.loads((CORPUS / "manifest.json").read_text()) if (CORPUS / "manifest.json").is_file() else []

# The message each failing corpus file must produce (a fragment of one clear line).
EXPECTED_ERRORS = {
    "keepassxc/FileKeyXmlV2HashFail.kdbx": "invalid key file",
    "keepassxc/BrokenHeaderHash.kdbx": "damaged (header does not match its hash)",  # pykeepass opens it
    "keepassxc/Format200.kdbx": "unsupported KDBX version 2.0",
    "keepassxc/YubiKeyProtectedPasswords.kdbx": "challenge-response/YubiKey",
    "keepass-rs/broken_random_data.kdbx": "not a KeePass database",
    "keepass-rs/broken_kdbx_version.kdbx": "unsupported KDBX version 42.0",
    "keepass-rs/test_db_kdb_with_password.kdb": "convert it to KDBX in KeePass/KeePassXC",
}


def _key(row: dict[str, object], corpus: Path) -> VaultKey:
    pw = row["password"]
    kf = row["keyfile"]
    return VaultKey(None if pw is None else Secret(str(pw)), None if not kf else corpus / str(kf))


@pytest.mark.parametrize("row", _ROWS, ids=[r["file"] for r in _ROWS])
def test_corpus_file_opens_with_right_count_or_fails_clearly(row: dict[str, object], corpus: Path) -> None:
    path = corpus / str(row["file"])
    if row["file"] not in EXPECTED_ERRORS:
        contents = load_vault(path, _key(row, corpus))
        assert contents.entries_total == row["entries_excluding_recycle_bin"]
        audited = len(contents.credentials) + len(contents.skipped)
        assert audited == contents.entries_total
        empty = sum(1 for s in contents.skipped if s.reason == "empty_password")
        assert empty == row["entries_with_empty_password"]
    else:
        with pytest.raises(VaultError) as info:
            load_vault(path, _key(row, corpus))
        message = str(info.value)
        assert EXPECTED_ERRORS[str(row["file"])] in message
        assert "\n" not in message


def test_broken_header_hash_is_refused_with_exit_2_not_reported_clean(corpus: Path) -> None:
    with pytest.raises(VaultError, match=r"damaged \(header does not match its hash\)") as info:
        load_vault(corpus / "keepassxc/BrokenHeaderHash.kdbx", VaultKey(Secret(""), None))
    assert info.value.exit_code == 2


def test_reference_clones_are_linked_not_distinct(corpus: Path) -> None:
    contents = load_vault(corpus / "pykeepass/test3.kdbx",
                          VaultKey(Secret("password"), corpus / "pykeepass/test3.key"))
    linked = [c for c in contents.credentials if c.linked_to]
    assert linked
    by_uuid = {c.uuid: c for c in contents.credentials}
    for c in linked:
        assert c.password == by_uuid[c.linked_to].password
        assert not c.password.reveal().startswith("{REF:")


def test_empty_password_is_a_different_key_from_no_password(corpus: Path) -> None:
    path = corpus / "kdbxweb/EmptyPass.kdbx"
    assert load_vault(path, VaultKey(Secret(""), None)).entries_total == 2
    with pytest.raises(VaultError, match="no password and no key file"):
        load_vault(path, VaultKey(None, None))


def test_wrong_password_is_one_clear_line(corpus: Path) -> None:
    with pytest.raises(VaultError, match="wrong master password or key file"):
        load_vault(corpus / "kdbxweb/cyrillic.kdbx", VaultKey(Secret("nope"), None))
