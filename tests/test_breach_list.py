"""Obtaining the breach list: the loopback API (ETag, 304, failures), the cache, --offline, a saved file."""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reuse_audit.audit import AuditOptions, AuditResult, run_audit
from reuse_audit.breaches.cache import cache_path, read_cache
from reuse_audit.breaches.load import ListSource, load_breach_list, read_breaches_file
from reuse_audit.breaches.model import ATTRIBUTION, BreachListError
from reuse_audit.breaches.settings import BreachSettings
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.findings import Check, FindingKind
from reuse_audit.i18n import Translator
from reuse_audit.reasons import ReasonCode
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.breaches_fakes import ETAG, LAST_MODIFIED, SMALL_LIST, FakeBreachApi, breach_api
from tests.conftest import MASTER, E, build_vault
from tests.exposure.hibp_fakes import drip_server

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reuse_audit.breaches.fetch._RETRY_WAIT", 0.05)


def settings(api: FakeBreachApi, **kw: object) -> BreachSettings:
    return BreachSettings(api_url=api.url, **kw)  # type: ignore[arg-type]


def test_the_first_run_fetches_and_caches_the_list_with_its_validators() -> None:
    with breach_api() as api:
        got = load_breach_list(settings(api), offline=False, now=NOW)
    assert got.source is ListSource.NETWORK and {b.name for b in got.breaches} == {"Adobe", "KamomeShop"}
    (seen,) = api.requests
    assert seen.path == "/api/v3/breaches"
    assert seen.headers["user-agent"].startswith("reuse-audit/")
    assert "if-none-match" not in seen.headers and "hibp-api-key" not in seen.headers
    cached = read_cache()
    assert cached is not None and (cached.etag, cached.last_modified) == (ETAG, LAST_MODIFIED)
    assert cached.fetched_at == NOW and cached.api_url == api.url


def test_the_cache_file_is_private_and_credits_hibp() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
    path = cache_path()
    if os.name != "nt":  # Windows has no POSIX permission bits
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["attribution"] == ATTRIBUTION


def test_a_cache_younger_than_a_day_is_used_without_a_request() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
        again = load_breach_list(settings(api), offline=False, now=NOW + timedelta(hours=23))
    assert len(api.requests) == 1
    assert again.source is ListSource.CACHE


def test_an_older_cache_is_revalidated_with_its_etag_and_a_304_keeps_it() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
        later = NOW + timedelta(days=2)
        again = load_breach_list(settings(api), offline=False, now=later)
    first, second = api.requests
    assert second.headers["if-none-match"] == ETAG and second.headers["if-modified-since"] == LAST_MODIFIED
    assert again.source is ListSource.NETWORK and {b.name for b in again.breaches} == {"Adobe", "KamomeShop"}
    cached = read_cache()
    assert cached is not None and cached.fetched_at == later  # the 304 renews the copy's age


def test_a_changed_list_replaces_the_cached_copy() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
        api.etag = '"list-v2"'
        api.body = json.dumps(SMALL_LIST[:1]).encode()
        again = load_breach_list(settings(api), offline=False, now=NOW + timedelta(days=2))
    assert [b.name for b in again.breaches] == ["Adobe"]
    cached = read_cache()
    assert cached is not None and cached.etag == '"list-v2"' and len(cached.breaches) == 1


@pytest.mark.parametrize("status", [500, 503, 404, 403, 429])
def test_a_failure_without_a_cached_copy_is_an_error(status: int) -> None:
    with breach_api(FakeBreachApi(statuses=[status, status])) as api, \
            pytest.raises(BreachListError, match=f"HTTP {status}"):
        load_breach_list(settings(api), offline=False, now=NOW)


def test_a_server_error_is_tried_again_once() -> None:
    with breach_api(FakeBreachApi(statuses=[503])) as api:
        got = load_breach_list(settings(api), offline=False, now=NOW)
    assert got.source is ListSource.NETWORK and len(api.requests) == 2


def test_a_redirect_is_not_followed() -> None:
    with breach_api(FakeBreachApi(statuses=[302])) as api, pytest.raises(BreachListError, match="HTTP 302"):
        load_breach_list(settings(api), offline=False, now=NOW)
    assert len(api.requests) == 1


def test_a_malformed_list_is_an_error() -> None:
    with breach_api(FakeBreachApi(body=b'{"not": "a list"}')) as api, \
            pytest.raises(BreachListError, match="not a breach list"):
        load_breach_list(settings(api), offline=False, now=NOW)


