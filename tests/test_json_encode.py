"""The C JSON encoder writes, byte for byte, the text Python's encoder writes: on every document the golden cases
make (audit, plan, demo, bounces; English and Japanese), on vault text full of controls and bidi characters, and
on the values it cannot take (those go to Python's encoder)."""

from __future__ import annotations

import json
import uuid
from collections import namedtuple
from datetime import datetime
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any

import pytest

from reuse_audit.report import json_encode
from reuse_audit.report.escape import json_text
from reuse_audit.report.json_encode import dumps_indented, fits_orjson, python_dumps
from tests.conftest import MASTER, E, build_vault

GOLDEN_CASES = json.loads((Path(__file__).resolve().parent / "golden" / "cases.json").read_text(encoding="utf-8"))


def documents_of(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str | None = None) -> list[Any]:
    """Every document the command hands to the JSON writer."""
    from scripts.update_golden import run_case

    seen: list[Any] = []
    real = json_encode.dumps_indented

    def recording(document: object, *, newline: bool = False) -> str:
        seen.append(document)
        return real(document, newline=newline)

    monkeypatch.setattr(json_encode, "dumps_indented", recording)
    run_case({"argv": argv, "stdin": stdin})
    monkeypatch.setattr(json_encode, "dumps_indented", real)
    return seen


@pytest.mark.parametrize("case", GOLDEN_CASES, ids=[c["name"] for c in GOLDEN_CASES])
def test_both_encoders_write_the_same_text_for_the_golden_documents(case: dict[str, Any],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    documents = documents_of(case["argv"], monkeypatch, case.get("stdin"))
    assert documents
    for document in documents:
        assert fits_orjson(document)  # the C encoder is the one that ran
        assert dumps_indented(document) == python_dumps(document)


def test_vault_text_with_controls_bidi_and_cjk_is_written_the_same(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    nasty = "a[31m\x7f\x80\x9b\u200b\u200d\u2028\u2029\u202e\u2066\ufeff\"\\/\t\r\n 田中 😀 é"
    path = tmp_path / "Dokumente 田中" / "nasty.kdbx"
    path.parent.mkdir()
    build_vault(path, [E(nasty, "shared-pass-1", "tanaka 田中", f"https://x.example/{nasty}", group="G\u202e"),
                       E("other", "shared-pass-1", "u", fields={"email": nasty}, tags=[nasty[:5]])])
    documents = documents_of(["audit", str(path), "--password-stdin", "--offline", "--format", "json"], monkeypatch,
                             MASTER + "\n")
    assert documents and all(fits_orjson(d) for d in documents)  # (C0 controls cannot be in a vault: XML)
    for document in documents:
        assert json_text(document) == _reference_json_text(document)


def _reference_json_text(document: object) -> str:
    """json_text as it was written before the C encoder: Python's encoder, then the escapes."""
    from reuse_audit.report.escape import _JSON_UNSAFE

    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


@pytest.mark.parametrize("document", [
    {"kind": Colour.RED, "level": Level.HIGH, "ok": True, "none": None, "n": -(2**63), "m": 2**64 - 1,
     "nested": [[], {}, (1, "x"), {"a": [0.5, 1.25e300, -0.0, 1e16]}], "text": "\u2028\x1f\x7f"},
    [1, [2, [3, [4]]]],
    "just a string",
])
def test_documents_that_fit_are_written_by_orjson_the_same(document: object) -> None:
    assert fits_orjson(document)
    assert dumps_indented(document) == python_dumps(document)
    assert dumps_indented(document, newline=True) == python_dumps(document) + "\n"


Pair = namedtuple("Pair", "a b")


@pytest.mark.parametrize("document", [
    {1: "int key"}, {Colour.RED: "enum key"}, {"big": 2**64}, {"small": -(2**63) - 1}, {"f": 1e-07},
    {"nan": float("nan")}, {"inf": float("-inf")}, {"surrogate": "\ud800"}, {"pair": Pair(1, 2)},
    {"deep": json.loads("[" * 230 + "]" * 230)},
])
def test_documents_that_do_not_fit_get_python_s_text(document: object) -> None:
    assert dumps_indented(document) == python_dumps(document)


@pytest.mark.parametrize("value", [uuid.UUID(int=1), datetime(2024, 1, 1), {1, 2}])
def test_values_python_cannot_write_still_raise_its_error(value: object) -> None:
    with pytest.raises(TypeError):
        dumps_indented({"value": value})


def test_a_cycle_is_python_s_error_not_a_hang() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(loop)


@pytest.mark.parametrize("count", [0, 1, 3, 7])
def test_json_pieces_are_the_whole_text(count: int) -> None:
    """A report written an entry chunk at a time is, joined, the text of the whole document: with no entries,
    one, several chunks; a key after the list (the baseline section); a nested key of the same name; text with
    controls, bidi characters and line breaks."""
    from reuse_audit.report.escape import json_pieces

    entries = [{"title": f"e{i} \u202e\x85 \"q\"\n", "n": i, "findings": ["reused"] * i, "entries": []}
               for i in range(count)]
    document: dict[str, Any] = {"schema_version": 1, "summary": {"entries": [], "note": "x\ny"}, "entries": [],
                                "baseline": {"new": [1, 2]}}
    pieces = list(json_pieces(document, "entries", iter(entries), chunk=2))
    assert "".join(pieces) == json_text({**document, "entries": entries})
    assert len(pieces) == 1 + -(-count // 2)
    json.loads("".join(pieces))
