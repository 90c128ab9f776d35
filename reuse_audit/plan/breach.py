"""Resolves `--breached` selectors (uuid, e-mail address, title, breach name, host/domain) to entries and
mailboxes."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from reuse_audit.credentials import Credential
from reuse_audit.errors import InputError, Message
from reuse_audit.i18n import N_
from reuse_audit.plan.model import Mailbox
from reuse_audit.reasons import Names, Reason
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.services.catalogue import looks_like_mail_host, mailbox_provider_domains
from reuse_audit.services.domains import (
    email_domain,
    host_from_url,
    host_within,
    is_email,
    is_public_suffix,
    registrable_domain,
)
from reuse_audit.vault.source import normalise_uuid

if TYPE_CHECKING:
    from reuse_audit.breaches.load import BreachList
    from reuse_audit.breaches.model import Breach

#: Gives the breach list for selectors that name a breach (loaded only when a selector gets that far).
BreachListLoader = Callable[[], "BreachList"]


class SelectorError(InputError):
    """A selector matched nothing; the message is one line, with near matches."""


@dataclass(frozen=True)
class Selection:
    """What the selectors breach: entries (vault order), mailboxes, and the breached addresses."""

    matched: tuple[str, ...]
    mailboxes: tuple[Mailbox, ...]
    addresses: tuple[str, ...]
    how: dict[str, str]  # uuid -> the selector that breached it
    # When a selector named a breach of Have I Been Pwned's list: the last instant it may have happened (its
    # BreachDate to the end of that day, or of the month or year when HIBP knows no more; the latest of several
    # named breaches).
    breached_at: datetime | None = None
    # The breached addresses as the user and the vault wrote them (``addresses`` shows them with any vault password
    # in them hidden): to compare with the entries' fields as held, never to show.
    held_addresses: tuple[str, ...] = ()


@dataclass
class _BreachNames:
    """The breach list for selectors, loaded on first need; why it is unavailable, if it is."""

    loader: BreachListLoader | None
    loaded: BreachList | None = None
    unavailable: str | None = None
    named: list[Breach] = field(default_factory=list)

    def find(self, sel: str) -> Breach | None:
        if self.loader is None or self.unavailable is not None:
            return None
        if self.loaded is None:
            from reuse_audit.breaches.model import BreachListError

            try:
                self.loaded = self.loader()
            except BreachListError as exc:
                self.unavailable = exc.message
                return None
        return self.loaded.index.by_name(sel)


def select(selectors: Sequence[str], creds: Sequence[Credential],
           breach_list: BreachListLoader | None = None, hide: Callable[[str], str] | None = None,
           outside_ok: bool = False, outside: frozenset[str] = frozenset()) -> Selection:
    """Resolve each selector in the documented order: uuid, e-mail address, title, the Name of a breach in
    Have I Been Pwned's list (``breach_list``, loaded only if a selector gets that far), host or domain.

    ``hide``: the vault's redactor. Selectors are matched with the entries' fields as the vault holds them (the
    login ``tanaka@example.jp`` when a password is ``example``); what the selection shows — the breached addresses,
    the mailbox and its reasons — is hidden as the entries' own fields are shown (``tanaka@[hidden].jp``), while
    ``held_addresses`` keeps the addresses as written, for the ranking to compare with the fields as held.

    ``outside_ok`` (the stolen password was given): an address that no entry uses is a mailbox kept outside
    the vault, not an error — the password finds its sharers. So is one of ``outside``, the addresses the mail
    showed compromised (``--breached-from``): the mail is the user's own."""
    matched: dict[str, str] = {}
    mailboxes: list[Mailbox] = []
    addresses: list[str] = []
    names = _BreachNames(breach_list)
    shown: Callable[[str], str] = hide if hide is not None else str
    held: list[str] = []
    for raw in selectors:
        sel = raw.strip()
        uuids, mailbox, address = _one(sel, creds, names, shown, outside_ok or sel.lower() in outside)
        for u in uuids:
            matched.setdefault(u, sel)
        if mailbox is not None:
            mailboxes.append(mailbox)
        if address and sel.lower() not in held:
            addresses.append(address)
            held.append(sel.lower())
    order = {c.uuid: i for i, c in enumerate(creds)}
    for u in sorted(matched, key=order.__getitem__):  # a breached entry that is itself a mailbox
        c = creds[order[u]]
        login = _login_address(c)
        if login and login not in held and _mailbox_score(c, login, shown)[0] >= 2:
            addresses.append(shown(login))
            held.append(login)
    when = max((b.happened_by for b in names.named), default=None)
    return Selection(tuple(sorted(matched, key=order.__getitem__)), tuple(mailboxes), tuple(addresses), matched,
                     breached_at=when, held_addresses=tuple(held))


def _one(sel: str, creds: Sequence[Credential], names: _BreachNames, hide: Callable[[str], str],
         outside_ok: bool = False) -> tuple[list[str], Mailbox | None, str | None]:
    """The entries ``sel`` names, the mailbox and the address it breaches. Entries are matched on their fields as
    the vault holds them; what is returned to be shown (addresses, reasons) has vault passwords hidden (``hide``)."""
    u = normalise_uuid(sel)
    if u is not None:
        hits = [c.uuid for c in creds if c.uuid == u]
        if hits:
            return hits, None, None
    if is_email(sel):
        return _mailbox(sel.lower(), creds, hide, outside_ok)
    folded = sel.casefold()
    titled = [c.uuid for c in creds if c.real_title.casefold() == folded]
    if titled:
        return titled, None, None
    breach = names.find(sel)
    if breach is not None:
        names.named.append(breach)
        return _by_breach(sel, breach, creds, hide), None, None
    hosted = _by_host(sel, creds)
    if hosted:
        return hosted, None, None
    unavailable = Message(N_("; the breach list is not available ({why})"), why=names.unavailable) \
        if names.unavailable else ""
    raise SelectorError(N_("--breached {selector!r} matches no entry (by uuid, e-mail, title, breach name, host or "
                           "domain){unavailable}{near}"), selector=hide(sel),  # hidden before repr escapes it
                        unavailable=unavailable, near=_near(sel, creds))


