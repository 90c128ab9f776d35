"""Config, baseline and history files of every kind: one specific line for each problem, pipes read."""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

import pytest

from reuse_audit.hygiene import HygieneInputError, config
from reuse_audit.hygiene.baseline import load_baseline
from reuse_audit.hygiene.config import find_config, read_config
from reuse_audit.hygiene.history import HistoryPoint, render_trend


def test_a_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "reuse-audit.toml"
    p.write_bytes(b'offline = true\nhibp-file = "/data/caf\xe9.txt"\n')
    with pytest.raises(HygieneInputError, match=r"reuse-audit.toml: not a config file \(not UTF-8 text"):
        read_config(p)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(HygieneInputError, match=r"none.toml: no such config file$"):
        find_config(tmp_path / "none.toml")


def test_a_config_folder_that_cannot_be_searched_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config, "default_config_path", lambda: tmp_path / "locked" / "reuse-audit.toml")

    def denied(_path: Path) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(config, "path_kind", denied)
    with pytest.raises(HygieneInputError, match=r"cannot look for the config file \(permission denied\)"):
        find_config(None)


def test_no_default_config_file_is_fine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config, "default_config_path", lambda: tmp_path / "reuse-audit.toml")
    assert find_config(None) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_config_through_a_pipe_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "config.pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("offline = true\n"), daemon=True)
    writer.start()
    assert read_config(fifo).data == {"offline": True}
    writer.join(10)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_dev_null_is_not_a_baseline() -> None:
    with pytest.raises(HygieneInputError, match=r"^/dev/null: is a character device, not a baseline file$"):
        load_baseline(Path("/dev/null"))


def test_a_baseline_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_bytes(b'{"baseline_version": 1, "title": "\xff"}')
    with pytest.raises(HygieneInputError, match=r"b.json: not a baseline file \(not UTF-8 text"):
        load_baseline(p)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_trend_reads_a_history_through_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "history.pipe"
    os.mkfifo(fifo)
    line = json.dumps(HistoryPoint("2026-01-01T00:00:00Z", 3, {"weak": 1}).as_dict()) + "\n"
    writer = threading.Thread(target=lambda: fifo.write_text(line), daemon=True)
    writer.start()
    assert json.loads(render_trend(fifo, "json"))[0]["entries_audited"] == 3
    writer.join(10)


def test_a_history_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "h.jsonl"
    p.write_bytes(b"\xff\xfe{}\n")
    with pytest.raises(HygieneInputError, match=r"h.jsonl: not a history file \(not UTF-8 text"):
        render_trend(p)


HOSTILE_JSON = {
    "deep": "[" * 100_000 + "]" * 100_000,  # nesting past the stack
    "huge_int": '{"baseline_version": 1' + "0" * 5000 + "}",  # over Python's 4,300-digit limit
    "surrogate": '{"baseline_version": 1, "findings": [], "created": "\\ud800"}',  # no text to show
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_JSON))
def test_hostile_json_in_a_baseline_is_one_line(tmp_path: Path, kind: str) -> None:
    p = tmp_path / "b.json"
    p.write_text(HOSTILE_JSON[kind])
    with pytest.raises(HygieneInputError, match=r"b.json: not a reuse-audit baseline \(not JSON\)$"):
        load_baseline(p)


@pytest.mark.parametrize(("line", "problem"), [
    ("[" * 100_000 + "]" * 100_000, "not JSON"),
    ('{"time": "2026-01-01T00:00:00Z", "findings": {"weak": 1' + "0" * 5000 + "}}", "not JSON"),
    ('{"time": "2026-01-01T00:00:00Z", "findings": {"\\ud800": 1}}', "not JSON"),
    ('{"history_version": "1", "time": "2026-01-01T00:00:00Z", "findings": {}}',
     "its history_version is not a whole number from 1"),
    ('{"history_version": 0, "time": "2026-01-01T00:00:00Z", "findings": {}}',
     "its history_version is not a whole number from 1"),
    ('{"history_version": -5, "time": "2026-01-01T00:00:00Z", "findings": {}}',
     "its history_version is not a whole number from 1"),
])
def test_hostile_json_in_a_history_is_one_line(tmp_path: Path, line: str, problem: str) -> None:
    p = tmp_path / "h.jsonl"
    p.write_text(line + "\n")
    for fmt in ("table", "json"):
        with pytest.raises(HygieneInputError) as caught:
            render_trend(p, fmt)
        assert str(caught.value) == f"{p}:1: not a reuse-audit history line ({problem})"


def test_the_baseline_notes_show_control_characters_as_escapes() -> None:
    """They go to a terminal: a title's CSI or right-to-left override, a baseline file's ESC, never raw."""
    from reuse_audit.findings import FindingKind
    from reuse_audit.hygiene.baseline import Baseline, BaselineDiff, BaselineFinding, baseline_notes

    evil = BaselineFinding("u1", FindingKind.WEAK, None, "Evil\x9b2J\u202eRTL")
    gone = BaselineFinding("u2", FindingKind.WEAK, None, "GONE\x1b[2J\x07")
    diff = BaselineDiff(new=(), accepted=(), fixed=(evil,), gone=(gone,), not_checked=())
    lines = baseline_notes(diff, Baseline(1, "\x1b[41m2026-01-01", (evil, gone)))
    text = "\n".join(lines)
    assert not any(ch in text for ch in "\x9b\u202e\x1b\x07")
    assert "Evil\\x9b2J\\u202eRTL" in text and "GONE\\x1b[2J\\x07" in text
