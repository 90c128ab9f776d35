"""Detect a hijacked mail account from a flood of bounces: sources → detect → (hops, provider) → evidence →
verdict → report."""

from reuse_audit.bounces.scan import BounceScan, find_compromised
from reuse_audit.bounces.sources import ImapLogin, MailSourceError
from reuse_audit.bounces.verdict import AccountVerdict, Thresholds, Verdict

__all__ = ["AccountVerdict", "BounceScan", "ImapLogin", "MailSourceError", "Thresholds", "Verdict",
           "find_compromised"]
