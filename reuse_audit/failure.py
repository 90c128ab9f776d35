"""The lines the command line itself prints when a run ends badly (an error, an interruption, a bug), in the
language of the run: ``--lang`` of the running command (its parameter, so ``REUSE_AUDIT_LANG`` and the config
file count), else ``REUSE_AUDIT_LANG``, else the locale. Imported only on those paths."""

from __future__ import annotations

import os
from collections.abc import Mapping

from reuse_audit.errors import ReuseAuditError
from reuse_audit.i18n import N_, Translator, resolve_lang

ERROR = N_("reuse-audit: error: {message}")
INTERRUPTED = N_("reuse-audit: interrupted")
INTERNAL_ERROR = N_("reuse-audit: internal error ({name}); please report it")


def run_lang(params: Mapping[str, object] | None = None) -> str:
    """The language of a run's stderr: its ``--lang`` when given and known, else ``REUSE_AUDIT_LANG``, else
    the locale ("en" or "ja")."""
    for given in ((params or {}).get("lang"), os.environ.get("REUSE_AUDIT_LANG")):
        if isinstance(given, str) and given.strip():
            try:
                return resolve_lang(given)
            except ValueError:
                continue  # an unknown --lang is itself the error being reported: say it in the locale's language
    return resolve_lang(None)


def error_line(exc: ReuseAuditError, lang: str) -> str:
    """``reuse-audit: error: <the error's sentence>``, all in ``lang``."""
    t = Translator(lang)
    return t.text(ERROR, message=exc.render(t))


def interrupted_line(lang: str) -> str:
    return Translator(lang).text(INTERRUPTED)


def internal_error_line(name: str, lang: str) -> str:
    """A bug: the exception's type name only (its message might hold data)."""
    return Translator(lang).text(INTERNAL_ERROR, name=name)


def parser_message(exc: Exception) -> str:
    """The option parser's sentence for a usage or value error, on one line, naming where a bad value came
    from: its ``(env var: 'REUSE_AUDIT_…')`` hint is kept only when the environment gave it, and becomes
    ``(config file)`` when the config file did (the parser names the variable whatever the source)."""
    message = " ".join(str(getattr(exc, "format_message", exc.__str__)()).split())
    param, ctx = getattr(exc, "param", None), getattr(exc, "ctx", None)
    envvar = getattr(param, "envvar", None)
    if param is None or ctx is None or not isinstance(envvar, str):
        return message
    source = getattr(ctx.get_parameter_source(param.name), "name", "")
    if source == "ENVIRONMENT":
        return message
    return message.replace(f" (env var: '{envvar}')", " (config file)" if source == "DEFAULT_MAP" else "", 1)
