"""The bounce layer's settings, light enough for the command line to declare its options with: when a burst
counts as a hijack (:class:`Thresholds`), the IMAP time limit and the report's formats (their renderers are
imported when one is used)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

#: Seconds a whole IMAP fetch may take (`--imap-deadline`): login, search, headers and bounce bodies.
DEFAULT_IMAP_DEADLINE = 300.0


@dataclass(frozen=True)
class Thresholds:
    """When a burst of bounces counts as a hijack (defaults from the feature request)."""

    window_minutes: int = 60
    min_bounces: int = 5
    min_recipients: int = 10
    unknown_share: float = 0.8
    day_bounces: int = 20


class OutputFormat(StrEnum):
    """``--format``: each member builds its formatter."""

    TABLE = "table"
    JSON = "json"

    def formatter(self) -> Callable[..., str]:
        """The function rendering a :class:`~reuse_audit.bounces.scan.BounceScan` in this format."""
        from reuse_audit.bounces.report import render_json, render_table

        return {OutputFormat.TABLE: render_table, OutputFormat.JSON: render_json}[self]
