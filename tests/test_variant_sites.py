"""Site-name variants: one password with each site's own name swapped in, found by blocking, never by chance."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reuse_audit.audit import AuditOptions, Check, ExposureSettings, run_audit
from reuse_audit.checks.site_names import entry_site_names
from reuse_audit.checks.variant_forms import password_forms
from reuse_audit.checks.variant_sites import site_forms
from reuse_audit.checks.variants import SITE_NAME, VariantCluster, find_variant_groups, variant_kind
from reuse_audit.credentials import Credential
from reuse_audit.findings import FindingKind as K
from reuse_audit.i18n import Translator
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E
from tests.test_variants import pairwise_clusters

GMAIL = ("gmail", "google", "mail")
TWITTER = ("twitter", "x", "tw")


def _cred(title: str, url: str = "") -> Credential:
    return Credential(uuid="00000000-0000-0000-0000-000000000001", title=title, username="", url=url, group="",
                      password=Secret("not-used"))


# ---- pairs ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "names_a", "b", "names_b"), [
    ("base-gmail", GMAIL, "base-twitter", TWITTER),
    ("blue-kettle-gmail", GMAIL, "blue-kettle-twitter", TWITTER),
    ("Amazon!Secret9", ("amazon",), "Rakuten!Secret9", ("rakuten",)),
    ("amazonsecret9", ("amazon",), "rakutensecret9", ("rakuten",)),
    ("myGmail2024", GMAIL, "myTwitter2024", TWITTER),
    ("Amaz0n!Secret9", ("amazon",), "Rakuten!Secret9", ("rakuten",)),
    ("fb-Secret99", ("facebook", "fb"), "tw-Secret99", TWITTER),
    ("gmailbase1", GMAIL, "base1twitter", TWITTER),
    ("楽天Sakura88!", ("楽天",), "アマゾンSakura88!", ("アマゾン",)),
])  # fmt: skip
def test_a_password_with_each_sites_name_swapped_in_is_a_site_name_variant(
        a: str, names_a: tuple[str, ...], b: str, names_b: tuple[str, ...]) -> None:
    assert variant_kind(a, b, names_a=names_a, names_b=names_b) == SITE_NAME
    assert variant_kind(b, a, names_a=names_b, names_b=names_a) == SITE_NAME


def test_without_site_names_the_same_pair_is_not_a_variant() -> None:
    assert variant_kind("blue-kettle-gmail", "blue-kettle-twitter") is None
    assert variant_kind("Amazon!Secret9", "Rakuten!Secret9") is None


def test_a_name_that_is_not_the_entrys_own_site_does_not_count() -> None:
    assert variant_kind("base-gmail", "base-twitter", names_a=("amazon",), names_b=TWITTER) is None


def test_a_short_name_counts_only_as_a_whole_token() -> None:
    assert variant_kind("fbsecret99", "twsecret99", names_a=("fb",), names_b=("tw",)) is None


def test_a_password_that_is_little_more_than_the_site_name_shares_no_secret() -> None:
    assert variant_kind("gmail2", "twitter2", names_a=GMAIL, names_b=TWITTER) is None


def test_the_same_name_in_both_is_another_kind_not_a_swap() -> None:
    assert variant_kind("Base-Gmail", "base-gmail", names_a=GMAIL, names_b=GMAIL) == "case"


def test_a_site_name_pair_is_clustered_with_its_kind() -> None:
    passwords = ["base-gmail", "unrelated-Qz81!", "base-twitter"]
    clusters = find_variant_groups(passwords, [GMAIL, ("other",), TWITTER])
    assert clusters == [VariantCluster(members=(0, 2), kinds=(SITE_NAME,))]


def test_site_names_must_come_one_per_password_and_say_only_positions() -> None:
    with pytest.raises(ValueError, match=r"site_names has 1 items for 2 passwords") as caught:
        find_variant_groups(["base-gmail", "base-twitter"], [GMAIL])
    assert "base" not in str(caught.value)


def test_site_forms_never_show_the_password() -> None:
    forms = site_forms(password_forms("blue-kettle-gmail"), GMAIL)
    assert "kettle" not in repr(forms) and "kettle" not in str(forms)


# ---- traps ---------------------------------------------------------------------------------------------------

def test_two_passphrases_sharing_one_word_that_names_both_sites_are_not_grouped() -> None:
    assert variant_kind("correct-horse-battery-staple", "purple-horse-window-lamp",
                        names_a=("horse", "club"), names_b=("horse", "shop")) is None


def test_different_passphrases_each_holding_their_sites_word_are_never_grouped() -> None:
    rng = random.Random(41)

    def word() -> str:
        return "".join(rng.choice("bcdfghjkmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))

    passwords: list[str] = []
    names: list[tuple[str, ...]] = []
    for _ in range(400):
        site = word()
        words = [word() for _ in range(4)]
        words[rng.randrange(4)] = site  # the site's name is one of the words
        passwords.append(rng.choice("-_. ").join(words))
        names.append((site, rng.choice(("gmail", "amazon", "rakuten"))))
    unique = dict(zip(passwords, names, strict=True))
    assert find_variant_groups(list(unique), list(unique.values())) == []


def test_blocked_site_name_search_matches_an_exhaustive_pairwise_check() -> None:
    rng = random.Random(9)
    sites = [("gmail", "google"), ("twitter", "tw"), ("amazon",), ("rakuten", "楽天"), ("bank",), ("github", "gh")]
    pool: dict[str, tuple[str, ...]] = {}
    bases = ["blue-kettle-", "Secret9!", "sakura", "x7-", "monkey2024"]
    while len(pool) < 160:
        names = rng.choice(sites)
        base = rng.choice(bases) + str(rng.randint(0, 30))
        name = rng.choice(names)
        candidate = rng.choice([base + name, name + base, base, base.upper() + name, base[::-1]])
        pool.setdefault(candidate, names)
    passwords = list(pool)
    site_names = [pool[p] for p in passwords]
    found = find_variant_groups(passwords, site_names)
    assert {c.members for c in found} == pairwise_clusters(passwords, site_names)
    assert any(SITE_NAME in c.kinds for c in found)


# ---- an entry's site names -------------------------------------------------------------------------------------

def test_site_names_come_from_the_title_the_host_and_the_catalogue() -> None:
    names = entry_site_names(_cred("Work mail", "https://mail.google.com/mail/u/0"))
    assert {"work", "mail", "workmail", "google", "gmail"} <= names


def test_well_known_abbreviations_and_japanese_spellings_join_the_names() -> None:
    assert {"fb", "フェイスブック"} <= entry_site_names(_cred("Facebook", "https://www.facebook.com/"))
    assert {"rakuten", "楽天"} <= entry_site_names(_cred("楽天市場"))


def test_japanese_titles_give_their_script_runs_and_leading_kanji() -> None:
    names = entry_site_names(_cred("楽天カード"))
    assert {"楽天カード", "楽天", "カード", "rakuten"} <= names


def test_words_that_name_no_site_are_left_out() -> None:
    names = entry_site_names(_cred("My account login", "https://www.example.co.jp/login"))
    assert names.isdisjoint({"my", "account", "login", "www", "co", "jp"})
    assert "example" in names


def test_ip_addresses_give_no_host_names() -> None:
    assert entry_site_names(_cred("", "http://192.168.0.1/")) == frozenset()


# ---- in the audit ----------------------------------------------------------------------------------------------

def _audit(path: Path):  # type: ignore[no-untyped-def]
    vault = load_vault(path, VaultKey(Secret(MASTER)))
    return run_audit(vault, AuditOptions(checks=frozenset({Check.VARIANTS}), exposure=ExposureSettings(offline=True)))


def test_the_audit_groups_passwords_with_the_site_name_swapped_in(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("Gmail", "blue-kettle-gmail", url="https://mail.google.com/"),
                                   E("Twitter", "blue-kettle-twitter", url="https://x.com/"),
                                   E("Forum", "Zq-91-unrelated!x")]))
    (group,) = result.variant_groups
    assert group.kinds == (SITE_NAME,) and group.size == 2
    by = {e.credential.title: e for e in result.entries}
    assert K.VARIANT in by["Gmail"].findings and K.VARIANT not in by["Forum"].findings
    reason = next(r for r in by["Gmail"].reasons if r.code == R.VARIANT)
    assert "site name swapped in" in Translator("en").reason(reason)
    assert "サイト名の入れ替え" in Translator("ja").reason(reason)


def test_the_audit_finds_site_names_from_japanese_titles_and_hosts(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("楽天", "楽天Sakura88!"), E("アマゾン", "アマゾンSakura88!"),
                                   E("楽天市場", "rakuten_Hanabi77", url="https://www.rakuten.co.jp/"),
                                   E("ヤフー", "yahoo_Hanabi77", url="https://www.yahoo.co.jp/")]))
    assert sorted(g.size for g in result.variant_groups) == [2, 2]
    assert all(g.kinds == (SITE_NAME,) for g in result.variant_groups)


def test_the_variant_search_task_gives_each_password_the_names_of_every_entry_holding_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's task (:func:`~reuse_audit.audit.variant_search`) makes the names from titles and URLs."""
    import reuse_audit.audit as audit

    sites = [("Gmail", "https://mail.google.com/"), ("Twitter", "https://twitter.com/"),
             ("Backup mail", "https://example.org/"), ("Gmail again", ""), ("Notes", "")]
    of_cred = [0, 1, 0, 0, 2]
    passwords = ["blue-kettle-gmail", "blue-kettle-twitter", "unrelated-9"]
    given: list[list[tuple[str, ...]]] = []
    monkeypatch.setattr(audit, "find_variant_groups", lambda p, names: given.append(list(names)) or [])
    audit.variant_search(passwords, sites, of_cred)
    expected: list[set[str]] = [set(), set(), set()]
    for (title, url), s in zip(sites, of_cred, strict=True):
        expected[s] |= entry_site_names(_cred(title, url))
    assert given == [[tuple(sorted(n)) for n in expected]]
    assert {"gmail", "google", "backup", "example"} <= set(given[0][0])
    monkeypatch.undo()
    clusters = audit.variant_search(passwords, sites, of_cred)
    assert clusters == [VariantCluster((0, 1), (SITE_NAME,))]
