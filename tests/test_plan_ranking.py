"""The rotation plan's ranking, tested as properties of the order rather than one frozen list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from reuse_audit.plan.formats import PlanFormat
from tests.conftest import MASTER, E, assert_no_leak

MAIL = "Kamome2019!"
OTP = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"

VAULT = [
    E("aaa webmail admin", MAIL, "admin@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
    E("aaa webmail info", MAIL, "info@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
    E("Google", MAIL, "admin@aaa.jp", "https://accounts.google.com/"),
    E("Instagram", MAIL, "aaa.shop", "https://www.instagram.com/"),
    E("Random blog", MAIL, "kamome", "https://blog.example.net/"),
    E("Random blog with OTP", MAIL, "kamome", "https://blog2.example.net/", otp=OTP),
    E("Twitter", "Kamome2020!", "aaa_jp", "https://x.com/"),
    E("Amazon", "u7^Hq2$Wn5&Kp9*Ze3Rb", "admin@aaa.jp", "https://www.amazon.co.jp/"),
    E("Shop A", "Shop-pass-77", "shopper", "https://a.example/"),
    E("Shop B", "Shop-pass-77", "shopper", "https://b.example/"),
    E("Forum", "password1", "kamome", "https://forum.example.org/"),
    E("Bank", "Zr4!tW8#pQ2&nL6^xV0s", "1234567", "https://bank.example/", otp=OTP),
    E("Excluded sharer", MAIL, "x", "https://excluded.example/", excluded="quality"),
    E("Excluded weak", "qwz", "x", "https://excluded2.example/", excluded="quality"),
    E("Trash sharer", MAIL, "admin@aaa.jp", "https://trash.example/", recycle=True),
]


@pytest.fixture
def plan_vault(vault_factory) -> Path:  # type: ignore[no-untyped-def]
    return vault_factory(VAULT)


def _plan(path: Path, *selectors: str, extra: tuple[str, ...] = (), password: str = MASTER):  # type: ignore[no-untyped-def]
    args = ["plan", str(path), "--password-stdin", "--offline", "--format", "json", "--lang", "en", *extra]
    for s in selectors:
        args += ["--breached", s]
    return CliRunner().invoke(app, args, input=password + "\n")


def _steps(path: Path, *selectors: str) -> list[dict]:  # type: ignore[type-arg]
    result = _plan(path, *selectors)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["steps"]


def _pos(steps: list[dict], title: str) -> int:  # type: ignore[type-arg]
    return next(i for i, s in enumerate(steps) if s["title"] == title)


def test_mailbox_selector_breaches_the_mailbox_entry(plan_vault) -> None:  # type: ignore[no-untyped-def]
    result = _plan(plan_vault, "admin@aaa.jp")
    doc = json.loads(result.stdout)
    mailbox = doc["breach"]["mailbox"]
    assert mailbox["address"] == "admin@aaa.jp"
    steps = doc["steps"]
    assert mailbox["uuid"] == steps[0]["uuid"]
    assert steps[0]["title"] == "aaa webmail admin" and steps[0]["tier"] == 1
    assert "webmail.aaa.jp" in mailbox["why"]
    assert doc["breach"]["matched"] == [mailbox["uuid"]]


def test_exact_sharers_above_variants_above_registered_above_hygiene_above_clean(plan_vault) -> None:  # type: ignore[no-untyped-def]
    steps = _steps(plan_vault, "admin@aaa.jp")
    tier = {s["title"]: s["tier"] for s in steps}
    assert tier["Google"] == 2 and tier["Instagram"] == 2
    assert tier["Twitter"] == 3
    assert tier["Amazon"] == 4
    assert tier["Forum"] == 5 and tier["Shop A"] == 5
    assert tier["Bank"] == 6
    assert [s["tier"] for s in steps] == sorted(s["tier"] for s in steps)


def test_same_domain_mailboxes_come_first_among_sharers(plan_vault) -> None:  # type: ignore[no-untyped-def]
    steps = _steps(plan_vault, "admin@aaa.jp")
    sharers = [s for s in steps if s["tier"] == 2]
    assert sharers[0]["title"] == "aaa webmail info"
    assert "same_domain_mailbox" in sharers[0]["reason_codes"]
    assert _pos(steps, "Google") < _pos(steps, "Instagram") < _pos(steps, "Random blog")


def test_otp_lowers_an_entry_within_its_tier(plan_vault) -> None:  # type: ignore[no-untyped-def]
    steps = _steps(plan_vault, "admin@aaa.jp")
    assert _pos(steps, "Random blog") < _pos(steps, "Random blog with OTP")
    assert "has_otp" in steps[_pos(steps, "Random blog with OTP")]["reason_codes"]


def test_recycle_bin_is_never_in_the_plan(plan_vault) -> None:  # type: ignore[no-untyped-def]
    assert "Trash sharer" not in {s["title"] for s in _steps(plan_vault, "admin@aaa.jp")}


def test_excluded_entries_stay_in_breach_tiers_but_leave_hygiene(plan_vault) -> None:  # type: ignore[no-untyped-def]
    titles = {s["title"]: s["tier"] for s in _steps(plan_vault, "admin@aaa.jp")}
    assert titles["Excluded sharer"] == 2
    assert "Excluded weak" not in titles


def test_registered_accounts_are_secured_not_changed(plan_vault) -> None:  # type: ignore[no-untyped-def]
    amazon = next(s for s in _steps(plan_vault, "admin@aaa.jp") if s["title"] == "Amazon")
    assert amazon["action"] == "secure_account"
    assert "registered_to_breached_address" in amazon["reason_codes"]


def test_change_steps_carry_the_well_known_change_url(plan_vault) -> None:  # type: ignore[no-untyped-def]
    google = next(s for s in _steps(plan_vault, "admin@aaa.jp") if s["title"] == "Google")
    assert google["change_url"] == "https://accounts.google.com/.well-known/change-password"
    assert google["tfa_url"]


def test_title_selector_matching_several_entries_breaches_them_all(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("Shop", "pw-one-123456!"), E("shop", "pw-two-123456!"), E("Other", "pw-3-12345678!")])
    steps = _steps(path, "SHOP")
    assert [s["tier"] for s in steps[:2]] == [1, 1]


def test_host_selector_matches_entry_urls(plan_vault) -> None:  # type: ignore[no-untyped-def]
    steps = _steps(plan_vault, "instagram.com")
    assert steps[0]["title"] == "Instagram" and steps[0]["tier"] == 1
    assert {s["title"] for s in steps if s["tier"] == 2} >= {"Google", "aaa webmail admin"}


def test_selector_matching_nothing_is_exit_2_with_near_matches(plan_vault) -> None:  # type: ignore[no-untyped-def]
    result = _plan(plan_vault, "Gogle")
    assert result.exit_code == 2
    assert "Google" in result.output
    assert "Traceback" not in result.output


def test_address_outside_the_vault_still_ranks_registered_accounts(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("Shop", "u7^Hq2$Wn5&Kp9*Ze3Rb", "boss@aaa.jp", "https://shop.example/"),
                          E("Blog", "Zr4!tW8#pQ2&nL6^xV0s", "blogger", "https://blog.example/")])
    doc = json.loads(_plan(path, "boss@aaa.jp").stdout)
    assert doc["breach"]["mailbox"]["uuid"] is None
    tiers = {s["title"]: s["tier"] for s in doc["steps"]}
    assert tiers["Shop"] == 4


def test_master_password_sharing_the_breached_password_comes_first(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("Mail", MASTER, "me@x.jp", "https://webmail.x.jp/"), E("Other", "u7^Hq2$Wn5&Kp9*Ze3Rb")])
    steps = _steps(path, "me@x.jp")
    assert steps[0]["tier"] == 0 and steps[0]["action"] == "change_master_password"
    assert steps[0]["uuid"] is None


def test_no_breach_orders_by_general_exposure(plan_vault) -> None:  # type: ignore[no-untyped-def]
    steps = _steps(plan_vault)
    assert {s["tier"] for s in steps} <= {0, 5, 6}
    assert steps[-1]["tier"] == 6


@pytest.mark.parametrize("fmt", list(PlanFormat))
def test_every_plan_format_renders_without_secrets(plan_vault, fmt) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["plan", str(plan_vault), "--password-stdin", "--offline", "--format",
                                      fmt.value, "--breached", "admin@aaa.jp"], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    assert "Google" in result.stdout
    assert_no_leak(result.output, [e.password for e in VAULT] + [MASTER])


def test_demo_runs_the_plan_offline_and_exits_zero() -> None:
    result = CliRunner().invoke(app, ["demo", "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["breach"]["mailbox"]["address"] == "admin@aaa.jp"
    tiers = {s["title"]: s["tier"] for s in doc["steps"]}
    assert tiers["aaa.jp webmail (admin)"] == 1
    assert tiers["aaa.jp webmail (info)"] == tiers["Google"] == tiers["Instagram"] == 2
    assert tiers["Twitter"] == 3
    assert tiers["Amazon"] == 4
    forum = next(s for s in doc["steps"] if s["title"] == "Small forum")
    assert "pwned" in forum["reason_codes"]
    assert "Old FTP" not in tiers


def test_a_public_suffix_is_not_a_host_selector(plan_vault) -> None:  # type: ignore[no-untyped-def]
    for suffix in ("co.jp", "com", "jp"):
        result = _plan(plan_vault, suffix)
        assert result.exit_code == 2, result.output


def test_plan_steps_carry_their_reuse_and_variant_groups(plan_vault) -> None:  # type: ignore[no-untyped-def]
    result = _plan(plan_vault, "admin@aaa.jp")
    doc = json.loads(result.stdout)
    google = next(s for s in doc["steps"] if s["title"] == "Google")
    twitter = next(s for s in doc["steps"] if s["title"] == "Twitter")
    assert google["reuse_group"] and google["reuse_group"] in {g["id"] for g in doc["reuse_groups"]}
    assert twitter["variant_group"] and twitter["variant_group"] in {g["id"] for g in doc["variant_groups"]}


def test_site_name_variant_of_the_breached_password_is_a_variant_step(vault_factory) -> None:  # type: ignore[no-untyped-def]
    # blue-kettle-gmail / blue-kettle-twitter: one pattern with the site's name swapped in; the audit's
    # variant check finds it from the entries' site names, and so must the plan's breach tiers.
    path = vault_factory([
        E("Gmail", "blue-kettle-gmail", "kettle@gmail.com", "https://mail.google.com/", "Mail"),
        E("Twitter", "blue-kettle-twitter", "kettle", "https://x.com/"),
        E("Unrelated", "Zr4!tW8#pQ2&nL6^xV0s", "kettle", "https://example.org/"),
    ])
    steps = _steps(path, "kettle@gmail.com")
    twitter = steps[_pos(steps, "Twitter")]
    assert twitter["tier"] == 3 and twitter["action"] == "change_password"
    assert "variant_of_breached" in twitter["reason_codes"] or any(
        c.startswith("variant") for c in twitter["reason_codes"]), twitter["reason_codes"]
    assert "site name swapped in" in " ".join(twitter["reasons"])
    assert steps[_pos(steps, "Unrelated")]["tier"] > 3
