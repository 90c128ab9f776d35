"""Keep the translation catalogue in step with the code: every string marked with ``N_``/``NP_`` anywhere in
``reuse_audit/`` becomes an entry of ``reuse_audit/locale/ja/LC_MESSAGES/reuse_audit.po``.

Usage: python scripts/extract_messages.py [--check]

Existing translations are kept; new msgids are added with an empty msgstr (to be translated, following
``docs/glossary-ja.md``); msgids no longer in the code are dropped. ``--check`` writes nothing and exits 1
when the .po is not in step. Then run ``scripts/compile_translations.py``.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "reuse_audit"
PO = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "reuse_audit.po"
HEADER = '''# Japanese translation of reuse-audit: every sentence a person reads.
# The msgids are the English text, marked with N_()/NP_() in reuse_audit/; regenerate the entries with
# `python scripts/extract_messages.py`, translate following docs/glossary-ja.md, then compile with
# `python scripts/compile_translations.py` and commit the .mo next to this file.
msgid ""
msgstr ""
"Project-Id-Version: reuse-audit 0.1.0\\n"
"Language: ja\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
'''


def declared() -> list[tuple[str, str | None, str]]:
    """(msgid, msgid_plural, where) for every marked string, in source order, first occurrence only."""
    seen: dict[str, tuple[str, str | None, str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "NP_"):
                args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if len(args) != len(node.args) or not args:
                    raise SystemExit(f"{path}:{node.lineno}: N_/NP_ take string literals only")
                where = f"{path.relative_to(REPO)}:{node.lineno}"
                seen.setdefault(args[0], (args[0], args[1] if len(args) > 1 else None, where))
    return list(seen.values())


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def existing() -> dict[str, list[str]]:
    """msgid -> its msgstr forms in the current .po."""
    sys.path.insert(0, str(REPO / "scripts"))
    from compile_translations import parse_po

    out: dict[str, list[str]] = {}
    for key, value in parse_po(PO.read_text(encoding="utf-8")).items():
        if key:
            out[key.decode().split("\0")[0]] = value.decode().split("\0")
    return out


def render(entries: list[tuple[str, str | None, str]], translations: dict[str, list[str]]) -> str:
    parts = [HEADER]
    for msgid, plural, where in entries:
        forms = translations.get(msgid, [""])
        lines = [f"#: {where}", f"msgid {_quote(msgid)}"]
        if plural is None:
            lines.append(f"msgstr {_quote(forms[0])}")
        else:
            lines.append(f"msgid_plural {_quote(plural)}")
            lines.append(f"msgstr[0] {_quote(forms[0])}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    text = render(declared(), existing())
    if a.check:
        if PO.read_text(encoding="utf-8") != text:
            print(f"{PO} is not in step with the code: run scripts/extract_messages.py", file=sys.stderr)
            return 1
        return 0
    PO.write_text(text, encoding="utf-8")
    missing = [m for m, _p, _w in declared() if not existing().get(m, [""])[0]]
    print(f"{PO.relative_to(REPO)}: {len(declared())} messages, {len(missing)} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
