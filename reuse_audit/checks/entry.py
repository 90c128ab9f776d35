"""Per-entry checks that look at an entry's site and fields rather than its password (a breached site, a
missing second factor, an insecure URL, ...): one protocol, so the audit runs each selected one the same way.

A check returns the findings it made per entry, and whether it could decide at all: a check that could not
run (its data could not be loaded) decides nothing, and its kinds are *not checked*, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Protocol

from reuse_audit.credentials import Credential
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.findings import Check, FindingKind
from reuse_audit.reasons import Reason


@dataclass(frozen=True)
class EntryFinding:
    """One finding on one entry, with the reason that explains it."""

    kind: FindingKind
    reason: Reason


@dataclass(frozen=True)
class CheckContext:
    """What every per-entry check may use: the time of the run and how to reach the network (or not)."""

    now: datetime
    exposure: ExposureSettings
    settings: Mapping[str, object] = field(default_factory=dict)  # check-specific settings, by check name


@dataclass(frozen=True)
class EntryCheckOutcome:
    """The findings per entry uuid, whether the check decided (ran with its data), and notes for the run."""

    findings: Mapping[str, tuple[EntryFinding, ...]]
    decided: bool = True
    notes: tuple[Reason, ...] = ()

    @classmethod
    def undecided(cls, *notes: Reason) -> EntryCheckOutcome:
        """The check could not run: its kinds are not checked."""
        return cls({}, False, notes)


class EntryCheck(Protocol):
    """A check selected by ``--checks NAME`` that decides ``kinds`` for every audited entry."""

    name: Check
    kinds: frozenset[FindingKind]

    def run(self, credentials: Sequence[Credential], context: CheckContext) -> EntryCheckOutcome:
        """Look at every credential; never raise for data it cannot load (return ``undecided``)."""
        ...


@cache
def registered_checks() -> tuple[EntryCheck, ...]:
    """Every per-entry check, in the order their findings are listed (stateless: made once)."""
    from reuse_audit.checks.second_factor import SecondFactorCheck
    from reuse_audit.checks.site_breaches import SiteBreachCheck
    from reuse_audit.checks.urls import InsecureUrlCheck

    return (SiteBreachCheck(), InsecureUrlCheck(), SecondFactorCheck())
