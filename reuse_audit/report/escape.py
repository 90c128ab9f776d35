"""Vault and mail text is data, never markup or code: escaping for rich, Markdown, HTML, CSV and JSON.

Controls that can rewrite what a terminal or an editor shows (C0 other than tab and line breaks, C1 such as
U+009B CSI, and the bidi overrides U+202A–U+202E, U+2066–U+2069) are shown as visible escapes (``\\x9b``,
``\\u202e``) in every human format; JSON writes them as ``\\u`` escapes. Emoji joiners (ZWJ) and ZWNJ stay.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

_SCHEME_COLON = re.compile(r":(?=//)")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
# A formula character at the start of a cell or of a line in it, after any spaces (a spreadsheet may trim them):
# ASCII and no-break spaces, the typographic spaces, the zero-width space and the ideographic space.
_SPACES = "[ \u00a0\u2000-\u200b\u202f\u205f\u3000]*"
_CSV_FORMULA = re.compile(_SPACES + "[=+\\-@\t\r]")
_LINE_START_FORMULA = re.compile(r"(\r\n|\r|\n)(?=" + _SPACES + r"[=+\-@\t])")
# C0 except TAB, LF, CR; DEL; C1; bidi embeddings/overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f\x80-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_controls(text: str) -> str:
    """``text`` with terminal- and bidi-control characters written as visible escapes."""
    return _CONTROLS.sub(_visible, text)


_LINE_WHITESPACE = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def visible_field(text: str) -> str:
    """A one-line vault field (title, login, group) for people: a tab or line break in it written as ``\\t``,
    ``\\n``, ``\\r`` (a wrapped line shows ``correct<TAB>horse`` as ``correct horse``, another value)."""
    return text.translate(_LINE_WHITESPACE)


def rich_text(text: str) -> str:
    """Escape rich console markup (``[bold]``, ``[/x]``) so vault text renders literally."""
    from rich.markup import escape

    return escape(visible_controls(text))


def markdown(text: str) -> str:
    """Escape Markdown and inline HTML; newlines become spaces (one table cell, one line)."""
    import html

    one_line = " ".join(visible_controls(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
    return _SCHEME_COLON.sub(r"\\:", escaped)  # "http\://x": no autolink (GFM links a bare http://x)


def html_text(text: str) -> str:
    import html

    return html.escape(visible_controls(text), quote=True)


def csv_cell(value: object) -> str:
    """One CSV cell: controls made visible, spreadsheet formulas neutralised with a leading quote (at the
    start and after every line break inside the cell)."""
    text = "" if value is None else visible_controls(str(value))
    text = _LINE_START_FORMULA.sub(r"\1'", text)
    if _CSV_FORMULA.match(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180: CRLF rows; a cell with a comma, quote, CR or LF is quoted), cells escaped."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def json_text(document: object) -> str:
    """A JSON document, indented, non-ASCII as is, control and bidi characters as ``\\u`` escapes (the text of
    ``json.dumps(indent=2, ensure_ascii=False)``, written in C where it can be: :mod:`.json_encode`)."""
    from reuse_audit.report.json_encode import dumps_indented

    text = dumps_indented(document, newline=True)  # one copy of a large report less than adding it after
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def json_pieces(document: dict[str, Any], key: str, items: Iterable[object], chunk: int = 500) -> Iterator[str]:
    """The text :func:`json_text` gives for ``document`` with ``items`` as the list under its top-level ``key``
    (empty in ``document``), in pieces of ``chunk`` items: a large report is never whole in memory, neither as
    objects nor as text."""
    head = json_text(document)
    empty = f'\n  "{key}": []'  # a top-level key: two spaces in (strings cannot hold a line break)
    at = head.index(empty)
    first = True
    rest = iter(items)
    while batch := list(islice(rest, chunk)):
        text = json_text(batch)  # "[\n  item,\n  item\n]\n": the items, two spaces in
        inner = "  " + text[2:-3].replace("\n", "\n  ")
        yield (head[:at] + f'\n  "{key}": [\n' if first else ",\n") + inner
        first = False
    yield head if first else "\n  ]" + head[at + len(empty):]
