"""The one error base of reuse-audit, the exit codes every command shares, and the sentences errors carry.

Each layer raises its own subclass of :class:`ReuseAuditError` (``VaultError``, ``ExposureServiceError``,
``HygieneInputError``, ...). Its message is one line fit for the user, holding no secret; its
``exit_code`` is what the CLI exits with. The CLI maps them in one place.

An error is made from a template marked with ``N_`` and named values, e.g.
``VaultError(N_("{path}: no such file"), path=path)``: ``str(err)`` is the English sentence, and
``err.render(translator)`` the same sentence in the translator's language. Values (paths, numbers, text the
user gave) are never translated; a value that is itself a :class:`Message` (a word such as "pipe", or another
error's sentence) is rendered in the same language. This module imports nothing of the translation machinery:
rendering takes any object with ``gettext``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any, Protocol, Self


class ExitCode(IntEnum):
    """Process exit codes (see the README's table)."""

    OK = 0
    FINDINGS = 1  # audit: findings at --fail-on; bounces: an address is compromised or undetermined
    INPUT = 2  # usage or input error: bad vault, wrong credentials, missing file, bad option
    INCOMPLETE = 3  # a check could not complete and --strict was given
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM


class Gettext(Protocol):
    """What rendering needs of a translator (``reuse_audit.i18n.Translator`` is one)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _English:
    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural


ENGLISH: Gettext = _English()


class Message(str):
    """A sentence (or a word) for a person: the ``str`` itself is its English text; :meth:`render` gives it in
    another language.

    ``template`` is the English msgid (marked with ``N_`` where it is written); ``values`` fill its
    ``{name}`` fields (format specs and ``!r`` work as in ``str.format``). Without values the template is
    used as it is (no ``str.format``, so braces in it are literal). Being a ``str``, a Message goes wherever
    text goes (a reason's parameter, a JSON field) as its English text. :meth:`counted` makes one from an
    ``NP_`` pair.
    """

    template: str
    values: Mapping[str, object]
    plural: tuple[str, int] | None = None  # (the plural msgid, the count) of a counted sentence

    def __new__(cls, template: str, /, **values: object) -> Self:
        self = super().__new__(cls, _fill(template, template, values, ENGLISH))
        self.template = template
        self.values = values
        return self

    @classmethod
    def counted(cls, forms: tuple[str, str], n: int, /, **values: object) -> Self:
        """The form of an ``NP_`` pair for ``n`` (``{n}`` is filled in, with ``values``)."""
        self = cls(ENGLISH.ngettext(forms[0], forms[1], n), n=n, **values)
        self.template, self.plural = forms[0], (forms[1], n)
        return self

    @classmethod
    def of(cls, template: str, /, **values: object) -> Message:
        """``template`` as a Message: itself when it is one already and no values are given."""
        return template if isinstance(template, Message) and not values else cls(template, **values)

    def redacted(self, hide: Callable[[str], str]) -> Message:
        """This sentence with ``hide`` applied to its whole text, in English and in every language it is
        rendered in (for sentences that quote vault text, which might be a password)."""
        out = _Hidden(hide(str(self)))
        out.inner, out.hide = self, hide
        return out

    def render(self, t: Gettext) -> str:
        """This sentence in ``t``'s language (English when the catalogue has no translation)."""
        if self.plural is not None:
            english = ENGLISH.ngettext(self.template, *self.plural)
            return _fill(t.ngettext(self.template, *self.plural), english, self.values, t)
        return _fill(t.gettext(self.template), self.template, self.values, t)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes, values and all
        return _rebuild, (type(self), str(self), self.__dict__)


class _Hidden(Message):
    inner: Message
    hide: Callable[[str], str]

    def render(self, t: Gettext) -> str:
        return self.hide(self.inner.render(t))


def _rebuild(cls: type[Message], text: str, state: dict[str, object]) -> Message:
    self = str.__new__(cls, text)
    self.__dict__.update(state)
    return self


def _fill(text: str, template: str, values: Mapping[str, object], t: Gettext) -> str:
    if not values:
        return text
    shown = {k: v.render(t) if isinstance(v, Message) else v for k, v in values.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):  # a translation that names a field wrongly: say it in English
        if text is template:
            raise
        return template.format(**{k: str(v) if isinstance(v, Message) else v for k, v in values.items()})


def message_of(exc: BaseException) -> str:
    """What ``exc`` says, as a :class:`Message` when it carries one (so it can be translated), else ``str(exc)``."""
    if isinstance(exc, ReuseAuditError):
        return exc.message
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


class SystemReason(Message):
    """Why the system refused a file operation: ``OSError.strerror`` in English (as the C library says it);
    in another language our own words for its errno when we have them (``reuse_audit.i18n.system``)."""

    errno: int | None

    def __new__(cls, text: str, errno: int | None = None) -> Self:
        self = super().__new__(cls, text)
        self.errno = errno
        return self

    def render(self, t: Gettext) -> str:
        from reuse_audit.i18n.system import ERRNO_WORDS

        words = ERRNO_WORDS.get(self.errno) if self.errno is not None else None
        translated = t.gettext(words) if words is not None else words
        return translated if translated and translated != words else str(self)


def os_reason(exc: OSError, fallback: str | None = None) -> str:
    """Why ``exc`` happened, in one short phrase: its own Message when it carries one (OutputError), else its
    ``strerror`` (``fallback``, by default the exception's type name, when it has none) as a
    :class:`SystemReason`."""
    if isinstance(exc.strerror, Message):
        return exc.strerror
    carried = message_of(exc)
    if isinstance(carried, Message):
        return carried
    return SystemReason(exc.strerror or (type(exc).__name__ if fallback is None else fallback), exc.errno)


class ReuseAuditError(Exception):
    """Something the user must fix or know; ``str(err)`` is one line without any secret.

    Made from an ``N_`` template and named values (see the module docstring); ``message`` is that sentence
    as a :class:`Message`, ``render(t)`` it in ``t``'s language. A plain string without values is a
    template too (a sentence that needs no values).
    """

    exit_code: ExitCode = ExitCode.INPUT
    message: Message

    def __init__(self, template: str = "", /, **values: object) -> None:
        self.message = Message.of(template, **values)
        super().__init__(self.message)

    def render(self, t: Gettext) -> str:
        """The message in ``t``'s language."""
        return self.message.render(t)


class InputError(ReuseAuditError):
    """A command-line value or input file that cannot be used (generic; layers have their own subclasses)."""