def test_a_failed_refresh_falls_back_to_the_cached_copy_and_says_so() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
        api.statuses = [500, 500]
        got = load_breach_list(settings(api), offline=False, now=NOW + timedelta(days=3))
    assert got.source is ListSource.CACHE
    codes = [n.code for n in got.notes]
    assert codes == [ReasonCode.BREACH_LIST_STALE, ReasonCode.BREACH_LIST]
    assert Translator("en").reason(got.notes[1]).endswith("cached copy fetched 2026-03-01, 3 days old")


def test_a_copy_cached_from_another_server_is_not_used_for_this_one() -> None:
    with breach_api() as first:
        load_breach_list(settings(first), offline=False, now=NOW)
    with breach_api(FakeBreachApi(statuses=[500, 500])) as other, pytest.raises(BreachListError):
        load_breach_list(settings(other), offline=False, now=NOW)
    assert "if-none-match" not in other.requests[0].headers


def test_offline_a_copy_cached_from_another_server_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test server's empty list left in the cache would say "no breached site" for every entry offline."""
    with breach_api(FakeBreachApi(body=b"[]")) as test_server:
        assert load_breach_list(settings(test_server), offline=False, now=NOW).breaches == ()
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network used offline"))
    with pytest.raises(BreachListError, match="offline and no cached breach list"):
        load_breach_list(BreachSettings(), offline=True, now=NOW)


def test_a_server_that_never_finishes_is_cut_at_the_deadline() -> None:
    with drip_server("body", interval=0.05) as server, pytest.raises(BreachListError, match="timed out"):
        load_breach_list(BreachSettings(api_url=server.url, request_timeout=0.5, deadline=1.0), offline=False,
                         now=NOW)


def test_offline_without_a_cache_is_an_error_and_opens_no_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a socket was opened offline")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(BreachListError, match="offline and no cached breach list"):
        load_breach_list(BreachSettings(), offline=True, now=NOW)


def test_offline_uses_the_cache_whatever_its_age_and_says_how_old(monkeypatch: pytest.MonkeyPatch) -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network used offline"))
    got = load_breach_list(settings(api), offline=True, now=NOW + timedelta(days=40))
    assert got.source is ListSource.CACHE
    text = Translator("en").reason(got.notes[0])
    assert "Have I Been Pwned (haveibeenpwned.com, CC BY 4.0)" in text and text.endswith("40 days old")


def test_a_saved_file_is_read_without_network_or_cache(tmp_path: Path) -> None:
    saved = tmp_path / "breaches.json"
    saved.write_text(json.dumps(SMALL_LIST))
    got = load_breach_list(BreachSettings(api_url="https://unused.invalid", file=saved), offline=False, now=NOW)
    assert got.source is ListSource.FILE and len(got.breaches) == 2
    assert not cache_path().exists()
    assert Translator("en").reason(got.notes[0]).endswith("newest breach added 2020-01-02, 2,250 days old")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not JSON"), (b"\xff\xfe", "not UTF-8"), (b"[1]", "item 1 is not an object"),
    (b'[{"Name": "X", "BreachDate": "2020"}]', "BreachDate"),
    (b'[{"Name": "X", "BreachDate": "2020-01-01", "AddedDate": "x"}]', "AddedDate"),
    (b"[" * 100000, "nested too deeply"),
])
def test_a_file_that_is_not_a_breach_list_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    saved = tmp_path / "bad.json"
    saved.write_bytes(content)
    with pytest.raises(BreachListError, match=message) as caught:
        read_breaches_file(saved)
    assert "\n" not in str(caught.value) and str(saved) in str(caught.value)


def test_plain_http_to_a_public_host_is_refused() -> None:
    with pytest.raises(BreachListError, match="must be https"):
        load_breach_list(BreachSettings(api_url="http://haveibeenpwned.com/api/v3"), offline=False, now=NOW)


def test_a_corrupt_cache_is_no_cache() -> None:
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "breaches": "nope"}')
    assert read_cache() is None
    with pytest.raises(BreachListError, match="offline and no cached"):
        load_breach_list(BreachSettings(), offline=True, now=NOW)


