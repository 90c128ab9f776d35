"""Entries left out of the findings on purpose: by tag, by ``--ignore UUID`` and by ``--ignore-group PATH``.

Ignored entries are dropped from the *findings* only, after the audit ran: like entries excluded from
reports, they still count for the others' reuse (the others really do share that password).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from reuse_audit.audit import AuditResult, EntryReport
from reuse_audit.credentials import SkippedEntry, SkipReason, VaultContents
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.i18n import N_
from reuse_audit.vault.source import normalise_uuid

IGNORE_TAG = "reuse-audit:ignore"



class IgnoreReason(StrEnum):
    """Why an entry was ignored; the first that applies wins, in this order."""

    TAG = "tag"
    UUID = "uuid"
    GROUP = "group"


@dataclass(frozen=True)
class IgnoreRules:
    """Validated ignore rules: canonical UUIDs, group paths without outer slashes, one tag."""

    uuids: frozenset[str] = frozenset()
    groups: tuple[str, ...] = ()
    tag: str = IGNORE_TAG

    @classmethod
    def parse(cls, uuids: Sequence[str] = (), groups: Sequence[str] = (), tag: str = IGNORE_TAG
              ) -> IgnoreRules:
        """Check ``--ignore`` / ``--ignore-group`` values; raise HygieneInputError on a bad one."""
        canonical: set[str] = set()
        for text in uuids:
            u = normalise_uuid(text)
            if u is None:
                raise HygieneInputError(N_("--ignore {text!r} is not an entry UUID (32 hex digits, hyphens allowed)"),
                                        text=text)
            canonical.add(u)
        paths: list[str] = []
        for text in groups:
            path = "/".join(part.strip() for part in text.strip().strip("/").split("/"))
            if not path:
                raise HygieneInputError(N_("--ignore-group {text!r} is not a group path (e.g. Mail/PINs)"), text=text)
            paths.append(path)
        return cls(frozenset(canonical), tuple(dict.fromkeys(paths)), tag)


@dataclass(frozen=True)
class IgnoreMatch:
    """One ignored entry and the rule that ignored it (``detail`` is the group path for GROUP)."""

    uuid: str
    title: str
    reason: IgnoreReason
    detail: str = ""


@dataclass(frozen=True)
class IgnoreOutcome:
    """What the rules matched in one vault, and the rules that matched nothing (stale, worth a warning)."""

    matches: Mapping[str, IgnoreMatch]
    unmatched: tuple[str, ...] = ()


def _in_group(group: str, path: str) -> bool:
    g, p = group.casefold(), path.casefold()
    return g == p or g.startswith(p + "/")


def find_ignored(vault: VaultContents, rules: IgnoreRules) -> IgnoreOutcome:
    """Match the rules against the vault's credentials (group paths and tags case-insensitively)."""
    matches: dict[str, IgnoreMatch] = {}
    used_groups: set[str] = set()
    seen_uuids = {c.uuid for c in vault.credentials} | {s.uuid for s in vault.skipped}
    for c in vault.credentials:
        group = next((p for p in rules.groups if _in_group(c.group, p)), None)
        if group is not None:
            used_groups.add(group)
        if c.has_tag(rules.tag):
            matches[c.uuid] = IgnoreMatch(c.uuid, c.title, IgnoreReason.TAG, rules.tag)
        elif c.uuid in rules.uuids:
            matches[c.uuid] = IgnoreMatch(c.uuid, c.title, IgnoreReason.UUID)
        elif group is not None:
            matches[c.uuid] = IgnoreMatch(c.uuid, c.title, IgnoreReason.GROUP, group)
    unmatched = [f"--ignore {u}" for u in sorted(rules.uuids - seen_uuids)]
    unmatched += [f"--ignore-group {p}" for p in rules.groups if p not in used_groups]
    return IgnoreOutcome(matches, tuple(unmatched))


def drop_ignored(result: AuditResult, ignored: IgnoreOutcome) -> AuditResult:
    """The audit without the ignored entries' findings: they move to ``skipped`` (reason ``ignored``).

    Reuse and variant groups keep them, so a sharer's finding still says how many entries share its
    password; ranks are renumbered 1..n in the same worst-first order.
    """
    if not ignored.matches:
        return result
    kept: list[EntryReport] = [e for e in result.entries if e.credential.uuid not in ignored.matches]
    # entries already skipped (excluded, empty password) keep their own reason
    already = {s.uuid for s in result.skipped}
    newly = [SkippedEntry(m.uuid, m.title, SkipReason.IGNORED) for m in ignored.matches.values()
             if m.uuid not in already]
    return replace(result, entries=tuple(replace(e, rank=n) for n, e in enumerate(kept, 1)),
                   skipped=result.skipped + tuple(newly))


def ignore_summary(ignored: IgnoreOutcome, skipped: Iterable[SkippedEntry] = (), lang: str = "en") -> str | None:
    """'3 ignored: 1 by tag reuse-audit:ignore, 1 by --ignore, 1 by --ignore-group Mail/PINs'.

    Entries skipped as excluded from reports (KeePass's own flag) are counted too, once each.
    """
    from reuse_audit.hygiene import wording as W
    from reuse_audit.i18n import Translator

    excluded = {s.uuid for s in skipped if s.reason == SkipReason.EXCLUDED}
    by: Counter[tuple[int, str, str]] = Counter()
    for m in ignored.matches.values():
        if m.uuid in excluded:
            continue
        if m.reason == IgnoreReason.TAG:
            by[(0, "tag", m.detail)] += 1
        elif m.reason == IgnoreReason.UUID:
            by[(1, "uuid", "")] += 1
        else:
            by[(2, "group", m.detail)] += 1
    if excluded:
        by[(3, "excluded", "")] += len(excluded)
    total = sum(by.values())
    if not total:
        return None
    t = Translator(lang)
    parts = [t.text(W.IGNORED_BY[key[1]], n=by[key], detail=key[2]) for key in sorted(by)]
    return t.text(W.IGNORED, total=total, parts=t.join(parts))
