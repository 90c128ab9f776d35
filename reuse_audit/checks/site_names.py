"""The names of an entry's site, as a person might type them into a password: the words of its title, the
labels of its URL's host, the catalogue's name for the service, and well-known abbreviations and Japanese
spellings of big services (``fb``, ``amzn``, ``楽天``). Used by the variant check to see
``blue-kettle-gmail`` and ``blue-kettle-twitter`` as one password (:mod:`reuse_audit.checks.variant_sites`).

Names are never secrets: titles (already redacted by the vault source), host names, service names. They
are returned case-folded; words that name no site (``www``, ``login``, ``account``, a public suffix's
labels) are left out.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reuse_audit.checks.variant_sites import KANJI, script_of
from reuse_audit.credentials import Credential
from reuse_audit.services.catalogue import CatalogueError, lookup_service
from reuse_audit.services.domains import host_from_url, is_intranet_host, is_ip_address, normalise_host

#: Groups of names for one service: any one of them among an entry's names brings in the others.
ALIASES: tuple[frozenset[str], ...] = tuple(frozenset(group) for group in (
    {"facebook", "fb", "フェイスブック"},
    {"twitter", "tw", "twtr", "ツイッター"},
    {"instagram", "insta", "ig", "インスタ", "インスタグラム"},
    {"linkedin", "li"},
    {"youtube", "yt", "ユーチューブ"},
    {"google", "goog", "グーグル"},
    {"microsoft", "msft", "ms", "マイクロソフト"},
    {"amazon", "amzn", "amz", "アマゾン"},
    {"apple", "アップル"},
    {"rakuten", "楽天"},
    {"yahoo", "ヤフー"},
    {"github", "gh"},
    {"gitlab", "gl"},
    {"paypal", "pp", "ペイパル"},
    {"paypay", "ペイペイ"},
    {"dropbox", "dbx"},
    {"netflix", "nflx", "ネットフリックス"},
    {"playstation", "psn"},
    {"nintendo", "任天堂"},
    {"docomo", "ドコモ"},
    {"softbank", "ソフトバンク"},
    {"line", "ライン"},
    {"mercari", "メルカリ"},
    {"wordpress", "wp"},
))  # fmt: skip
_ALIAS_OF = {name: group for group in ALIASES for name in group}
#: Words in titles and host names that name no site.
GENERIC = frozenset({
    "www", "www1", "www2", "m", "mobile", "login", "signin", "signon", "sso", "auth", "account", "accounts",
    "my", "app", "apps", "web", "portal", "secure", "online", "id", "home", "page", "site", "the", "and", "of",
    "for", "com", "net", "org", "edu", "gov", "co", "ne", "or", "ac", "go", "ed", "gr", "lg", "ltd", "plc", "jp",
    "https", "http",
})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_IP_LIKE = re.compile(r"^[0-9.]+$|:")
MAX_TITLE_WORDS = 4  # the title's words joined ("yahoojapan") only for short titles


def entry_site_names(c: Credential) -> frozenset[str]:
    """The site names of one entry (case-folded), from its title, URL host and catalogued service."""
    return site_names(c.title, c.url)


def forget_site_names() -> None:
    """Drop the names and hosts remembered per title, host and URL (the variant search needs the memory more)."""
    for remembered in (_title_names, _host_site_names, host_from_url, normalise_host, is_intranet_host):
        remembered.cache_clear()


def site_names(title: str, url: str) -> frozenset[str]:
    """The site names of an entry with this title and URL (see :func:`entry_site_names`)."""
    host = host_from_url(url) if url else None
    return _title_names(title) | (_host_site_names(host) if host else frozenset())


@lru_cache(maxsize=1 << 14)
def _title_names(title: str) -> frozenset[str]:
    return _with_aliases(_words(title))


@lru_cache(maxsize=1 << 14)
def _host_site_names(host: str) -> frozenset[str]:
    """A host's labels and its catalogued service's name, cheaply: no Public Suffix List walk per host."""
    if _IP_LIKE.search(host) and is_ip_address(host):
        return frozenset()
    names = _host_names(host)
    try:
        service = lookup_service(host)
    except CatalogueError:
        service = None  # the catalogue's name is one source among several; the rest still count
    if service is not None:
        names |= _words(service.name)
    return _with_aliases(names)


def _with_aliases(names: set[str]) -> frozenset[str]:
    for name in names & _ALIAS_OF.keys():
        names |= _ALIAS_OF[name]
    return frozenset(n for n in names if _is_name(n))


def _is_name(word: str) -> bool:
    # Words are runs of letters and digits: one with a letter is one that is not all digits.
    return len(word) >= 2 and not word.isdigit() and word not in GENERIC


def _words(text: str) -> set[str]:
    """Words of a title or service name, case-folded; the words joined; Japanese split by script too."""
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    words = _WORD.findall(text.casefold())
    out = set(words)
    if 1 < len(words) <= MAX_TITLE_WORDS:
        out.add("".join(words))
    if not ascii_only:
        for w in words:
            if not w.isascii():
                out |= _japanese_parts(w)
    return {w for w in out if _is_name(w)}


def _japanese_parts(word: str) -> set[str]:
    """Runs of one script ("楽天カード" -> 楽天, カード) and the leading part of a kanji run ("楽天市場" -> 楽天)."""
    runs: list[str] = []
    for ch in word:
        if runs and script_of(runs[-1][-1]) == script_of(ch):
            runs[-1] += ch
        else:
            runs.append(ch)
    out = set(runs)
    for run in runs:
        if script_of(run[0]) == KANJI:  # kanji: a name is often its first characters ("楽天" of "楽天市場")
            out.update(run[:k] for k in range(2, len(run)))
    return out


def _host_names(host: str) -> set[str]:
    """Labels of a host but its last (the TLD), split at hyphens too ("rakuten-card" -> rakuten, card).

    Second-level suffixes (``co`` of ``co.jp``, ``com`` of ``com.au``) are among the :data:`GENERIC`
    words, so no Public Suffix List walk is needed.
    """
    labels = host.split(".")
    out: set[str] = set()
    for label in labels[:-1] if len(labels) > 1 else labels:
        out.add(label)
        parts = [p for p in label.split("-") if p]
        if len(parts) > 1:
            out.update(parts)
            out.add("".join(parts))
    return {n for n in out if _is_name(n)}
