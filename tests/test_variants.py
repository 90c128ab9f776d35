"""Near-duplicate ("variant") passwords: which pairs are variants, of what kind, and how they cluster."""

from __future__ import annotations

import hashlib
import logging
import random
import string

import pytest

from reuse_audit.checks.variant_forms import password_forms
from reuse_audit.checks.variants import (
    KINDS,
    VariantCluster,
    find_variant_groups,
    variant_kind,
)
from reuse_audit.i18n.reasons import VARIANT_KINDS

RANDOM_ALPHABET = string.ascii_letters + string.digits + "!#$%&*+-.:;<=>?@^_~"


def _random_password(rng: random.Random) -> str:
    return "".join(rng.choice(RANDOM_ALPHABET) for _ in range(rng.randint(16, 32)))


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjkmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def pairwise_clusters(passwords: list[str], site_names: list[tuple[str, ...]] | None = None
                      ) -> set[tuple[int, ...]]:
    """Clusters by checking every pair with variant_kind (with each password's site names when given): the
    definition find_variant_groups must match."""
    names = site_names or [()] * len(passwords)
    parent = list(range(len(passwords)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(passwords)):
        for j in range(i + 1, len(passwords)):
            if variant_kind(passwords[i], passwords[j], names_a=names[i], names_b=names[j]) is not None:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(passwords)):
        groups.setdefault(root(i), []).append(i)
    return {tuple(g) for g in groups.values() if len(g) >= 2}


# --- kinds of difference -------------------------------------------------------------------------


def test_capitalisation_only_is_case() -> None:
    assert variant_kind("hunter2", "Hunter2") == "case"


@pytest.mark.parametrize(("a", "b"), [("Tr0ub4dor", "troubador"), ("P@ssw0rd", "password"), ("$ecret", "secret")])
def test_leet_spelling_is_leet(a: str, b: str) -> None:
    assert variant_kind(a, b) == "leet"


@pytest.mark.parametrize(
    ("a", "b"), [("hunter2", "Hunter2!"), ("password", "password123"), ("Tr0ub4dor&3", "troubador")]
)
def test_characters_added_at_the_end_are_appended(a: str, b: str) -> None:
    assert variant_kind(a, b) == "appended"


def test_leet_digit_ending_a_word_is_read_as_its_letter() -> None:
    assert variant_kind("hell0123", "hello") == "appended"


def test_characters_added_at_the_start_are_prefixed() -> None:
    assert variant_kind("!!hunter2", "hunter2") == "prefixed"


def test_a_changed_word_before_a_long_shared_part_is_prefixed() -> None:
    assert variant_kind("aaa-secret-01", "bbb-secret-01") == "prefixed"


def test_next_year_is_year_changed() -> None:
    assert variant_kind("Summer2023!", "Summer2024!") == "year_changed"


def test_a_year_inside_the_password_is_year_changed() -> None:
    assert variant_kind("abc2023def", "abc2024def") == "year_changed"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("aaa-Secret-01", "aaa-Secret-02"),
        ("password1", "password2"),
        ("monkey12", "monkey77"),
        ("summer23", "summer2023"),
        ("12345678", "12345679"),
    ],
)
def test_other_digits_are_digits_changed(a: str, b: str) -> None:
    assert variant_kind(a, b) == "digits_changed"


@pytest.mark.parametrize(("a", "b"), [("Secret-aaa", "Secret-bbb"), ("hunter2", "hunter3!")])
def test_a_different_ending_is_suffix_changed(a: str, b: str) -> None:
    assert variant_kind(a, b) == "suffix_changed"


@pytest.mark.parametrize(("a", "b"), [("correcthorse", "correcthrose"), ("monkey", "donkey")])
def test_one_swapped_or_replaced_letter_is_small_edit(a: str, b: str) -> None:
    assert variant_kind(a, b) == "small_edit"


