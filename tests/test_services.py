"""Domains and the services catalogue: what a vault entry's URL resolves to."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from reuse_audit.services import (
    Category,
    change_password_url,
    email_domain,
    host_from_url,
    is_email,
    looks_like_mail_host,
    lookup_service,
    mailbox_provider_domains,
    registrable_domain,
)
from reuse_audit.services.directory import CATEGORY_MAP, build_catalogue, category_of


def _data_text(name: str) -> str:
    return resources.files("reuse_audit").joinpath("data", name).read_text(encoding="utf-8")


def _lookup(host: str) -> tuple[str, Category]:
    service = lookup_service(host)
    assert service is not None, host
    return service.name, service.category


# --- hosts and domains -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://webmail.aaa.jp/login", "webmail.aaa.jp"),
        ("webmail.aaa.jp/login", "webmail.aaa.jp"),
        ("aaa.jp", "aaa.jp"),
        ("AAA.JP.", "aaa.jp"),
        ("aaa.jp:8443/x?y=1", "aaa.jp"),
        ("https://user:pw@Mail.AAA.co.jp:993/", "mail.aaa.co.jp"),
        ("  http://192.168.1.10:8080/admin ", "192.168.1.10"),
        ("https://[2001:db8::1]:8443/", "2001:db8::1"),
        ("localhost:3000", "localhost"),
        ("ssh://git@nas.local", "nas.local"),
        ("https://xn--eckwd4c7c.jp/", "ドメイン.jp"),
        ("ｗｅｂｍａｉｌ．ａａａ。ｊｐ", "webmail.aaa.jp"),
    ],
)
def test_host_from_url_finds_the_host(url: str, host: str) -> None:
    assert host_from_url(url) == host


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "{S:Website}",
        "https://{REF:A@I:0123}/login",
        "cmd://putty.exe -ssh host",
        "androidapp://com.example.app",
        "iosapp://com.example",
        "mailto:taro@aaa.jp",
        "javascript:alert(1)",
        "https://[::1/",
        "not a url",
    ],
)
def test_host_from_url_rejects_fields_without_a_site(url: str) -> None:
    assert host_from_url(url) is None


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("mail.aaa.co.jp", "aaa.co.jp"),
        ("webmail.aaa.jp", "aaa.jp"),
        ("aaa.jp", "aaa.jp"),
        ("a.b.c.example.com", "example.com"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("Mail.Google.COM.", "google.com"),
        ("alice.github.io", "alice.github.io"),
        ("co.jp", "co.jp"),
    ],
)
def test_registrable_domain_uses_the_public_suffix_list(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    "host",
    ["192.168.0.1", "10.0.0.5", "2001:db8::1", "nas", "localhost", "wiki.corp.local", "router.lan",
     "git.example.internal", "a.b.intranetonly"],
)  # fmt: skip
def test_registrable_domain_keeps_ip_and_intranet_hosts(host: str) -> None:
    assert registrable_domain(host) == host


def test_email_addresses_are_recognised_and_their_domain_extracted() -> None:
    assert is_email("Taro.Yamada+x@Mail.AAA.co.jp")
    assert email_domain("Taro.Yamada+x@Mail.AAA.co.jp") == "mail.aaa.co.jp"
    for not_email in ("", "taro", "taro@", "@aaa.jp", "taro@aaa", "a b@aaa.jp", "T <t@aaa.jp>", "a@b@c.jp"):
        assert not is_email(not_email), not_email
        assert email_domain(not_email) is None


# --- catalogue lookups -------------------------------------------------------------------------------


def test_google_com_is_the_google_account_identity() -> None:
    assert _lookup("google.com")[1] is Category.IDENTITY
    assert _lookup("accounts.google.com")[1] is Category.IDENTITY


def test_full_host_entry_beats_the_registrable_domain_entry() -> None:
    assert _lookup("mail.google.com") == ("Gmail", Category.EMAIL)
    assert _lookup("drive.google.com")[1] is Category.CLOUD
    assert _lookup("cloud.google.com")[1] is Category.CLOUD


def test_unlisted_subdomain_falls_back_to_its_closest_parent() -> None:
    assert _lookup("x.mail.google.com") == ("Gmail", Category.EMAIL)
    assert _lookup("www.google.com")[1] is Category.IDENTITY


def test_apple_account_overrides_the_directorys_retail_filing() -> None:
    # The 2FA Directory files Apple under retail; an Apple Account (iCloud mail, Find My) is an identity.
    assert _lookup("appleid.apple.com")[1] is Category.IDENTITY
    assert _lookup("www.apple.com")[1] is Category.IDENTITY


@pytest.mark.parametrize(
    "host", ["twitter.com", "x.com", "mobile.twitter.com", "instagram.com", "facebook.com"]
)
def test_big_social_networks_are_social(host: str) -> None:
    assert _lookup(host)[1] is Category.SOCIAL


@pytest.mark.parametrize(
    ("host", "category"),
    [
        ("www.amazon.co.jp", Category.SHOPPING),
        ("rakuten.co.jp", Category.SHOPPING),
        ("jp.mercari.com", Category.SHOPPING),
        ("login.yahoo.co.jp", Category.IDENTITY),
        ("mail.yahoo.co.jp", Category.EMAIL),
        ("line.me", Category.SOCIAL),
        ("secure.sakura.ad.jp", Category.CLOUD),
        ("secure.xserver.ne.jp", Category.CLOUD),
        ("user.lolipop.jp", Category.CLOUD),
        ("navi.onamae.com", Category.CLOUD),
        ("direct.bk.mufg.jp", Category.FINANCE),
        ("smbc.co.jp", Category.FINANCE),
        ("mizuhobank.co.jp", Category.FINANCE),
        ("japannetbank.co.jp", Category.FINANCE),
        ("paypay.ne.jp", Category.FINANCE),
        ("login.microsoftonline.com", Category.IDENTITY),
        ("outlook.live.com", Category.EMAIL),
        ("icloud.com", Category.EMAIL),
    ],
)
def test_services_our_users_name_have_our_categories(host: str, category: Category) -> None:
    assert _lookup(host)[1] is category


def test_value_weight_follows_the_category_and_marks_high_value_accounts() -> None:
    google, amazon = lookup_service("google.com"), lookup_service("amazon.com")
    assert google is not None and amazon is not None
    assert google.value_weight == 100 and google.high_value
    assert amazon.value_weight == 40 and not amazon.high_value


def test_site_without_2fa_has_no_tfa_methods() -> None:
    bank = lookup_service("aozorabank.co.jp")  # the 2FA Directory lists it without any second factor
    assert bank is not None
    assert bank.tfa_known and bank.tfa_methods == () and bank.tfa_url is None


def test_site_with_2fa_docs_has_methods_and_a_docs_url() -> None:
    github = lookup_service("github.com")
    assert github is not None
    assert "totp" in github.tfa_methods
    assert github.tfa_url is not None and github.tfa_url.startswith("https://")


def test_override_without_2fa_data_is_marked_unknown_not_none() -> None:
    sakura = lookup_service("sakura.ad.jp")
    assert sakura is not None
    assert not sakura.tfa_known


@pytest.mark.parametrize(
    "host", [None, "", "192.168.1.1", "nas", "co.jp", "unknown-site.example", "ドメイン.jp", "[::1", "[x]"]
)
def test_unknown_hosts_have_no_service(host: str | None) -> None:
    assert lookup_service(host) is None


def test_importing_the_catalogue_does_not_load_it() -> None:
    code = (
        "import reuse_audit.services.catalogue as c; import reuse_audit.services.domains as d; "
        "assert c._catalogue.cache_info().currsize == 0; assert d._psl.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- mailboxes -----------------------------------------------------------------------------------------


def test_mailbox_of_a_gmail_address_is_served_by_google() -> None:
    domains = mailbox_provider_domains("gmail.com")
    assert domains[0] == "gmail.com"
    assert "google.com" in domains


def test_mailbox_of_an_own_domain_is_served_by_that_domain() -> None:
    assert mailbox_provider_domains("aaa.jp") == ("aaa.jp",)
    assert mailbox_provider_domains("Sales.AAA.co.jp") == ("aaa.co.jp",)
    assert registrable_domain("webmail.aaa.jp") in mailbox_provider_domains("aaa.jp")


@pytest.mark.parametrize(
    ("address_domain", "login_domain"),
    [("hotmail.com", "live.com"), ("outlook.jp", "microsoft.com"), ("me.com", "apple.com"),
     ("icloud.com", "icloud.com"), ("yahoo.co.jp", "yahoo.co.jp"), ("pm.me", "proton.me")],
)  # fmt: skip
def test_mailbox_providers_list_their_login_domains(address_domain: str, login_domain: str) -> None:
    assert login_domain in mailbox_provider_domains(address_domain)


def test_mailbox_provider_domains_of_garbage_is_empty() -> None:
    assert mailbox_provider_domains("") == ()


@pytest.mark.parametrize(
    "host",
    ["webmail.aaa.jp", "mail.aaa.co.jp", "imap.example.com", "smtp2.example.com", "pop3.example.jp",
     "mx1.example.com", "owa.example.com", "roundcube.example.net", "mail-ssl.example.jp",
     "outlook.office.com", "mail.google.com", "gmail.com", "webmail", "mail.corp.local"],
)  # fmt: skip
def test_mail_hosts_are_recognised(host: str) -> None:
    assert looks_like_mail_host(host)


@pytest.mark.parametrize(
    "host",
    [None, "", "www.aaa.jp", "mailchimp.com", "shop.example.com", "192.168.1.1", "gmailer.example.com"],
)
def test_other_hosts_are_not_mail_hosts(host: str | None) -> None:
    assert not looks_like_mail_host(host)


def test_change_password_url_is_the_well_known_url() -> None:
    assert (
        change_password_url("accounts.example.com")
        == "https://accounts.example.com/.well-known/change-password"
    )
    assert change_password_url("Example.COM.") == "https://example.com/.well-known/change-password"


# --- packaged data ---------------------------------------------------------------------------------


def test_packaged_catalogue_loads_through_importlib_resources() -> None:
    catalogue = json.loads(_data_text("services.json"))
    assert catalogue["fields"] == ["name", "domains", "category", "tfa", "tfa_url", "role"]
    assert catalogue["source"]["date"] == "2026-08"  # the month of the 2FA Directory snapshot
    assert len(catalogue["services"]) > 2000
    assert {row[2] for row in catalogue["services"]} <= {c.value for c in Category}


def test_overrides_name_valid_categories_and_domains() -> None:
    for record in json.loads(_data_text("services_overrides.json"))["services"]:
        Category(record["category"])
        assert record["domains"] and all(host_from_url(d) == d for d in record["domains"]), record


def test_2fa_directory_licence_notice_is_shipped() -> None:
    notice = _data_text("2fa-directory-LICENSE.md")
    assert "MIT License" in notice and "2factorauth" in notice


# --- building from the 2FA Directory --------------------------------------------------------------------


def test_every_directory_category_maps_onto_ours() -> None:
    assert len(CATEGORY_MAP) >= 39
    assert set(CATEGORY_MAP.values()) == set(Category)


def test_entry_with_several_categories_takes_the_most_valuable() -> None:
    assert category_of(["email", "backup", "vpn", "identity"]) is Category.IDENTITY
    assert category_of(["retail"]) is Category.SHOPPING


def test_unmapped_directory_category_stops_the_build() -> None:
    with pytest.raises(ValueError, match="brand-new"):
        category_of(["brand-new"])


def test_registrable_domain_without_its_own_entry_gets_the_most_valuable_representative() -> None:
    entries = {
        "Example Play": {"domain": "play.example.com", "categories": ["entertainment"]},
        "Example Mail": {"domain": "mail.example.com", "categories": ["email"], "tfa": ["totp"],
                         "documentation": "https://example.com/2fa"},
        "Example Pay": {"domain": "pay.example.com", "categories": ["payments"]},
    }  # fmt: skip
    built = build_catalogue(entries, source={})
    representative = built["services"][built["representatives"]["example.com"]]
    assert representative == [
        "Example Mail",
        ["mail.example.com"],
        "email",
        ["totp"],
        "https://example.com/2fa",
        None,
    ]


def test_web_hosts_and_registrars_keep_their_role() -> None:
    entries = {"Host": {"domain": "host.example", "categories": ["hosting", "cloud"]},
               "Registrar": {"domain": "reg.example", "categories": ["domains"]},
               "Cloud": {"domain": "cloud.example", "categories": ["cloud"]}}
    roles = {row[0]: row[5] for row in build_catalogue(entries, source={})["services"]}
    assert roles == {"Cloud": None, "Host": "hosting", "Registrar": "domains"}


def test_japanese_hosts_and_registrars_hold_the_keys_to_a_domains_mail() -> None:
    from reuse_audit.services.catalogue import ServiceRole, lookup_service

    for host, role in (("secure.xserver.ne.jp", ServiceRole.HOSTING), ("secure.sakura.ad.jp", ServiceRole.HOSTING),
                       ("user.lolipop.jp", ServiceRole.HOSTING), ("manage.conoha.jp", ServiceRole.HOSTING),
                       ("navi.onamae.com", ServiceRole.DOMAINS)):
        service = lookup_service(host)
        assert service is not None and service.role is role, host


@pytest.mark.parametrize(("host", "public"), [("co.jp", True), ("jp", True), ("com", True), ("github.io", True),
                                              ("aaa.jp", False), ("mail.aaa.co.jp", False), ("192.168.0.1", False),
                                              ("intranet", False)])
def test_public_suffixes_are_recognised(host: str, public: bool) -> None:
    from reuse_audit.services.domains import is_public_suffix

    assert is_public_suffix(host) is public


@pytest.mark.parametrize(("url", "host"), [
    ("https://evil.example\\@good.example/", "evil.example"),  # a browser goes to evil.example (WHATWG)
    ("evil.example\\@good.example", "evil.example"),
    ("https://good.example/a\\b", "good.example"),
])
def test_a_backslash_in_a_web_url_ends_its_host_as_in_a_browser(url: str, host: str) -> None:
    from reuse_audit.services.domains import host_from_url

    assert host_from_url(url) == host
