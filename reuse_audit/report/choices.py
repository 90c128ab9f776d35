"""`audit --format`: the report's formats, light enough for the command line to declare its options with (each
format's renderer is imported when it is used)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse_audit.audit import AuditResult
    from reuse_audit.report.audit_formats import AuditRender


class AuditFormat(StrEnum):
    """`--format` of `audit`; each member builds its formatter."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"

    def formatter(self) -> Callable[[AuditResult, AuditRender], str]:
        from reuse_audit.report import audit_formats as f

        return {
            AuditFormat.TABLE: f.render_table,
            AuditFormat.JSON: f.render_json,
            AuditFormat.CSV: f.render_csv,
            AuditFormat.MARKDOWN: f.render_markdown,
            AuditFormat.HTML: f.render_html,
        }[self]
