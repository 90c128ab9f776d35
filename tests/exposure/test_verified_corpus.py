"""A miss in a sorted corpus is "not found" only when `hibp verify` has checked that very file version."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reuse_audit.exposure import (
    UNVERIFIED_CORPUS_REASON,
    ExposureFailure,
    ExposureResult,
    ExposureStatus,
    check_exposure,
    verify_hibp_file,
)
from reuse_audit.exposure import verified as verified_module
from reuse_audit.exposure.verify import trust_for_this_process
from reuse_audit.secret import Secret
from tests.exposure.hibp_fakes import sha1, write_sorted_file

UNVERIFIED = ExposureResult(ExposureStatus.UNKNOWN, None, UNVERIFIED_CORPUS_REASON, ExposureFailure.UNVERIFIED_CORPUS)


def lookup(path: Path, *passwords: str) -> list[ExposureResult]:
    return check_exposure([Secret(p) for p in passwords], hibp_file=path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "pwned.txt"
    write_sorted_file(path, {sha1("hunter2"): 17}, filler=20_000)
    return path


def test_a_miss_in_an_unverified_file_is_unknown_and_a_hit_is_pwned(corpus: Path) -> None:
    hit, miss = lookup(corpus, "hunter2", "never-breached")
    assert (hit.status, hit.count) == (ExposureStatus.PWNED, 17)
    assert miss == UNVERIFIED
    assert miss.reason == "corpus not verified: run `reuse-audit hibp verify FILE`"


def test_a_miss_in_a_verified_file_is_not_found(corpus: Path) -> None:
    assert verify_hibp_file(corpus).ok
    (miss,) = lookup(corpus, "never-breached")
    assert miss == ExposureResult(ExposureStatus.NOT_FOUND, 0, None)


def test_a_line_moved_elsewhere_is_never_reported_not_found(corpus: Path) -> None:
    target = sha1("letmein")
    lines = corpus.read_text().splitlines()
    lines.insert(len(lines) // 3, f"{target}:5")  # far from where a search for it looks
    corpus.write_text("\n".join(lines) + "\n")
    assert lookup(corpus, "letmein") == [UNVERIFIED]
    report = verify_hibp_file(corpus)
    assert not report.ok and report.remembered_in is None
    assert lookup(corpus, "letmein") == [UNVERIFIED]


@pytest.mark.parametrize("change", ["append", "touch", "rewrite"])
def test_a_file_changed_after_verification_is_unverified_again(corpus: Path, change: str) -> None:
    assert verify_hibp_file(corpus).ok
    if change == "append":
        with corpus.open("a") as stream:
            stream.write(f"{'F' * 40}:1\n")
    elif change == "touch":
        os.utime(corpus, ns=(1_000_000_000, 1_000_000_000))
    else:
        corpus.write_bytes(corpus.read_bytes())
    assert lookup(corpus, "never-breached") == [UNVERIFIED]


def test_the_record_holds_the_file_identity_only_and_is_private(corpus: Path, private_cache: Path) -> None:
    report = verify_hibp_file(corpus)
    assert report.remembered_in == str(private_cache)
    assert "remembered as verified" in str(report)
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(private_cache.stat().st_mode) == 0o600
    document = json.loads(private_cache.read_text())
    (entry,) = document["files"]
    assert set(entry) == {"st_dev", "st_ino", "size", "mtime_ns", "ctime_ns", "lines", "verified_at"}
    st = corpus.stat()
    assert (entry["st_ino"], entry["size"], entry["mtime_ns"]) == (st.st_ino, st.st_size, st.st_mtime_ns)
    text = private_cache.read_text().upper()
    assert str(corpus).upper() not in text
    assert sha1("hunter2")[:5] not in text


def test_verifying_again_keeps_one_record_per_file(corpus: Path, private_cache: Path) -> None:
    verify_hibp_file(corpus)
    os.utime(corpus, ns=(2_000_000_000, 2_000_000_000))
    verify_hibp_file(corpus)
    assert len(json.loads(private_cache.read_text())["files"]) == 1
    (miss,) = lookup(corpus, "never-breached")
    assert miss.status is ExposureStatus.NOT_FOUND


@pytest.mark.parametrize("content", [b"not json", b'{"version": 1, "files": [{"st_dev": "x"}]}', b'{"version": 9}'])
def test_a_damaged_record_trusts_nothing_and_breaks_nothing(corpus: Path, private_cache: Path,
                                                            content: bytes) -> None:
    private_cache.parent.mkdir(parents=True, exist_ok=True)
    private_cache.write_bytes(content)
    assert lookup(corpus, "never-breached") == [UNVERIFIED]
    assert verify_hibp_file(corpus).remembered_in  # and verifying replaces it
    assert lookup(corpus, "never-breached")[0].status is ExposureStatus.NOT_FOUND


def test_an_unwritable_cache_is_reported_not_raised(corpus: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(verified_module, "record_path", lambda: blocker / "reuse-audit" / "verified-corpora.json")
    report = verify_hibp_file(corpus)
    assert report.ok and report.remembered_in is None
    assert report.not_remembered is not None and "cannot write the cache" in str(report)


def test_a_bad_file_is_never_remembered(tmp_path: Path, private_cache: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(f"{'B' * 40}:1\n{'A' * 40}:1\n")
    assert verify_hibp_file(path).remembered_in is None
    assert not private_cache.exists()


def test_the_demo_can_trust_its_excerpt_without_writing_anything(corpus: Path, private_cache: Path) -> None:
    assert trust_for_this_process(corpus)
    (miss,) = lookup(corpus, "never-breached")
    assert miss.status is ExposureStatus.NOT_FOUND
    assert not private_cache.exists()


def test_the_record_lives_in_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.undo()  # the autouse fixture's redirection
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda name: str(tmp_path / "cache" / name))
    assert verified_module.record_path() == tmp_path / "cache" / "reuse-audit" / "verified-corpora.json"


@pytest.mark.parametrize("cut", ["tail", "head", "mid_count", "one_line"])
def test_a_download_cut_short_is_not_verified_and_its_misses_stay_unknown(corpus: Path, cut: str) -> None:
    """A sorted file that does not run from range 00000 to FFFFF is not a whole corpus: a password beyond the cut
    would be "not found" — safe — if it were verified."""
    data = corpus.read_bytes()
    lines = data.splitlines(keepends=True)
    kept = {"tail": lambda: b"".join(lines[: len(lines) * 3 // 4]),
            "head": lambda: b"".join(lines[len(lines) // 4:]),
            "mid_count": lambda: data[: data.index(b":", len(data) * 3 // 4) + 2],  # cut inside a count
            "one_line": lambda: lines[0].rstrip(b"\n")}[cut]()
    corpus.write_bytes(kept)
    report = verify_hibp_file(corpus)
    assert not report.ok and report.spans is False and report.remembered_in is None
    assert "not a whole corpus, which has lines in every hash range from 00000 to FFFFF" in str(report)
    assert lookup(corpus, "never-breached") == [UNVERIFIED]


@pytest.mark.skipif(os.name == "nt", reason="POSIX FIFOs and devices")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "deep_json"])
def test_a_record_that_is_not_a_regular_file_of_ours_is_ignored_at_once(corpus: Path, private_cache: Path,
                                                                        kind: str) -> None:
    private_cache.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(private_cache)  # nothing ever writes to it: it was waited on for ever
    elif kind == "dev_zero":
        private_cache.symlink_to("/dev/zero")  # read without end until memory ran out
    else:
        private_cache.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert lookup(corpus, "never-breached") == [UNVERIFIED]


def _every_range(path: Path, skip: range = range(0), extra: dict[str, int] | None = None) -> None:
    """A corpus with one line in each of the 1,048,576 hash ranges (but those in ``skip``), plus ``extra``."""
    import random

    rng = random.Random(7)
    rows = {f"{prefix:05X}{rng.getrandbits(140):035X}": 1 for prefix in range(1 << 20) if prefix not in skip}
    rows.update(extra or {})
    path.write_text("".join(f"{h}:{rows[h]}\n" for h in sorted(rows)), encoding="ascii")


@pytest.mark.whole_corpus
def test_a_file_with_a_line_in_every_hash_range_is_a_whole_corpus(tmp_path: Path) -> None:
    whole = tmp_path / "whole.txt"
    _every_range(whole)
    report = verify_hibp_file(whole)
    assert report.ok and report.lines == 1 << 20, str(report)


@pytest.mark.whole_corpus
@pytest.mark.parametrize("skip", [range(0x80000, 0x80001), range(0x12345, 0x12400), range(0xFFFF0, 0xFFFFF)])
def test_a_file_that_skips_hash_ranges_is_not_a_whole_corpus(tmp_path: Path, skip: range) -> None:
    """An excerpt that runs from 00000 to FFFFF passed as a whole corpus: its misses then read "not found"."""
    gapped = tmp_path / "gapped.txt"
    _every_range(gapped, skip)
    report = verify_hibp_file(gapped)
    assert not report.ok and report.spans is False and report.sorted and report.malformed_lines == 0
    assert "not a whole corpus" in str(report) and report.remembered_in is None


@pytest.mark.whole_corpus
def test_five_lines_from_00000_to_fffff_are_not_a_whole_corpus(tmp_path: Path) -> None:
    excerpt = tmp_path / "excerpt.txt"
    excerpt.write_text("0" * 40 + ":1\n" + "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9\n" + "F" * 40 + ":2\n")
    report = verify_hibp_file(excerpt)
    assert not report.ok and report.sorted and "not a whole corpus" in str(report)


def test_a_file_of_no_well_formed_line_is_not_called_sorted(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n")
    text = str(verify_hibp_file(junk))
    assert "sorted" not in text and "out of order" not in text and "2 malformed" in text
