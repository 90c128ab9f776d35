"""The one translation catalogue: every sentence a person reads, in English (the msgids) or Japanese.

Wording is declared where it is used, marked with :func:`N_` (or :func:`NP_` for a singular/plural pair),
and translated through one gettext domain, ``reuse_audit`` (``locale/ja/LC_MESSAGES/reuse_audit.po``; a test
checks that every marked string has a translation and that none is stale). Codes, enum values and JSON
keys are never translated; vault and mail text is passed in as format values, never as templates.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from importlib.resources import files
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse_audit.reasons import Reason

DOMAIN = "reuse_audit"
LANGUAGES = ("en", "ja")
DEFAULT_LANG = "en"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence: the first one set wins

Quote = Callable[[str], str]


def N_(msgid: str) -> str:  # noqa: N802 - gettext's conventional marker name
    """Mark a string for translation where it is declared; it is translated where it is shown."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    """Mark a singular/plural pair for ``ngettext``."""
    return singular, plural


def plain(text: str) -> str:
    """The identity quote: for plain-text formats."""
    return text


def resolve_lang(lang: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language to print in, "en" or "ja".

    An explicit ``lang`` ("ja", "ja_JP.UTF-8", "en-GB", "C") is normalised; any other raises ValueError.
    None means the user's locale: the first of LC_ALL, LC_MESSAGES, LANG that is set; "ja…" gives "ja",
    anything else (or nothing) "en".
    """
    if lang is None:
        env = os.environ if environ is None else environ
        value = next((env[v] for v in _LOCALE_VARS if env.get(v)), "")
        return "ja" if value.lower().startswith("ja") else DEFAULT_LANG
    norm = lang.strip().lower()
    if norm.startswith("ja"):
        return "ja"
    if norm.startswith("en") or norm in ("c", "posix") or norm.startswith("c."):
        return "en"
    raise ValueError(f"unsupported language {lang!r} (choose from {', '.join(LANGUAGES)})")


def _load(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT_LANG:
        return gettext.NullTranslations()  # the msgids are the English text
    locale = files("reuse_audit") / "locale"
    if isinstance(locale, Path):
        return gettext.translation(DOMAIN, localedir=str(locale), languages=[lang], fallback=True)
    # Installed as a zip: read the catalogue through importlib.resources instead.
    mo = locale / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(BytesIO(mo.read_bytes()))


LIST_SEPARATOR = N_(", ")  # between items of a list in a sentence ("11 characters, no symbol")
PART_SEPARATOR = N_("; ")  # between reasons written on one line


class Translator:
    """Text in one language: ``t.text(msgid, **values)``; English needs no catalogue."""

    def __init__(self, lang: str | None = DEFAULT_LANG) -> None:
        self.lang = resolve_lang(lang)
        self._t = _load(self.lang)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def text(self, msgid: str, **values: object) -> str:
        """``msgid`` translated, with ``values`` filled in."""
        translated = self.gettext(msgid)
        return translated.format(**values) if values else translated

    def plural(self, forms: tuple[str, str], n: int, **values: object) -> str:
        """A counted sentence (``NP_`` pair) for ``n``, with ``values`` (``n`` included) filled in."""
        return self.ngettext(*forms, n).format(n=n, **values)

    def join(self, parts: list[str]) -> str:
        """Items of a list within one sentence."""
        return self.gettext(LIST_SEPARATOR).join(parts)

    def join_parts(self, parts: list[str]) -> str:
        """Several reasons written on one line."""
        return self.gettext(PART_SEPARATOR).join(parts)

    def reason(self, reason: Reason, quote: Quote = plain) -> str:
        """One reason as a sentence fragment (see :mod:`reuse_audit.i18n.reasons`)."""
        from reuse_audit.i18n.reasons import reason_text

        return reason_text(self, reason, quote)

    def reasons(self, reasons: tuple[Reason, ...], quote: Quote = plain) -> list[str]:
        """Each reason as a sentence fragment."""
        return [self.reason(r, quote) for r in reasons]
