"""Master passwords that are not text (stdin, --password-command): one line about the password, never a
traceback and never "invalid key file"."""

from __future__ import annotations

import io
import locale
import sys
from pathlib import Path

import pytest

from reuse_audit.master_key import (
    KeySource,
    KeySourceError,
    decode_password,
    password_from_command,
    password_from_stdin,
    read_vault_key,
)


@pytest.fixture(autouse=True)
def utf8_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "UTF-8")


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_a_non_utf8_line_on_stdin_is_one_line_about_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"caf\xe9-secret\n")
    with pytest.raises(KeySourceError) as info:
        read_vault_key(KeySource(password_stdin=True), Path("v.kdbx"))
    message = str(info.value)
    assert message.startswith("--password-stdin: the line on standard input is not valid text in UTF-8")
    assert "key file" not in message and "caf" not in message and info.value.exit_code == 2


def test_stdin_lines_lose_their_line_end_and_byte_order_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"\xef\xbb\xbfp\xc3\xa4ss\r\nsecond line\n")
    assert password_from_stdin().reveal() == "päss"


def test_an_empty_line_is_the_empty_password_and_no_line_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"\n")
    assert password_from_stdin().reveal() == ""
    _stdin(monkeypatch, b"")
    with pytest.raises(KeySourceError, match="nothing on standard input"):
        password_from_stdin()


def test_no_stdin_at_all_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(KeySourceError, match="there is no standard input"):
        password_from_stdin()


def test_a_text_only_stdin_with_undecodable_bytes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(b"caf\xe9\n".decode("utf-8", "surrogateescape")))
    with pytest.raises(KeySourceError, match="not valid text"):
        password_from_stdin()


def test_the_system_encoding_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "cp1252")
    assert decode_password(b"caf\xe9\n", "x").reveal() == "café"


def test_a_command_printing_non_utf8_is_one_line_about_what_it_printed() -> None:
    command = f"{sys.executable} -c \"import sys; sys.stdout.buffer.write(b'caf\\xe9\\n')\""
    with pytest.raises(KeySourceError) as info:
        password_from_command(command)
    assert "printed is not valid text in UTF-8" in str(info.value)
    assert "caf" not in str(info.value)


def test_a_command_printing_utf8_gives_its_first_line() -> None:
    command = f"{sys.executable} -c \"import sys; sys.stdout.buffer.write('пароль\\nrest'.encode())\""
    assert password_from_command(command).reveal() == "пароль"


def test_a_command_that_never_finishes_is_one_line_after_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import reuse_audit.master_key as master_key

    monkeypatch.setattr(master_key, "COMMAND_WAIT", 0.5)
    command = f"{sys.executable} -c \"import time; time.sleep(30)\""
    with pytest.raises(KeySourceError) as info:
        password_from_command(command)
    assert str(info.value).startswith(f"--password-command: {sys.executable} did not finish within 0.5 s")


@pytest.mark.parametrize(("lang", "prompt"), [("en", "Master password for v.kdbx: "),
                                              ("ja", "v.kdbx のマスターパスワード：")])
def test_the_hidden_prompt_is_in_the_run_language(monkeypatch: pytest.MonkeyPatch, lang: str, prompt: str) -> None:
    import getpass

    from reuse_audit.master_key import KeySource, read_vault_key

    asked: list[str] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda text: asked.append(text) or "typed")
    key = read_vault_key(KeySource(lang=lang), Path("v.kdbx"))
    assert asked == [prompt]
    assert key.password is not None and key.password.reveal() == "typed"
