"""The variant check: clusters of near-identical passwords, the small mangles an attacker tries next.

After one password leaks, cracking rules try its variants first: case toggles, leet, digits appended or
changed, a new year, a changed suffix, and the site's name swapped for another's (``blue-kettle-gmail`` and
``blue-kettle-twitter``, see :mod:`reuse_audit.checks.variant_sites`). Two passwords are *variants* when one
is within such a step of the other (the rules are in :func:`variant_kind`). Clusters are the connected
components of that relation, found without comparing all pairs: each password is compared only with the few
that share a blocking key. Nothing here logs, prints or raises with a password or anything derived from one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reuse_audit.checks.variant_distance import shares_run, whole_token_runs, within_edits
from reuse_audit.checks.variant_forms import MIN_CORE_LENGTH, PasswordForms, password_forms
from reuse_audit.checks.variant_sites import SiteForms, site_forms, site_related

CASE = "case"
LEET = "leet"
APPENDED = "appended"
PREFIXED = "prefixed"
DIGITS_CHANGED = "digits_changed"
SUFFIX_CHANGED = "suffix_changed"
YEAR_CHANGED = "year_changed"
SMALL_EDIT = "small_edit"
SHARED_CORE = "shared_core"
SITE_NAME = "site_name"

KINDS = frozenset({CASE, LEET, APPENDED, PREFIXED, DIGITS_CHANGED, SUFFIX_CHANGED, YEAR_CHANGED, SMALL_EDIT,
                   SHARED_CORE, SITE_NAME})
"""Every variant kind; in words (every language) in :data:`reuse_audit.i18n.reasons.VARIANT_KINDS`. A kind
never shows characters of a password."""

# Edit distance allowed on the skeletons: 1 from 4 characters ("monkey"/"monkey!"), 2 from 12 on.
ONE_EDIT_FROM = MIN_CORE_LENGTH
TWO_EDITS_FROM = 12
# A common substring of this many characters, covering two thirds of the longer password.
SHARED_RUN_MIN = 6
# Buckets larger than this are linked without checking every pair (kinds come from the links made).
LARGE_BUCKET = 64

_SEGMENTS = 2 * 2 + 1  # pigeonhole: two edits touch at most four segments (a swap may touch two)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


@dataclass(frozen=True)
class VariantCluster:
    """Passwords that are variants of one another, by index into the audited list; never their values."""

    members: tuple[int, ...]  # indexes into the input list, sorted, len >= 2
    kinds: tuple[str, ...]  # sorted distinct kind names of the differences seen in the cluster


def variant_kind(a: str, b: str, *, names_a: Iterable[str] = (), names_b: Iterable[str] = ()) -> str | None:
    """The kind of difference between two passwords, or ``None`` when they are unrelated or identical.

    Related means any of: the same skeleton (case and leet undone); the same core of at least four
    characters making up a third of the longer password, once digit and symbol runs at both ends are
    stripped; at most one edit apart (two from 12 characters on) after undoing case and leet; or a common
    run of at least six characters covering two thirds of the longer one; or, given the site names of the
    entries holding each (``names_a``, ``names_b``: title words, host labels, the service's name), equal
    once each one's own site name is taken out (:mod:`reuse_audit.checks.variant_sites`). The kind names
    the most specific difference: ``site_name``, ``case``, ``leet``, ``appended``, ``prefixed``,
    ``year_changed``, ``digits_changed``, ``suffix_changed``, ``small_edit``, else ``shared_core``.
    """
    if not isinstance(a, str) or not isinstance(b, str):
        raise TypeError(f"variant_kind compares two str, got {type(a).__name__} and {type(b).__name__}")
    if a == b:
        return None
    fa, fb = password_forms(a), password_forms(b)
    names_a, names_b = tuple(names_a), tuple(names_b)
    if names_a and names_b and site_related(site_forms(fa, names_a), site_forms(fb, names_b)):
        return SITE_NAME
    return _classify(fa, fb) if _related(fa, fb) else None


def find_variant_groups(passwords: Sequence[str], site_names: Sequence[Iterable[str]] | None = None
                        ) -> list[VariantCluster]:
    """Clusters of near-identical passwords among distinct ``passwords``, ordered by first member.

    A cluster is a connected component of the relation :func:`variant_kind` decides, so two members may
    be linked only through a third. Runs in roughly linear time: passwords are bucketed by skeleton and
    core, and edit-distance and shared-run candidates come from exact blocking keys, never all pairs.
    ``kinds`` gathers the kind of every link found; in a bucket of more than :data:`LARGE_BUCKET`
    passwords proven alike, only a chain of links is classified, to stay linear. ``site_names``, one
    iterable per password, names the sites of the entries holding it (never secrets): with it, site-name
    variants are linked too, blocked by their templates. Raises ``ValueError`` (naming positions only) when
    two entries are the same string: exact duplicates are reuse, not variants.
    """
    forms: list[PasswordForms] = []
    first_at: dict[str, int] = {}
    for index, password in enumerate(passwords):
        if not isinstance(password, str):
            raise TypeError(f"password at position {index} is {type(password).__name__}, not str")
        earlier = first_at.setdefault(password, index)
        if earlier != index:
            raise ValueError(
                f"positions {earlier} and {index} hold the same password; pass distinct passwords "
                "(exact duplicates are reuse, not variants)"
            )
        forms.append(password_forms(password))
    sites: list[SiteForms] | None = None
    if site_names is not None:
        if len(site_names) != len(forms):
            raise ValueError(f"site_names has {len(site_names)} items for {len(forms)} passwords")
        sites = [site_forms(f, names) for f, names in zip(forms, site_names, strict=True)]
    linker = _Linker(forms, sites)
    try:
        if sites is not None:
            _link_site_names(sites, linker)
        _link_same_skeleton(forms, linker)
        _link_same_core(forms, linker)
        _link_one_edit(forms, linker)
        _link_two_edits(forms, linker)
        _link_shared_run(forms, linker)
    finally:
        whole_token_runs.cache_clear()  # its keys are password skeletons: keep none past the check
    return linker.clusters()


class _Linker:
    """Union-find over password indexes that records the kind of every link it makes."""

    def __init__(self, forms: Sequence[PasswordForms], sites: Sequence[SiteForms] | None = None) -> None:
        self._forms = forms
        self._sites = sites
        self._parent = list(range(len(forms)))
        self._seen: set[int] = set()  # pairs considered, as i * n + j (i < j): an int is half a tuple's memory
        self._n = len(forms)
        self._kinds: list[tuple[int, str]] = []
        self._unified: dict[object, int] = {}  # large blocking lists known to lie in one component

    def root(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def consider(self, i: int, j: int, *, known: bool = False, skip_connected: bool = False) -> None:
        """Link ``i`` and ``j`` if they are variants; ``known`` when a bucket already proves it."""
        if i == j:
            return
        pair = i * self._n + j if i < j else j * self._n + i
        if pair in self._seen:
            return
        if skip_connected and self.root(i) == self.root(j):
            return
        self._seen.add(pair)
        fi, fj = self._forms[i], self._forms[j]
        sites = self._sites
        if sites is not None and sites[i].templates and sites[j].templates and site_related(sites[i], sites[j]):
            kind = SITE_NAME
        elif known or _related(fi, fj):
            kind = _classify(fi, fj)
        else:
            return
        self._kinds.append((i, kind))
        ri, rj = self.root(i), self.root(j)
        if ri != rj:
            self._parent[max(ri, rj)] = min(ri, rj)

    def consider_against(self, j: int, key: object, ids: Sequence[int]) -> None:
        """Consider ``j`` with every member of one blocking list, skipping a large list in j's component."""
        if len(ids) <= LARGE_BUCKET:
            seen, n = self._seen, self._n
            for i in ids:  # a pair met through another key already: skipped here, without a call
                if i != j and (i * n + j if i < j else j * n + i) not in seen:
                    self.consider(i, j)
            return
        unified = self._unified.get(key)
        if unified is not None and self.root(unified) == self.root(j):
            return
        for i in ids:
            self.consider(i, j, skip_connected=True)
        first = self.root(ids[0])
        if all(self.root(i) == first for i in ids):
            self._unified[key] = ids[0]

    def consider_all(self, ids: Sequence[int], *, known: bool = False) -> None:
        """Consider every pair in one bucket; in a very large one, only what can still join components."""
        if len(ids) < 2:
            return
        if known and len(ids) > LARGE_BUCKET:
            for i, j in zip(ids, ids[1:], strict=False):
                self.consider(i, j, known=True)
            return
        large = len(ids) > LARGE_BUCKET
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                self.consider(i, j, known=known, skip_connected=large)

    def clusters(self) -> list[VariantCluster]:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self._parent)):
            members[self.root(i)].append(i)
        kinds: dict[int, set[str]] = defaultdict(set)
        for i, kind in self._kinds:
            kinds[self.root(i)].add(kind)
        return [
            VariantCluster(tuple(group), tuple(sorted(kinds[root])))
            for root, group in sorted(members.items(), key=lambda item: item[1][0])
            if len(group) >= 2
        ]


