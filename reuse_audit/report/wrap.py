"""Wrapping text to a terminal width measured in display cells (a CJK character takes two).

Words are kept whole; Japanese and Chinese text, which has no spaces, may break between any two characters
(but not before 、。）」, a small kana or the like, nor after （「). A URL is never broken: it goes on a line of
its own, which may be longer than the width only when the URL alone is (with the closing marks glued to it in
Japanese: "）").
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)
# Characters after which (or before which) a line may break inside a run without spaces.
_NO_BREAK_BEFORE = frozenset("、。，．・：；？！）」』】〕〉》”’ー～〜…‥‐ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
                             ",.:;?!)]}%")
_NO_BREAK_AFTER = frozenset("（「『【〔〈《“‘([{")


# A URL glued to other text: to Japanese, which has no spaces ("パスキーの設定：https://…", "（https://…）"), or
# to an opening bracket or quote ("(https://…)"). It starts after such a character and runs over printable ASCII.
_GLUED_URL = re.compile(r"(?:(?<=[^\x00-\x7f])|(?<=[(\[{<\"']))[a-z][a-z0-9+.-]*://[!-~]+", re.IGNORECASE)
_OPENING = frozenset("([{<\"'") | _NO_BREAK_AFTER


def widest_word(text: str) -> int:
    """The cells of the widest word of ``text``: what a table column must hold so that no word is cut."""
    return max((cell_len(word) for word in text.split()), default=0)


def table_fits(needed: list[int], width: int) -> bool:
    """Whether columns of these widths fit ``width`` with a rich table's borders and padding (3 cells a column,
    and one more)."""
    return sum(needed) + 3 * len(needed) + 1 <= width


def column_widths(columns: list[list[str]], width: int) -> list[int] | None:
    """The content width of each column of a table ``width`` cells wide (a rich table's borders and padding
    included), each column given as its cells (header first); None when some column's longest word cannot
    have its whole width. As rich does, the widest column is narrowed first, a cell at a time, but never below
    its longest word (rich would cut "recommended" when the table was just too wide)."""
    need = [max((widest_word(text) for text in cells), default=0) for cells in columns]
    if not table_fits(need, width):
        return None
    want = [max((cell_len(line) for text in cells for line in text.splitlines() or [""]), default=0)
            for cells in columns]
    widths = [max(w, n) for w, n in zip(want, need, strict=True)]
    excess = sum(widths) + 3 * len(widths) + 1 - width
    while excess > 0:
        n = max((i for i in range(len(widths)) if widths[i] > need[i]), key=lambda i: widths[i])
        widths[n] -= 1
        excess -= 1
    return widths


def is_url(token: str) -> bool:
    return _URL.match(token) is not None


def _url_parts(word: str) -> list[tuple[str, bool]]:
    """``word`` as (text, is a URL) parts: a URL glued to other text is taken out of it, with the opening and
    closing marks around it ("（", "(", "）", "。"), so that it too is never cut."""
    if is_url(word):
        return [(word, True)]
    found = _GLUED_URL.search(word)
    if found is None:
        return [(word, False)]
    start, end = found.span()
    while start > 0 and word[start - 1] in _OPENING:
        start -= 1
    while end < len(word) and word[end] in _NO_BREAK_BEFORE:
        end += 1
    parts = [(word[:start], False)] if start else []
    parts.append((word[start:end], True))
    return parts + (_url_parts(word[end:]) if end < len(word) else [])


def _wide(ch: str) -> bool:
    return cell_len(ch) == 2


def _pieces(word: str) -> list[str]:
    """A word split where a line may break inside it: between wide (CJK) characters."""
    if not any(_wide(ch) for ch in word):
        return [word]
    out: list[str] = []
    current = ""
    for ch in word:
        breakable = current and (_wide(ch) or _wide(current[-1]))
        if breakable and ch not in _NO_BREAK_BEFORE and current[-1] not in _NO_BREAK_AFTER:
            out.append(current)
            current = ch
        else:
            current += ch
    if current:
        out.append(current)
    return out


def wrap(text: str, width: int, indent: str = "", first_indent: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` cells (indents included); a URL is never cut: it follows the text
    when the line has room for it whole, else it has a line of its own (wider than ``width`` if it must)."""
    lead = indent if first_indent is None else first_indent
    lines: list[str] = []
    line = lead
    room_start = cell_len(lead)
    used = room_start
    blank = True

    def flush() -> None:
        nonlocal line, used, blank
        lines.append(line.rstrip())
        line, used, blank = indent, cell_len(indent), True

    for word, url, glued in ((part, url, n > 0) for token in text.split()
                             for n, (part, url) in enumerate(_url_parts(token))):
        if url:
            glue = "" if blank or glued else " "
            if not blank and used + cell_len(glue) + cell_len(word) <= width:
                line += glue + word  # "change: https://…" on one line when it fits
                used += cell_len(glue) + cell_len(word)
                continue
            opening = next((n for n, ch in enumerate(word) if ch not in _OPENING), len(word))
            own_line = cell_len(indent) + cell_len(word)
            if (opening and not blank and own_line > width >= own_line - cell_len(word[:opening])
                    and used + cell_len(glue) + cell_len(word[:opening]) <= width):
                line += glue + word[:opening]  # "…ページ（" then the URL: on its own line it fits without its mark
                word = word[opening:]
            if not blank:
                flush()
            lines.append(line + word)
            line, used, blank = indent, cell_len(indent), True
            continue
        pieces = _pieces(word)
        for n, piece in enumerate(pieces):
            glue = "" if blank or n > 0 else " "
            size = cell_len(piece)
            if not blank and used + cell_len(glue) + size > width:
                flush()
                glue = ""
            while blank and used + size > width and size > 1:
                # a word longer than the whole line (not a URL): cut it, cell by cell
                room = max(width - used, 1)
                head = ""
                for ch in piece:
                    if cell_len(head + ch) > room:
                        break
                    head += ch
                head = head or piece[0]
                lines.append(line + head)
                piece = piece[len(head):]
                line, used, blank = indent, cell_len(indent), True
                size = cell_len(piece)
            if not piece:
                continue
            line += glue + piece
            used += cell_len(glue) + size
            blank = False
    if not blank or not lines:
        lines.append(line.rstrip())
    return lines
