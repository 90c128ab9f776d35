"""The JSON of `audit`, `plan`, `demo` and `bounces` on committed inputs stays what it was.

A golden file may gain keys (new features add them) but no key, value or list item may change or
disappear. Human wording (reasons, notes, evidence sentences) is owned by the translation catalogue and
may be reworded: only its type is compared. After a deliberate change of output, regenerate with
``python scripts/update_golden.py`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
#: Keys whose values are sentences for people, not data.
WORDING = frozenset({"reasons", "action_text", "text", "why", "mailbox_evidence", "exposure_note", "reason",
                     "policy_failures", "notes"})


def same(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Differences between a golden value and today's, allowing added keys."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{where}.{key}: missing")
            elif key in WORDING:
                if type(value) is not type(actual[key]) and value is not None:
                    out.append(f"{where}.{key}: was {type(value).__name__}, now {type(actual[key]).__name__}")
            else:
                out += same(value, actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected a list of {len(expected)}, got {actual!r:.200}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in same(e, a, f"{where}[{i}]")]
    return [] if expected == actual else [f"{where}: expected {expected!r:.120}, got {actual!r:.120}"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_json_output_matches_its_golden_file(case: dict[str, Any]) -> None:
    from scripts.update_golden import run_case

    code, out = run_case(case)
    assert code == case["exit"], out
    expected = json.loads((GOLDEN / f"{case['name']}.json").read_text(encoding="utf-8"))
    differences = same(expected, json.loads(out))
    assert not differences, "\n".join(differences[:20])
