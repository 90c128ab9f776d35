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


def test_a_password_is_hidden_in_any_letter_case() -> None:
    """A host or an address is shown lower-cased: "Webmail.Kamome.jp" became "webmail.kamome.jp", which showed the
    password "kamome"."""
    from reuse_audit.redact import Redactor

    hide = Redactor(["kamome", "Sh0p!Pw"])
    assert hide("https://Webmail.Kamome.jp/") == "https://Webmail.[hidden].jp/"
    assert hide("tanaka@KAMOME.jp and sh0p!pw") == "tanaka@[hidden].jp and [hidden]"
    assert hide("İstanbul kamome") == "İstanbul [hidden]"  # a character whose lower case is longer keeps its place


def test_the_mask_never_shows_a_password() -> None:
    """With a vault password "hidden", "[hidden]" itself showed it."""
    hide = Redactor(["hidden", "Sh0p!Pw"])
    assert hide("user hidden and Sh0p!Pw") == "user [masked] and [masked]"
    assert Redactor(["hidden", "masked"])("hidden") == "[\u2022\u2022\u2022]"
