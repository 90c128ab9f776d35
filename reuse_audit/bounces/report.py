"""Render a bounce scan: a rich table for people, or JSON (``schema_version`` 1) for programs.

Everything that comes from mail (addresses, Received lines) is data: escaped before rich sees it.
"""

from __future__ import annotations

import io
import json
import shlex
from collections.abc import Callable
from enum import StrEnum

from rich.console import Console
from rich.table import Table

from reuse_audit.bounces.messages import evidence_text, minute, text
from reuse_audit.bounces.scan import BounceScan
from reuse_audit.bounces.verdict import AccountVerdict, Verdict
from reuse_audit.report.audit_document import iso
from reuse_audit.report.escape import rich_text

SCHEMA_VERSION = 1
TABLE_WIDTH = 120
_VERDICT_STYLE = {Verdict.COMPROMISED: "bold red", Verdict.SPOOFED: "yellow", Verdict.NONE: "green"}


def next_command(vault: str | None, addresses: tuple[str, ...]) -> str:
    """The plan command to run next for the compromised addresses."""
    words = ["reuse-audit", "plan", vault or "VAULT"]
    for address in addresses:
        words += ["--breached", address]
    return " ".join(shlex.quote(w) if w != "VAULT" else w for w in words)


def account_json(account: AccountVerdict, lang: str) -> dict[str, object]:
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
        "evidence": [
            {"kind": item.kind, "text": evidence_text(item, lang), **dict(item.values)}
            for item in account.evidence
        ],
    }


def render_json(result: BounceScan, *, lang: str = "en", vault: str | None = None) -> str:
    """The scan as JSON: ``{"schema_version": 1, "accounts": [...]}``."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "accounts": [account_json(a, lang) for a in result.accounts],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_table(result: BounceScan, *, lang: str = "en", vault: str | None = None) -> str:
    """The scan as a table, each address's verdict and evidence, ending with the next command to run."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=TABLE_WIDTH, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    if not result.accounts:
        console.print(rich_text(text(lang, "nothing", messages=result.messages)))
        return buffer.getvalue()
    table = Table(title=text(lang, "title"))
    address_width = min(40, max(len(a.address) for a in result.accounts))
    for key in ("address", "verdict", "bounces", "via", "backscatter", "unknown", "temporary", "recipients",
                "period"):
        numeric = key not in ("address", "verdict", "period")
        table.add_column(text(lang, f"col.{key}"), justify="right" if numeric else "left",
                         overflow="fold", no_wrap=key == "verdict",
                         min_width=address_width if key == "address" else None)
    for account in result.accounts:
        period = f"{minute(account.first)} – {minute(account.last)}"
        table.add_row(
            rich_text(account.address),
            f"[{_VERDICT_STYLE[account.verdict]}]{rich_text(text(lang, f'verdict.{account.verdict}'))}[/]",
            str(account.bounces), str(account.via_account), str(account.backscatter), str(account.unknown),
            str(account.temporary), str(account.distinct_recipients), rich_text(period),
        )
    console.print(table)
    for account in result.accounts:
        console.print()
        console.print(rich_text(text(lang, f"say.{account.verdict}", address=account.address)))
        for item in account.evidence:
            console.print("  - " + rich_text(evidence_text(item, lang)))
    if result.compromised:
        console.print()
        console.print(rich_text(text(lang, "next", command=next_command(vault, result.compromised))))
    return buffer.getvalue()


class OutputFormat(StrEnum):
    """``--format``: each member builds its formatter."""

    TABLE = "table"
    JSON = "json"

    def formatter(self) -> Callable[..., str]:
        """The function rendering a :class:`BounceScan` in this format."""
        return {OutputFormat.TABLE: render_table, OutputFormat.JSON: render_json}[self]


def plan_header_lines(result: BounceScan, lang: str = "en") -> list[str]:
    """For ``plan --breached-from``: one line per compromised address saying what the mailbox showed."""
    return [text(lang, "plan.header", address=address, summary=result.summaries.get(address, ""))
            for address in result.compromised]
