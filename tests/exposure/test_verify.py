"""verify_hibp_file: one sequential pass that reports line count, order and the first bad line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reuse_audit.exposure import ExposureErrorCode, ExposureServiceError, verify_hibp_file
from reuse_audit.exposure import verify as verify_module
from tests.exposure.hibp_fakes import sha1, write_sorted_file


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_a_good_file_verifies(tmp_path: Path, newline: str, final_newline: bool) -> None:
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=5000, newline=newline, final_newline=final_newline)
    report = verify_hibp_file(path)
    assert report.ok and report.sorted
    assert (report.lines, report.malformed_lines, report.first_bad_line) == (5000, 0, None)


def test_reads_in_chunks_and_reports_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "_CHUNK", 4096)  # line breaks fall across chunk edges
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=5000)
    calls: list[tuple[int, int]] = []
    report = verify_hibp_file(path, progress=lambda d, t: calls.append((d, t)))
    assert report.ok and report.lines == 5000
    assert len(calls) > 10 and calls[-1] == (path.stat().st_size, path.stat().st_size)


def test_reports_the_first_out_of_order_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "_CHUNK", 4096)
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=5000)
    lines = path.read_text().splitlines()
    lines[3000], lines[3001] = lines[3001], lines[3000]
    path.write_text("\n".join(lines) + "\n")
    report = verify_hibp_file(path)
    assert not report.sorted and not report.ok
    assert (report.first_bad_line, report.first_bad_reason, report.unsorted_lines) == (
        "3002",
        "out of order",
        1,
    )


def test_reports_malformed_and_duplicate_lines(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=100)
    lines = path.read_text().splitlines()
    lines[10] = "garbage"
    lines.insert(50, lines[49])
    path.write_text("\n".join(lines) + "\n")
    report = verify_hibp_file(path)
    assert report.malformed_lines == 1
    assert (report.first_bad_line, report.first_bad_reason) == ("11", "not HASH:COUNT")
    assert report.unsorted_lines >= 1


def test_verifies_a_range_directory(tmp_path: Path) -> None:
    digest = sha1("hunter2")
    (tmp_path / f"{digest[:5]}.txt").write_text(f"{digest[5:]}:17\r\n{'F' * 35}:2\r\n", newline="")
    (tmp_path / "00000.txt").write_text(f"{'B' * 35}:1\n{'A' * 35}:2\n")
    report = verify_hibp_file(tmp_path)
    assert report.kind == "range_directory"
    assert (report.range_files, report.missing_ranges, report.lines) == (2, 16**5 - 2, 4)
    assert (report.first_bad_line, report.first_bad_reason) == ("00000.txt:2", "out of order")
    assert not report.ok


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExposureServiceError) as caught:
        verify_hibp_file(tmp_path / "nope.txt")
    assert caught.value.code is ExposureErrorCode.FILE_NOT_FOUND


@pytest.mark.parametrize("digits", [16, 5000])
def test_a_count_longer_than_15_digits_is_malformed(tmp_path: Path, digits: int) -> None:
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=100)
    lines = path.read_text().splitlines()
    lines[40] = lines[40].split(":")[0] + ":" + "9" * digits
    path.write_text("\n".join(lines) + "\n")
    report = verify_hibp_file(path)
    assert not report.ok
    assert (report.malformed_lines, report.first_bad_line) == (1, "41")


def test_a_range_file_count_longer_than_15_digits_is_malformed(tmp_path: Path) -> None:
    (tmp_path / "00000.txt").write_text(f"{'A' * 35}:1\n{'B' * 35}:{'9' * 5000}\n")
    report = verify_hibp_file(tmp_path)
    assert (report.malformed_lines, report.first_bad_line) == (1, "00000.txt:2")


def test_an_endless_line_is_one_malformed_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "_CHUNK", 4096)
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=50)
    with path.open("a") as stream:
        stream.write("0" * 300_000 + "\n" + f"{'F' * 40}:1\n")
    report = verify_hibp_file(path)
    assert (report.lines, report.malformed_lines, report.first_bad_line) == (len(ordered) + 2, 1, "51")


@pytest.mark.parametrize("variant", ["lowercase", "mixed_newlines", "crlf", "no_final_newline"])
def test_files_off_the_fast_path_are_still_judged_right(tmp_path: Path, variant: str) -> None:
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=3000, newline="\r\n" if variant == "crlf" else "\n",
                      final_newline=variant != "no_final_newline")
    if variant == "lowercase":
        path.write_text(path.read_text().lower())
    elif variant == "mixed_newlines":
        lines = path.read_text().splitlines()
        path.write_bytes(("\n".join(lines[:1500]) + "\r\n" + "\r\n".join(lines[1500:]) + "\n").encode())
    report = verify_hibp_file(path)
    assert report.ok and report.lines == 3000


@pytest.mark.parametrize("seed", range(6))
def test_the_bulk_check_agrees_with_a_line_by_line_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         seed: int) -> None:
    import random

    rng = random.Random(seed)
    monkeypatch.setattr(verify_module, "_CHUNK", rng.choice([512, 4096, 65536]))
    path = tmp_path / "hibp.txt"
    write_sorted_file(path, {}, filler=4000, seed=seed, newline=rng.choice(["\n", "\r\n"]))
    lines = path.read_bytes().split(b"\n")
    for _ in range(rng.randint(0, 4)):
        at = rng.randrange(len(lines) - 1)
        lines[at] = rng.choice([
            lines[at].lower(), lines[at][:-3], lines[at] + b"7", lines[at - 1], b"", b"x" + lines[at][1:],
            lines[at][:40] + b";" + lines[at][41:], lines[at].replace(b":", b"::"), lines[at][:41] + b"1" * 16,
        ])
    path.write_bytes(b"\n".join(lines))
    bulk = verify_hibp_file(path, remember=False)

    def line_by_line(self: verify_module._Tally, data: bytearray, stop: int) -> None:
        for raw in bytes(data[:stop]).split(b"\n")[:-1]:
            self.add_line(raw)

    monkeypatch.setattr(verify_module._Tally, "add_block", line_by_line)
    assert verify_hibp_file(path, remember=False) == bulk


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_verify_refuses_a_fifo_at_once_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "corpus.pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExposureServiceError, match="is a pipe; the HIBP corpus must be a regular file"):
        verify_hibp_file(fifo)
