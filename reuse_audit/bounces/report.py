"""Render a bounce scan: a rich table for people, or JSON (``schema_version`` 1) for programs.

Everything that comes from mail (addresses, Received lines) is data: escaped before rich sees it.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Callable
from enum import StrEnum

from reuse_audit.bounces import wording as W
from reuse_audit.bounces.scan import BounceScan
from reuse_audit.bounces.verdict import AccountVerdict, Verdict
from reuse_audit.i18n import Translator
from reuse_audit.report.audit_document import iso
from reuse_audit.report.escape import json_text, rich_text

SCHEMA_VERSION = 1
TABLE_WIDTH = 120
_VERDICT_STYLE = {Verdict.COMPROMISED: "bold red", Verdict.SPOOFED: "yellow", Verdict.NONE: "green"}


def next_command(vault: str | None, addresses: tuple[str, ...]) -> str:
    """The plan command to run next for the compromised addresses."""
    words = ["reuse-audit", "plan", vault or "VAULT"]
    for address in addresses:
        words += ["--breached", address]
    return " ".join(shlex.quote(w) if w != "VAULT" else w for w in words)


def account_json(account: AccountVerdict, t: Translator) -> dict[str, object]:
    """One account as the JSON object of the schema."""
    return {
        "address": account.address,
        "verdict": str(account.verdict),
        "bounces": account.bounces,
        "via_account": account.via_account,
        "backscatter": account.backscatter,
        "unknown": account.unknown,
        "temporary": account.temporary,
        "distinct_recipients": account.distinct_recipients,
        "first": iso(account.first),
        "last": iso(account.last),
        "evidence": [{"kind": item.code.value, "text": t.reason(item), **item.json_params()}
                     for item in account.evidence],
    }


def render_json(result: BounceScan, *, lang: str = "en", vault: str | None = None) -> str:
    """The scan as JSON: ``{"schema_version": 1, "accounts": [...]}``."""
    t = Translator(lang)
    return json_text({"schema_version": SCHEMA_VERSION, "accounts": [account_json(a, t) for a in result.accounts]})


def render_table(result: BounceScan, *, lang: str = "en", vault: str | None = None) -> str:
    """The scan as a table, each address's verdict and evidence, ending with the next command to run."""
    from rich.console import Console
    from rich.table import Table

    t = Translator(lang)
    buffer = io.StringIO()
    console = Console(file=buffer, width=TABLE_WIDTH, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    if not result.accounts:
        console.print(rich_text(t.text(W.NOTHING, messages=result.messages)))
        return buffer.getvalue()
    table = Table(title=rich_text(t.text(W.TITLE)))
    address_width = min(40, max(len(a.address) for a in result.accounts))
    for key in ("address", "verdict", "bounces", "via", "backscatter", "unknown", "temporary", "recipients",
                "period"):
        numeric = key not in ("address", "verdict", "period")
        table.add_column(rich_text(t.text(W.COLUMNS[key])), justify="right" if numeric else "left",
                         overflow="fold", no_wrap=key == "verdict",
                         min_width=address_width if key == "address" else None)
    for account in result.accounts:
        period = f"{W.minute(account.first)} – {W.minute(account.last)}"
        table.add_row(
            rich_text(account.address),
            f"[{_VERDICT_STYLE[account.verdict]}]{rich_text(t.text(W.VERDICTS[account.verdict]))}[/]",
            str(account.bounces), str(account.via_account), str(account.backscatter), str(account.unknown),
            str(account.temporary), str(account.distinct_recipients), rich_text(period),
        )
    console.print(table)
    for account in result.accounts:
        console.print()
        console.print(rich_text(t.text(W.SAY[account.verdict], address=account.address)))
        for item in account.evidence:
            console.print("  - " + rich_text(t.reason(item)))
    if result.compromised:
        console.print()
        console.print(rich_text(t.text(W.NEXT, command=next_command(vault, result.compromised))))
    return buffer.getvalue()


class OutputFormat(StrEnum):
    """``--format``: each member builds its formatter."""

    TABLE = "table"
    JSON = "json"

    def formatter(self) -> Callable[..., str]:
        """The function rendering a :class:`BounceScan` in this format."""
        return {OutputFormat.TABLE: render_table, OutputFormat.JSON: render_json}[self]