def test_two_edits_in_a_long_password_are_small_edit() -> None:
    assert variant_kind("correcthorsebattery", "correctxorsebattezy") == "small_edit"


def test_a_long_run_of_whole_words_in_both_is_shared_core() -> None:
    assert variant_kind("zz-correcthorsebattery", "correcthorsebattery-qq") == "shared_core"


def test_passphrases_sharing_three_of_four_words_are_variants() -> None:
    assert variant_kind("correct-horse-battery-staple", "correct-horse-battery-zebra") is not None


def test_variant_kind_does_not_depend_on_argument_order() -> None:
    pairs = [("Summer2023!", "Summer2024!"), ("!!hunter2", "hunter2"), ("monkey", "donkey"), ("apple", "banana")]
    for a, b in pairs:
        assert variant_kind(a, b) == variant_kind(b, a)


def test_every_kind_has_a_description_in_words() -> None:
    kinds = {
        variant_kind(a, b)
        for a, b in [
            ("hunter2", "Hunter2"),
            ("P@ssw0rd", "password"),
            ("password", "password123"),
            ("!!hunter2", "hunter2"),
            ("password1", "password2"),
            ("Secret-aaa", "Secret-bbb"),
            ("Summer2023!", "Summer2024!"),
            ("monkey", "donkey"),
            ("zz-correcthorsebattery", "correcthorsebattery-qq"),
        ]
    }
    kinds.add(variant_kind("base-gmail", "base-twitter", names_a=["gmail"], names_b=["twitter"]))
    assert kinds == set(KINDS) == set(VARIANT_KINDS)
    assert all(description.isascii() and description for description in VARIANT_KINDS.values())


# --- not variants ---------------------------------------------------------------------------------


def test_identical_passwords_are_not_variants() -> None:
    assert variant_kind("hunter2", "hunter2") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("apple", "banana"), ("dragon", "monkey"), ("hunter9601", "winter9601"), ("december3", "november3")],
)
def test_different_words_are_not_variants(a: str, b: str) -> None:
    assert variant_kind(a, b) is None


def test_a_short_core_alone_is_too_weak_evidence() -> None:
    assert variant_kind("abc", "abd") is None
    assert variant_kind("abc!!!!", "abc####") is None


def test_a_short_word_with_long_different_numbers_is_not_a_variant() -> None:
    assert variant_kind("love382918291", "love918273645") is None


def test_two_random_strings_are_not_variants() -> None:
    rng = random.Random(7)
    for _ in range(200):
        assert variant_kind(_random_password(rng), _random_password(rng)) is None


def test_passphrases_sharing_one_word_are_not_variants() -> None:
    rng = random.Random(11)
    passwords: list[str] = []
    for _ in range(300):
        shared = _pseudo_word(rng)
        for position in (rng.randrange(4), rng.randrange(4)):
            words = [_pseudo_word(rng) for _ in range(4)]
            words[position] = shared
            passwords.append(rng.choice("-_. ").join(words))
    assert find_variant_groups(list(dict.fromkeys(passwords))) == []


def test_ten_thousand_random_passwords_form_no_clusters() -> None:
    rng = random.Random(20240601)
    passwords = list({_random_password(rng) for _ in range(10_000)})
    assert len(passwords) == 10_000
    assert find_variant_groups(passwords) == []


# --- clusters -------------------------------------------------------------------------------------


def test_variants_form_one_cluster_of_sorted_indexes() -> None:
    clusters = find_variant_groups(["zebra-crossing", "Summer2023!", "qwfpgjluy", "Summer2024!"])
    assert clusters == [VariantCluster(members=(1, 3), kinds=("year_changed",))]


def test_clusters_are_connected_components_of_the_variant_relation() -> None:
    passwords = ["mxyzptlk", "mxyzptlq", "mxyzptqq", "unrelated-words"]
    assert variant_kind(passwords[0], passwords[2]) is None
    assert find_variant_groups(passwords) == [VariantCluster(members=(0, 1, 2), kinds=("small_edit",))]


