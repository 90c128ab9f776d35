"""The site kinds: no_2fa, weak_2fa, passkey_available (check 2fa) and insecure_url (check urls), on real vaults
and catalogue entries of each sort, and how they travel through reasons, formats, baseline and history."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reuse_audit.audit import AuditOptions, AuditResult, Check, ExposureSettings, run_audit
from reuse_audit.checks.entry import CheckContext, registered_checks
from reuse_audit.checks.urls import insecure_url, is_public_host
from reuse_audit.findings import DEFAULT_FAIL_ON, SEVERITY, parse_checks, parse_kinds
from reuse_audit.findings import FindingKind as K
from reuse_audit.i18n import Translator
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.report.audit_document import audit_document
from reuse_audit.report.audit_formats import AuditFormat, AuditRender, render_audit, summary_line
from reuse_audit.secret import Secret
from reuse_audit.services import catalogue
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E

SITE_CHECKS = frozenset({Check.TWO_FACTOR, Check.URLS})
TOTP = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
PASSKEY_FIELDS = {"KPEX_PASSKEY_CREDENTIAL_ID": "c2VjcmV0LWlk", "KPEX_PASSKEY_RELYING_PARTY": "github.com",
                  "KPEX_PASSKEY_USERNAME": "me", "KPEX_PASSKEY_PRIVATE_KEY_PEM": "-----BEGIN PRIVATE KEY-----"}


def _audit(path: Path, checks: frozenset[Check] = SITE_CHECKS) -> AuditResult:
    return run_audit(load_vault(path, VaultKey(Secret(MASTER))),
                     AuditOptions(checks=checks, exposure=ExposureSettings(offline=True)))


def _one(vault_factory, entry: E, checks: frozenset[Check] = SITE_CHECKS):  # type: ignore[no-untyped-def]
    (report,) = _audit(vault_factory([entry]), checks).entries
    return report


def _reason(report, code: R):  # type: ignore[no-untyped-def]
    return next(r for r in report.reasons if r.code == code)


# ---- no_2fa --------------------------------------------------------------------------------------------------

def test_a_totp_site_without_an_otp_field_is_no_2fa_with_its_how_to_page(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("101domain", "Unique-pass-4417!x", url="https://www.101domain.com/login"))
    assert K.NO_2FA in report.findings
    reason = _reason(report, R.NO_2FA)
    assert reason.get("service") == "101domain"
    assert reason.get("url") == "https://help.101domain.com/kb/setup-two-factor-authentication"


def test_a_totp_site_with_an_otp_field_is_not_no_2fa(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("101domain", "Unique-pass-4417!x", url="https://www.101domain.com/", otp=TOTP))
    assert report.findings == ()


@pytest.mark.parametrize("tag", ["reuse-audit:2fa-elsewhere", "Reuse-Audit:2FA-Elsewhere"])
def test_the_2fa_elsewhere_tag_silences_no_2fa_in_any_case(vault_factory, tag: str) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("101domain", "Unique-pass-4417!x", url="https://www.101domain.com/", tags=[tag]))
    assert K.NO_2FA not in report.findings


def test_a_site_offering_only_sms_is_not_no_2fa(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("Airbnb", "Unique-pass-4417!x", url="https://www.airbnb.com/login"))
    assert report.findings == ()


def test_a_site_without_a_how_to_page_has_a_no_2fa_reason_without_a_link(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("ActionID", "Unique-pass-4417!x", url="https://ngpvan.com/"))
    reason = _reason(report, R.NO_2FA)
    assert reason.get("url") is None
    assert Translator("en").reason(reason) == ("ActionID offers two-step login and this entry has no one-time code: "
                                               "turn it on")


def test_unknown_sites_intranet_hosts_and_entries_without_a_url_have_no_site_findings(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("forum", "Unique-pass-4417!x", url="https://forum.example.org/"),
                                   E("nas", "Unique-pass-4417!y", url="https://nas.lan/"),
                                   E("none", "Unique-pass-4417!z")]))
    assert all(e.findings == () for e in result.entries)


# ---- weak_2fa ------------------------------------------------------------------------------------------------

def test_an_sms_only_high_value_site_is_weak_2fa_with_its_methods(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("PayPay", "Unique-pass-4417!x", url="https://www.paypay.ne.jp/"))
    assert report.findings == (K.WEAK_2FA,)
    reason = _reason(report, R.WEAK_2FA)
    assert reason.get("methods") == ("sms",)
    text = Translator("en").reason(reason)
    assert text.startswith("PayPay offers two-step login only by SMS, which a SIM swap")
    assert "keep this password unique and strong" in text


def test_an_sms_only_site_of_low_value_is_not_weak_2fa(vault_factory) -> None:  # type: ignore[no-untyped-def]
    assert _one(vault_factory, E("Airbnb", "Unique-pass-4417!x", url="https://www.airbnb.com/")).findings == ()


def test_an_otp_field_on_an_sms_only_site_leaves_it_alone(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("PayPay", "Unique-pass-4417!x", url="https://www.paypay.ne.jp/", otp=TOTP))
    assert report.findings == ()


def test_weak_2fa_methods_read_in_japanese(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("Yahoo", "Unique-pass-4417!x", url="https://login.yahoo.co.jp/"))
    assert K.WEAK_2FA in report.findings
    text = Translator("ja").reason(_reason(report, R.WEAK_2FA))
    assert "SMS" in text and "メール" in text and "2段階認証" in text


# ---- passkey_available ---------------------------------------------------------------------------------------

def test_a_passkey_site_without_a_passkey_is_passkey_available_with_its_page(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("GitHub", "Unique-pass-4417!x", url="https://github.com/login", otp=TOTP))
    assert report.findings == (K.PASSKEY_AVAILABLE,)
    reason = _reason(report, R.PASSKEY_AVAILABLE)
    assert reason.get("service") == "GitHub"
    assert reason.get("url") == "https://docs.github.com/en/authentication/authenticating-with-a-passkey/about-passkeys"


def test_a_passkey_site_with_a_keepassxc_passkey_is_not_passkey_available(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("GitHub", "Unique-pass-4417!x", url="https://github.com/login",
                                   fields=PASSKEY_FIELDS))
    assert report.credential.has_passkey
    assert K.PASSKEY_AVAILABLE not in report.findings


def test_a_passkey_also_counts_as_the_second_factor_where_the_site_takes_it_so(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("GitHub", "Unique-pass-4417!x", url="https://github.com/login",
                                   fields=PASSKEY_FIELDS))
    assert report.findings == ()


def test_the_passkey_elsewhere_tag_silences_passkey_available(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("GitHub", "Unique-pass-4417!x", url="https://github.com/", otp=TOTP,
                                   tags=["reuse-audit:passkey-elsewhere"]))
    assert report.findings == ()


def test_the_vault_source_sees_no_passkey_without_kpex_attributes(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("plain", "Unique-pass-4417!x", fields={"passkey note": "on my phone"})])
    (cred,) = load_vault(path, VaultKey(Secret(MASTER))).credentials
    assert cred.has_passkey is False


# ---- insecure_url --------------------------------------------------------------------------------------------

def test_http_on_a_public_host_is_insecure_url(vault_factory) -> None:  # type: ignore[no-untyped-def]
    report = _one(vault_factory, E("Old shop", "Unique-pass-4417!x", url="HTTP://shop.example.com:8080/login"))
    assert report.findings == (K.INSECURE_URL,)
    reason = _reason(report, R.INSECURE_URL)
    assert (reason.get("scheme"), reason.get("host")) == ("http", "shop.example.com")


@pytest.mark.parametrize("url", ["http://192.168.1.1/", "http://localhost:8080/", "http://127.0.0.1/",
                                 "http://[::1]/", "http://169.254.10.1/", "http://10.0.0.5/admin",
                                 "http://nas.lan/", "http://router/", "http://printer.home.arpa/",
                                 "http://abcdefghijklmnop.onion/", "http://dev.localhost/"])
def test_http_on_loopback_private_link_local_and_intranet_hosts_is_not_insecure(url: str) -> None:
    assert insecure_url(url) is None


@pytest.mark.parametrize("url", ["https://shop.example.com/", "sftp://files.example.com/", "shop.example.com/login",
                                 "{S:url}", "cmd://putty.exe", ""])
def test_other_schemes_and_urls_without_one_are_not_insecure(url: str) -> None:
    assert insecure_url(url) is None


@pytest.mark.parametrize(("url", "expected"), [("ftp://ftp.example.com/pub", ("ftp", "ftp.example.com")),
                                               ("http://8.8.8.8/", ("http", "8.8.8.8")),
                                               ("http://[::ffff:8.8.8.8]/", ("http", "::ffff:808:808"))])
def test_ftp_and_public_addresses_are_insecure(url: str, expected: tuple[str, str]) -> None:
    assert insecure_url(url) == expected


def test_a_private_address_is_not_public_even_when_mapped_into_ipv6() -> None:
    assert not is_public_host("::ffff:192.168.0.1")
    assert is_public_host("example.com")


def test_the_url_check_never_resolves_a_name(vault_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the urls check must not use DNS")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    report = _one(vault_factory, E("Old shop", "Unique-pass-4417!x", url="http://shop.example.com/"))
    assert report.findings == (K.INSECURE_URL,)


# ---- checks, kinds and what could not be decided -------------------------------------------------------------

def test_the_new_checks_are_in_the_default_set_and_parse() -> None:
    assert parse_checks("2fa,urls") == SITE_CHECKS
    assert SITE_CHECKS <= AuditOptions().checks
    assert {c.name for c in registered_checks()} >= SITE_CHECKS


def test_the_new_kinds_follow_every_password_kind_and_are_not_failed_on_by_default() -> None:
    new = [K.INSECURE_URL, K.NO_2FA, K.WEAK_2FA, K.PASSKEY_AVAILABLE]
    assert list(SEVERITY[-4:]) == new and SEVERITY.index(K.OLD) < SEVERITY.index(K.INSECURE_URL)
    assert not DEFAULT_FAIL_ON & set(new)
    assert parse_kinds("no_2fa,weak_2fa,passkey_available,insecure_url") == frozenset(new)


def test_site_findings_come_after_the_password_findings(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("GitHub", "password1", url="http://github.com/login")]),
                    frozenset({Check.STRENGTH, *SITE_CHECKS}))
    (report,) = result.entries
    assert report.findings == (K.WEAK, K.POLICY, K.INSECURE_URL, K.NO_2FA, K.PASSKEY_AVAILABLE)
    assert [r.code.value for r in report.reasons] == [k.value for k in report.findings]


def test_unselected_checks_leave_their_kinds_not_checked(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("GitHub", "Unique-pass-4417!x", url="http://github.com/")]),
                    frozenset({Check.REUSE}))
    assert result.entries[0].findings == ()
    counts = result.counts()
    assert all(counts[k.value] is None for k in (K.INSECURE_URL, K.NO_2FA, K.WEAK_2FA, K.PASSKEY_AVAILABLE))


def test_a_catalogue_that_cannot_load_leaves_the_2fa_kinds_not_checked_never_zero(vault_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(name: str) -> Any:
        raise catalogue.CatalogueError(f"cannot read packaged {name}: damaged")

    catalogue._catalogue.cache_clear()
    monkeypatch.setattr(catalogue, "_read_data", broken)
    try:
        result = _audit(vault_factory([E("GitHub", "Unique-pass-4417!x", url="http://github.com/")]))
    finally:
        catalogue._catalogue.cache_clear()
    counts = result.counts()
    assert counts["no_2fa"] is None and counts["weak_2fa"] is None and counts["passkey_available"] is None
    assert counts["insecure_url"] == 1
    assert [n.code for n in result.entry_checks[Check.TWO_FACTOR].notes] == [R.CATALOGUE_UNAVAILABLE]
    assert "two-step login and passkeys: not checked" in summary_line(result)


def test_the_2fa_check_on_its_own_decides_its_kinds() -> None:
    from datetime import UTC, datetime

    from reuse_audit.checks.second_factor import SecondFactorCheck
    from reuse_audit.credentials import Credential

    cred = Credential(uuid="00000000-0000-0000-0000-000000000001", title="GitHub", username="me",
                      url="https://github.com/", group="", password=Secret("Unique-pass-4417!x"))
    outcome = SecondFactorCheck().run([cred], CheckContext(datetime.now(UTC), ExposureSettings(offline=True)))
    assert outcome.decided
    assert [f.kind for f in outcome.findings[cred.uuid]] == [K.NO_2FA, K.PASSKEY_AVAILABLE]


# ---- reports ---------------------------------------------------------------------------------------------------

@pytest.fixture
def site_result(vault_factory) -> AuditResult:  # type: ignore[no-untyped-def]
    return _audit(vault_factory([
        E("GitHub <b>", "Unique-pass-4417!a", url="https://github.com/login"),
        E("PayPay", "Unique-pass-4417!b", url="https://paypay.ne.jp/"),
        E("Old shop", "Unique-pass-4417!c", url="http://shop.example.com/"),
        E("Router", "Unique-pass-4417!d", url="http://192.168.0.1/"),
    ]), frozenset({Check.REUSE, Check.STRENGTH, *SITE_CHECKS}))


def test_the_summary_line_counts_the_site_kinds(site_result: AuditResult) -> None:
    line = summary_line(site_result)
    assert "1 on unencrypted http:// or ftp://" in line
    assert "1 without two-step login" in line
    assert "1 with only SMS or e-mail codes" in line
    assert "1 could use a passkey" in line
    assert "パスキー" in summary_line(site_result, "ja")


def test_the_json_report_has_the_site_kinds_and_follows_the_schema(site_result: AuditResult) -> None:
    doc = audit_document(site_result)
    schema = json.loads(resources.files("reuse_audit").joinpath("data/audit-report.schema.json")
                        .read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["summary"]["findings"]["insecure_url"] == 1 and doc["summary"]["findings"]["weak_2fa"] == 1
    shop = next(e for e in doc["entries"] if e["title"] == "Old shop")
    assert shop["findings"] == ["insecure_url"] and shop["reason_codes"] == ["insecure_url"]
    assert {"2fa", "urls"} <= set(doc["checks"])


@pytest.mark.parametrize("fmt", list(AuditFormat))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_format_renders_the_site_kinds(site_result: AuditResult, fmt: AuditFormat, lang: str) -> None:
    text = render_audit(site_result, fmt, AuditRender(lang=lang, width=400))
    text = re.sub(r"\\(.)", r"\1", text)  # Markdown escapes punctuation
    kinds = ("insecure_url", "passkey_available") if lang == "en" or fmt in (AuditFormat.JSON, AuditFormat.CSV) \
        else ("暗号化されていない URL", "パスキー対応")  # the human formats show a kind in words in Japanese
    assert all(k in text for k in kinds) and "shop.example.com" in text
    if fmt == AuditFormat.HTML:
        assert "GitHub <b>" not in text and "GitHub &lt;b&gt;" in text


# ---- baseline and history --------------------------------------------------------------------------------------

def test_an_older_baseline_without_the_site_kinds_loads_and_they_come_out_new(site_result: AuditResult,
                                                                            tmp_path: Path) -> None:
    from reuse_audit.hygiene.baseline import compare, create_baseline, load_baseline

    data = create_baseline(site_result)
    old = {**data, "findings": [f for f in data["findings"]
                                if f["kind"] not in ("insecure_url", "no_2fa", "weak_2fa", "passkey_available")]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    diff = compare(site_result, load_baseline(path))
    assert {f.kind for f in diff.new} == {K.INSECURE_URL, K.NO_2FA, K.WEAK_2FA, K.PASSKEY_AVAILABLE}
    path.write_text(json.dumps(data))
    assert compare(site_result, load_baseline(path)).new == ()


def test_an_older_history_line_reads_the_site_kinds_as_not_checked(tmp_path: Path) -> None:
    from reuse_audit.hygiene.history import HistoryPoint, read_history, trend_line

    older = {"history_version": 1, "time": "2025-01-01T00:00:00Z", "entries_audited": 3,
             "findings": {"master_password": 0, "pwned": 0, "reused": 2, "variant": 0, "weak": 1, "policy": 1,
                          "expired": 0, "old": 0}}
    path = tmp_path / "history.jsonl"
    path.write_text(json.dumps(older) + "\n")
    (point,) = read_history(path)
    assert point.findings["no_2fa"] is None and point.findings["insecure_url"] is None
    now = HistoryPoint("2026-01-01T00:00:00Z", 3, {**older["findings"], "no_2fa": 2, "insecure_url": 0,
                                                   "weak_2fa": 0, "passkey_available": 0})
    assert "no_2fa: not checked → 2" in trend_line(point, now)
