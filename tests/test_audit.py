"""The audit's checks as a user sees them: reuse groups, linked entries, strength, exclusion, expiry."""

from __future__ import annotations

from pathlib import Path

from reuse_audit.audit import AuditOptions, Check, ExposureSettings, run_audit
from reuse_audit.checks.strength import StrengthPolicy, character_classes
from reuse_audit.findings import FindingKind as K
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E

OFFLINE = ExposureSettings(offline=True)


def _audit(path: Path, **kw):  # type: ignore[no-untyped-def]
    vault = load_vault(path, VaultKey(Secret(MASTER)))
    return run_audit(vault, AuditOptions(exposure=OFFLINE, **kw))


def _by_title(result):  # type: ignore[no-untyped-def]
    return {e.credential.title: e for e in result.entries}


def test_shared_passwords_form_opaque_groups_largest_first(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(path)
    assert [(g.id, g.size) for g in result.reuse_groups] == [("R1", 3), ("R2", 2)]
    by = _by_title(result)
    assert {by[t].reuse_group for t in ("Mailbox admin", "Mailbox info", "Google")} == {"R1"}
    assert by["Shop A"].reuse_group == by["Shop B"].reuse_group == "R2"
    assert K.REUSED not in by["Bank"].findings


def test_recycle_bin_is_not_audited(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(path)
    assert "Trash" not in _by_title(result)
    assert result.vault.entries_total == 8


def test_variant_of_the_mailbox_password_is_grouped(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    by = _by_title(_audit(path))
    assert by["Twitter"].variant_group is not None
    assert by["Twitter"].variant_group == by["Mailbox admin"].variant_group
    assert K.VARIANT in by["Twitter"].findings


def test_policy_and_weak_are_separate_kinds(vault_factory) -> None:  # type: ignore[no-untyped-def]
    by = _by_title(_audit(vault_factory([E("p", "Password123!"), E("short", "xK9#mP2$vL"),
                                          E("good", "u7^Hq2$Wn5&Kp9*Ze3Rb")])))
    assert K.WEAK in by["p"].findings and K.POLICY not in by["p"].findings
    assert K.POLICY in by["short"].findings
    assert "10 characters (fewer than 12)" in by["short"].strength.policy_failures
    assert by["good"].findings == ()


def test_policy_options_change_the_verdict(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("nosym", "Tq8vLw3Rz6Yp2Nk")])
    assert K.POLICY in _by_title(_audit(path))["nosym"].findings
    relaxed = _audit(path, policy=StrengthPolicy(min_length=12, require_symbol=False))
    assert K.POLICY not in _by_title(relaxed)["nosym"].findings


def test_kana_and_accents_are_letters_not_symbols() -> None:
    assert "symbol" not in character_classes("パスワードéü")
    assert "symbol" in character_classes("pass word")


def test_length_counts_code_points(vault_factory) -> None:  # type: ignore[no-untyped-def]
    by = _by_title(_audit(vault_factory([E("jp", "パスワード-Пароль-2024")])))
    assert by["jp"].strength.length == len("パスワード-Пароль-2024")


def test_excluded_entry_is_skipped_but_still_counts_for_reuse(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("a", "Shared-pw-1234!"), E("b", "Shared-pw-1234!", excluded="quality")]))
    by = _by_title(result)
    assert "b" not in by
    assert K.REUSED in by["a"].findings
    assert [(s.title, s.reason) for s in result.skipped] == [("b", "excluded")]


def test_include_excluded_audits_them(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("b", "Shared-pw-1234!", excluded="knownbad")]), include_excluded=True)
    assert "b" in _by_title(result)


def test_expired_entry_is_a_finding(vault_factory) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    by = _by_title(_audit(vault_factory([E("x", "u7^Hq2$Wn5&Kp9*Ze3Rb", expires=datetime(2021, 5, 1, tzinfo=UTC))])))
    assert K.EXPIRED in by["x"].findings


def test_master_password_reuse_is_the_gravest_finding(vault_factory) -> None:  # type: ignore[no-untyped-def]
    result = _audit(vault_factory([E("site", MASTER), E("pwned-ish", "password1")]))
    assert result.entries[0].credential.title == "site"
    assert result.entries[0].findings[0] == K.MASTER_PASSWORD


def test_linked_only_pair_is_not_reuse(vault_factory) -> None:  # type: ignore[no-untyped-def]
    path = vault_factory([E("orig", "u7^Hq2$Wn5&Kp9*Ze3Rb")])
    from pykeepass import PyKeePass

    kp = PyKeePass(str(path), password=MASTER)
    orig = kp.find_entries(title="orig", first=True)
    kp.add_entry(kp.root_group, "clone", "u", "{REF:P@I:" + orig.uuid.hex + "}")
    kp.save()
    result = _audit(path)
    assert result.reuse_groups == ()
    assert _by_title(result)["clone"].credential.linked_to == str(orig.uuid)


def test_checks_option_runs_only_the_selected_checks(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(path, checks=frozenset({Check.REUSE}))
    assert all(e.strength is None for e in result.entries)
    assert result.variant_groups == ()
    assert len(result.reuse_groups) == 2


def test_offline_exposure_is_skipped_never_not_found(story_vault) -> None:  # type: ignore[no-untyped-def]
    path, _ = story_vault
    result = _audit(path)
    assert {e.exposure.status for e in result.entries} == {"skipped"}
    assert result.exposure_note


def test_decomposed_accents_are_letters() -> None:
    assert "symbol" not in character_classes("cafe\u0301")


def test_worker_processes_give_the_same_results_as_one_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import random
    import string

    import reuse_audit.checks.workers as workers
    from reuse_audit.credentials import Credential, VaultContents

    rng = random.Random(7)
    pws = [rng.choice(["monkey", "dragon", "sunshine"]) + str(i) for i in range(300)]
    pws += ["".join(rng.choice(string.ascii_letters + "!#") for _ in range(18)) for _ in range(200)]
    creds = tuple(Credential(uuid=f"00000000-0000-0000-0000-{i:012d}", title=f"t{i}", username="u", url="",
                             group="", password=Secret(pws[i % len(pws)])) for i in range(len(pws) + 40))
    vault = VaultContents(path="mem", kdbx_version="4.0", entries_total=len(creds), credentials=creds, skipped=())

    def digest(r):  # type: ignore[no-untyped-def]
        return [(e.credential.uuid, e.findings, e.strength, e.reuse_group, e.variant_group) for e in r.entries]

    monkeypatch.setattr(workers, "PARALLEL_FROM", 400)  # 500 distinct passwords: the pool runs
    monkeypatch.setattr(workers, "SPAWN_PARALLEL_FROM", 400)
    parallel = run_audit(vault, AuditOptions(exposure=OFFLINE))
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    single = run_audit(vault, AuditOptions(exposure=OFFLINE))
    assert digest(parallel) == digest(single)
    assert parallel.variant_groups and parallel.reuse_groups
