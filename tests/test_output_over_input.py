"""`-o` never writes a report over a file the command reads: the vault, its key file, the history file..."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli.output import refuse_output_over_input
from reuse_audit.errors import InputError
from reuse_audit.file_access import read_input
from tests.conftest import MASTER, REPO, E, build_vault

ENTRIES = [E("Mail", "Kamome2019!", "boss@aaa.jp", "https://mail.aaa.jp/"), E("Shop", "Kamome2019!", "boss")]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "reuse_audit", *args], input=MASTER + "\n", capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=env, check=False)


@pytest.mark.parametrize("command", [["audit"], ["plan"], ["plan", "--breached", "boss@aaa.jp"],
                                     ["baseline", "create"]])
@pytest.mark.parametrize("name", ["v.kdbx", "hard.kdbx", "link.kdbx"])
def test_output_onto_the_vault_is_refused_and_the_vault_kept(tmp_path: Path, command: list[str], name: str) -> None:
    vault = tmp_path / "v.kdbx"
    build_vault(vault, ENTRIES)
    os.link(vault, tmp_path / "hard.kdbx")
    (tmp_path / "link.kdbx").symlink_to("v.kdbx")
    before = vault.read_bytes()
    proc = _run(*command, "v.kdbx", "--password-stdin", "--offline", "-o", name, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (f"reuse-audit: error: {name}: is the KeePass file this command reads; refusing to write "
                           "the report over it: give another file name\n")
    assert vault.read_bytes() == before
    assert _run("audit", "v.kdbx", "--password-stdin", "--offline", "-f", "json", cwd=tmp_path).returncode == 1


def test_output_onto_the_key_file_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    key.write_bytes(os.urandom(64))
    build_vault(tmp_path / "v.kdbx", ENTRIES, password=None, keyfile=key)
    before = key.read_bytes()
    proc = _run("audit", "v.kdbx", "--keyfile", "k.key", "--no-password", "--offline", "-f", "json", "-o", "k.key",
                cwd=tmp_path)
    assert proc.returncode == 2
    assert "k.key: is the key file this command reads; refusing" in proc.stderr
    assert key.read_bytes() == before


def test_output_onto_the_history_file_is_refused_in_japanese_too(tmp_path: Path) -> None:
    build_vault(tmp_path / "v.kdbx", ENTRIES)
    assert _run("audit", "v.kdbx", "--password-stdin", "--offline", "--history-file", "h.jsonl", "-f", "json",
                "-o", "r.json", cwd=tmp_path).returncode == 1
    history = (tmp_path / "h.jsonl").read_bytes()
    proc = _run("audit", "v.kdbx", "--password-stdin", "--offline", "--history-file", "h.jsonl", "-f", "json",
                "-o", "h.jsonl", "--lang", "ja", cwd=tmp_path)
    assert proc.returncode == 2
    assert "h.jsonl" in proc.stderr and "is the" not in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert (tmp_path / "h.jsonl").read_bytes() == history
    assert _run("trend", "h.jsonl", "-o", "h.jsonl", cwd=tmp_path).returncode == 2
    assert (tmp_path / "h.jsonl").read_bytes() == history


def test_a_file_read_during_the_run_is_refused_at_the_end_too(tmp_path: Path) -> None:
    """A key file named only by the config file is not among the command's parameters: what the run has read
    is remembered, so the report is refused when it is written."""
    key = tmp_path / "k.key"
    key.write_bytes(b"key material")
    read_input(key, "key file")
    with pytest.raises(InputError, match="is the key file this command reads"):
        refuse_output_over_input(key)
    refuse_output_over_input(tmp_path / "new.json")  # a new file, or any other: written as ever
    other = tmp_path / "other.json"
    other.write_text("{}")
    refuse_output_over_input(other, {"vault": tmp_path / "missing.kdbx", "output": other})


def test_output_onto_the_file_the_master_password_was_read_from_is_refused(tmp_path: Path) -> None:
    build_vault(tmp_path / "v.kdbx", ENTRIES)
    secret = tmp_path / "pw.txt"
    secret.write_text(MASTER + "\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with secret.open("rb") as stdin:
        proc = subprocess.run([sys.executable, "-m", "reuse_audit", "baseline", "create", "v.kdbx",
                               "--password-stdin", "--offline", "-o", "pw.txt"], stdin=stdin, capture_output=True,
                              text=True, timeout=120, cwd=tmp_path, env=env, check=False)
    assert proc.returncode == 2
    assert proc.stderr == ("reuse-audit: error: pw.txt: is the master password file this command reads; refusing to "
                           "write the report over it: give another file name\n")
    assert secret.read_text() == MASTER + "\n"


def test_output_onto_a_file_in_a_folder_the_command_reads_is_refused(tmp_path: Path) -> None:
    """A message of a Maildir or of a folder of .eml files, a range file of the corpus, reuse-audit's own data
    were replaced by the report; a new file in such a folder is written as ever."""
    from reuse_audit.cli import app
    from tests.bounces.bounce_factory import make_bounce

    for layout in ("maildir", "eml"):
        folder = tmp_path / layout
        message = folder / ("cur/1.host:2,S" if layout == "maildir" else "a.eml")
        for sub in ("cur", "new", "tmp") if layout == "maildir" else ():
            (folder / sub).mkdir(parents=True)
        folder.mkdir(exist_ok=True)
        message.write_bytes(make_bounce())
        result = CliRunner().invoke(app, ["bounces", str(folder), "-o", str(message)])
        assert result.exit_code == 2 and "is the mailbox this command reads" in result.stderr
        assert message.read_bytes() == make_bounce()
        assert CliRunner().invoke(app, ["bounces", str(folder), "-o", str(folder / "report.txt")]).exit_code == 0
    own = Path(__import__("reuse_audit").__file__).parent / "data" / "services.json"
    before = own.read_bytes()
    result = CliRunner().invoke(app, ["demo", "-o", str(own)])
    assert result.exit_code == 2 and "is the program file this command reads" in result.stderr
    assert own.read_bytes() == before
