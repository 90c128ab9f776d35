"""A history file that is a pipe is refused at once; a vault whose protected values do not decrypt is one line
(exit 2), never the library's log records and never an audit of ciphertext."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import MASTER, REPO, STORY, build_vault


def _run(*args: str, stdin: bytes = MASTER.encode() + b"\n") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "reuse_audit", *args], input=stdin, capture_output=True,
                          timeout=120, cwd=REPO, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_history_file_is_refused_at_once(tmp_path: Path) -> None:
    vault = tmp_path / "v.kdbx"
    build_vault(vault, STORY)
    fifo = tmp_path / "h.pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    proc = _run("audit", str(vault), "--password-stdin", "--offline", "--history-file", str(fifo))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == (
        f"reuse-audit: error: {fifo}: is a pipe, not a history file (runs are appended to it)")
    assert time.monotonic() - started < 4  # not the 5 s wait for a writer: refused before reading


def test_undecryptable_protected_values_are_one_line_and_exit_two_not_library_log_records(tmp_path: Path) -> None:
    from pykeepass import PyKeePass
    from pykeepass.kdbx_parsing import common

    vault = tmp_path / "v.kdbx"
    build_vault(vault, STORY)
    kp = PyKeePass(str(vault), password=MASTER)
    real = common.ChaCha20Stream.get_cipher
    common.ChaCha20Stream.get_cipher = lambda self, key: real(self, b"another key")  # type: ignore[method-assign]
    try:
        kp.save()
    finally:
        common.ChaCha20Stream.get_cipher = real  # type: ignore[method-assign]
    proc = _run("audit", str(vault), "--password-stdin", "--offline", "--checks", "reuse")
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert err.strip() == (f"reuse-audit: error: {vault}: damaged: 10 protected values could not be decrypted "
                           "(the inner stream does not match); open and save it in KeePass or KeePassXC, or "
                           "restore a backup")
