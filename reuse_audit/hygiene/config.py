"""The config file (``reuse-audit.toml``): settings for every option, resolved as
command line > environment (REUSE_AUDIT_*) > config file > defaults.

The file is read by an eager ``--config`` option (in :mod:`reuse_audit.cli.options`) that fills the
command's ``default_map``, so the command-line parser itself applies the precedence. Keys are option names,
with dashes or underscores;
top-level keys apply to every command that has the option, ``[audit]``, ``[plan]`` and
``[baseline.create]`` tables to one command (``baseline create`` also reads ``[audit]``), later wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from reuse_audit.errors import Message, os_reason
from reuse_audit.file_access import PathKind, path_kind, read_text_input
from reuse_audit.hygiene import HygieneInputError
from reuse_audit.i18n import N_

CONFIG_NAME = "reuse-audit.toml"
CONFIG_ENV = "REUSE_AUDIT_CONFIG"
#: commands that also read another command's table (before their own)
SECTION_PARENTS: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {("baseline", "create"): (("audit",),)}
_NOT_SETTINGS = frozenset({"config", "help", "version"})
#: a default_map key (never a parameter name) marking a map already resolved by `config show`
RESOLVED = "__reuse_audit_resolved__"


def default_config_path() -> Path:
    """``reuse-audit.toml`` in the user config dir (e.g. ~/.config/reuse-audit/ on Linux)."""
    return Path(platformdirs.user_config_dir("reuse-audit")) / CONFIG_NAME


@dataclass(frozen=True)
class ConfigFile:
    """A parsed config file."""

    path: Path
    data: Mapping[str, Any]


@dataclass(frozen=True)
class ConfigValue:
    """One setting taken from the file, and the table it came from ("top level" or "[audit]")."""

    value: Any
    table: str


def read_config(path: Path) -> ConfigFile:
    """Parse a TOML config file; HygieneInputError (one line, no values quoted) when it cannot."""
    import tomllib

    text = read_text_input(path, N_("config file"), error=HygieneInputError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(path, str(exc)) from None
    return ConfigFile(path, data)


# tomllib's fixed reasons (Python 3.11-3.13), in the user's language; others (naming a key or a character) stay
# in tomllib's English.
_TOML_REASONS = {
    "Invalid value": N_("a value is missing or not valid"),
    "Invalid statement": N_("not a key = value line or a [table] line"),
    "Expected '=' after a key in a key/value pair": N_("'=' is missing after a key"),
    "Invalid initial character for a key part": N_("a key starts with a character keys cannot have"),
    "Expected newline or end of document after a statement": N_("more text after a value on the same line"),
    "Unclosed array": N_("a list is not closed with ']'"),
    "Unclosed inline table": N_("an inline table is not closed with '}'"),
    "Unterminated string": N_("a string is not closed"),
    "Cannot overwrite a value": N_("a key is given twice"),
    "Invalid date or datetime": N_("a date or time is not valid"),
    "Expected ']' at the end of a table declaration": N_("a [table] line is not closed with ']'"),
}
_TOML_WHERE = re.compile(r"(?P<reason>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)", re.S)


def _toml_error(path: Path, text: str) -> HygieneInputError:
    """tomllib's error as one line: where (line and column), and what, in the user's language where we know
    tomllib's words."""
    where = _TOML_WHERE.fullmatch(text)
    if where is None:
        return HygieneInputError(N_("{path}: not valid TOML ({reason})"), path=path, reason=text)
    english = where["reason"]
    reason: str | Message = Message.of(_TOML_REASONS[english]) if english in _TOML_REASONS else english
    if where["line"] is None:
        return HygieneInputError(N_("{path}: not valid TOML at the end of the file: {reason}"), path=path,
                                 reason=reason)
    return HygieneInputError(N_("{path}: not valid TOML at line {line}, column {column}: {reason}"), path=path,
                             line=int(where["line"]), column=int(where["column"]), reason=reason)


def find_config(explicit: Path | None) -> ConfigFile | None:
    """The file given (``--config`` / REUSE_AUDIT_CONFIG), else the default one if it exists."""
    if explicit is not None:
        return read_config(explicit)
    default = default_config_path()
    try:
        kind = path_kind(default)
    except OSError as exc:  # e.g. a config folder this user may not search
        reason = Message(N_("permission denied")) if isinstance(exc, PermissionError) else \
            os_reason(exc, fallback="None")
        raise HygieneInputError(N_("{path}: cannot look for the config file ({reason})"), path=default,
                                reason=reason) from None
    return None if kind is PathKind.MISSING else read_config(default)


# ---- the command tree, seen through the parser's own parameter objects ----

def _is_setting(param: Any) -> bool:
    return param.name is not None and param.name not in _NOT_SETTINGS and param.expose_value is not False


def setting_names(param: Any) -> set[str]:
    """Every key that names ``param`` in the file: its name and its long options, dashes as underscores."""
    names = {str(param.name)}
    names |= {o[2:].replace("-", "_") for o in param.opts if o.startswith("--")}
    return names


