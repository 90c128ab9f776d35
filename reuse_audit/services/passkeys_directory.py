"""Turning Passkeys Directory entries (passkeys.2fa.directory, github.com/2factorauth/passkeys, CC BY 4.0)
into our compact passkey data, ``data/passkeys.json``.

Used by ``scripts/build_catalogue.py``; nothing here runs when the CLI audits a vault. The catalogue
(:mod:`reuse_audit.services.catalogue`) merges the result into its services when it loads.

What is kept of each site: its name, its hosts (``domain`` or the file name, then ``additional-domains``),
our category for it (mapped as the 2FA Directory's, :data:`~reuse_audit.services.directory.CATEGORY_MAP`),
whether it accepts a passkey *instead of* a password (``passwordless``) or *as a second factor* (``mfa``),
and its documentation link. Regions, notes, recovery links and images are dropped. The licence asks
that whoever ships the result credits the directory and says what was changed: the notice written next
to the data (:func:`licence_notice`) does both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reuse_audit.services.directory import category_of
from reuse_audit.services.domains import normalise_host

PASSKEYS_FORMAT = 1
SITE_FIELDS = ("name", "domains", "category", "passwordless", "mfa", "url")  # order of each row
CREDIT = "Passkeys Directory (passkeys.2fa.directory), CC BY 4.0"
CHANGES = (
    "Changes: of each site we keep its name, its domains, whether it accepts a passkey instead of a password "
    "(`passwordless`) or as a second factor (`mfa`) and its documentation link; its categories are mapped "
    "onto reuse-audit's seven; regions, notes, recovery links and images are left out. reuse-audit merges "
    "the result into its service catalogue (with the 2FA Directory and its own table), where a site's "
    "passkey facts may be corrected by hand."
)


def _categories(entry: Mapping[str, Any]) -> list[str]:
    value = entry.get("categories", [])
    return [value] if isinstance(value, str) else list(value)


def build_passkeys(entries: Mapping[str, Mapping[str, Mapping[str, Any]]], *, source: Mapping[str, str]
                   ) -> dict[str, Any]:
    """The content of ``data/passkeys.json`` for the directory's ``entries`` (file domain → {name: entry}).

    Shape: ``{"format", "source", "fields", "sites": [[name, [hosts], category, passwordless, mfa, url]]}``,
    sorted by name then first host so rebuilds diff cleanly. A site that accepts a passkey neither way,
    or names no valid host, is left out.
    """
    sites: list[list[Any]] = []
    for file_domain, named in entries.items():
        for name, entry in named.items():
            passwordless = entry.get("passwordless") == "allowed"
            mfa = entry.get("mfa") in ("allowed", "required")
            named_hosts = [entry.get("domain", file_domain), *entry.get("additional-domains", [])]
            domains = list(dict.fromkeys(h for h in map(normalise_host, named_hosts) if h))
            if not domains or not (passwordless or mfa):
                continue
            category = category_of(_categories(entry)).value
            sites.append([name, domains, category, passwordless, mfa, entry.get("documentation")])
    sites.sort(key=lambda row: (str(row[0]).casefold(), row[1][0]))
    return {"format": PASSKEYS_FORMAT, "source": dict(source), "fields": list(SITE_FIELDS), "sites": sites}


def licence_notice(licence_text: str, source: Mapping[str, str]) -> str:
    """The notice shipped beside ``passkeys.json``: the credit, what was changed, then the licence itself."""
    origin = source.get("repository") or source.get("url", "")
    commit = f" at commit {source['commit']}" if source.get("commit") else ""
    return (
        "# Passkeys Directory: credit and licence\n\n"
        f"reuse-audit ships data derived from the {CREDIT}, by the 2factorauth contributors: taken from "
        f"{origin}{commit}, stored in `reuse_audit/data/passkeys.json`.\n\n"
        f"{CHANGES}\n\n"
        "The data is licensed under the Creative Commons Attribution 4.0 International licence, whose text "
        "follows.\n\n---\n\n" + licence_text.strip() + "\n"
    )