def _by_breach(sel: str, breach: Breach, creds: Sequence[Credential], hide: Callable[[str], str]) -> list[str]:
    """The entries on the sites a breach concerns; a breach with no site, or none in the vault, is exit 2."""
    from reuse_audit.breaches.index import breach_hosts

    hosts = breach_hosts(breach)
    if not hosts:
        raise SelectorError(N_("--breached {selector!r}: the breach {breach} names no site (no domain in the "
                               "breach list), so no entry can be matched to it; name the entries instead"),
                            selector=hide(sel), breach=breach.name)
    out = []
    for c in creds:
        h = host_from_url(c.real_url) if c.real_url else None
        if h and any(host_within(h, x) for x in hosts):
            out.append(c.uuid)
    if not out:
        raise SelectorError(N_("--breached {selector!r}: no entry is on a site of the breach {breach} ({hosts})"),
                            selector=hide(sel), breach=breach.name, hosts=", ".join(hosts))
    return out


def _login_address(c: Credential) -> str | None:
    for value in (c.real_username, c.real_email):
        if value and is_email(value.strip()):
            return value.strip().lower()
    return None


def _mailbox_score(c: Credential, address: str, hide: Callable[[str], str]) -> tuple[int, tuple[Reason, ...]]:
    """How plainly ``c`` is the mailbox of ``address`` (0: not at all), and why (shown through ``hide``)."""
    domain = email_domain(address) or ""
    host = host_from_url(c.real_url) if c.real_url else None
    reg = registrable_domain(host) if host else ""
    providers = mailbox_provider_domains(domain) if domain else ()
    score, why = 0, []
    if host and reg in providers:
        score += 3
        why.append(Reason.of(R.MAILBOX_HOST_IN_DOMAIN if reg == registrable_domain(domain)
                             else R.MAILBOX_PROVIDER_HOST, host=hide(host), domain=hide(domain)))
    if host and looks_like_mail_host(host):
        score += 2
        why.append(Reason.of(R.MAILBOX_MAIL_HOST, host=hide(host)))
    text = f"{c.real_title} {c.group}".casefold()
    if "mail" in text or "メール" in text:
        score += 1
        why.append(Reason.of(R.MAILBOX_MAIL_TITLE))
    return score, tuple(why)


def _mailbox(address: str, creds: Sequence[Credential], hide: Callable[[str], str], outside_ok: bool = False
             ) -> tuple[list[str], Mailbox, str]:
    """The mailbox entry of ``address``, matched on the entries' fields as the vault holds them; the address is
    returned and shown through ``hide`` (as the entries' logins are shown)."""
    local = address.split("@", 1)[0]
    candidates = [c for c in creds if _login_address(c) == address]
    # A mail account stored with only the local part as its login (user "admin" at webmail.aaa.jp).
    candidates += [c for c in creds if c.real_username.strip().lower() == local and c not in candidates
                   and _mailbox_score(c, address, hide)[0] >= 3]
    shown = hide(address)
    scored = sorted(((_mailbox_score(c, address, hide), i, c) for i, c in enumerate(candidates)),
                    key=lambda t: (-t[0][0], t[1]))
    best = [t for t in scored if t[0][0] > 0 and t[0][0] == scored[0][0][0]] if scored else []
    if best:
        (_score, why), _i, chosen = best[0]
        reasons = [Reason.of(R.MAILBOX_TAKEN, title=chosen.title, address=shown), *why]
        if len(best) > 1:
            reasons.append(Reason.of(R.MAILBOX_AMBIGUOUS, others=Names(t[2].title for t in best[1:4])))
        return [chosen.uuid], Mailbox(shown, chosen.uuid, tuple(reasons)), shown
    if candidates or outside_ok:
        reasons = [Reason.of(R.MAILBOX_OUTSIDE_VAULT, address=shown, count=len(candidates))]
        return [], Mailbox(shown, None, tuple(reasons)), shown
    raise SelectorError(N_("--breached {selector!r}: no entry has this address as its login or e-mail field{near}"),
                        selector=hide(address), near=_near(address, creds))


def _by_host(sel: str, creds: Sequence[Credential]) -> list[str]:
    host = host_from_url(sel) or sel.lower()
    if is_public_suffix(host):
        return []  # "co.jp" or "com" names no site: breaching everything under it would be a typo's doing
    out = []
    for c in creds:
        h = host_from_url(c.real_url) if c.real_url else None
        if h and (host_within(h, host) or registrable_domain(h) == host):
            out.append(c.uuid)
    return out


def _near(sel: str, creds: Sequence[Credential]) -> str:
    names: dict[str, str] = {}
    for c in creds:
        for v in (c.title, c.username, host_from_url(c.url) if c.url else None):
            if v:
                names.setdefault(v.casefold(), v)
    close = [c for c in difflib.get_close_matches(sel.casefold(), list(names), n=6, cutoff=0.6)
             if c != sel.casefold()][:5]
    return Message(N_("; near matches: {names}"), names=", ".join(repr(names[x]) for x in close)) if close else ""
