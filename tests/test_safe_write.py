"""Output files: files replaced atomically (0600), devices, FIFOs, inherited descriptors and safe symlinks written
through, unsafe symlinks refused, never a hang, never a temporary file left behind."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from reuse_audit.errors import ReuseAuditError
from reuse_audit.safe_write import OutputError, write_output, write_private

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file types")


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_new_file_is_written_private(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    write_private(out, "{}\n")
    assert out.read_text() == "{}\n"
    if os.name != "nt":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_regular_file_is_replaced_atomically_and_made_private(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old, longer content\n")
    out.chmod(0o644)
    before = out.stat().st_ino
    write_private(out, "new\n")
    assert out.read_text() == "new\n"
    assert out.stat().st_ino != before  # a new file renamed over the old one, never half-written
    if os.name != "nt":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"
    out.write_text("old\n")

    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_private(out, "new\n")
    assert out.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_directory_is_refused_in_one_line_the_cli_understands(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_private(tmp_path, "x")
    err = info.value
    assert isinstance(err, OSError) and isinstance(err, ReuseAuditError) and err.exit_code == 2
    assert err.strerror == "is a directory; give a file name"
    assert str(err) == f"{tmp_path}: is a directory; give a file name"


@posix_only
def test_a_fifo_with_a_reader_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_private(fifo, "through the pipe\n" * 10_000)
    reader.join(10)
    assert got == [b"through the pipe\n" * 10_000]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@posix_only
def test_a_fifo_nobody_reads_is_one_line_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="is a pipe and no program read from it within 0.2 s"):
        write_output(fifo, b"x", reader_wait=0.2)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@posix_only
def test_dev_null_stays_a_device() -> None:
    write_private(Path("/dev/null"), "discarded\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@posix_only
def test_a_device_node_is_written_through_not_replaced(tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot create a device node here")
    write_private(node, "discarded\n")
    assert stat.S_ISCHR(node.stat().st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_dev_fd_n_appends_to_an_append_mode_log(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text("earlier line\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        write_private(Path(f"/dev/fd/{fd}"), "report\n")
    finally:
        os.close(fd)
    assert log.read_text() == "earlier line\nreport\n"  # `>> run.log` is not truncated


@posix_only
def test_dev_stdout_is_the_inherited_descriptor(capfd: pytest.CaptureFixture[str]) -> None:
    write_private(Path("/dev/stdout"), "to stdout\n")
    assert capfd.readouterr().out == "to stdout\n"


@posix_only
def test_a_closed_descriptor_is_one_line() -> None:
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    with pytest.raises(OutputError, match="names no open file descriptor"):
        write_private(Path(f"/dev/fd/{w}"), "x")


@posix_only
def test_a_symlink_in_a_private_folder_is_followed_and_its_target_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old\n")
    link = tmp_path / "latest.json"
    link.symlink_to(target.name)
    write_private(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"


@posix_only
def test_a_symlink_in_a_sticky_world_writable_folder_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = shared / "report.json"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match=r"is a symbolic link in a shared folder \(sticky and world-writable"):
        write_private(link, "x")
    assert victim.read_text() == "precious\n"
    assert link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown a link")
def test_a_symlink_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    os.lchown(link, 54321, 54321)
    with pytest.raises(OutputError, match="is a symbolic link owned by another user"):
        write_private(link, "x")
    assert victim.read_text() == "precious\n"


@posix_only
def test_a_chain_through_a_planted_link_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (shared / "planted").symlink_to(victim)
    mine = tmp_path / "out.json"
    mine.symlink_to(shared / "planted")
    with pytest.raises(OutputError, match="leads through .*planted, a symbolic link in a shared folder"):
        write_private(mine, "x")
    assert victim.read_text() == "precious\n"
