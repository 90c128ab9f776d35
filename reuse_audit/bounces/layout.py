"""Text that fits the reader's terminal: the width from ``COLUMNS`` or the terminal (100 when neither says),
lines wrapped at word boundaries — Japanese and Chinese text between characters, never before 、。）」 —
and a word longer than a whole line (a URL) kept in one piece on a line of its own.
"""

from __future__ import annotations

import shutil
import unicodedata

from rich.cells import cell_len

from reuse_audit.report import DEFAULT_WIDTH

MIN_WIDTH = 40
_NO_BREAK_BEFORE = frozenset("、。，．・：；？！）」』】〕〉》”’ー…‐〜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
                             "%,.:;!?)]}")
_NO_BREAK_AFTER = frozenset("（「『【〔〈《“‘([{")


def terminal_width() -> int:
    """The width to write for: ``COLUMNS``, else the terminal's, else 100 (never under 40)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _atoms(text: str) -> list[tuple[str, bool]]:
    """The unbreakable pieces of ``text``, each with whether a space comes before it."""
    atoms: list[tuple[str, bool]] = []
    for word in text.split():
        space = True
        buffer = ""
        for char in word:
            if not _wide(char) and char not in _NO_BREAK_BEFORE:
                if buffer and _wide(buffer[-1]) and buffer[-1] not in _NO_BREAK_AFTER:
                    atoms.append((buffer, space))
                    space, buffer = False, ""
                buffer += char
            elif char in _NO_BREAK_BEFORE or (buffer and buffer[-1] in _NO_BREAK_AFTER):
                buffer += char
            else:
                if buffer:
                    atoms.append((buffer, space))
                    space = False
                buffer = char
        if buffer:
            atoms.append((buffer, space))
    return atoms


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` cells, the first starting with ``indent``, the rest with
    ``subsequent`` (``indent`` by default). Only a piece wider than a whole line makes a longer line."""
    rest = indent if subsequent is None else subsequent
    lines: list[str] = []
    current, used, empty = indent, cell_len(indent), True
    for atom, space in _atoms(text):
        piece = (" " if space and not empty else "") + atom
        if not empty and used + cell_len(piece) > width:
            lines.append(current.rstrip())
            current, used, empty = rest, cell_len(rest), True
            piece = atom
        current += piece
        used += cell_len(piece)
        empty = False
    lines.append(current.rstrip())
    return lines
