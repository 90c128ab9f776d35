"""Detect a hijacked mail account from a flood of bounces: sources → detect → (hops, provider) → evidence →
verdict → report.

The names below are loaded on first use, so that importing a light module of the package (its settings, for
the command line's options) does not load the mail parsers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reuse_audit.lazy import lazy_names

if TYPE_CHECKING:
    from reuse_audit.bounces.scan import BounceScan, find_compromised
    from reuse_audit.bounces.settings import Thresholds
    from reuse_audit.bounces.sources import ImapLogin, MailSourceError
    from reuse_audit.bounces.verdict import AccountVerdict, Verdict

__all__ = ["AccountVerdict", "BounceScan", "ImapLogin", "MailSourceError", "Thresholds", "Verdict",
           "find_compromised"]
_HOME = {"BounceScan": "scan", "find_compromised": "scan", "ImapLogin": "sources", "MailSourceError": "sources",
         "Thresholds": "settings", "AccountVerdict": "verdict", "Verdict": "verdict"}


__getattr__ = lazy_names(__name__, _HOME)
