"""Input files of every kind: regular files are read, pipes read without ever hanging, the rest refused in one line."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from reuse_audit.errors import InputError, ReuseAuditError
from reuse_audit.file_access import (
    PathKind,
    _read_pipe_in_thread,
    path_kind,
    read_input,
    read_text_input,
    require_regular_file,
)

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


class LayerError(ReuseAuditError):
    """Stands for a layer's own error class (VaultError, HygieneInputError, ...)."""


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX FIFOs")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _writer(path: Path, chunks: list[bytes], delay: float = 0.0, pause: float = 0.0) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        with contextlib.suppress(BrokenPipeError), open(path, "wb") as f:  # the reader may give up first
            for chunk in chunks:
                f.write(chunk)
                f.flush()
                time.sleep(pause)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    p = tmp_path / "k.key"
    p.write_bytes(b"\x00\x01" * 100_000)
    assert read_input(p, "key file") == b"\x00\x01" * 100_000


@posix_only
def test_a_fifo_is_read_when_a_writer_comes(fifo: Path) -> None:
    writer = _writer(fifo, [b"first ", b"second"], delay=0.2)
    assert read_input(fifo, "key file", fifo_wait=10) == b"first second"
    writer.join(10)


@posix_only
def test_a_fifo_nobody_writes_to_is_one_line_not_a_hang(fifo: Path) -> None:
    with pytest.raises(LayerError, match=r"is a pipe and nothing was written to it within 0.3 s") as info:
        read_input(fifo, "key file", error=LayerError, fifo_wait=0.3)
    assert info.value.exit_code == 2


@posix_only
def test_a_writer_that_stops_sending_is_one_line_not_a_hang(fifo: Path) -> None:
    ready = threading.Event()

    def stall() -> None:
        with open(fifo, "wb") as f:
            f.write(b"partial")
            f.flush()
            ready.wait(10)  # keep the pipe open without writing until the reader gave up

    t = threading.Thread(target=stall, daemon=True)
    t.start()
    with pytest.raises(LayerError, match=r"writer sent nothing for 0.3 s"):
        read_input(fifo, "key file", error=LayerError, fifo_wait=10, idle_wait=0.3)
    ready.set()
    t.join(10)


@posix_only
def test_a_pipe_sending_too_much_is_refused(fifo: Path) -> None:
    writer = _writer(fifo, [b"y\n" * 100_000] * 3)
    with pytest.raises(LayerError, match=r"sent more than 0 MiB"):
        read_input(fifo, "key file", error=LayerError, fifo_wait=10, limit=200_000)
    writer.join(10)


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_an_inherited_pipe_dev_fd_n_is_read() -> None:
    r, w = os.pipe()
    try:
        os.write(w, b"key material")
        os.close(w)
        assert read_input(Path(f"/dev/fd/{r}"), "key file") == b"key material"
    finally:
        os.close(r)


def test_a_directory_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match=r": is a directory, not a key file$"):
        read_input(tmp_path, "key file", error=LayerError)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_dev_null_is_a_character_device_not_a_key_file() -> None:
    with pytest.raises(InputError, match=r"^/dev/null: is a character device, not a key file$"):
        read_input(Path("/dev/null"), "key file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_never_read_forever() -> None:
    with pytest.raises(InputError, match="is a character device, not a config file"):
        read_input(Path("/dev/zero"), "config file")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs UNIX sockets")
def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(InputError, match="is a socket, not a baseline file"):
            read_input(path, "baseline file")


def test_a_missing_file_names_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"none.key: no such key file$"):
        read_input(tmp_path / "none.key", "key file")


def test_a_missing_folder_on_the_way_is_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert path_kind(tmp_path / "file" / "below") is PathKind.MISSING
    with pytest.raises(InputError, match="no such key file"):
        read_input(tmp_path / "file" / "below", "key file")


def test_permission_denied_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "secret.toml"
    p.write_text("x = 1\n")

    def deny(*_a: object, **_k: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(InputError, match=r"secret.toml: permission denied \(cannot read this config file\)$"):
        read_input(p, "config file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads everything")
def test_an_unreadable_folder_is_permission_denied_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "c.toml").write_text("x = 1\n")
    folder.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_input(folder / "c.toml", "config file")
    finally:
        folder.chmod(0o700)


def test_text_that_is_not_utf8_is_one_specific_line(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_bytes(b"offline = true\n# caf\xe9\n")
    with pytest.raises(InputError, match=r"c.toml: not a config file \(not UTF-8 text: invalid byte at offset 20\)"):
        read_text_input(p, "config file")


def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_bytes(b"\xef\xbb\xbfoffline = true\n")
    assert read_text_input(p, "config file") == "offline = true\n"


@posix_only
def test_require_regular_file_refuses_a_pipe_for_random_access(fifo: Path) -> None:
    assert path_kind(fifo) is PathKind.FIFO
    with pytest.raises(LayerError, match=r"pipe: is a pipe; the HIBP file must be a regular file \(it is read at"):
        require_regular_file(fifo, "HIBP file", error=LayerError)


def test_require_regular_file_accepts_a_file_and_names_a_missing_one(tmp_path: Path) -> None:
    p = tmp_path / "pwned.txt"
    p.write_text("x")
    require_regular_file(p, "HIBP file")
    with pytest.raises(InputError, match="no such HIBP file"):
        require_regular_file(tmp_path / "none.txt", "HIBP file")


def test_path_kind_names_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    assert path_kind(tmp_path / "f") is PathKind.REGULAR
    assert path_kind(tmp_path) is PathKind.DIRECTORY
    assert path_kind(tmp_path / "none") is PathKind.MISSING


# The thread-based reader used where O_NONBLOCK does not exist (Windows), exercised on a POSIX FIFO.

@posix_only
def test_fallback_reader_reads_a_pipe(fifo: Path) -> None:
    writer = _writer(fifo, [b"abc", b"def"], delay=0.1)
    assert _read_pipe_in_thread(fifo, "key file", InputError, 10, 10, 1 << 20) == b"abcdef"
    writer.join(10)


@posix_only
def test_fallback_reader_gives_up_when_nothing_is_written(fifo: Path) -> None:
    with pytest.raises(InputError, match="nothing was written to it within 0.2 s"):
        _read_pipe_in_thread(fifo, "key file", InputError, 0.2, 10, 1 << 20)
    with open(fifo, "wb"):  # release the helper thread still blocked in open()
        pass


def test_messages_are_one_line(tmp_path: Path) -> None:
    for call in (lambda: read_input(tmp_path, "key file"), lambda: read_input(tmp_path / "x", "key file")):
        with pytest.raises(InputError) as info:
            call()
        assert "\n" not in str(info.value)
