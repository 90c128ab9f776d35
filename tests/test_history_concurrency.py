"""History appends: concurrent runs lose no line (O_APPEND under a lock file), the file stays 0600, odd targets
are refused, and the previous run returned is the line before ours."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reuse_audit import file_lock
from reuse_audit.file_lock import lock_path, locked
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.history import HistoryPoint, append_point, check_history_file, read_history
from tests.conftest import REPO

_APPENDER = """
import sys, time
from pathlib import Path
from reuse_audit.hygiene.history import HistoryPoint, append_point
path, worker, count, go = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
print("ready", flush=True)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:  # start together, so that appends overlap
    time.sleep(0.001)
for i in range(count):
    append_point(path, HistoryPoint(f"2026-01-01T00:{worker:02d}:{i:02d}Z", worker, {"weak": i}))
"""


def _point(n: int) -> HistoryPoint:
    # A run records every kind (a line without one reads it as not checked): count them all, as the audit does.
    return HistoryPoint(f"2026-01-01T00:00:{n:02d}Z", n, {**dict.fromkeys((k.value for k in FindingKind), 0),
                                                          "weak": n})


def test_concurrent_runs_lose_no_line(tmp_path: Path) -> None:
    path, go = tmp_path / "history.jsonl", tmp_path / "go"
    workers, each = 4, 25
    procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), str(w), str(each), str(go)], cwd=REPO,
                              stdout=subprocess.PIPE) for w in range(workers)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline() == b"ready\n"
        go.touch()
        for p in procs:
            assert p.wait(timeout=120) == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    points = read_history(path)
    assert len(points) == workers * each
    assert sorted(p.time for p in points) == sorted(f"2026-01-01T00:{w:02d}:{i:02d}Z"
                                                   for w in range(workers) for i in range(each))
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_append_returns_the_previous_run_and_keeps_earlier_bytes(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    assert append_point(path, _point(1)) is None
    first = path.read_bytes()
    assert append_point(path, _point(2)) == _point(1)
    assert path.read_bytes().startswith(first)
    assert [p.entries_audited for p in read_history(path)] == [1, 2]


def test_a_last_line_without_newline_gets_one_before_ours(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps(_point(1).as_dict()))
    append_point(path, _point(2))
    assert len(path.read_text().splitlines()) == 2


def test_an_existing_file_is_made_private(tmp_path: Path) -> None:
    if os.name == "nt":
        pytest.skip("POSIX modes")
    path = tmp_path / "h.jsonl"
    path.write_text("")
    path.chmod(0o644)
    append_point(path, _point(1))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_is_not_a_history_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    with pytest.raises(HygieneInputError, match="not a reuse-audit history line"):
        append_point(path, _point(1))
    assert path.read_text() == "my notes\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_pipe_is_refused_as_history_file(tmp_path: Path) -> None:
    fifo = tmp_path / "h.pipe"
    os.mkfifo(fifo)
    with pytest.raises(HygieneInputError, match=r"is a pipe, not a history file \(runs are appended to it\)"):
        check_history_file(fifo)
    with pytest.raises(HygieneInputError, match="is a pipe, not a history file"):
        append_point(fifo, _point(1))


def test_check_history_file_accepts_a_missing_file_and_refuses_a_folder(tmp_path: Path) -> None:
    check_history_file(tmp_path / "new.jsonl")
    with pytest.raises(HygieneInputError, match="is a directory, not a history file"):
        check_history_file(tmp_path)


def test_a_held_lock_makes_the_append_wait_then_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.jsonl"
    monkeypatch.setattr(file_lock, "LOCK_WAIT", 0.2)
    code = ("import sys, time\nfrom pathlib import Path\nfrom reuse_audit.file_lock import locked\n"
            "with locked(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        with pytest.raises(HygieneInputError, match=r"another run held .*h.jsonl.lock for more than 0.2 s"):
            append_point(path, _point(1))
    finally:
        holder.kill()
        holder.wait(10)
    assert not path.exists()


def test_the_lock_file_sits_next_to_the_history(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    with locked(path) as lock:
        assert lock == lock_path(path) == tmp_path / "h.jsonl.lock"
    append_point(path, _point(1))
    assert lock_path(path).exists()
