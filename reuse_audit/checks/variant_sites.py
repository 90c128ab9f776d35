"""Site-name variants: two passwords that become one once each entry's own site name is taken out.

``blue-kettle-gmail`` on Gmail and ``blue-kettle-twitter`` on Twitter are one password with the site's name
swapped in: the first thing an attacker holding one tries on the other site. Each password is turned into
*templates*: its skeleton (:mod:`reuse_audit.checks.variant_forms`) with one occurrence of one of its site
names replaced by a placeholder (``blue-kettle-\\0``) or removed (``blue-kettle-``). Two passwords are
site-name variants when they share a template made from *different* names (the same name would make them
the same password, or the name merely moved). Equal templates are exact blocking keys, so no pair is
compared that does not share one.

A name counts where it stands on a token boundary of the password (letters, digits and symbols meet, a
capital follows a small letter, the script changes: ``Amazon!``, ``myGmail``, ``楽天pass``): a name of
:data:`SHORT_NAME` characters or fewer only as a whole token (``fb`` in ``fb-Secret9``, not in
``fbsecret9``), a longer one also at the start or end of one (``amazonsecret9``). What is left must be at
least :data:`MIN_REMAINDER` characters: two passwords that are nothing but their site's name share no secret.

Templates are password-derived: :class:`SiteForms` never shows them, and nothing here logs or raises with one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reuse_audit.checks.variant_forms import LEET_TO_LETTER, PasswordForms

PLACEHOLDER = "\x00"
#: What must be left of a password once its site name is taken out.
MIN_REMAINDER = 4
#: Names of this many characters or fewer ("fb", "aaa", "line") match only as a whole token.
SHORT_NAME = 4
#: At most this many names per password are tried (an entry shared by many sites has many names).
MAX_NAMES = 64

_LEET = str.maketrans(LEET_TO_LETTER)


@dataclass(frozen=True, slots=True, repr=False)
class SiteForms:
    """The site-name templates of one password: template → the names (skeletons) it was made from.

    Holds secrets: ``repr`` is masked.
    """

    templates: Mapping[str, frozenset[str]]

    def __repr__(self) -> str:
        return "SiteForms('***')"

    __str__ = __repr__


NO_SITE_FORMS = SiteForms({})


def name_skeleton(name: str) -> str:
    """A site name as it is compared: case-folded, leet undone (as a password's skeleton is)."""
    return name.casefold().translate(_LEET)


def site_forms(forms: PasswordForms, names: Iterable[str]) -> SiteForms:
    """The templates of the password whose forms are ``forms``, for its site ``names`` (any case)."""
    skeleton = forms.skeleton
    bounds: set[int] | None = None  # computed once a name occurs at all (most passwords hold none)
    found: dict[str, set[str]] = {}
    for name in sorted({name_skeleton(n) for n in names if n})[:MAX_NAMES]:
        if len(name) < 2 or len(skeleton) - len(name) < MIN_REMAINDER or name not in skeleton:
            continue
        if bounds is None:
            bounds = set(forms.bounds) | _script_bounds(forms.folded)
        whole_only = len(name) <= SHORT_NAME and name.isascii()
        start = skeleton.find(name)
        while start >= 0:
            end = start + len(name)
            at_start, at_end = start in bounds, end in bounds
            if (at_start and at_end) or (not whole_only and (at_start or at_end)):
                head, tail = skeleton[:start], skeleton[end:]
                found.setdefault("P" + head + PLACEHOLDER + tail, set()).add(name)
                found.setdefault("R" + head + tail, set()).add(name)
            start = skeleton.find(name, start + 1)
    if not found:
        return NO_SITE_FORMS
    return SiteForms({template: frozenset(made_from) for template, made_from in found.items()})


def site_related(a: SiteForms, b: SiteForms) -> bool:
    """Whether two passwords share a template made from different site names."""
    small, large = (a, b) if len(a.templates) <= len(b.templates) else (b, a)
    for template, names in small.templates.items():
        other = large.templates.get(template)
        if other is not None and (names != other or len(names) > 1):
            return True
    return False


LATIN, HIRAGANA, KATAKANA, KANJI, OTHER = range(5)


def script_of(char: str) -> int:
    """The script of one character, as far as token boundaries care: Latin (ASCII), kana, kanji, other."""
    code = ord(char)
    if 0x3040 <= code <= 0x309F:
        return HIRAGANA
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return KATAKANA
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return KANJI
    return LATIN if char.isascii() else OTHER


def _script_bounds(folded: str) -> set[int]:
    """Positions where one letter's script differs from the previous one's (``楽天|pass``, ``楽天|カード``)."""
    if folded.isascii():
        return set()
    return {k for k in range(1, len(folded))
            if folded[k].isalpha() and folded[k - 1].isalpha() and script_of(folded[k]) != script_of(folded[k - 1])}
