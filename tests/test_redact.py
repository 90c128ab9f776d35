"""The redactor hides known passwords inside displayed text, longest match first."""

from reuse_audit.redact import MASK, Redactor


def test_hides_every_occurrence() -> None:
    r = Redactor(["foobar"])
    assert r("foobar_entry and foobar") == f"{MASK}_entry and {MASK}"


def test_longest_password_wins() -> None:
    r = Redactor(["pass", "passw0rd"])
    assert r("my passw0rd!") == f"my {MASK}!"


def test_short_passwords_are_not_masked_inside_text() -> None:
    assert Redactor(["abc", "1"])("abc 1") == "abc 1"


def test_text_without_secrets_is_unchanged() -> None:
    assert Redactor(["Kamome2019!"])("admin@aaa.jp") == "admin@aaa.jp"


def test_repr_is_masked() -> None:
    assert "foobar" not in repr(Redactor(["foobar"]))
