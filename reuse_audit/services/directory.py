"""Turning 2FA Directory entries (github.com/2factorauth/twofactorauth) into our compact catalogue data.

Used by ``scripts/build_catalogue.py``; nothing here runs when the CLI audits a vault.

Category mapping — each directory category onto one of ours (an entry with several categories takes
the most valuable of them, e.g. Proton: email, backup, vpn, identity → identity):

=========  ==================================================================================
Ours       2FA Directory categories
=========  ==================================================================================
identity   identity (SSO, password managers), government (national e-ID, tax portals)
email      email
finance    banking, finance, payments, investing, cryptocurrencies, insurance, crowdfunding,
           betting (all hold money or payment details)
cloud      cloud, hosting, domains, developer (code hosting, CI secrets), backup (file storage),
           remote (remote access to machines), security (DNS/CDN, certificates, security tools)
social     social, communication (messengers and chat: impersonation of the user)
shopping   retail, food, tickets, travel, transport, hotels (stored cards, points, addresses)
other      gaming, entertainment, education, universities, utilities, health, marketing, task,
           creativity, legal, iot, vpn, postal, other
=========  ==================================================================================

Registrable-domain entries: every host an entry lists (``domain`` and ``additional-domains``) is kept
as its own key. A registrable domain that no entry lists itself (``google.com``: only
``mail.google.com``, ``drive.google.com``, ...) also gets a representative: of the entries under it, the
one with the highest value weight, then the fewest labels (the most general host), then the
alphabetically first name. For google.com that is Gmail (email); our overrides then file google.com
itself under the Google Account (identity).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reuse_audit.services.catalogue import Category
from reuse_audit.services.domains import normalise_host, registrable_domain

CATALOGUE_FORMAT = 1
SERVICE_FIELDS = ("name", "domains", "category", "tfa", "tfa_url", "role")  # order of each services.json row
ROW_DEFAULTS: tuple[object, ...] = (None, None, None, [], None, None)
#: Directory categories kept apart from ``cloud``: they hold the keys to a domain's mail (accounts,
#: forwarding, MX records), so a plan puts them right after the breached mailbox of that domain.
ROLES = ("hosting", "domains")

CATEGORY_MAP: Mapping[str, Category] = {
    "identity": Category.IDENTITY,
    "government": Category.IDENTITY,
    "email": Category.EMAIL,
    **dict.fromkeys(
        ("banking", "finance", "payments", "investing", "cryptocurrencies", "insurance", "crowdfunding",
         "betting"),
        Category.FINANCE,
    ),
    **dict.fromkeys(
        ("cloud", "hosting", "domains", "developer", "backup", "remote", "security"), Category.CLOUD
    ),
    **dict.fromkeys(("social", "communication"), Category.SOCIAL),
    **dict.fromkeys(("retail", "food", "tickets", "travel", "transport", "hotels"), Category.SHOPPING),
    **dict.fromkeys(
        ("gaming", "entertainment", "education", "universities", "utilities", "health", "marketing", "task",
         "creativity", "legal", "iot", "vpn", "postal", "other"),
        Category.OTHER,
    ),
}  # fmt: skip


class UnmappedCategoryError(ValueError):
    """The directory uses a category that ``CATEGORY_MAP`` does not map yet: decide, then rebuild."""


def category_of(categories: list[str]) -> Category:
    """Our category for a directory entry's category list: the most valuable mapped one."""
    unknown = sorted(set(categories) - CATEGORY_MAP.keys())
    if unknown:
        raise UnmappedCategoryError(f"unmapped 2FA Directory categories: {', '.join(unknown)}")
    mapped = [CATEGORY_MAP[c] for c in categories] or [Category.OTHER]
    return max(mapped, key=lambda c: c.value_weight)


def build_catalogue(entries: Mapping[str, Mapping[str, Any]], *, source: Mapping[str, str]) -> dict[str, Any]:
    """The content of ``data/services.json`` for the directory's ``entries`` (name → entry).

    Shape: ``{"format", "source", "fields", "services": [[name, [domains], category, [tfa], tfa_url, role]],
    "representatives": {registrable domain: index into services}}``. ``tfa`` is ``[]`` when the site
    offers no second factor, ``tfa_url`` null when it has no 2FA documentation; services are sorted by
    name so rebuilds diff cleanly.
    """
    services: list[dict[str, Any]] = []
    for name in sorted(entries, key=lambda n: (n.casefold(), n)):
        entry = entries[name]
        hosts = [normalise_host(h) for h in [entry["domain"], *entry.get("additional-domains", [])]]
        record: dict[str, Any] = {
            "name": name,
            "domains": list(dict.fromkeys(h for h in hosts if h)),
            "category": category_of(list(entry.get("categories", []))).value,
        }
        if not record["domains"]:
            continue
        role = next((r for r in ROLES if r in entry.get("categories", [])), None)
        if role is not None:
            record["role"] = role
        if entry.get("tfa"):
            record["tfa"] = list(entry["tfa"])
            if entry.get("documentation"):
                record["tfa_url"] = entry["documentation"]
        services.append(record)

    def weight(index: int) -> int:
        return Category(services[index]["category"]).value_weight

    # A host listed by several entries (rare: nordaccount.com) stays with one of them: the most valuable,
    # then the one listing it as its main domain, then the first by name.
    hosts_listed: dict[str, list[int]] = {}
    for index, record in enumerate(services):
        for host in record["domains"]:
            hosts_listed.setdefault(host, []).append(index)
    for host, indexes in hosts_listed.items():
        if len(indexes) > 1:
            best = min(indexes, key=lambda i: (-weight(i), services[i]["domains"][0] != host, i))
            for index in indexes:
                if index != best:
                    services[index]["domains"].remove(host)
    services = [record for record in services if record["domains"]]

    candidates: dict[str, list[tuple[int, str]]] = {}
    for index, record in enumerate(services):
        for host in record["domains"]:
            domain = registrable_domain(host)
            if domain != host and domain not in hosts_listed:
                candidates.setdefault(domain, []).append((index, host))
    representatives = {
        domain: min(found, key=lambda f: (-weight(f[0]), f[1].count("."), services[f[0]]["name"]))[0]
        for domain, found in sorted(candidates.items())
    }
    return {
        "format": CATALOGUE_FORMAT,
        "source": dict(source),
        "fields": list(SERVICE_FIELDS),
        "services": [
            [r[f] if f in r else default for f, default in zip(SERVICE_FIELDS, ROW_DEFAULTS, strict=True)]
            for r in services
        ],
        "representatives": representatives,
    }
