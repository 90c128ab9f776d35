"""HTML tables that become a card per row on a narrow screen, each cell led by its column's name (the audit
report, the trend page)."""

from __future__ import annotations

from collections.abc import Sequence

from reuse_audit.i18n import Translator
from reuse_audit.report.escape import html_text
from reuse_audit.report.wording import LABELLED

#: The rules inside a page's narrow-screen ``@media`` block: rows as cards, an empty cell left out.
CARDS_CSS = (
    "table,tbody,tr,td{display:block}thead{display:none}tr{border:1px solid #999;margin:.6em 0;padding:.3em}"
    "td,td:first-child{border:none;padding:.15em .3em;text-align:left}td:empty{display:none}"
    "td::before{content:attr(data-label);font-weight:bold}"
)


def card_labels(t: Translator, columns: Sequence[str]) -> list[str]:
    """Each column's name as its cells' card label, with the language's colon ("Title: ", "タイトル："), escaped."""
    return [html_text(t.text(LABELLED, label=column, text="")) for column in columns]


def card_row(labels: Sequence[str], cells: Sequence[str]) -> str:
    """A table row of ``cells`` (HTML already), each carrying its card label."""
    return "<tr>" + "".join(f'<td data-label="{label}">{cell}</td>'
                            for label, cell in zip(labels, cells, strict=True)) + "</tr>"
