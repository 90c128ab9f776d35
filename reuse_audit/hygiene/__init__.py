"""Periodic hygiene checks: baselines, ignores, run history and the config file for scheduled audits."""

from __future__ import annotations

from reuse_audit.errors import ReuseAuditError


class HygieneInputError(ReuseAuditError):
    """A baseline, history or config file, or an ignore rule, that cannot be used; the message is one line."""
