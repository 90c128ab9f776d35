"""Have I Been Pwned's breach list: which sites were breached, when, and whether passwords leaked.

Data: Have I Been Pwned (haveibeenpwned.com), Creative Commons Attribution 4.0 International — credited in
every note that shows it (:data:`~reuse_audit.breaches.model.ATTRIBUTION`). ``model`` parses a breach,
``index`` matches breaches to hosts, ``cache``/``fetch``/``load`` obtain the list for a run (``load`` brings in
the HTTP stack: import it where it is used), ``settings`` says from where. The per-entry check is
:mod:`reuse_audit.checks.site_breaches`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reuse_audit.lazy import lazy_names

if TYPE_CHECKING:  # loaded on first use: the command line's options import only the settings
    from reuse_audit.breaches.model import ATTRIBUTION, Breach, BreachListError, Precision, parse_breaches
    from reuse_audit.breaches.settings import DEFAULT_HIBP_API_URL, BreachSettings

__all__ = ["ATTRIBUTION", "DEFAULT_HIBP_API_URL", "Breach", "BreachListError", "BreachSettings", "Precision",
           "parse_breaches"]
_HOME = {"ATTRIBUTION": "model", "Breach": "model", "BreachListError": "model", "Precision": "model",
         "parse_breaches": "model", "DEFAULT_HIBP_API_URL": "settings", "BreachSettings": "settings"}


__getattr__ = lazy_names(__name__, _HOME)