def _buckets(keyed: Iterable[tuple[object, int]]) -> list[list[int]]:
    table: dict[object, list[int]] = defaultdict(list)
    for key, i in keyed:
        table[key].append(i)
    return [ids for ids in table.values() if len(ids) >= 2]


def _link_site_names(sites: Sequence[SiteForms], linker: _Linker) -> None:
    # Site-name variants share a template: equal templates are the blocking key. A template shared from the
    # same name only (the same password up to case, or the name moved) is not a link: consider() decides.
    for ids in _buckets((template, i) for i, s in enumerate(sites) for template in s.templates):
        linker.consider_all(ids)


def _link_same_skeleton(forms: Sequence[PasswordForms], linker: _Linker) -> None:
    for ids in _buckets((f.skeleton, i) for i, f in enumerate(forms)):
        linker.consider_all(ids, known=True)


def _link_same_core(forms: Sequence[PasswordForms], linker: _Linker) -> None:
    for ids in _buckets((core, i) for i, f in enumerate(forms) for core in f.cores):
        linker.consider_all(ids, known=True)


def _link_one_edit(forms: Sequence[PasswordForms], linker: _Linker) -> None:
    # Symmetric deletion keys: two strings one edit apart (a swap included) share the string itself or
    # the string with one character deleted. Only lengths where the limit is one edit need them.
    def keys() -> Iterable[tuple[object, int]]:
        for i, f in enumerate(forms):
            s = f.skeleton
            if ONE_EDIT_FROM <= len(s) <= TWO_EDITS_FROM:
                for key in {s, *(s[:k] + s[k + 1 :] for k in range(len(s)))}:
                    yield key, i

    for ids in _buckets(keys()):
        linker.consider_all(ids)