def test_cluster_kinds_are_the_sorted_distinct_kinds_seen() -> None:
    clusters = find_variant_groups(["Summer2023!", "Summer2024!", "summer2024!"])
    assert clusters == [VariantCluster(members=(0, 1, 2), kinds=("case", "year_changed"))]


def test_separate_families_are_separate_clusters_in_order_of_first_member() -> None:
    passwords = ["monkey12", "P@ssw0rd", "monkey77", "password1", "x"]
    assert [c.members for c in find_variant_groups(passwords)] == [(0, 2), (1, 3)]


def test_no_passwords_give_no_clusters() -> None:
    assert find_variant_groups([]) == []
    assert find_variant_groups(["only-one"]) == []


def test_clusters_match_an_exhaustive_pairwise_check() -> None:
    rng = random.Random(5)
    words = ["monkey", "dragon", "summer", "secret", "shadow", "hunter", "winter"]
    pool: set[str] = set()
    while len(pool) < 220:
        pick = rng.randrange(4)
        if pick == 0:
            pool.add(rng.choice(words) + str(rng.randint(0, 2030)) + rng.choice(["", "!", "#"]))
        elif pick == 1:
            pool.add(rng.choice("-_").join(_pseudo_word(rng) for _ in range(rng.randint(2, 4))))
        elif pick == 2:
            pool.add(_random_password(rng)[: rng.randint(6, 20)])
        else:
            base = rng.choice(sorted(pool)) if pool else "seed-password"
            pool.add(base[: rng.randint(3, len(base))] + rng.choice(["1", "x", "!", "2024"]))
    passwords = sorted(pool)
    found = {cluster.members for cluster in find_variant_groups(passwords)}
    assert found == pairwise_clusters(passwords)
    assert found  # the pool is built to contain variants


# --- secrecy --------------------------------------------------------------------------------------


def test_duplicate_passwords_are_rejected_naming_positions_only() -> None:
    secret = "Tr0ub4dor&3-unique"
    with pytest.raises(ValueError) as caught:
        find_variant_groups(["other", secret, secret])
    assert "1" in str(caught.value) and "2" in str(caught.value)
    assert secret not in str(caught.value) and secret not in repr(caught.value)


def test_type_errors_do_not_reveal_the_passwords() -> None:
    secret = "Tr0ub4dor&3-unique"
    with pytest.raises(TypeError) as caught:
        find_variant_groups([secret, 42])  # type: ignore[list-item]
    assert secret not in str(caught.value) and secret not in repr(caught.value)
    with pytest.raises(TypeError) as caught:
        variant_kind(secret, None)  # type: ignore[arg-type]
    assert secret not in str(caught.value) and secret not in repr(caught.value)


def test_cluster_repr_holds_no_password_nor_its_hash() -> None:
    passwords = ["Summer2023!", "Summer2024!"]
    text = repr(find_variant_groups(passwords)) + str(find_variant_groups(passwords))
    for password in passwords:
        sha1 = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest()
        assert password.casefold() not in text.casefold()
        assert sha1 not in text.casefold()


def test_normal_forms_of_a_password_are_masked_in_repr() -> None:
    forms = password_forms("Summer2023!")
    assert "summer" not in repr(forms).casefold() and "summer" not in str(forms).casefold()


def test_variant_search_neither_prints_nor_logs(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    find_variant_groups(["Summer2023!", "Summer2024!", "hunter2"])
    variant_kind("hunter2", "Hunter2!")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "" and caplog.records == []


def test_no_password_skeleton_stays_cached_after_the_check() -> None:
    from reuse_audit.checks.variant_distance import whole_token_runs

    find_variant_groups(["correct-horse-battery-staple", "correct-horse-battery-stable9"])
    assert whole_token_runs.cache_info().currsize == 0
