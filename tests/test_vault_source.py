"""What the vault source reads: Recycle Bin, references, exclusion, expiry, OTP, password age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault, normalise_uuid
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E


def _load(path: Path):  # type: ignore[no-untyped-def]
    return load_vault(path, VaultKey(Secret(MASTER)))


def test_recycle_bin_entries_are_not_counted(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([E("a", "pw-one-12345"), E("b", "pw-two-12345", recycle=True)]))
    assert v.entries_total == 1
    assert [c.title for c in v.credentials] == ["a"]


def test_group_path_has_no_root_name(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([E("a", "pw-one-12345", group="Mail/Work")]))
    assert v.credentials[0].group == "Mail/Work"


def test_exact_reference_is_linked_and_resolved(vault_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("orig", "S3cret-original!")])
    from pykeepass import PyKeePass

    kp = PyKeePass(str(path), password=MASTER)
    orig = kp.find_entries(title="orig", first=True)
    ref = "{REF:P@I:" + orig.uuid.hex.upper() + "}"
    kp.add_entry(kp.root_group, "clone", "u", ref)
    kp.add_entry(kp.root_group, "wrapped", "u", "x" + ref)
    kp.save()
    v = _load(path)
    by = {c.title: c for c in v.credentials}
    assert by["clone"].linked_to == by["orig"].uuid
    assert by["clone"].password == by["orig"].password
    assert by["wrapped"].linked_to is None
    assert by["wrapped"].password.reveal() == "xS3cret-original!"


def test_reference_cycle_makes_entry_unreadable(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("a", "tmp"), E("b", "tmp2")])
    from pykeepass import PyKeePass

    kp = PyKeePass(str(path), password=MASTER)
    a = kp.find_entries(title="a", first=True)
    b = kp.find_entries(title="b", first=True)
    a.password = "{REF:P@I:" + b.uuid.hex + "}"
    b.password = "{REF:P@I:" + a.uuid.hex + "}"
    kp.save()
    v = _load(path)
    assert sorted(s.reason for s in v.skipped) == ["unreadable", "unreadable"]


def test_exclude_from_reports_flags(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([E("q", "pw-q-1234567", excluded="quality"), E("k", "pw-k-1234567",
                                                                          excluded="knownbad"),
                             E("n", "pw-n-1234567")]))
    assert {c.title: c.excluded for c in v.credentials} == {"q": True, "k": True, "n": False}


def test_otp_fields_are_detected(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([
        E("kpxc", "pw-1-1234567", otp="otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
        E("keepass", "pw-2-1234567", fields={"TimeOtp-Secret-Base32": "JBSWY3DPEHPK3PXP"}),
        E("none", "pw-3-1234567"),
    ]))
    assert {c.title: c.has_otp for c in v.credentials} == {"kpxc": True, "keepass": True, "none": False}


def test_custom_field_with_quote_in_name_is_read(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([E("q", "pw-1-1234567", fields={'my "odd" field': "v", "E-mail": "a@b.jp"})]))
    assert v.credentials[0].email == "a@b.jp"


def test_expiry_is_read(vault_factory) -> None:  # type: ignore[no-untyped-def]
    past = datetime(2020, 1, 1, tzinfo=UTC)
    v = _load(vault_factory([E("old", "pw-1-1234567", expires=past), E("new", "pw-2-1234567")]))
    by = {c.title: c for c in v.credentials}
    assert by["old"].expires == past
    assert by["new"].expires is None


def test_password_age_follows_the_run_of_versions_holding_it(vault_factory) -> None:  # type: ignore[no-untyped-def]
    v = _load(vault_factory([E("changed", "pw-new-12345", history=["pw-old-12345"]),
                             E("same", "pw-same-1234", history=["pw-same-1234", "pw-same-1234"])]))
    by = {c.title: c for c in v.credentials}
    assert by["same"].password_since == by["same"].created
    assert by["changed"].password_since is not None
    assert by["changed"].password_since >= by["changed"].created - timedelta(seconds=1)


def test_uuid_forms_are_normalised() -> None:
    u = "0123456789abcdef0123456789ABCDEF"
    assert normalise_uuid(u) == "01234567-89ab-cdef-0123-456789abcdef"
    assert normalise_uuid("01234567-89ab-cdef-0123-456789abcdef") == "01234567-89ab-cdef-0123-456789abcdef"
    assert normalise_uuid("admin@aaa.jp") is None
