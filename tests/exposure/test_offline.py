"""Offline lookups in a sorted HASH:COUNT file and in a range directory, with no network at all.

A sorted file's misses are "not found" only once `hibp verify` has recorded the file (the fixtures here
verify it); the unverified case has its own tests in test_verified_corpus.py.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from reuse_audit.exposure import (
    ExposureErrorCode,
    ExposureFailure,
    ExposureResult,
    ExposureServiceError,
    ExposureStatus,
    check_exposure,
    verify_hibp_file,
)
from reuse_audit.exposure.sorted_file import SortedHashFile
from reuse_audit.secret import Secret
from tests.exposure.hibp_fakes import sha1, write_sorted_file

PASSWORDS = {"password": 9_659_365, "hunter2": 17, "letmein": 1}


def secrets(*passwords: str) -> list[Secret]:
    return [Secret(p) for p in passwords]


def counts(path: Path, *passwords: str) -> list[int | None]:
    return [r.count for r in check_exposure(secrets(*passwords), hibp_file=path)]


@pytest.fixture
def hibp_file(tmp_path: Path) -> Path:
    path = tmp_path / "pwned-passwords-sha1-ordered-by-hash.txt"
    write_sorted_file(path, {sha1(p): c for p, c in PASSWORDS.items()}, filler=3000)
    assert verify_hibp_file(path).remembered_in
    return path


def test_sorted_file_reports_counts_in_input_order(hibp_file: Path) -> None:
    results = check_exposure(secrets("letmein", "never-breached-7f", "password"), hibp_file=hibp_file)
    assert results == [
        ExposureResult(ExposureStatus.PWNED, 1, None),
        ExposureResult(ExposureStatus.NOT_FOUND, 0, None),
        ExposureResult(ExposureStatus.PWNED, 9_659_365, None),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_first_and_last_hash_of_the_file_are_found(tmp_path: Path, newline: str, final_newline: bool) -> None:
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=2000, newline=newline, final_newline=final_newline)
    with SortedHashFile(path) as hashes:
        found = hashes.lookup_many([ordered[0], ordered[-1], ordered[1000]])
    assert all(count > 0 for count in found.values())


def test_hash_between_two_present_ones_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=2000)
    neighbour = int(ordered[700], 16)
    between = f"{neighbour + 1:040X}"
    assert between not in ordered
    with SortedHashFile(path) as hashes:
        assert hashes.lookup(between) == 0
        assert hashes.lookup(f"{int(ordered[0], 16) - 1:040X}") == 0
        assert hashes.lookup(f"{int(ordered[-1], 16) + 1:040X}") == 0


@pytest.mark.parametrize("seed", range(4))
def test_lookups_agree_with_a_full_scan(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "hibp.txt"
    rng = random.Random(seed)
    newline = rng.choice(["\n", "\r\n"])
    ordered = write_sorted_file(path, {}, filler=20_000, seed=seed, newline=newline, final_newline=bool(seed % 2))
    truth = dict(line.split(":") for line in path.read_text().split())
    present = rng.sample(ordered, 300)
    absent = [f"{rng.getrandbits(160):040X}" for _ in range(300)]
    with SortedHashFile(path) as hashes:
        found = hashes.lookup_many(present + absent)
    for digest in present + absent:
        assert found[digest] == int(truth.get(digest, 0))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_hashes_at_page_boundaries(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=20_000, seed=11, newline=newline)
    truth = dict(line.split(":") for line in path.read_text().split())
    line_length = 0
    targets: list[str] = []
    offset = 0
    for i, digest in enumerate(ordered):
        line_length = len(digest) + 1 + len(truth[digest]) + len(newline)
        if offset // 4096 != (offset + line_length - 1) // 4096:  # this line straddles two pages
            for near in ordered[max(0, i - 1) : i + 2]:
                value = int(near, 16)
                targets += [near, f"{value - 1:040X}", f"{value + 1:040X}"]
        offset += line_length
    assert len(targets) > 500
    for batch in (targets, targets[::7], targets[::-3]):
        with SortedHashFile(path) as hashes:
            found = hashes.lookup_many(batch)
            assert hashes.stats.max_pages <= 4
        assert all(found[t] == int(truth.get(t, 0)) for t in batch)


def test_a_lookup_reads_a_few_pages_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=200_000, seed=7)
    rng = random.Random(7)
    with SortedHashFile(path) as hashes:
        hashes.lookup_many(rng.sample(ordered, 200) + [f"{rng.getrandbits(160):040X}" for _ in range(200)])
        stats = hashes.stats
    assert path.stat().st_size > 2000 * 4096
    assert stats.lookups == 400
    assert stats.average_pages <= 3.5
    assert stats.max_pages <= 12


def test_unsorted_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {}, filler=3000)
    rows = path.read_text().splitlines()
    random.Random(3).shuffle(rows)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.UNSORTED_FILE
    assert "not sorted" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not any(digest[5:] in str(caught.value) for digest in ordered)


def test_local_disorder_where_a_search_looks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    target = sha1("hunter2")
    ordered = write_sorted_file(path, {target: 17}, filler=20_000)
    at = ordered.index(target)
    lines = path.read_text().splitlines()
    lines[at], lines[at + 1] = lines[at + 1], lines[at]  # the open-time sample will not see this
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.UNSORTED_FILE
    # where a lookup met the fault is where the password's hash would be: its offset would tell the hash's first
    # hex digits to anyone holding the public file
    assert "byte" not in str(caught.value)
    assert str(caught.value) == (f"HIBP file is not sorted by hash: {path} (download the file ordered by hash, or "
                                 "check it with verify)")


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"just some notes\nnot hashes\n", "line 1 is not HASH:COUNT"),
        (b"0005AD76BD555C1D6D771DE417A4B87E4B4:10\n", "range directory"),
        (b"00000011059407D743D40689940F858C:4\n", "NTLM"),
    ],
)
def test_a_file_that_is_not_hibp_sha1_is_refused(tmp_path: Path, content: bytes, hint: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE
    assert hint in str(caught.value)


def test_garbage_where_a_search_looks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    target = sha1("hunter2")
    ordered = write_sorted_file(path, {target: 17}, filler=20_000)
    lines = path.read_text().splitlines()
    lines[ordered.index(target) + 1] = "garbage"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE
    assert "byte" not in str(caught.value) and "hibp verify finds where" in str(caught.value)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("x"), hibp_file=tmp_path / "empty.txt")
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("x"), hibp_file=tmp_path / "missing.txt")
    assert caught.value.code is ExposureErrorCode.FILE_NOT_FOUND


def test_progress_counts_distinct_hashes(hibp_file: Path) -> None:
    calls: list[tuple[int, int]] = []
    check_exposure(secrets("a", "b", "a"), hibp_file=hibp_file, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]


def write_range_directory(directory: Path, known: dict[str, str], *, crlf: bool = True) -> None:
    """Range files for the prefixes of ``known`` (hash -> count text), with filler rows."""
    directory.mkdir(exist_ok=True)
    rng = random.Random(5)
    by_prefix: dict[str, list[str]] = {}
    for digest, count in known.items():
        by_prefix.setdefault(digest[:5], []).append(f"{digest[5:]}:{count}")
    for prefix, rows in by_prefix.items():
        rows += [f"{rng.getrandbits(140):035X}:{rng.randint(1, 50)}" for _ in range(30)]
        (directory / f"{prefix}.txt").write_text(("\r\n" if crlf else "\n").join(sorted(rows)), newline="")


def test_range_directory_lookup(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17", sha1("password"): "9,659,365"})
    neighbour = sha1("hunter2")[:5] + "0" * 35  # same range file, hash not in it
    write_range_directory(directory, {neighbour: "3"} | {sha1("hunter2"): "17"})
    assert counts(directory, "hunter2", "password") == [17, 9_659_365]


def test_missing_range_file_leaves_its_passwords_unknown(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"})
    missing = sha1("letmein")[:5]
    results = check_exposure(secrets("hunter2", "letmein"), hibp_file=directory)
    assert results[0].count == 17
    assert results[1].status is ExposureStatus.UNKNOWN
    assert results[1].failure is ExposureFailure.FILE_MISSING
    assert results[1].reason == f"its range file is missing from {directory}"
    assert missing not in results[1].reason.upper()


def test_malformed_range_file_leaves_its_passwords_unknown(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"})
    (directory / f"{sha1('hunter2')[:5]}.txt").write_text("<html>oops</html>")
    (result,) = check_exposure(secrets("hunter2"), hibp_file=directory)
    assert result.status is ExposureStatus.UNKNOWN
    assert result.failure is ExposureFailure.MALFORMED_FILE
    assert result.reason is not None and sha1("hunter2")[:5] not in result.reason.upper()


def test_range_file_out_of_order_leaves_its_passwords_unknown(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"})
    path = directory / f"{sha1('hunter2')[:5]}.txt"
    rows = path.read_bytes().decode().split("\r\n")
    rows[0], rows[-1] = rows[-1], rows[0]
    path.write_text("\r\n".join(rows), newline="")
    (result,) = check_exposure(secrets("hunter2"), hibp_file=directory)
    assert result.failure is ExposureFailure.MALFORMED_FILE


def test_range_file_with_a_duplicate_suffix_leaves_its_passwords_unknown(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"}, crlf=False)
    path = directory / f"{sha1('hunter2')[:5]}.txt"
    rows = sorted(path.read_text().split("\n") + [f"{sha1('hunter2')[5:]}:18"])
    path.write_text("\n".join(rows))
    (result,) = check_exposure(secrets("hunter2"), hibp_file=directory)
    assert result.failure is ExposureFailure.MALFORMED_FILE


@pytest.mark.parametrize("digits", [16, 5000])
def test_a_range_file_count_longer_than_15_digits_is_malformed(tmp_path: Path, digits: int) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "9" * digits})
    (result,) = check_exposure(secrets("hunter2"), hibp_file=directory)
    assert result.failure is ExposureFailure.MALFORMED_FILE


def test_a_range_file_count_of_15_digits_is_read(tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "9" * 15})
    assert counts(directory, "hunter2") == [999_999_999_999_999]


@pytest.mark.parametrize("digits", [16, 5000])
def test_a_sorted_file_count_longer_than_15_digits_is_refused_not_a_crash(tmp_path: Path, digits: int) -> None:
    path = tmp_path / "hibp.txt"
    path.write_text(f"{sha1('hunter2')}:{'7' * digits}\n")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE


def test_a_long_count_where_a_search_looks_is_refused_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "hibp.txt"
    target = sha1("hunter2")
    write_sorted_file(path, {target: 17}, filler=20_000)
    path.write_text(path.read_text().replace(f"{target}:17", f"{target}:{'1' * 5000}"))
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE


def test_the_deadline_leaves_the_rest_unknown_offline(hibp_file: Path, tmp_path: Path) -> None:
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"})
    for source in (hibp_file, directory):
        results = check_exposure(secrets("hunter2", "letmein"), hibp_file=source, deadline=1e-9)
        assert {r.failure for r in results} == {ExposureFailure.DEADLINE}
        assert all(r.reason == "deadline of 1e-09 s reached" for r in results)


def test_a_directory_without_range_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=tmp_path)
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE


def test_offline_without_a_file_skips_every_password(no_sockets: None) -> None:
    results = check_exposure(secrets("a", "b"), offline=True)
    assert results == [ExposureResult(ExposureStatus.SKIPPED, None, "offline: no --hibp-file given")] * 2


def test_offline_lookups_open_no_socket(no_sockets: None, hibp_file: Path, tmp_path: Path) -> None:
    assert counts(hibp_file, "hunter2", "nope") == [17, 0]
    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17"})
    assert counts(directory, "hunter2") == [17]


def test_offline_never_builds_an_http_session(
    no_sockets: None, hibp_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reuse_audit.exposure.online as online

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("online mode attempted")

    monkeypatch.setattr(online, "build_session", refuse)
    monkeypatch.setattr(online, "RangeApiSource", refuse)
    check_exposure(secrets("hunter2"), offline=True)
    check_exposure(secrets("hunter2"), offline=True, hibp_file=hibp_file)


def test_no_hash_or_prefix_in_offline_errors_or_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    target = sha1("hunter2")
    path = tmp_path / "hibp.txt"
    ordered = write_sorted_file(path, {target: 17}, filler=20_000)
    lines = path.read_text().splitlines()
    at = ordered.index(target)
    lines[at], lines[at - 1] = lines[at - 1], lines[at]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure(secrets("hunter2"), hibp_file=path)
    text = (str(caught.value) + caplog.text).upper()
    assert target[5:] not in text and target[:5] not in text


def test_a_range_file_far_larger_than_any_range_is_bad_not_read(tmp_path: Path) -> None:
    """A sparse file of gigabytes took seconds past the deadline and gigabytes of memory; it is refused unread."""
    import os

    from reuse_audit.exposure.range_directory import RANGE_FILE_LIMIT

    directory = tmp_path / "ranges"
    write_range_directory(directory, {sha1("hunter2"): "17", sha1("password"): "9"})
    huge = directory / f"{sha1('hunter2')[:5]}.txt"
    os.truncate(huge, RANGE_FILE_LIMIT + 1)
    hunter2, password = check_exposure(secrets("hunter2", "password"), hibp_file=directory)
    assert (hunter2.status, hunter2.failure) == (ExposureStatus.UNKNOWN, ExposureFailure.MALFORMED_FILE)
    assert password.count == 9
    if hasattr(os, "mkfifo"):
        fifo = directory / f"{sha1('password')[:5]}.txt"
        fifo.unlink()
        os.mkfifo(fifo)  # nothing writes to it: verify must not wait for it
    report = verify_hibp_file(directory)
    assert not report.ok and report.malformed_lines >= 1
    assert (report.first_bad_line, report.first_bad_reason) == (f"{huge.name}", "not a regular file of a range "
                                                                               "file's size")