def _segments(length: int) -> list[tuple[int, int]]:
    base, extra = divmod(length, _SEGMENTS)
    spans: list[tuple[int, int]] = []
    start = 0
    for k in range(_SEGMENTS):
        size = base + (1 if k >= _SEGMENTS - extra else 0)
        spans.append((start, size))
        start += size
    return spans


def _link_two_edits(forms: Sequence[PasswordForms], linker: _Linker) -> None:
    # Pigeonhole (as in PassJoin): cut the shorter skeleton into 5 segments; within two edits at least one
    # segment survives intact in the longer one, shifted by at most the net insertions before it.
    index: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    long_ids = [i for i, f in enumerate(forms) if len(f.skeleton) >= TWO_EDITS_FROM]
    for i in long_ids:
        s = forms[i].skeleton
        for k, (start, size) in enumerate(_segments(len(s))):
            index[(len(s), k, s[start : start + size])].append(i)
    shifts = {0: (-1, 0, 1), 1: (0, 1), 2: (0, 1, 2)}
    spans = {length: _segments(length) for length in {len(forms[i].skeleton) for i in long_ids}}
    for j in long_ids:
        t = forms[j].skeleton
        keys: set[tuple[int, int, str]] = set()
        for growth, deltas in shifts.items():
            length = len(t) - growth
            if length < TWO_EDITS_FROM:
                continue
            for k, (start, size) in enumerate(spans.get(length, ())):
                for delta in deltas:
                    at = start + delta
                    key = (length, k, t[at : at + size])
                    if 0 <= at and at + size <= len(t) and key in index:
                        keys.add(key)
        for key in keys:
            linker.consider_against(j, key, index[key])


