"""Ignoring entries on purpose: by tag, by --ignore UUID, by --ignore-group PATH (and its subgroups)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reuse_audit.audit import AuditOptions, Check, run_audit
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.ignores import IgnoreRules, drop_ignored, find_ignored, ignore_summary
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E

ENTRIES = [
    E("Mailbox", "Same-Pass-2024!", group="Mail"),
    E("Mail PIN", "Same-Pass-2024!", group="Mail/PINs"),
    E("Deep PIN", "1234", group="Mail/PINs/Old"),
    E("Licence", "Same-Pass-2024!", tags=["Reuse-Audit:Ignore"]),
    E("Test account", "password1"),
    E("Excluded", "hunter2", excluded="quality"),
    E("Bank", "Zr4!tW8#pQ2&nL6^xV0s"),
]


@pytest.fixture
def audited(vault_factory):  # type: ignore[no-untyped-def]
    path: Path = vault_factory(ENTRIES)
    contents = load_vault(path, VaultKey(Secret(MASTER)))
    options = AuditOptions(checks=frozenset({Check.REUSE, Check.STRENGTH}))
    return contents, run_audit(contents, options)


def _uuid(contents, title):  # type: ignore[no-untyped-def]
    return next(c.uuid for c in contents.credentials if c.title == title)


def test_tag_is_matched_case_insensitively(audited) -> None:  # type: ignore[no-untyped-def]
    contents, _ = audited
    outcome = find_ignored(contents, IgnoreRules.parse())
    assert [m.title for m in outcome.matches.values()] == ["Licence"]


def test_uuid_is_accepted_hyphenated_or_as_32_hex(audited) -> None:  # type: ignore[no-untyped-def]
    contents, _ = audited
    u = _uuid(contents, "Test account")
    for form in (u, u.replace("-", "").upper(), "{" + u + "}"):
        outcome = find_ignored(contents, IgnoreRules.parse(uuids=[form]))
        assert u in outcome.matches


def test_a_bad_uuid_is_an_input_error() -> None:
    with pytest.raises(HygieneInputError, match="not an entry UUID"):
        IgnoreRules.parse(uuids=["Test account"])


def test_a_group_path_ignores_its_subgroups_too(audited) -> None:  # type: ignore[no-untyped-def]
    contents, _ = audited
    outcome = find_ignored(contents, IgnoreRules.parse(groups=["/mail/pins/"]))
    assert sorted(m.title for m in outcome.matches.values()) == ["Deep PIN", "Licence", "Mail PIN"]


def test_a_group_path_does_not_match_a_longer_sibling_name(vault_factory) -> None:  # type: ignore[no-untyped-def]
    contents = load_vault(vault_factory([E("a", "x-1", group="Mail"), E("b", "x-2", group="Mailer")]),
                          VaultKey(Secret(MASTER)))
    outcome = find_ignored(contents, IgnoreRules.parse(groups=["Mail"]))
    assert [m.title for m in outcome.matches.values()] == ["a"]


def test_ignored_entries_leave_the_findings_but_still_count_for_others_reuse(audited) -> None:  # type: ignore[no-untyped-def]
    contents, result = audited
    outcome = find_ignored(contents, IgnoreRules.parse(groups=["Mail/PINs"]))
    dropped = drop_ignored(result, outcome)
    titles = [e.credential.title for e in dropped.entries]
    assert "Mail PIN" not in titles and "Licence" not in titles and "Deep PIN" not in titles
    mailbox = next(e for e in dropped.entries if e.credential.title == "Mailbox")
    assert FindingKind.REUSED in mailbox.findings  # still shares its password with two ignored entries
    assert mailbox.reuse_size == 3
    assert [e.rank for e in dropped.entries] == list(range(1, len(dropped.entries) + 1))
    reasons = {s.title: s.reason for s in dropped.skipped}
    assert reasons["Mail PIN"] == reasons["Licence"] == "ignored"
    assert reasons["Excluded"] == "excluded"


def test_summary_states_how_many_were_ignored_and_why(audited) -> None:  # type: ignore[no-untyped-def]
    contents, result = audited
    u = _uuid(contents, "Test account")
    outcome = find_ignored(contents, IgnoreRules.parse(uuids=[u], groups=["Mail/PINs"]))
    line = ignore_summary(outcome, drop_ignored(result, outcome).skipped)
    assert line == ("5 ignored: 1 by tag reuse-audit:ignore, 1 by --ignore, 2 by --ignore-group Mail/PINs, "
                    "1 by KeePass's 'exclude from reports'")


def test_rules_that_match_nothing_are_reported(audited) -> None:  # type: ignore[no-untyped-def]
    contents, _ = audited
    outcome = find_ignored(contents, IgnoreRules.parse(uuids=["0" * 32], groups=["Nowhere"]))
    assert outcome.unmatched == ("--ignore 00000000-0000-0000-0000-000000000000", "--ignore-group Nowhere")
