"""The online range client against a live fake HIBP server on 127.0.0.1."""

from __future__ import annotations

import logging
import time

import pytest

from reuse_audit import __version__
from reuse_audit.exposure import (
    ExposureErrorCode,
    ExposureFailure,
    ExposureResult,
    ExposureServiceError,
    ExposureStatus,
    RetryPolicy,
    check_exposure,
)
from reuse_audit.secret import Secret
from tests.exposure.hibp_fakes import Action, FakeHibp, colliding_passwords, sha1


def run(hibp: FakeHibp, passwords: list[str], policy: RetryPolicy, **kwargs: object) -> list[ExposureResult]:
    return check_exposure(
        [Secret(p) for p in passwords],
        hibp_url=hibp.url,
        retry_policy=policy,
        timeout=kwargs.pop("timeout", 2.0),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_only_the_prefix_reaches_the_server(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    passwords = ["correct horse", "hunter2", "Tr0ub4dor&3"]
    hibp.add("hunter2", 17)
    run(hibp, passwords, fast_retries)
    assert sorted(r.path for r in hibp.requests) == sorted(f"/range/{sha1(p)[:5]}" for p in passwords)
    for request in hibp.requests:
        assert request.method == "GET"
        assert request.body == b""
        seen = (request.path + repr(request.headers)).upper()
        for password in passwords:
            assert sha1(password)[5:] not in seen
            assert sha1(password)[5:12] not in seen
            assert password.upper() not in seen


def test_sends_add_padding_and_a_versioned_user_agent(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    run(hibp, ["hunter2"], fast_retries)
    (request,) = hibp.requests
    assert request.headers["Add-Padding"] == "true"
    assert request.headers["User-Agent"] == f"reuse-audit/{__version__}"


def test_one_request_per_distinct_prefix(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    first, second = colliding_passwords()
    assert sha1(first)[:5] == sha1(second)[:5]
    hibp.add(first, 3)
    results = run(hibp, [first, second, first, "other"], fast_retries)
    assert len(hibp.requests) == 2
    assert [r.status for r in results] == [
        ExposureStatus.PWNED,
        ExposureStatus.NOT_FOUND,
        ExposureStatus.PWNED,
        ExposureStatus.NOT_FOUND,
    ]


def test_reports_breach_counts_in_input_order(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("password", 9_659_365)
    hibp.add("letmein", 1)
    results = run(hibp, ["letmein", "not-in-any-breach-xyz", "password"], fast_retries)
    assert results == [
        ExposureResult(ExposureStatus.PWNED, 1, None),
        ExposureResult(ExposureStatus.NOT_FOUND, 0, None),
        ExposureResult(ExposureStatus.PWNED, 9_659_365, None),
    ]


def test_padding_rows_are_not_breaches(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.padding_hashes.add(sha1("padded"))
    (result,) = run(hibp, ["padded"], fast_retries)
    assert result == ExposureResult(ExposureStatus.NOT_FOUND, 0, None)


def test_a_wanted_suffix_listed_twice_is_a_malformed_response_never_the_first_count(
        hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    """A padding row "SUFFIX:0" before the real "SUFFIX:17043" read as not found: which count is right is unknown."""
    hibp.add("hunter2", 17_043)
    hibp.padding_hashes.add(sha1("hunter2"))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.status is ExposureStatus.UNKNOWN
    assert result.failure is ExposureFailure.MALFORMED_RESPONSE


def test_counts_with_thousands_separators(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("popular", "1,234,567")
    (result,) = run(hibp, ["popular"], fast_retries)
    assert result.count == 1_234_567


@pytest.mark.parametrize("crlf", [True, False])
@pytest.mark.parametrize("final_newline", [True, False])
def test_lowercase_and_any_line_ending_bodies(
    hibp: FakeHibp, fast_retries: RetryPolicy, crlf: bool, final_newline: bool
) -> None:
    hibp.lowercase, hibp.crlf, hibp.final_newline = True, crlf, final_newline
    hibp.add("hunter2", 42)
    assert [r.count for r in run(hibp, ["hunter2", "absent!"], fast_retries)] == [42, 0]


def test_persistent_server_error_leaves_passwords_unknown(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    prefix = sha1("hunter2")[:5]
    hibp.script(prefix, *[Action("status", 500)] * 10)
    hibp.add("fine", 5)
    results = run(hibp, ["hunter2", "fine"], fast_retries)
    assert results[0] == ExposureResult(
        ExposureStatus.UNKNOWN, None, "HTTP 500 after 4 tries", ExposureFailure.HTTP_ERROR
    )
    assert results[1].count == 5
    assert sum(r.path == f"/range/{prefix}" for r in hibp.requests) == 4


def test_transient_server_errors_are_retried(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", 8)
    hibp.script(sha1("hunter2")[:5], Action("status", 503), Action("status", 502))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.count == 8
    assert len(hibp.requests) == 3


def test_rate_limit_honours_retry_after(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", 8)
    hibp.script(sha1("hunter2")[:5], Action("status", 429, {"Retry-After": "1"}))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.count == 8
    first, second = hibp.requests
    # Retry-After 1 s, capped at 0.3 s by the policy: far longer than the 0.01 s backoff.
    assert second.at - first.at >= 0.25


def test_a_retry_after_that_would_pass_the_deadline_says_so_not_that_it_was_reached(
        hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", 8)
    hibp.script(sha1("hunter2")[:5], Action("status", 429, {"Retry-After": "1"}))
    (result,) = run(hibp, ["hunter2"], fast_retries, deadline=0.2)  # capped at 0.3 s: more than is left
    assert result.status is ExposureStatus.UNKNOWN and result.failure is ExposureFailure.DEADLINE
    assert result.reason is not None and "reached" not in result.reason
    assert "s more to try again would pass the deadline of 0.2 s" in result.reason


def test_read_timeout_is_retried(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", 8)
    hibp.script(sha1("hunter2")[:5], Action("sleep", seconds=1.0))
    (result,) = run(hibp, ["hunter2"], fast_retries, timeout=0.2)
    assert result.count == 8
    assert len(hibp.requests) == 2


def test_persistent_timeouts_leave_passwords_unknown(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    prefix = sha1("hunter2")[:5]
    hibp.script(prefix, *[Action("sleep", seconds=1.0)] * 2)
    policy = RetryPolicy(tries=2, backoff_base=0.01)
    (result,) = run(hibp, ["hunter2"], policy, timeout=0.2)
    assert result.status is ExposureStatus.UNKNOWN
    assert result.failure is ExposureFailure.TIMEOUT
    assert result.reason == "timed out after 2 tries"


def test_truncated_body_is_retried(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", 8)
    hibp.script(sha1("hunter2")[:5], Action("truncate"))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.count == 8
    assert len(hibp.requests) == 2


def test_body_cut_mid_line_is_unknown_not_a_crash(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    prefix = sha1("hunter2")[:5]
    hibp.script(prefix, *[Action("cut")] * 4)
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.status is ExposureStatus.UNKNOWN
    assert result.failure is ExposureFailure.MALFORMED_RESPONSE
    assert result.reason == "malformed response after 4 tries"


def test_malformed_body_is_unknown_and_other_prefixes_still_answer(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.script(sha1("hunter2")[:5], *[Action("malformed")] * 4)
    hibp.add("fine", 5)
    results = run(hibp, ["hunter2", "fine"], fast_retries)
    assert results[0].status is ExposureStatus.UNKNOWN
    assert results[1].count == 5


def test_client_errors_are_not_retried(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    prefix = sha1("hunter2")[:5]
    hibp.script(prefix, Action("status", 403))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert (result.reason, result.failure) == ("HTTP 403", ExposureFailure.HTTP_ERROR)
    assert len(hibp.requests) == 1


def test_the_deadline_bounds_the_whole_check(hibp: FakeHibp) -> None:
    hibp.default_action = Action("sleep", seconds=5.0)
    passwords = [f"slow{i}" for i in range(6)]
    started = time.monotonic()
    results = run(hibp, passwords, RetryPolicy(), timeout=3.0, deadline=0.3, workers=2)
    assert time.monotonic() - started < 2.5
    assert all(r.status is ExposureStatus.UNKNOWN for r in results)
    assert {r.failure for r in results} == {ExposureFailure.DEADLINE}
    assert all(r.reason and "deadline of 0.3 s reached" in r.reason for r in results)


def test_prefixes_are_fetched_concurrently(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.latency = 0.05
    run(hibp, [f"pw-{i}" for i in range(12)], fast_retries, workers=4)
    assert 2 <= hibp.max_in_flight <= 4


def test_progress_is_reported_per_prefix(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    first, second = colliding_passwords()
    calls: list[tuple[int, int]] = []
    run(
        hibp,
        [first, second, "x", "y"],
        fast_retries,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_no_passwords_makes_no_request(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    assert run(hibp, [], fast_retries) == []
    assert hibp.requests == []


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure([Secret("x")], hibp_url="http://api.pwnedpasswords.com")
    assert caught.value.code is ExposureErrorCode.INSECURE_URL


def test_invalid_worker_count_is_refused() -> None:
    with pytest.raises(ExposureServiceError) as caught:
        check_exposure([Secret("x")], workers=0)
    assert caught.value.code is ExposureErrorCode.INVALID_ARGUMENT


def test_no_hash_and_no_prefix_in_reasons_or_logs(hibp: FakeHibp, caplog: pytest.LogCaptureFixture) -> None:
    passwords = ["hunter2", "letmein", "s3cret", "fine"]  # prefixes with letters: no chance match in numbers
    hibp.script(sha1("hunter2")[:5], *[Action("status", 500)] * 3)
    hibp.script(sha1("letmein")[:5], *[Action("cut")] * 3)
    hibp.script(sha1("s3cret")[:5], Action("status", 429, {"Retry-After": "0"}), Action("truncate"))
    hibp.add("fine", 1)
    caplog.set_level(logging.DEBUG)
    results = run(hibp, passwords, RetryPolicy(tries=3, backoff_base=0.01))
    text = caplog.text + repr(results) + "".join(str(r.reason) for r in results)
    assert "HIBP range request" in caplog.text and "/range/<prefix>" in caplog.text  # urllib3's lines, redacted
    for password in passwords:
        digest = sha1(password)
        assert digest[5:] not in text.upper()
        assert digest[:5] not in text.upper()
        assert password not in text


def test_redirects_are_not_followed(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    prefix = sha1("hunter2")[:5]
    hibp.script(prefix, Action("status", 301, {"Location": "http://example.com/range/" + prefix}))
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.reason == "HTTP 301"
    assert len(hibp.requests) == 1


def test_session_verifies_tls_and_pools_one_connection_per_worker() -> None:
    from reuse_audit.exposure.session import build_session

    session = build_session(workers=7)
    adapter = session.get_adapter("https://api.pwnedpasswords.com")
    assert session.verify is True
    assert adapter._pool_maxsize == 7  # type: ignore[attr-defined]
    assert session.headers["Add-Padding"] == "true"


def test_an_unreachable_service_stops_retrying_every_range(fast_retries: RetryPolicy) -> None:
    import socket

    with socket.socket() as s:  # a port on 127.0.0.1 that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    passwords = [f"password-{i}" for i in range(60)]
    results = check_exposure([Secret(p) for p in passwords], hibp_url=f"http://127.0.0.1:{port}",
                             retry_policy=fast_retries, workers=4, timeout=1.0)
    assert {r.status for r in results} == {ExposureStatus.UNKNOWN}
    assert any("looks unreachable" in (r.reason or "") for r in results)
    assert ExposureFailure.UNREACHABLE in {r.failure for r in results}


def test_server_errors_are_answers_not_an_unreachable_service(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    # A service that answers, even with 500s, is not "unreachable": each failing range is retried as usual.
    hibp.add("hunter2", 5)
    failing = [f"pw-{i}" for i in range(12)]
    for p in failing:
        hibp.script(sha1(p)[:5], *[Action("status", status=500)] * 4)
    results = run(hibp, ["hunter2", *failing], fast_retries, workers=1)
    assert results[0].count == 5
    assert not any("looks unreachable" in (r.reason or "") for r in results)


def test_a_count_longer_than_15_digits_is_a_malformed_response(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", "9" * 5000)
    (result,) = run(hibp, ["hunter2"], RetryPolicy(tries=1))
    assert result.failure is ExposureFailure.MALFORMED_RESPONSE


def test_a_count_of_15_digits_is_read(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.add("hunter2", "9" * 15)
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.count == 999_999_999_999_999


def test_rate_limiting_that_never_ends_is_its_own_failure(hibp: FakeHibp, fast_retries: RetryPolicy) -> None:
    hibp.script(sha1("hunter2")[:5], *[Action("status", 429, {"Retry-After": "0"})] * 4)
    (result,) = run(hibp, ["hunter2"], fast_retries)
    assert result.failure is ExposureFailure.RATE_LIMITED
    assert result.reason == "rate limited, HTTP 429 after 4 tries"
