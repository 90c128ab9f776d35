"""Vault and mail text is data, never markup: escaping for rich, Markdown, HTML and CSV."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def rich_text(text: str) -> str:
    """Escape rich console markup (``[bold]``, ``[/x]``) so vault text renders literally."""
    from rich.markup import escape

    return escape(text)


def markdown(text: str) -> str:
    """Escape Markdown and inline HTML; newlines become spaces (one table cell, one line)."""
    one_line = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def html_text(text: str) -> str:
    return html.escape(text, quote=True)


def csv_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(_CSV_FORMULA):
        return "'" + text
    return text
