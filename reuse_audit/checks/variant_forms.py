"""Normal forms of a password that near-duplicate detection compares: folded, skeleton, normal form, cores.

Every form is password-derived, so :class:`PasswordForms` never shows its fields in ``repr``/``str``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Leet substitutions attackers' mangling rules undo (4→a, 3→e, 1→i/l, 0→o, $→s, @→a, 5→s, 7→t). "l" is
# folded onto "i" too, so "1" can stand for either letter without needing two skeletons.
LEET_TO_LETTER = {"4": "a", "@": "a", "3": "e", "1": "i", "l": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
_LEET = str.maketrans(LEET_TO_LETTER)

# Inside the word part, a run of 3+ digits is a number ("pass1234word"), not leet for letters.
_NUMBER_RUN = re.compile(r"[0-9]{3,}")

# Tokens: runs of letters, of digits, of anything else.
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[\W_]+")

# A core shorter than this ("abc") is too weak evidence on its own that two passwords are related.
MIN_CORE_LENGTH = 4
# A core must also make up a third of the password: "love" + 12 random digits is not a guessable variant
# of "love" + 12 other digits.
CORE_SHARE = 3


@dataclass(frozen=True, slots=True, repr=False)
class PasswordForms:
    """The comparable forms of one password. Holds secrets: ``repr`` is masked.

    ``folded``: case-folded. ``skeleton``: folded with every leet character replaced by its letter.
    ``normal``: folded with leet undone only in the word part (between the first and last letter), so
    digit and symbol runs at either end stay as typed; same length as ``folded``.
    ``cores``: the word part with leet undone, plus that word extended by one leet character at either
    end ("hell0" also yields "hello"); only cores of at least :data:`MIN_CORE_LENGTH` characters that
    make up at least a third (:data:`CORE_SHARE`) of the password.
    ``bounds``: token boundaries, 0 and the length included: where letters, digits and symbols meet, and
    where a lowercase letter is followed by a capital ("correctHorse").
    """

    folded: str
    skeleton: str
    normal: str
    cores: tuple[str, ...]
    bounds: tuple[int, ...]

    def __repr__(self) -> str:
        return "PasswordForms('***')"

    __str__ = __repr__


def password_forms(password: str) -> PasswordForms:
    """Compute the forms of ``password`` (any string, including empty)."""
    folded = password.casefold()
    skeleton = folded.translate(_LEET)
    n = len(folded)
    start = 0
    while start < n and not folded[start].isalpha():
        start += 1
    end = n
    while end > start and not folded[end - 1].isalpha():
        end -= 1
    head, body, tail = folded[:start], folded[start:end], folded[end:]
    core = _unleet_word(body)
    cores: list[str] = []
    if body:
        left = LEET_TO_LETTER.get(head[-1], "") if head else ""
        right = LEET_TO_LETTER.get(tail[0], "") if tail else ""
        for candidate in (core, left + core, core + right, left + core + right):
            long_enough = len(candidate) >= MIN_CORE_LENGTH and CORE_SHARE * len(candidate) >= len(folded)
            if long_enough and candidate not in cores:
                cores.append(candidate)
    return PasswordForms(
        folded=folded,
        skeleton=skeleton,
        normal=head + core + tail,
        cores=tuple(cores),
        bounds=_token_bounds(password) if len(folded) == len(password) else (0, len(folded)),
    )


def _token_bounds(password: str) -> tuple[int, ...]:
    bounds = [0]
    for token in _TOKEN.finditer(password):
        text = token.group()
        if text[0].isalpha() and not text.islower() and not text.isupper():
            start = token.start()
            bounds.extend(start + k for k in range(1, len(text)) if text[k - 1].islower() and text[k].isupper())
        bounds.append(token.end())
    return tuple(bounds)


def _unleet_word(body: str) -> str:
    parts: list[str] = []
    pos = 0
    for number in _NUMBER_RUN.finditer(body):
        parts.append(body[pos : number.start()].translate(_LEET))
        parts.append(number.group())
        pos = number.end()
    parts.append(body[pos:].translate(_LEET))
    return "".join(parts)
