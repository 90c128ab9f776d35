"""Indented JSON text, fast: orjson (C) where every value of the document fits it, Python's encoder where one does not.

``json.dumps(..., indent=2)`` runs Python's pure-Python encoder (the C one has no indentation): most of the time
of a large report. orjson writes the same text for what our documents hold — dicts with ``str`` keys, lists and
tuples, strings (non-ASCII as is; the same escapes for quotes, backslashes and C0 controls), integers within 64
bits, booleans and None — so a document made only of those (and of floats orjson writes as ``repr`` does) goes
to orjson; anything else (a non-``str`` key, a big integer, ``1e-07`` or ``NaN``, a lone surrogate, a type
neither knows, a cycle or a very deep document) goes to Python's encoder, so the text, or the error, is the
one Python gives. A test compares both encoders' text on real documents.
"""

from __future__ import annotations

import json
from itertools import compress
from types import ModuleType
from typing import Any

orjson: ModuleType | None
try:
    import orjson
except ImportError:  # pragma: no cover - a platform without orjson's wheels: Python's encoder only
    orjson = None

_MAX_DEPTH = 200  # orjson stops at 255 levels; Python's encoder reports a cycle
# Exact types seen so far: values orjson writes as Python does, and containers to look into.
_LEAF_TYPES: set[type] = {str, int, bool, type(None)}
_CONTAINER_TYPES: set[type] = {dict, list, tuple}


def dumps_indented(document: object, *, newline: bool = False) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=False)`` (and a newline after it with ``newline``), through
    orjson when the document fits it."""
    if orjson is not None and fits_orjson(document):
        option = orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0)
        try:
            return str(orjson.dumps(document, option=option), "utf-8")
        except TypeError:  # orjson.JSONEncodeError: a non-str key, an integer beyond 64 bits, a lone surrogate
            pass
    return python_dumps(document) + ("\n" if newline else "")


def python_dumps(document: object) -> str:
    """Python's encoder: the reference text."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def _known(t: type) -> bool:
    """Record a new type as a leaf (a str or int subclass: StrEnum, IntEnum) or a container (a dict subclass);
    False for a type Python's encoder must decide on (a list subclass, a datetime, a UUID, a float subclass)."""
    if issubclass(t, str | int):
        _LEAF_TYPES.add(t)
    elif issubclass(t, dict):
        _CONTAINER_TYPES.add(t)
    else:
        return t is float
    return True


def fits_orjson(document: object) -> bool:
    """Whether orjson writes what Python's encoder writes for ``document``, apart from the errors orjson raises
    itself (non-``str`` keys, integers beyond 64 bits, lone surrogates): every value a string, an integer, a
    boolean, None, a dict, a list or a tuple, or a float orjson writes as ``repr`` does; at most
    :data:`_MAX_DEPTH` deep. Level by level, the item types of each container are read in C (``map(type, ...)``,
    ``compress``): only new types and floats are looked at one by one."""
    level: list[Any] = [document]
    for _ in range(_MAX_DEPTH):
        types = set(map(type, level))
        if not all(t in _LEAF_TYPES or t in _CONTAINER_TYPES or _known(t) for t in types):
            return False
        if float in types and not all(map(_float_fits, (x for x in level if type(x) is float))):
            return False
        containers = list(compress(level, map(_CONTAINER_TYPES.__contains__, map(type, level))))
        if not containers:
            return True
        level = []
        for value in containers:
            items = value.values() if isinstance(value, dict) else value
            if not set(map(type, items)) <= _LEAF_TYPES:
                level.extend(items)
    return False


def _float_fits(value: float) -> bool:
    return orjson is not None and orjson.dumps(value) == repr(value).encode("ascii")
