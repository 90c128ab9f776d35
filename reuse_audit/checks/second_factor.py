"""The ``2fa`` check: what the entry's site offers beyond a password, against what the entry shows it uses.

Three kinds, all decided from the service catalogue (:mod:`reuse_audit.services.catalogue`: the 2FA
Directory, the Passkeys Directory and our own table), offline:

* ``no_2fa``: the site offers a second factor that a stolen password alone does not beat (an authenticator
  app's codes, a security key, its own app, a passkey as second factor) and the entry holds no one-time
  code. The tag ``reuse-audit:2fa-elsewhere`` (any case) says the code lives elsewhere (a phone, a key)
  and silences it; so does a passkey in the entry when the site takes passkeys as a second factor.
* ``weak_2fa``: a high-value site (identity, e-mail, finance, cloud) whose only second factors are SMS, a
  call or e-mail, which a SIM swap or the mailbox's takeover defeats. An entry holding a one-time code
  shows the site offers more than the catalogue knows, and is left alone.
* ``passkey_available``: the site accepts a passkey instead of the password and the entry holds none (no
  ``KPEX_PASSKEY_*`` attributes, see ``Credential.has_passkey``). The tag ``reuse-audit:passkey-elsewhere``
  says one is kept elsewhere (a phone, a key) and silences it.

A site the catalogue does not know (or an entry without a URL, or an intranet host) gives no finding. A
catalogue that cannot be loaded decides nothing: the three kinds are *not checked*.
"""

from __future__ import annotations

from collections.abc import Sequence

from reuse_audit.checks.entry import CheckContext, EntryCheckOutcome, EntryFinding
from reuse_audit.credentials import Credential
from reuse_audit.findings import Check, FindingKind
from reuse_audit.reasons import Reason
from reuse_audit.reasons import ReasonCode as R
from reuse_audit.services.catalogue import CatalogueError, Service, lookup_service
from reuse_audit.services.domains import host_from_url

TWO_FACTOR_ELSEWHERE_TAG = "reuse-audit:2fa-elsewhere"
PASSKEY_ELSEWHERE_TAG = "reuse-audit:passkey-elsewhere"


def service_of(c: Credential) -> Service | None:
    """The catalogued service behind the entry's URL, if any (raises CatalogueError if it cannot load)."""
    host = host_from_url(c.real_url) if c.real_url else None  # the URL as held: our catalogue's words are shown
    return lookup_service(host) if host else None


def second_factor_findings(c: Credential, service: Service | None) -> tuple[EntryFinding, ...]:
    """The ``2fa`` findings of one entry on ``service``, in severity order."""
    if service is None:
        return ()
    found: list[EntryFinding] = []
    name = service.name
    silenced = c.has_tag(TWO_FACTOR_ELSEWHERE_TAG) or (c.has_passkey and service.passkey_mfa)
    if service.offers_strong_2fa and not c.has_otp and not silenced:
        url = service.tfa_url or (service.passkey_url if service.passkey_mfa else None)
        how = {"url": url} if url else {}
        found.append(EntryFinding(FindingKind.NO_2FA, Reason.of(R.NO_2FA, service=name, **how)))
    weak = service.weak_2fa_only
    if weak and service.high_value and not c.has_otp:
        found.append(EntryFinding(FindingKind.WEAK_2FA, Reason.of(R.WEAK_2FA, service=name, methods=weak)))
    if service.passwordless and not c.has_passkey and not c.has_tag(PASSKEY_ELSEWHERE_TAG):
        how = {"url": service.passkey_url} if service.passkey_url else {}
        found.append(EntryFinding(FindingKind.PASSKEY_AVAILABLE, Reason.of(R.PASSKEY_AVAILABLE, service=name,
                                                                           **how)))
    return tuple(found)


class SecondFactorCheck:
    """``--checks 2fa``: ``no_2fa``, ``weak_2fa`` and ``passkey_available`` (see the module docstring)."""

    name: Check = Check.TWO_FACTOR
    kinds: frozenset[FindingKind] = frozenset({FindingKind.NO_2FA, FindingKind.WEAK_2FA,
                                               FindingKind.PASSKEY_AVAILABLE})

    def run(self, credentials: Sequence[Credential], context: CheckContext) -> EntryCheckOutcome:
        out: dict[str, tuple[EntryFinding, ...]] = {}
        try:
            for c in credentials:
                found = second_factor_findings(c, service_of(c))
                if found:
                    out[c.uuid] = found
        except CatalogueError as exc:
            return EntryCheckOutcome.undecided(Reason.of(R.CATALOGUE_UNAVAILABLE, why=exc.message))
        return EntryCheckOutcome(out)
