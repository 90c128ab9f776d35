"""What differs between Linux, macOS and Windows, tested here on any of them: command lines with Windows paths,
and reports on a pipe in UTF-8 whatever the locale's encoding (Windows' is an ANSI code page)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from reuse_audit.master_key import split_command


def test_a_windows_command_line_keeps_its_backslashes_and_loses_its_quotes() -> None:
    line = r'"C:\Program Files\KeePassXC\keepassxc-cli.exe" show -a Password "C:\Users\田中\Documents\Passwords.kdbx"'
    assert split_command(line, windows=True) == [r"C:\Program Files\KeePassXC\keepassxc-cli.exe", "show", "-a",
                                                 "Password", r"C:\Users\田中\Documents\Passwords.kdbx"]


def test_a_posix_command_line_follows_the_shell_s_rules() -> None:
    assert split_command("secret-tool lookup app 'my vault' key\\ 2", windows=False) == [
        "secret-tool", "lookup", "app", "my vault", "key 2"]


@pytest.mark.parametrize("windows", [True, False])
def test_an_unclosed_quote_is_an_error(windows: bool) -> None:
    with pytest.raises(ValueError):
        split_command('pass show "kp', windows=windows)


def test_a_report_on_a_pipe_is_utf8_whatever_the_locale_encoding() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0", "REUSE_AUDIT_LANG": "ja"}
    done = subprocess.run([sys.executable, "-m", "reuse_audit", "demo", "--format", "json", "--quiet"],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    assert b"\r\n" not in done.stdout  # no CR added to each line either
    document = json.loads(done.stdout.decode("utf-8"))
    assert any("パスワード" in json.dumps(step, ensure_ascii=False) for step in document["steps"])
