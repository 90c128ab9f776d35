"""`site_breached` through the command line: --breaches-file, --hibp-api-url, --offline, formats, baseline,
history, --fail-on, and `plan --breached <breach Name>`."""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pykeepass import PyKeePass
from typer.testing import CliRunner, Result

from reuse_audit.breaches.cache import cache_path
from reuse_audit.cli import app
from tests.breaches_fakes import ETAG, SMALL_LIST, FakeBreachApi, breach_api
from tests.conftest import MASTER, E, assert_no_leak, build_vault

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "hibp-breaches" / "breaches.json"
Sites = tuple[Path, dict[str, str]]
PASSWORDS = ["Adobe-old-Pw#2010x", "Adobe-cur-Pw#2012x", "Dropbox-Pw#2020-xyz", "Forum-Pw#unique-77a"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real config file, no REUSE_AUDIT_* from outside (the suite's cache redirection stays)."""
    import os

    monkeypatch.setattr("reuse_audit.hygiene.config.default_config_path",
                        lambda: tmp_path / "no-such-dir" / "reuse-audit.toml")
    for name in [n for n in os.environ if n.startswith("REUSE_AUDIT_") and n != "REUSE_AUDIT_CACHE_DIR"]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """Adobe (titled otherwise than the breach's Name): created 2010, password changed 2012-05-01 (before its
    2013 breach); Dropbox: created 2020 (after its 2012 breach); a forum nobody breached. Read-only."""
    path = tmp_path_factory.mktemp("sites") / "sites.kdbx"
    uuids = build_vault(path, [
        E("Adobe Creative Cloud", PASSWORDS[1], "me@aaa.jp", "https://www.adobe.com/", history=[PASSWORDS[0]]),
        E("Dropbox", PASSWORDS[2], "me@aaa.jp", "https://www.dropbox.com/login"),
        E("Forum", PASSWORDS[3], "kamome", "https://forum.example.org/"),
    ])
    kp = PyKeePass(str(path), password=MASTER)
    adobe = kp.find_entries(uuid=uuidlib.UUID(uuids["Adobe Creative Cloud"]), first=True)
    adobe.ctime = datetime(2010, 6, 1, tzinfo=UTC)
    adobe.mtime = datetime(2012, 5, 1, tzinfo=UTC)
    for old in adobe.history:
        old.ctime = old.mtime = datetime(2010, 6, 1, tzinfo=UTC)
    dropbox = kp.find_entries(uuid=uuidlib.UUID(uuids["Dropbox"]), first=True)
    dropbox.ctime = dropbox.mtime = datetime(2020, 2, 2, tzinfo=UTC)
    kp.save()
    return path, uuids


def _breaches_file(tmp_path: Path) -> Path:
    if SNAPSHOT.is_file():
        return SNAPSHOT
    path = tmp_path / "breaches.json"  # the two breaches the tests need, as HIBP lists them
    path.write_text(json.dumps(SMALL_LIST + [{**SMALL_LIST[0], "Name": "Dropbox", "Title": "Dropbox",
                                              "Domain": "dropbox.com", "BreachDate": "2012-07-01"}]))
    return path


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=MASTER + "\n", env={"COLUMNS": "200", **(env or {})})


def _audit(path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return _run("audit", str(path), "--password-stdin", "--offline", *args, env=env)


def _schema() -> dict[str, Any]:
    text = resources.files("reuse_audit").joinpath("data/audit-report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_a_saved_breach_list_flags_the_site_breached_after_its_password_was_set(sites: Sites, tmp_path: Path) -> None:
    path, uuids = sites
    result = _audit(path, "--breaches-file", str(_breaches_file(tmp_path)), "--format", "json")
    assert result.exit_code == 0, result.output  # site_breached is not in the default --fail-on
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, _schema())
    assert doc["summary"]["findings"]["site_breached"] == 1
    assert "site_breached" not in doc["summary"]["not_checked"] and "breaches" in doc["checks"]
    (adobe,) = [e for e in doc["entries"] if e["uuid"] == uuids["Adobe Creative Cloud"]]
    assert adobe["findings"][0] == "site_breached"
    assert adobe["reasons"][0] == ("Adobe (adobe.com) was breached on 2013-10-04, reported 2013-12-04; this "
                                   "password dates from 2012-05-01")
    dropbox = next(e for e in doc["entries"] if e["uuid"] == uuids["Dropbox"])
    assert "site_breached" not in dropbox["findings"]
    assert any("Have I Been Pwned (haveibeenpwned.com, CC BY 4.0)" in n for n in doc["summary"]["notes"])
    assert "1 on breached sites" in result.stderr and "CC BY 4.0" in result.stderr


def test_fail_on_site_breached_fails(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    result = _audit(path, "--breaches-file", str(_breaches_file(tmp_path)), "--fail-on", "site_breached")
    assert result.exit_code == 1, result.output


def test_offline_without_a_cache_or_file_leaves_site_breached_not_checked(sites: Sites) -> None:
    path, _ = sites
    result = _audit(path, "--format", "json", "--fail-on", "site_breached")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["findings"]["site_breached"] is None
    assert "site_breached" in doc["summary"]["not_checked"]
    assert "breached sites: not checked" in result.stderr
    assert "breached sites not checked (offline and no cached breach list" in result.stderr


def test_the_breaches_file_can_come_from_the_environment(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    result = _audit(path, "--format", "json", env={"REUSE_AUDIT_BREACHES_FILE": str(_breaches_file(tmp_path))})
    assert json.loads(result.stdout)["summary"]["findings"]["site_breached"] == 1


def test_the_breaches_file_can_come_from_the_config_file(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[audit]\nbreaches-file = "{_breaches_file(tmp_path)}"\n')
    result = _audit(path, "--format", "json", "--config", str(cfg))
    assert json.loads(result.stdout)["summary"]["findings"]["site_breached"] == 1


@pytest.mark.parametrize(("content", "message"), [(None, "no such breach list file"),
                                                   (b'{"a": 1}', "not a breach list")])
def test_a_bad_breaches_file_is_one_line_and_exit_2(
        sites: Sites, tmp_path: Path, content: bytes | None, message: str) -> None:
    path, _ = sites
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_bytes(content)
    result = _audit(path, "--breaches-file", str(bad))
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1


def test_a_plain_http_api_url_is_refused(sites: Sites) -> None:
    path, _ = sites
    result = _audit(path, "--hibp-api-url", "http://haveibeenpwned.com/api/v3")
    assert result.exit_code == 2 and "must be https" in result.output


def test_the_second_run_revalidates_with_the_etag_and_gets_a_304(sites: Sites) -> None:
    path, _ = sites
    args = ("audit", str(path), "--password-stdin", "--checks", "reuse,breaches", "--format", "json")
    with breach_api() as api:
        first = _run(*args, "--hibp-api-url", api.url)
        cached = json.loads(cache_path().read_text())
        cached["fetched_at"] = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cache_path().write_text(json.dumps(cached))
        second = _run(*args, "--hibp-api-url", api.url)
    assert [json.loads(r.stdout)["summary"]["findings"]["site_breached"] for r in (first, second)] == [1, 1]
    assert "if-none-match" not in api.requests[0].headers
    assert api.requests[1].headers["if-none-match"] == ETAG
    assert len(api.requests) == 2


def test_strict_exits_3_when_the_breach_list_cannot_be_fetched(monkeypatch: pytest.MonkeyPatch, sites: Sites
                                                                ) -> None:
    path, _ = sites
    monkeypatch.setattr("reuse_audit.breaches.fetch._RETRY_WAIT", 0.05)
    with breach_api(FakeBreachApi(statuses=[500, 500])) as api:
        result = _run("audit", str(path), "--password-stdin", "--checks", "reuse,breaches", "--strict",
                      "--hibp-api-url", api.url)
    assert result.exit_code == 3, result.output
    assert "breached sites not checked (HTTP 500)" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html", "json"])
def test_every_format_shows_the_finding_and_no_secret(sites: Sites, tmp_path: Path, fmt: str) -> None:
    path, _ = sites
    result = _audit(path, "--breaches-file", str(_breaches_file(tmp_path)), "--format", fmt)
    assert result.exit_code == 0, result.output
    shown = result.stdout.replace("\\", "")  # Markdown escapes _ and -
    assert "site_breached" in shown and "2013-10-04" in shown
    if fmt in ("table", "markdown", "html"):
        assert "CC BY 4.0" in shown
    assert_no_leak(result.output, PASSWORDS + [MASTER])


def test_japanese_report_words_the_breach(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    result = _audit(path, "--breaches-file", str(_breaches_file(tmp_path)), "--format", "json", "--lang", "ja")
    adobe = next(e for e in json.loads(result.stdout)["entries"] if e["title"] == "Adobe Creative Cloud")
    assert "漏洩" in adobe["reasons"][0] and "2013-10-04" in adobe["reasons"][0]


def test_a_baseline_accepts_site_breached_and_an_older_baseline_reports_it_as_new(sites: Sites, tmp_path: Path) -> None:
    path, uuids = sites
    breaches = str(_breaches_file(tmp_path))
    base = tmp_path / "b.json"
    made = _run("baseline", "create", str(path), "--password-stdin", "--offline", "--breaches-file", breaches,
                "-o", str(base))
    assert made.exit_code == 0, made.output
    assert {"uuid": uuids["Adobe Creative Cloud"], "kind": "site_breached"}.items() <= next(
        f for f in json.loads(base.read_text())["findings"] if f["kind"] == "site_breached").items()
    accepted = _audit(path, "--breaches-file", breaches, "--baseline", str(base), "--fail-on", "site_breached")
    assert accepted.exit_code == 0, accepted.output
    older = json.loads(base.read_text())  # as a baseline written before site_breached existed
    older["findings"] = [f for f in older["findings"] if f["kind"] != "site_breached"]
    older["checks"] = [c for c in older["checks"] if c != "breaches"]
    base.write_text(json.dumps(older))
    new = _audit(path, "--breaches-file", breaches, "--baseline", str(base), "--fail-on", "site_breached",
                 "--format", "json")
    assert new.exit_code == 1, new.output
    assert [f["kind"] for f in json.loads(new.stdout)["baseline"]["new"]] == ["site_breached"]


def test_an_older_history_line_without_site_breached_loads_and_trends(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    hist = tmp_path / "h.jsonl"
    counts = {k: 0 for k in ("master_password", "pwned", "reused", "variant", "weak", "policy", "expired", "old")}
    hist.write_text(json.dumps({"history_version": 1, "time": "2025-01-01T00:00:00Z", "entries_audited": 3,
                                "findings": counts}) + "\n")
    result = _audit(path, "--breaches-file", str(_breaches_file(tmp_path)), "--history-file", str(hist))
    assert result.exit_code == 0, result.output
    assert "site_breached: not checked → 1" in result.stderr
    trend = _run("trend", str(hist))
    assert trend.exit_code == 0 and "site_breached" in trend.stdout


# ---- plan --breached <breach Name> ----

def _plan(path: Path, *args: str) -> Result:
    return _run("plan", str(path), "--password-stdin", "--offline", "--format", "json", *args)


@pytest.mark.parametrize("name", ["Adobe", "adobe"])
def test_plan_takes_a_breach_name_from_the_list(sites: Sites, tmp_path: Path, name: str) -> None:
    path, uuids = sites
    result = _plan(path, "--breaches-file", str(_breaches_file(tmp_path)), "--breached", name)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["breach"]["matched"] == [uuids["Adobe Creative Cloud"]]
    first = doc["steps"][0]
    assert (first["uuid"], first["tier"]) == (uuids["Adobe Creative Cloud"], 1)


def test_plan_takes_a_breach_name_from_the_cached_list_offline(sites: Sites) -> None:
    path, uuids = sites
    with breach_api() as api:
        fetched = _run("audit", str(path), "--password-stdin", "--checks", "reuse,breaches", "--hibp-api-url",
                       api.url)
    assert fetched.exit_code == 0, fetched.output
    result = _plan(path, "--breached", "Adobe", "--hibp-api-url", api.url)  # that server's copy, offline
    assert json.loads(result.stdout)["breach"]["matched"] == [uuids["Adobe Creative Cloud"]]


def test_plan_with_an_unknown_breach_name_is_exit_2(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    result = _plan(path, "--breaches-file", str(_breaches_file(tmp_path)), "--breached", "NoSuchBreach")
    assert result.exit_code == 2
    assert "breach name" in result.output


def test_plan_with_a_breach_that_concerns_no_entry_is_exit_2(sites: Sites, tmp_path: Path) -> None:
    path, _ = sites
    result = _plan(path, "--breaches-file", str(_breaches_file(tmp_path)), "--breached", "KamomeShop"
                   if not SNAPSHOT.is_file() else "LinkedIn")
    assert result.exit_code == 2
    assert "no entry is on a site of the breach" in result.output


def test_plan_says_when_the_breach_list_was_not_available_for_a_name(sites: Sites) -> None:
    path, _ = sites
    result = _plan(path, "--breached", "LinkedIn")
    assert result.exit_code == 2
    assert "the breach list is not available (offline and no cached breach list" in result.output