def test_the_cache_dir_follows_reuse_audit_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reuse_audit.breaches import cache

    monkeypatch.undo()  # the suite's own redirection, then the variable alone
    monkeypatch.setenv("REUSE_AUDIT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("REUSE_AUDIT_CACHE_DIR")
    monkeypatch.setattr("platformdirs.user_cache_dir", lambda name: str(tmp_path / "platform" / name))
    assert cache.cache_dir() == tmp_path / "platform" / "reuse-audit"


# ---- the check inside an audit ----

@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Adobe's entry with a password older than its breach (created 2010), and an unrelated one. Read-only."""
    from pykeepass import PyKeePass

    path = tmp_path_factory.mktemp("vault") / "v.kdbx"
    uuids = build_vault(path, [E("Adobe", "Adobe-unique-pw-1!", "me", "https://www.adobe.com/"),
                               E("Elsewhere", "Other-unique-pw-2!", "me", "https://elsewhere.example.org/")])
    kp = PyKeePass(str(path), password=MASTER)
    import uuid as uuidlib

    entry = kp.find_entries(uuid=uuidlib.UUID(uuids["Adobe"]), first=True)
    entry.ctime = entry.mtime = datetime(2010, 6, 1, tzinfo=UTC)
    kp.save()
    return path


def _audit(path: Path, *, offline: bool, breaches: BreachSettings) -> AuditResult:
    from reuse_audit.secret import Secret

    contents = load_vault(path, VaultKey(Secret(MASTER)))
    options = AuditOptions(checks=frozenset({Check.REUSE, Check.BREACHES}), exposure=ExposureSettings(offline=offline),
                           check_settings={Check.BREACHES.value: breaches}, now=NOW)
    return run_audit(contents, options)


def test_an_audit_flags_the_breached_site_and_credits_the_list(vault: Path) -> None:
    with breach_api() as api:
        result = _audit(vault, offline=False, breaches=settings(api))
    counts = result.counts()
    assert counts[FindingKind.SITE_BREACHED.value] == 1
    flagged = [e.credential.title for e in result.entries if FindingKind.SITE_BREACHED in e.findings]
    assert flagged == ["Adobe"]
    assert [n.code for n in result.notes] == [ReasonCode.EXPOSURE_NOT_SELECTED, ReasonCode.BREACH_LIST]


def test_a_failed_fetch_leaves_site_breached_not_checked(vault: Path) -> None:
    with breach_api(FakeBreachApi(statuses=[500, 500])) as api:
        result = _audit(vault, offline=False, breaches=settings(api))
    assert result.counts()[FindingKind.SITE_BREACHED.value] is None
    assert FindingKind.SITE_BREACHED in result.unchecked_kinds
    (note,) = [n for n in result.notes if n.code is ReasonCode.BREACH_LIST_UNAVAILABLE]
    assert Translator("en").reason(note) == "breached sites not checked (HTTP 500)"


def test_offline_without_a_cache_leaves_site_breached_not_checked(vault: Path) -> None:
    result = _audit(vault, offline=True, breaches=BreachSettings())
    assert result.counts()[FindingKind.SITE_BREACHED.value] is None


def test_offline_with_a_cache_decides_site_breached(vault: Path) -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW - timedelta(days=5))
    result = _audit(vault, offline=True, breaches=settings(api))  # the same server's copy
    assert result.counts()[FindingKind.SITE_BREACHED.value] == 1
    (note,) = [n for n in result.notes if n.code is ReasonCode.BREACH_LIST]
    assert Translator("en").reason(note).endswith("cached copy fetched 2026-02-24, 5 days old")


def test_nothing_about_the_vault_reaches_the_cache(vault: Path) -> None:
    with breach_api() as api:
        _audit(vault, offline=False, breaches=settings(api))
    text = cache_path().read_text()
    assert "Adobe-unique-pw-1!" not in text and "www.adobe.com" not in text and "Elsewhere" not in text
    assert os.listdir(cache_path().parent) == [cache_path().name]


@pytest.mark.skipif(os.name == "nt", reason="POSIX FIFOs and devices")
@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "deep_json"])
def test_a_cache_that_is_not_a_regular_file_of_ours_is_ignored_at_once(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "hibp-breaches.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(b"{" + b'"a":[' * 50_000 + b"]" * 50_000 + b"}")
    assert read_cache(path) is None


def test_a_list_cached_today_says_today_not_zero_days_old() -> None:
    with breach_api() as api:
        load_breach_list(settings(api), offline=False, now=NOW)
        got = load_breach_list(settings(api), offline=True, now=NOW + timedelta(hours=3))
    assert Translator("en").reason(got.notes[0]).endswith("cached copy fetched today (2026-03-01)")
    assert "今日 2026-03-01 に取得" in Translator("ja").reason(got.notes[0])
