"""Compile the gettext catalogues (``reuse_audit/locale/*/LC_MESSAGES/*.po``) to ``.mo`` without GNU gettext.

Usage: python scripts/compile_translations.py [--check]

Writes each ``.mo`` next to its ``.po``; ``--check`` writes nothing and exits 1 when a committed ``.mo`` is
out of date. The output is deterministic (sorted messages, no hash table), so the same ``.po`` always
gives the same bytes. Fuzzy and untranslated entries are left out, as ``msgfmt`` does.
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "reuse_audit" / "locale"
MO_MAGIC = 0x950412DE


class PoError(ValueError):
    """The .po file cannot be parsed; the message names the line."""


@dataclass
class _Entry:
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def parse_po(text: str) -> dict[bytes, bytes]:
    """The messages of a .po file as .mo keys and values (plural forms joined by NUL, context by EOT)."""
    messages: dict[bytes, bytes] = {}
    entry = _Entry()
    target: tuple[str, int] | None = None  # which field continuation lines append to

    def finish() -> None:
        nonlocal entry
        if entry.msgid is not None and not entry.fuzzy:
            key = entry.msgid if entry.msgid_plural is None else entry.msgid + "\0" + entry.msgid_plural
            if entry.msgctxt is not None:
                key = entry.msgctxt + "\x04" + key
            forms = [entry.msgstr.get(i, "") for i in range(max(entry.msgstr, default=0) + 1)]
            if any(forms) or entry.msgid == "":
                messages[key.encode()] = "\0".join(forms).encode()
        entry = _Entry()

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                if entry.msgid is not None:
                    finish()
                entry.fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise PoError(f"line {lineno}: string without a keyword")
            _append(entry, target, _unquote(line, lineno))
            continue
        if keyword in ("msgctxt", "msgid") and entry.msgid is not None and (
                keyword == "msgctxt" or entry.msgstr):
            finish()
        if keyword == "msgctxt":
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            target = ("msgid_plural", 0)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            target = ("msgstr", int(keyword[7:-1]))
        else:
            raise PoError(f"line {lineno}: unknown keyword {keyword!r}")
        _set(entry, target, _unquote(rest.strip(), lineno))
    finish()
    return messages


def _unquote(token: str, lineno: int) -> str:
    if not (len(token) >= 2 and token.startswith('"') and token.endswith('"')):
        raise PoError(f"line {lineno}: expected a quoted string")
    value = ast.literal_eval(token)  # C escapes (\n, \t, \", \\) read the same as Python's
    if not isinstance(value, str):
        raise PoError(f"line {lineno}: expected a string")
    return value


def _set(entry: _Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: _Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, (getattr(entry, name) or "") + value)


def mo_bytes(messages: dict[bytes, bytes]) -> bytes:
    """A GNU .mo file: header, the two string tables (sorted by key), then the NUL-terminated strings."""
    keys = sorted(messages)
    count = len(keys)
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    originals, translations, data = [], [], bytearray()
    for key in keys:
        originals.append((len(key), data_at + len(data)))
        data += key + b"\0"
    for key in keys:
        value = messages[key]
        translations.append((len(value), data_at + len(data)))
        data += value + b"\0"
    out = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    for length, offset in originals + translations:
        out += struct.pack("<2I", length, offset)
    return out + bytes(data)


def compile_po(po: Path) -> bytes:
    """The .mo bytes for one .po file."""
    return mo_bytes(parse_po(po.read_text(encoding="utf-8")))


def catalogues(locale: Path = LOCALE) -> list[Path]:
    return sorted(locale.glob("*/LC_MESSAGES/*.po"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed .mo is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for po in catalogues():
        mo = po.with_suffix(".mo")
        compiled = compile_po(po)
        if mo.exists() and mo.read_bytes() == compiled:
            continue
        if args.check:
            print(f"{mo.relative_to(REPO)} is out of date", file=sys.stderr)
            stale += 1
        else:
            mo.write_bytes(compiled)
            print(f"wrote {mo.relative_to(REPO)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
