"""One protocol, four sources, one factory: open_exposure_source picks the source the settings name."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reuse_audit.exposure import (
    ExposureErrorCode,
    ExposureFailure,
    ExposureServiceError,
    ExposureSettings,
    ExposureStatus,
    RetryPolicy,
    failure_counts,
    open_exposure_source,
)
from reuse_audit.exposure.hashing import HashKey
from reuse_audit.exposure.online import RangeApiSource
from reuse_audit.exposure.sources import RangeDirectorySource, SkippedSource, SortedFileSource
from reuse_audit.secret import Secret
from tests.exposure.hibp_fakes import sha1, write_sorted_file


class FakeResponse:
    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self.headers = headers or {}
        self._body = body
        self.closed = False

    def iter_content(self, chunk_size: int) -> Iterator[bytes]:
        for start in range(0, len(self._body), chunk_size):
            yield self._body[start : start + chunk_size]

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Answers from a dict of range bodies; records what was asked, and how."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.calls: list[tuple[str, dict[str, object]]] = []
        self.responses: list[FakeResponse] = []

    def get(self, url: str, *, timeout: tuple[float, float], allow_redirects: bool, stream: bool) -> FakeResponse:
        self.calls.append((url, {"timeout": timeout, "allow_redirects": allow_redirects, "stream": stream}))
        body = self.bodies.get(url.rsplit("/", 1)[-1])
        response = FakeResponse(200, body) if body is not None else FakeResponse(503)
        self.responses.append(response)
        return response

    def close(self) -> None:
        raise AssertionError("an injected session belongs to its owner")


def keys(*passwords: str) -> list[HashKey]:
    return [HashKey.of(Secret(p)) for p in passwords]


def test_the_range_api_source_works_with_an_injected_session() -> None:
    digest = sha1("hunter2")
    session = FakeSession({digest[:5]: f"{digest[5:]}:42\r\n{'F' * 35}:0".encode()})
    source = open_exposure_source(ExposureSettings(hibp_url="https://hibp.example"), session=session,
                                  retry_policy=RetryPolicy(tries=2, backoff_base=0.001))
    assert isinstance(source, RangeApiSource)
    hit, miss = source.lookup(keys("hunter2", "letmein"))
    assert (hit.count, hit.status) == (42, ExposureStatus.PWNED)
    assert (miss.failure, miss.reason) == (ExposureFailure.HTTP_ERROR, "HTTP 503 after 2 tries")
    assert f"https://hibp.example/range/{digest[:5]}" in {url for url, _ in session.calls}
    assert all(how["stream"] is True and how["allow_redirects"] is False for _, how in session.calls)
    assert all(response.closed for response in session.responses)


def test_each_request_asks_for_no_more_time_than_its_limit() -> None:
    session = FakeSession({})
    source = open_exposure_source(ExposureSettings(hibp_url="https://hibp.example", request_timeout=3.0),
                                  session=session, retry_policy=RetryPolicy(tries=1))
    source.lookup(keys("hunter2"))
    connect, read = session.calls[0][1]["timeout"]  # type: ignore[misc]
    assert 0 < connect <= 3.0 and 0 < read <= 3.0


def test_a_body_larger_than_any_range_is_a_malformed_response() -> None:
    digest = sha1("hunter2")
    session = FakeSession({digest[:5]: (f"{digest[5:]}:1\r\n" * 40_000).encode()})
    source = open_exposure_source(ExposureSettings(hibp_url="https://hibp.example"), session=session,
                                  retry_policy=RetryPolicy(tries=1))
    (result,) = source.lookup(keys("hunter2"))
    assert result.failure is ExposureFailure.MALFORMED_RESPONSE


def test_the_factory_picks_the_source_the_settings_name(tmp_path: Path) -> None:
    sorted_file = tmp_path / "hibp.txt"
    write_sorted_file(sorted_file, {}, filler=10)
    directory = tmp_path / "ranges"
    directory.mkdir()
    (directory / "00000.txt").write_text(f"{'A' * 35}:1\n")
    assert isinstance(open_exposure_source(ExposureSettings(offline=True)), SkippedSource)
    assert isinstance(open_exposure_source(ExposureSettings(hibp_file=sorted_file)), SortedFileSource)
    assert isinstance(open_exposure_source(ExposureSettings(offline=True, hibp_file=directory)), RangeDirectorySource)
    assert isinstance(open_exposure_source(ExposureSettings()), RangeApiSource)


@pytest.mark.parametrize(
    "settings",
    [ExposureSettings(workers=0), ExposureSettings(deadline=0), ExposureSettings(request_timeout=-1)],
)
def test_bad_settings_are_refused(settings: ExposureSettings) -> None:
    with pytest.raises(ExposureServiceError) as caught:
        open_exposure_source(settings)
    assert caught.value.code is ExposureErrorCode.INVALID_ARGUMENT


def test_the_skipped_source_answers_every_key_without_looking() -> None:
    results = SkippedSource().lookup(keys("a", "b"))
    assert [r.status for r in results] == [ExposureStatus.SKIPPED] * 2
    assert results[0].failure is None


def test_failures_are_counted_per_kind() -> None:
    session = FakeSession({})
    source = open_exposure_source(ExposureSettings(hibp_url="https://hibp.example"), session=session,
                                  retry_policy=RetryPolicy(tries=1))
    results = source.lookup(keys("a", "b", "c"))
    assert failure_counts(results) == {"http_error": 3}
    assert failure_counts([]) == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_rather_than_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pwned.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ExposureServiceError) as caught:
        open_exposure_source(ExposureSettings(hibp_file=fifo))
    assert caught.value.code is ExposureErrorCode.NOT_HIBP_FILE
