"""The command line end to end on odd files: one line and exit 2, devices and FIFOs never replaced or hung on.

Each test runs `python -m reuse_audit` with a timeout (the process is killed if it hangs).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import MASTER, REPO, STORY, build_vault

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX devices and FIFOs")


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "story.kdbx"
    build_vault(path, STORY)
    return path


def _run(*args: str, stdin: bytes = MASTER.encode() + b"\n", cwd: Path | None = None
         ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "reuse_audit", *args], input=stdin, capture_output=True,
                          timeout=120, cwd=cwd or REPO, check=False)


def _one_error_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    lines = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert "Traceback" not in lines[0] and "internal error" not in lines[0]
    return lines[0]


@posix_only
def test_keyfile_dev_null_is_exit_2_saying_what_it_is(vault: Path) -> None:
    proc = _run("audit", str(vault), "--password-stdin", "--offline", "--keyfile", "/dev/null")
    assert _one_error_line(proc) == "reuse-audit: error: /dev/null: is a character device, not a key file"


@posix_only
def test_output_to_dev_null_leaves_the_device(vault: Path) -> None:
    proc = _run("audit", str(vault), "--password-stdin", "--offline", "--checks", "reuse", "-q", "-o", "/dev/null")
    assert proc.returncode == 1, proc.stderr  # findings
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@posix_only
def test_output_to_a_fifo_is_written_through(vault: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = _run("audit", str(vault), "--password-stdin", "--offline", "--checks", "reuse", "-q",
                "--format", "json", "-o", str(fifo))
    reader.join(30)
    assert proc.returncode == 1, proc.stderr
    assert got and got[0].startswith(b"{")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_master_password_that_is_not_utf8_is_one_line(vault: Path) -> None:
    proc = _run("audit", str(vault), "--password-stdin", "--offline", stdin=b"caf\xe9\n")
    line = _one_error_line(proc)
    assert "not valid text" in line and "key file" not in line


def test_a_damaged_kdbx4_header_is_exit_2_before_any_kdf(vault: Path, tmp_path: Path) -> None:
    data = bytearray(vault.read_bytes())
    data[100] ^= 0x01
    bad = tmp_path / "bad.kdbx"
    bad.write_bytes(bytes(data))
    proc = _run("audit", str(bad), "--password-stdin", "--offline")
    assert _one_error_line(proc).endswith("bad.kdbx: damaged (header does not match its hash)")


def test_a_config_file_that_is_not_utf8_is_one_line(vault: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(b"offline = tru\xe9\n")
    proc = _run("audit", str(vault), "--password-stdin", "--config", str(cfg))
    assert "c.toml: not a config file (not UTF-8 text" in _one_error_line(proc)
