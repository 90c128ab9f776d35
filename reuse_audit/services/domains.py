"""Hosts, registrable domains and e-mail domains: how an entry URL or an address becomes a site.

Registrable domains come from the Public Suffix List shipped inside the ``publicsuffixlist`` package
(ICANN and private sections, as browsers use them); nothing is ever fetched.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import cache, lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

# Schemes whose URLs name a network host worth auditing. Anything else (cmd://, androidapp://,
# iosapp://, file://, kdbx://, otpauth://, ...) has no site to match.
_HOST_SCHEMES = frozenset(
    {
        "http", "https", "ftp", "ftps", "sftp", "ssh", "telnet", "rdp", "vnc", "ws", "wss",
        "imap", "imaps", "pop", "pop3", "pop3s", "smtp", "smtps", "ldap", "ldaps", "git", "svn",
        "smb", "dav", "davs", "webdav", "webdavs",
    }
)  # fmt: skip
# Schemes written without "//" that would otherwise be read as a bare host.
_OPAQUE_SCHEMES = frozenset({"mailto", "javascript", "data", "about", "tel", "sms", "urn", "file", "news"})
_SCHEME_WITH_AUTHORITY = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_OPAQUE_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(?!\d)")
# Letters of any script, digits, hyphen, underscore (seen in intranet names); dots between labels.
_LABEL = re.compile(r"^[\w-]{1,63}$")
# Private-use names that the Public Suffix List does not (and should not) know.
_INTRANET_SUFFIXES = ("local", "lan", "internal", "intranet", "corp", "home", "localdomain", "localhost")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@([^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+)$")
_IPV4_CHARS = frozenset("0123456789.")
#: Hosts whose answers are remembered (the checks ask about the same hosts again and again; host names only).
_HOSTS_CACHED = 1 << 16


def _ip_address(host: str) -> str | None:
    """``host`` as a normalised IP address, or None. An IPv6 address has a colon and an IPv4 address only
    digits and dots: any other name is not one, without building the two exceptions ``ipaddress`` raises."""
    if ":" not in host and not _IPV4_CHARS.issuperset(host):
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


@cache
def _psl() -> PublicSuffixList:
    # Parsed once, on first use, without a punycode copy of every rule (a third of the time): a host with
    # ``xn--`` labels is looked up by its Unicode form (see _suffix).
    return PublicSuffixList(accept_encoded_idn=False)


def _suffix(host: str, *, private: bool) -> str | None:
    """``host``'s public suffix (``private``: its registrable domain) in ``host``'s own spelling, or None."""
    psl = _psl()

    def find(name: str) -> str | None:
        found = psl.privatesuffix(name) if private else psl.publicsuffix(name, accept_unknown=False)
        return found if isinstance(found, str) else None

    if "xn--" not in host:
        return find(host)
    try:
        unicode = ".".join(label.encode("ascii").decode("idna") if label.startswith("xn--") else label
                           for label in host.split("."))
    except UnicodeError:
        return find(host)  # not valid punycode: no rule spells it
    found = find(unicode)
    if found is None:
        return None
    return ".".join(host.split(".")[-(found.count(".") + 1):])


@lru_cache(maxsize=_HOSTS_CACHED)
def normalise_host(host: str) -> str | None:
    """Lowercase ``host`` (NFKC for non-ASCII), drop a trailing dot and brackets, decode ``xn--`` labels.

    Returns ``None`` when what is left is not a plausible host name or IP address.
    """
    if not host.isascii():
        # Full-width letters and dots typed with a Japanese IME: NFKC folds them, IDNA-style.
        host = unicodedata.normalize("NFKC", host).replace("\u3002", ".")
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return None
    address = _ip_address(host)
    if address is not None:
        return address
    decoded: list[str] = []
    for label in host.split("."):
        if not _LABEL.match(label):
            return None
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna").lower()
            except UnicodeError:
                pass  # keep a malformed A-label as written; it still identifies the host
        decoded.append(label)
    return ".".join(decoded)


_SIMPLE_URL = re.compile(r"\s*https?://([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+)\.?(?=[/:?#]|\s*$)", re.IGNORECASE)


_WEB_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})  # "special" schemes: a backslash ends the host


@lru_cache(maxsize=_HOSTS_CACHED)
def host_from_url(url: str) -> str | None:
    """The host of a vault entry's URL field, normalised as :func:`normalise_host` does.

    Accepts URLs without a scheme (``webmail.aaa.jp/login``, ``aaa.jp``, ``aaa.jp:8443``), drops port and
    user info, and returns ``None`` for empty fields, KeePass placeholders (``{S:url}``, ``{REF:...}``),
    ``cmd://`` and app URLs (``androidapp://``, ``iosapp://``) and anything else without a network host.
    Every check asks for every entry's host: a plain http(s) URL is read by one regular expression (the same
    host, a fifth of the time), anything else (user info, IDN, other schemes, placeholders) by ``urlsplit``.
    """
    simple = _SIMPLE_URL.match(url)
    if simple is not None and "xn--" not in simple.group(1).lower():
        return simple.group(1).lower()
    text = url.strip()
    if not text or "{" in text or "}" in text:
        return None
    with_authority = _SCHEME_WITH_AUTHORITY.match(text)
    if with_authority:
        if with_authority.group(1).lower() not in _HOST_SCHEMES:
            return None
    else:
        opaque = _OPAQUE_SCHEME.match(text)
        if opaque and opaque.group(1).lower() in _OPAQUE_SCHEMES:
            return None
        text = "//" + text.lstrip("/")
    if not with_authority or with_authority.group(1).lower() in _WEB_SCHEMES:
        text = text.replace("\\", "/")  # as browsers read it (WHATWG): "https://a.example\\@b.example/" is a.example
    try:
        host = urlsplit(text).hostname
    except ValueError:  # malformed IPv6 literal or port
        return None
    if not host:
        return None
    return normalise_host(host)


def is_ip_address(host: str) -> bool:
    """True for an IPv4 or IPv6 address (brackets allowed)."""
    return _ip_address(host.strip("[]")) is not None


@lru_cache(maxsize=_HOSTS_CACHED)
def is_intranet_host(host: str) -> bool:
    """True for IP addresses and names with no public suffix (``nas``, ``wiki.corp.local``, ``x.lan``)."""
    host = host.rstrip(".").lower()
    if is_ip_address(host):
        return True
    if "." not in host or host.rsplit(".", 1)[1] in _INTRANET_SUFFIXES:
        return True
    return _suffix(host, private=False) is None


@lru_cache(maxsize=_HOSTS_CACHED)
def registrable_domain(host: str) -> str:
    """The registrable domain ("eTLD+1") of ``host``: ``mail.aaa.co.jp`` → ``aaa.co.jp``.

    IP addresses, intranet hosts (see :func:`is_intranet_host`) and hosts that are themselves a public
    suffix (``co.jp``, ``github.io``) are returned unchanged (lowercased, without a trailing dot).
    """
    host = host.strip().rstrip(".").lower()
    if not host or is_intranet_host(host):
        return host
    domain = _suffix(host, private=True)
    return domain if domain is not None else host


def is_public_suffix(host: str) -> bool:
    """True for a suffix under which anyone can register (``jp``, ``co.jp``, ``com``, ``github.io``)."""
    host = host.strip().rstrip(".").lower()
    if not host or is_ip_address(host):
        return False
    return _suffix(host, private=False) == host


@lru_cache(maxsize=_HOSTS_CACHED)
def host_within(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or a host under it (``mail.aaa.jp`` within ``aaa.jp``; ``evilaaa.jp`` is not)."""
    return host == domain or host.endswith("." + domain)


def parent_hosts(host: str) -> tuple[str, ...]:
    """``host`` and each parent down to its registrable domain, most specific first.

    ``a.mail.google.com`` → ``("a.mail.google.com", "mail.google.com", "google.com")``; never a public
    suffix such as ``co.jp``.
    """
    host = host.strip().rstrip(".").lower()
    domain = registrable_domain(host)
    if not host.endswith("." + domain):
        return (host,)
    extra = host[: -len(domain) - 1].split(".")
    return tuple(".".join([*extra[i:], domain]) for i in range(len(extra))) + (domain,)


def is_email(s: str) -> bool:
    """True when ``s`` looks like a single ``local@domain.tld`` address (no display name, no spaces)."""
    return _EMAIL.match(s.strip()) is not None


def email_domain(address: str) -> str | None:
    """The normalised domain of an e-mail address (``Taro@Mail.AAA.jp`` → ``mail.aaa.jp``), else None."""
    match = _EMAIL.match(address.strip())
    if match is None:
        return None
    return normalise_host(match.group(1))
