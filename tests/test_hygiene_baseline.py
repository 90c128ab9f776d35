"""The baseline file on its own: format, version key and upgrade path, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reuse_audit.audit import AuditOptions, Check, run_audit
from reuse_audit.findings import FindingKind
from reuse_audit.hygiene import HygieneInputError, baseline
from reuse_audit.hygiene.baseline import compare, create_baseline, dumps_baseline, load_baseline, only_new
from reuse_audit.report.audit_document import audit_document
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.fixture
def story_result(story_vault):  # type: ignore[no-untyped-def]
    path, _ = story_vault
    return run_audit(load_vault(path, VaultKey(Secret(MASTER))),
                     AuditOptions(checks=frozenset({Check.REUSE, Check.STRENGTH, Check.VARIANTS})))


def _write(tmp_path: Path, data: Any) -> Path:
    p = tmp_path / "b.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data))
    return p


def test_a_baseline_made_from_the_result_or_its_json_document_is_the_same(story_result) -> None:  # type: ignore[no-untyped-def]
    a = create_baseline(story_result)
    b = create_baseline(audit_document(story_result))
    assert a["findings"] == b["findings"] and a["checks"] == b["checks"]


def test_written_baseline_is_json_with_one_finding_per_line(story_result, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = dumps_baseline(create_baseline(story_result))
    data = json.loads(text)
    assert data["baseline_version"] == 1 and data["created"].endswith("Z")
    assert text.count('"uuid"') == len(data["findings"]) == sum(1 for line in text.splitlines() if '"uuid"' in line)
    loaded = load_baseline(_write(tmp_path, text))
    assert len(loaded.findings) == len(data["findings"])
    assert compare(story_result, loaded).new == ()


def test_only_new_keeps_reasons_in_step_with_findings(story_result, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = create_baseline(story_result)
    forum = next(e for e in story_result.entries if e.credential.title == "Forum")
    # accept everything but Forum's weakness
    data["findings"] = [f for f in data["findings"] if not (f["uuid"] == forum.credential.uuid and f["kind"] == "weak")]
    diff = compare(story_result, load_baseline(_write(tmp_path, data)))
    assert [(f.uuid, f.kind) for f in diff.new] == [(forum.credential.uuid, FindingKind.WEAK)]
    shown = only_new(story_result, diff)
    top = shown.entries[0]
    assert top.credential.title == "Forum" and top.findings == (FindingKind.WEAK,) and top.rank == 1
    assert [r.code for r in top.reasons] == ["weak"]
    assert all(not e.findings for e in shown.entries[1:])


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not a reuse-audit baseline (not JSON)"),
    ([1, 2], "not a reuse-audit baseline (no baseline_version)"),
    ({"baseline_version": 99, "findings": []}, "made by a newer reuse-audit (baseline_version 99"),
    ({"baseline_version": "1", "findings": []}, "has no valid baseline_version"),
    ({"baseline_version": 1}, "has no findings list"),
    ({"baseline_version": 1, "findings": [{"uuid": "x", "kind": "weak"}]}, "bad uuid"),
    ({"baseline_version": 1, "findings": [{"uuid": UUID, "kind": "ugly"}]}, "unknown finding kind 'ugly'"),
    ({"baseline_version": 1, "findings": [{"uuid": UUID, "kind": "weak", "password_since": 5}]}, "not a time"),
])
def test_a_bad_baseline_is_one_line_naming_the_file(tmp_path, content, message) -> None:  # type: ignore[no-untyped-def]
    p = _write(tmp_path, content)
    with pytest.raises(HygieneInputError) as info:
        load_baseline(p)
    assert str(info.value).startswith(f"{p}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_missing_baseline_is_an_input_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HygieneInputError, match="no such baseline file"):
        load_baseline(tmp_path / "none.json")


def test_an_older_version_is_upgraded_step_by_step(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        data["findings"] = [{**f, "kind": f.pop("finding")} for f in data["findings"]]
        return data

    monkeypatch.setattr(baseline, "BASELINE_VERSION", 2)
    monkeypatch.setitem(baseline.UPGRADES, 1, v1_to_v2)
    loaded = load_baseline(_write(tmp_path, {"baseline_version": 1, "findings": [
        {"uuid": UUID.replace("-", ""), "finding": "reused", "password_since": None}]}))
    assert loaded.version == 2
    assert [(f.uuid, f.kind) for f in loaded.findings] == [(UUID, FindingKind.REUSED)]


def test_a_version_without_an_upgrade_step_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(baseline, "BASELINE_VERSION", 3)
    with pytest.raises(HygieneInputError, match="cannot be upgraded"):
        load_baseline(_write(tmp_path, {"baseline_version": 1, "findings": []}))
