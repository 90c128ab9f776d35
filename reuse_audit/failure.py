"""The lines the command line itself prints when a run ends badly (an error, an interruption, a bug), in the
language of the run: ``--lang`` of the running command (its parameter, so ``REUSE_AUDIT_LANG`` and the config
file count), else ``REUSE_AUDIT_LANG``, else the locale. Imported only on those paths."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence

from reuse_audit.errors import Message, ReuseAuditError
from reuse_audit.i18n import N_, Translator, resolve_lang

ERROR = N_("reuse-audit: error: {message}")
INTERRUPTED = N_("reuse-audit: interrupted")
INTERNAL_ERROR = N_("reuse-audit: internal error ({name}); please report it")
SEE_HELP = N_("{message} (see --help)")


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
    """``reuse-audit: error: <the error's sentence>``, all in ``lang``, on one line: a control character in a
    value (a path, an IMAP folder, what the user typed) is written as an escape (``\r``, ``\x1b``)."""
    from reuse_audit.report.escape import visible_controls, visible_field

    t = Translator(lang)
    return t.text(ERROR, message=visible_field(visible_controls(exc.render(t))))


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


# The option parser's (typer's click) English sentences, as templates: rendered in English they are its very words;
# the translation says them in the user's language. Tried in order, the whole sentence matched.
_VALUE = r"'(?P<value>.*)'"
_PARSER_SENTENCES: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<option>\S+) \(Possible options: (?P<possible>.+)\)",
     N_("No such option: {option} (Possible options: {possible})")),
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (r"No such command '(?P<name>.*)'\. Did you mean (?P<possible>.+)\?",
     N_("No such command '{name}'. Did you mean {possible}?")),
    (r"No such command '(?P<name>.*)'\.", N_("No such command '{name}'.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Missing argument '(?P<name>.*)'\.", N_("Missing argument '{name}'.")),
    (r"Missing option '(?P<name>.*)'\.", N_("Missing option '{name}'.")),
    (r"Option '(?P<option>.*)' requires an argument\.", N_("Option '{option}' requires an argument.")),
    (r"Option '(?P<option>.*)' does not take a value\.", N_("Option '{option}' does not take a value.")),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"Invalid value for (?P<param>.*?) \(env var: '(?P<var>[^']*)'\): (?P<reason>.*)",
     N_("Invalid value for {param} (env var: '{var}'): {reason}")),
    (r"Invalid value for (?P<param>.*?) \(config file\): (?P<reason>.*)",
     N_("Invalid value for {param} (config file): {reason}")),
    (r"Invalid value for (?P<param>.*?): (?P<reason>.*)", N_("Invalid value for {param}: {reason}")),
)
# what the value of an option is not (the {reason} above)
_VALUE_REASONS: tuple[tuple[str, str], ...] = (
    (_VALUE + r" is not one of (?P<choices>.*)\.", N_("'{value}' is not one of {choices}.")),
    (_VALUE + r" is not a valid (?P<kind>int range|integer|float range|float)\.",
     N_("'{value}' is not a valid {kind}.")),
    (r"(?P<value>\S+) is not in the range (?P<range>.*)\.", N_("{value} is not in the range {range}.")),
    (_VALUE + r" is not a valid boolean\. Recognized values: (?P<known>.*)",
     N_("'{value}' is not a valid boolean. Recognized values: {known}")),
    (r"(?P<kind>File|Directory|Path) '(?P<path>.*)' does not exist\.", N_("{kind} '{path}' does not exist.")),
)


def _matched(text: str, table: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]] | None:
    for pattern, template in table:
        found = re.fullmatch(pattern, text, re.S)
        if found:
            return template, {k: v for k, v in found.groupdict().items() if v is not None}
    return None


def parser_sentence(message: str) -> Message | str:
    """The option parser's one-line ``message`` as a :class:`Message` (its English words, translatable) where we
    know its sentence; as it stands otherwise."""
    known = _matched(message, _PARSER_SENTENCES)
    if known is None:
        return message
    template, values = known
    values_: dict[str, object] = dict(values)
    if "reason" in values:
        reason = _matched(values["reason"], _VALUE_REASONS)
        if reason is not None:
            values_["reason"] = Message.of(reason[0], **reason[1])
    return Message.of(template, **values_)


def argv_lang(argv: Sequence[str] | None = None) -> str | None:
    """The ``--lang`` of the command line, for an error the parser raises before it has read it."""
    args = list(sys.argv[1:] if argv is None else argv)
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(args):
            return args[n + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def parser_error_line(exc: Exception, lang: str) -> str:
    """``reuse-audit: error: <the parser's sentence> (see --help)`` in ``lang``; "" when there is no sentence."""
    message = parser_message(exc)
    if not message:
        return ""
    t = Translator(lang)
    sentence = parser_sentence(message)
    text = sentence.render(t) if isinstance(sentence, Message) else sentence
    return t.text(ERROR, message=t.text(SEE_HELP, message=text))
