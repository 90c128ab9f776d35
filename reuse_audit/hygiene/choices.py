"""`trend --format`: the trend's formats, light enough for the command line to declare its options with (the
renderers are imported when one is used)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse_audit.hygiene.history import HistoryPoint


class TrendFormat(StrEnum):
    """`trend --format`."""

    TABLE = "table"
    JSON = "json"
    HTML = "html"

    def render(self, points: Sequence[HistoryPoint], width: int | None, lang: str = "en") -> str:
        from reuse_audit.hygiene import trend_formats as f
        from reuse_audit.i18n import Translator

        renderer = {TrendFormat.TABLE: f.render_table, TrendFormat.JSON: f.render_json,
                    TrendFormat.HTML: f.render_html}[self]
        return renderer(points, width, Translator(lang))