def walk_commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(command path, command) for every leaf command under ``command``."""
    subs = getattr(command, "commands", None)
    if subs is None:
        yield path, command
        return
    for name, sub in subs.items():
        yield from walk_commands(sub, (*path, name))


def _param_for(command: Any, key: str) -> Any | None:
    want = key.replace("-", "_")
    return next((p for p in command.params if _is_setting(p) and want in setting_names(p)), None)


def _validate(cfg: ConfigFile, leaves: Mapping[tuple[str, ...], Any]) -> None:
    every = [p for c in leaves.values() for p in c.params if _is_setting(p)]
    known_flat = set().union(*(setting_names(p) for p in every)) if every else set()

    def check_table(table: Mapping[str, Any], path: tuple[str, ...]) -> None:
        where = "[" + ".".join(path) + "]"
        if path in leaves:
            for key in table:
                if _param_for(leaves[path], key) is None:
                    raise HygieneInputError(N_("{path}: unknown setting {key!r} in {where}"), path=cfg.path, key=key,
                                            where=where)
            return
        for key, value in table.items():
            sub = (*path, key)
            if not isinstance(value, dict) or not any(p[:len(sub)] == sub for p in leaves):
                raise HygieneInputError(N_("{path}: unknown setting {key!r} in {where}"), path=cfg.path, key=key,
                                        where=where)
            check_table(value, sub)

    for key, value in cfg.data.items():
        if isinstance(value, dict):
            if not any(p[:1] == (key,) for p in leaves):
                raise HygieneInputError(N_("{path}: unknown table [{key}]"), path=cfg.path, key=key)
            check_table(value, (key,))
        elif key.replace("-", "_") not in known_flat:
            raise HygieneInputError(N_("{path}: unknown setting {key!r}"), path=cfg.path, key=key)


def _table(data: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _is_path(param: Any) -> bool:
    """A path option: typer >= 0.29 says so in its type descriptor; before, its type is a ``click.Path``
    (named "path")."""
    return bool(getattr(getattr(param, "type_descriptor", None), "is_path", False)
                or getattr(getattr(param, "type", None), "name", None) == "path")


def _wrong_type(param: Any, value: Any) -> str | None:
    """What ``param`` takes (a message id), when the file's ``value`` is not that: ``quiet = 1`` or
    ``min-length = 2024-05-01`` reached the option parser, which failed on them with an internal error."""
    kind = getattr(param.type, "name", "")
    if getattr(param, "is_flag", False) or kind == "boolean":
        return None if isinstance(value, bool) else TAKES_BOOL
    if kind in ("integer", "int range"):
        return None if isinstance(value, int) and not isinstance(value, bool) else TAKES_INTEGER
    if kind in ("float", "float range"):
        return None if isinstance(value, int | float) and not isinstance(value, bool) else TAKES_NUMBER
    items = value if isinstance(value, list) else [value]
    return None if all(isinstance(v, str) for v in items) else TAKES_TEXT


def _convert(param: Any, value: Any, base: Path) -> Any:
    def one(v: Any) -> Any:
        if _is_path(param) and isinstance(v, str):
            p = Path(v).expanduser()
            return str(p if p.is_absolute() else base / p)
        return v

    if param.multiple:
        items = value if isinstance(value, list) else [value]
        return [one(v) for v in items]
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return one(value)


def settings_for(cfg: ConfigFile, root: Any, path: tuple[str, ...]) -> dict[str, ConfigValue]:
    """The file's settings for one command (by parameter name), checked against the whole app."""
    leaves = dict(walk_commands(root))
    _validate(cfg, leaves)
    command = leaves.get(path)
    if command is None:
        return {}
    out: dict[str, ConfigValue] = {}
    flat = {k: v for k, v in cfg.data.items() if not isinstance(v, dict)}
    tables = [(TOP_LEVEL, flat)] + [("[" + ".".join(p) + "]", _table(cfg.data, p))
                                      for p in (*SECTION_PARENTS.get(path, ()), path)]
    for label, table in tables:
        for key, value in table.items():
            param = _param_for(command, key)
            if param is None:
                continue
            takes = _wrong_type(param, value)
            if takes is not None:
                raise HygieneInputError(N_("{path}: {key} ({where}) takes {takes}"), path=cfg.path, key=key,
                                        where=Message(label), takes=Message(takes))
            out[str(param.name)] = ConfigValue(_convert(param, value, cfg.path.parent), label)
    return out


def command_path(ctx: Any) -> tuple[str, ...]:
    """('audit',) or ('baseline', 'create'): the context's names below the program's own."""
    names: list[str] = []
    node: Any = ctx
    while node is not None and node.parent is not None:
        names.append(str(node.info_name))
        node = node.parent
    return tuple(reversed(names))


# ---- `config show` ----

@dataclass(frozen=True)
class ResolvedSetting:
    """One option of a command, its value as the command would see it, and where that came from."""

    option: str
    value: str
    source: str  # a message id (SOURCE_*), filled with ``source_values`` when shown
    source_values: tuple[tuple[str, str], ...] = ()


