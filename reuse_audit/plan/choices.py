"""The plan's ``--format`` choices, light enough for the command line to declare its options with (the renderers
live in :mod:`reuse_audit.plan.formats`)."""

from __future__ import annotations

from enum import StrEnum


class PlanFormat(StrEnum):
    """`--format` of the plan."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"