def _link_shared_run(forms: Sequence[PasswordForms], linker: _Linker) -> None:
    # The shared run is made of whole tokens in both passwords and is at least as long as each one's own
    # threshold, so it is among the whole-token runs each password is keyed by: equal keys, candidates.
    def keys() -> Iterable[tuple[object, int]]:
        for i, f in enumerate(forms):
            s = f.skeleton
            if len(s) >= SHARED_RUN_MIN:
                for key in whole_token_runs(s, f.bounds, _shared_run_needed(len(s), len(s))):
                    yield key, i

    for ids in _buckets(keys()):
        linker.consider_all(ids, known=True)


def _shared_run_needed(length_a: int, length_b: int) -> int:
    longer = max(length_a, length_b)
    return max(SHARED_RUN_MIN, -(-2 * longer // 3))


def _related(fa: PasswordForms, fb: PasswordForms) -> bool:
    # Written out in one function: it runs for every candidate pair (1.5 million at 50,000 entries), where
    # calls to helpers cost more than the tests themselves.
    sa, sb = fa.skeleton, fb.skeleton
    if sa == sb:
        return True
    cores_b = fb.cores
    for core in fa.cores:  # each keeps only cores making up a third of it: a common one does so for both
        if core in cores_b:
            return True
    la, lb = len(sa), len(sb)
    shortest, longest = (la, lb) if la < lb else (lb, la)
    limit = 2 if shortest >= TWO_EDITS_FROM else 1 if shortest >= ONE_EDIT_FROM else 0
    if limit and within_edits(sa, sb, limit):
        return True
    needed = max(SHARED_RUN_MIN, -(-2 * longest // 3))  # _shared_run_needed(la, lb)
    return needed <= shortest and shares_run(sa, fa.bounds, sb, fb.bounds, needed)


def _classify(fa: PasswordForms, fb: PasswordForms) -> str:
    """The most specific kind of difference between two related, distinct passwords."""
    if fa.folded == fb.folded:
        return CASE
    sa, sb = fa.skeleton, fb.skeleton
    if sa == sb:
        return LEET
    if sa.startswith(sb) or sb.startswith(sa):
        return APPENDED
    if sa.endswith(sb) or sb.endswith(sa):
        return PREFIXED
    na, nb = fa.normal, fb.normal
    shortest = min(len(na), len(nb))
    same_start = 0
    while same_start < shortest and na[same_start] == nb[same_start]:
        same_start += 1
    same_end = 0
    while same_end < shortest - same_start and na[-1 - same_end] == nb[-1 - same_end]:
        same_end += 1
    diff_a = na[same_start : len(na) - same_end]
    diff_b = nb[same_start : len(nb) - same_end]
    if not diff_a and not diff_b:
        return LEET  # only leet at the ends differs, which the normal form keeps as typed
    if _digits_or_empty(diff_a) and _digits_or_empty(diff_b):
        run_a = _digit_run(na, same_start, len(na) - same_end)
        run_b = _digit_run(nb, same_start, len(nb) - same_end)
        return YEAR_CHANGED if _YEAR.fullmatch(run_a) and _YEAR.fullmatch(run_b) else DIGITS_CHANGED
    one_letter_swapped = len(diff_a) == len(diff_b) == 1 and diff_a.isalpha() and diff_b.isalpha()
    if not one_letter_swapped:
        if same_end == 0 and same_start > 0:
            return SUFFIX_CHANGED
        if same_start == 0 and same_end > 0:
            return PREFIXED
    if within_edits(sa, sb, 2):
        return SMALL_EDIT
    return SHARED_CORE


def _digits_or_empty(text: str) -> bool:
    return not text or (text.isascii() and text.isdigit())  # ASCII digits: 0-9 only


def _digit_run(text: str, start: int, end: int) -> str:
    """The whole digit run around ``text[start:end]`` (or around the insertion point when empty)."""
    while start > 0 and "0" <= text[start - 1] <= "9":
        start -= 1
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return text[start:end]
