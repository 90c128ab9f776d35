"""The Passkeys Directory in the service catalogue: built with its credit, merged into the services by host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from reuse_audit.services import catalogue
from reuse_audit.services.catalogue import Category, lookup_service
from reuse_audit.services.passkeys_directory import CREDIT, build_passkeys, licence_notice

SHARED = Path(__file__).resolve().parents[2] / "shared" / "passkeys-directory"


def _data(name: str) -> str:
    return resources.files("reuse_audit").joinpath("data", name).read_text(encoding="utf-8")


def test_the_passkey_data_ships_with_its_source_and_licence() -> None:
    data = json.loads(_data("passkeys.json"))
    assert data["fields"] == ["name", "domains", "category", "passwordless", "mfa", "url"]
    assert data["source"]["name"] == "Passkeys Directory" and data["source"]["licence"].startswith("CC BY 4.0")
    assert len(data["sites"]) > 250


def test_the_licence_notice_credits_the_directory_and_says_what_changed() -> None:
    notice = _data("passkeys-directory-LICENSE.md")
    assert "Passkeys Directory (passkeys.2fa.directory), CC BY 4.0" in notice
    assert "Changes:" in notice and "Creative Commons Attribution 4.0 International" in notice


def test_the_licence_notice_is_a_licence_file_of_the_package() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert "reuse_audit/data/passkeys-directory-LICENSE.md" in pyproject


@pytest.mark.skipif(not (SHARED / "entries").is_dir(), reason="shared Passkeys Directory copy not present")
def test_rebuilding_from_the_directory_gives_the_shipped_sites() -> None:
    entries = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "entries").glob("*/*.json"))}
    assert build_passkeys(entries, source={})["sites"] == json.loads(_data("passkeys.json"))["sites"]


def test_build_keeps_sites_that_take_a_passkey_either_way_and_maps_their_category() -> None:
    entries = {
        "a.example": {"A": {"passwordless": "allowed", "documentation": "https://a.example/pk",
                            "categories": "hotels"}},
        "b.example": {"B": {"mfa": "allowed", "categories": ["banking"], "additional-domains": ["B.Example.net"]}},
        "c.example": {"C": {"categories": "other"}},
    }  # fmt: skip
    sites = build_passkeys(entries, source={})["sites"]
    assert sites == [["A", ["a.example"], "shopping", True, False, "https://a.example/pk"],
                     ["B", ["b.example", "b.example.net"], "finance", False, True, None]]


def test_the_notice_names_the_commit_it_was_built_from() -> None:
    source = {"repository": "https://github.com/2factorauth/passkeys", "commit": "ab" * 20}
    text = licence_notice("LICENCE TEXT", source)
    assert CREDIT in text and "ab" * 20 in text and text.rstrip().endswith("LICENCE TEXT")


# ---- the packaged catalogue ---------------------------------------------------------------------------------------

def test_a_passkey_site_of_the_2fa_directory_gains_passwordless_and_its_page() -> None:
    github = lookup_service("github.com")
    assert github is not None and github.passwordless and github.passkey_mfa
    assert github.passkey_url == "https://docs.github.com/en/authentication/authenticating-with-a-passkey/about-passkeys"


def test_every_host_of_a_listed_service_gains_it() -> None:
    jp = lookup_service("www.amazon.co.jp")
    assert jp is not None and jp.name == "Amazon" and jp.passwordless


def test_a_site_only_the_passkeys_directory_knows_becomes_a_service_with_unknown_2fa() -> None:
    tailscale = lookup_service("login.tailscale.com")
    assert tailscale is not None and tailscale.passwordless
    assert tailscale.tfa_known is False and tailscale.category is Category.CLOUD


def test_our_table_says_google_accounts_take_passkeys() -> None:
    google = lookup_service("accounts.google.com")
    assert google is not None and google.name == "Google Account" and google.passwordless


def test_a_site_without_passkeys_stays_without() -> None:
    rakuten = lookup_service("www.rakuten.co.jp")
    assert rakuten is not None and not rakuten.passwordless and not rakuten.passkey_mfa


# ---- the merge rules, on data of our own --------------------------------------------------------------------------

@pytest.fixture
def small_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    files: dict[str, Any] = {
        catalogue.SERVICES_FILE: {"services": [
            ["Shop", ["shoptest.com", "shoptest.net"], "shopping", ["totp"], None],
            ["Mail", ["mail.bigtest.com"], "email", ["sms"], None],
            ["Stated", ["statedtest.com"], "other", [], None],
        ], "representatives": {"bigtest.com": 1}},
        catalogue.OVERRIDES_FILE: {"services": [
            {"name": "Stated", "category": "other", "domains": ["statedtest.com"], "passwordless": False},
        ]},
        catalogue.PASSKEYS_FILE: {"sites": [
            ["Shop", ["shoptest.com"], "shopping", True, False, "https://shop.example/pk"],
            ["Big", ["bigtest.com"], "email", True, True, None],
            ["Stated", ["statedtest.com"], "other", True, False, None],
            ["New", ["newtest.com", "newtest.org"], "cloud", True, False, None],
        ]},
    }  # fmt: skip
    catalogue._catalogue.cache_clear()
    monkeypatch.setattr(catalogue, "_read_data", lambda name: json.loads(json.dumps(files[name])))
    yield
    catalogue._catalogue.cache_clear()


@pytest.mark.usefixtures("small_catalogue")
def test_a_listed_host_marks_the_service_on_all_its_hosts() -> None:
    other_host = lookup_service("shoptest.net")
    assert other_host is not None and other_host.passwordless and other_host.passkey_url == "https://shop.example/pk"


@pytest.mark.usefixtures("small_catalogue")
def test_a_representative_host_gets_a_copy_of_its_own() -> None:
    big, mail = lookup_service("bigtest.com"), lookup_service("mail.bigtest.com")
    assert big is not None and big.passwordless and big.name == "Mail"
    assert mail is not None and not mail.passwordless


@pytest.mark.usefixtures("small_catalogue")
def test_an_override_that_states_passwordless_is_left_as_it_is() -> None:
    stated = lookup_service("statedtest.com")
    assert stated is not None and stated.passwordless is False


@pytest.mark.usefixtures("small_catalogue")
def test_unknown_hosts_of_a_site_become_one_new_service() -> None:
    new, alias = lookup_service("newtest.com"), lookup_service("www.newtest.org")
    assert new is not None and new == alias and new.name == "New" and not new.tfa_known