def _display(value: Any) -> str:
    if value is None or value == () or value == []:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _envvar_set(param: Any) -> str:
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
    return next((n for n in names if os.environ.get(n)), names[0] if names else "?")


def resolve_settings(root: Any, path: tuple[str, ...], args: Sequence[str], cfg: ConfigFile | None
                     ) -> list[ResolvedSetting]:
    """Resolve every option of the command at ``path`` as it would run with ``args`` and ``cfg``."""
    leaves = dict(walk_commands(root))
    command = leaves.get(path)
    if command is None:
        known = ", ".join(" ".join(p) for p in leaves)
        raise HygieneInputError(N_("unknown command {command!r} (known: {known})"), command=" ".join(path),
                                known=known)
    from_file = settings_for(cfg, root, path) if cfg is not None else {}
    preset = {RESOLVED: True, **{k: v.value for k, v in from_file.items()}}
    _check_values(command, path, args, preset)
    ctx = command.make_context(" ".join(path), list(args), default_map=preset, resilient_parsing=True)
    out: list[ResolvedSetting] = []
    for param in command.params:
        if not _is_setting(param):
            continue
        source = ctx.get_parameter_source(param.name)
        kind = getattr(source, "name", "DEFAULT")
        values: tuple[tuple[str, str], ...] = ()
        if kind == "COMMANDLINE":
            where = SOURCE_COMMAND_LINE
        elif kind == "ENVIRONMENT":
            where, values = SOURCE_ENVIRONMENT, (("var", _envvar_set(param)),)
        elif kind == "DEFAULT_MAP" and cfg is not None:
            where, values = SOURCE_FILE, (("path", str(cfg.path)), ("table", from_file[param.name].table))
        else:
            where = SOURCE_DEFAULT
        label = next((o for o in param.opts if o.startswith("--")), str(param.name).upper())
        out.append(ResolvedSetting(label, _display(ctx.params.get(param.name)), where, values))
    return out


def _check_values(command: Any, path: tuple[str, ...], args: Sequence[str], preset: dict[str, Any]) -> None:
    """Parse as the command would, so that a value it would refuse (``min-length = -3`` in the file, ``nan``) is
    refused here too, instead of being shown as ``-``: the option parser's own sentence, one line."""
    placeholders: list[str] = []  # for the command's arguments (its VAULT): only the settings are checked here
    for _ in range(len(command.params) + 1):
        try:
            command.make_context(" ".join(path), [*args, *placeholders], default_map=preset)
            return
        except Exception as exc:
            if not hasattr(exc, "format_message"):  # the option parser's usage and value errors have it
                raise
            param = getattr(exc, "param", None)
            if type(exc).__name__ == "MissingParameter" and getattr(param, "param_type_name", "") == "argument":
                placeholders.append("ARGUMENT")
                continue
            from reuse_audit.failure import parser_message

            problem = parser_message(exc)
            raise HygieneInputError(N_("{command} would refuse these settings: {problem}"), command=" ".join(path),
                                    problem=problem) from None


def render_settings(settings: Sequence[ResolvedSetting], header: str, lang: str = "en", width: int = 80) -> str:
    """Plain aligned text, one setting a line: option, value, where it came from (in ``lang``). A line that
    would be wider than ``width`` columns, or whose value is wider than the value column (24), gives its source a
    line of its own, below its value: every source on a row of its own starts in the same column."""
    from rich.cells import cell_len

    from reuse_audit.i18n import Translator

    t = Translator(lang)
    rows = [(s.option, s.value, t.text(s.source, **{k: t.gettext(v) if k == "table" else v
                                                    for k, v in s.source_values})) for s in settings]
    w1 = max((cell_len(o) for o, _, _ in rows), default=0)
    w2 = min(max((cell_len(v) for _, v, _ in rows), default=0), 24)
    lines = [header]
    for option, value, source in rows:
        head = f"  {option}{' ' * (w1 - cell_len(option))}  {value}"
        line = f"{head}{' ' * max(0, w2 - cell_len(value))}  {source}"
        fits = cell_len(value) <= w2 and cell_len(line) <= width
        lines.extend([line] if fits else [head, f"  {' ' * w1}  ({source})"])
    return "\n".join(lines) + "\n"


# where a setting came from (``config show``)
SOURCE_COMMAND_LINE = N_("command line")
SOURCE_ENVIRONMENT = N_("environment {var}")
SOURCE_FILE = N_("config file {path} {table}")
SOURCE_DEFAULT = N_("default")
TOP_LEVEL = N_("top level")  # the table of a setting outside any [command] table
# what a setting takes
TAKES_BOOL = N_("true or false")
TAKES_INTEGER = N_("a whole number")
TAKES_NUMBER = N_("a number")
TAKES_TEXT = N_("text (in quotes), or a list of texts")
# its header lines
CONFIG_FILE_USED = N_("config file: {path}")
CONFIG_FILE_NONE = N_("config file: none ({path} does not exist)")
SETTINGS_OF = N_("{command} settings:")
