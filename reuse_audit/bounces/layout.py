"""Text that fits the reader's terminal: the width from ``COLUMNS`` or the terminal (100 when neither says),
lines wrapped as every report wraps them (:mod:`reuse_audit.report.wrap`): at word boundaries, Japanese and
Chinese text between characters (never before 、。）」), a URL kept in one piece on a line of its own.
"""

from __future__ import annotations

import shutil

from reuse_audit.report import DEFAULT_WIDTH
from reuse_audit.report.wrap import wrap as wrap_text

MIN_WIDTH = 40


def terminal_width() -> int:
    """The width to write for: ``COLUMNS``, else the terminal's, else 100 (never under 40)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` cells, the first starting with ``indent``, the rest with
    ``subsequent`` (``indent`` by default): :func:`reuse_audit.report.wrap.wrap`, as every report wraps."""
    return wrap_text(text, width, indent if subsequent is None else subsequent, first_indent=indent)
