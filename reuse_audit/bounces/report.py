"""Render a bounce scan: a table and plain sentences for people (within the terminal's width), or JSON
(``schema_version`` 1) for programs.

Everything that comes from mail (addresses, subjects, Received lines) is data: control characters are made
visible, and rich markup in it is escaped before rich sees it.
"""

from __future__ import annotations

import io
import shlex

from rich.cells import cell_len

from reuse_audit.bounces import wording as W
from reuse_audit.bounces.layout import terminal_width, wrap
from reuse_audit.bounces.scan import BounceScan
from reuse_audit.bounces.settings import OutputFormat as OutputFormat
from reuse_audit.bounces.verdict import FACT_CODES, AccountVerdict, Burst, Verdict
from reuse_audit.i18n import Translator
from reuse_audit.report.escape import json_text, rich_text, visible_controls
from reuse_audit.report.wrap import column_widths
from reuse_audit.times import iso

SCHEMA_VERSION = 1
_VERDICT_STYLE = {Verdict.COMPROMISED: "bold red", Verdict.UNDETERMINED: "bold yellow", Verdict.SPOOFED: "yellow",
                  Verdict.NONE: "green"}


def next_command(vault: str | None, addresses: tuple[str, ...]) -> str:
    """The plan command to run next for the addresses to treat as breached."""
    words = ["reuse-audit", "plan", vault or "VAULT"]
    for address in addresses:
        words += ["--breached", address]
    return " ".join(shlex.quote(w) if w != "VAULT" else w for w in words)


def _burst_json(burst: Burst) -> dict[str, object]:
    return {"start": iso(burst.start), "end": iso(burst.end), "bounces": burst.bounces,
            "via_account": burst.via_account, "backscatter": burst.backscatter, "unknown": burst.unknown,
            "distinct_recipients": burst.recipients}


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
        "no_original": account.no_original,
        "own_mail": account.own_mail,
        "bursts": [_burst_json(b) for b in account.bursts],
        "subjects": [{"subject": s, "count": n} for s, n in account.subjects],
        "logins": [{"ip": login.ip, "webmail": login.webmail} for login in account.logins],
        "provider": account.provider.summary() if account.provider is not None else None,
        "evidence": [{"kind": item.code.value, "text": t.reason(item), "detail": item.code not in FACT_CODES,
                      **item.json_params()} for item in account.evidence],
    }


def render_json(result: BounceScan, *, lang: str = "en", vault: str | None = None, width: int | None = None) -> str:
    """The scan as JSON: ``{"schema_version": 1, "accounts": [...], "not_bounces": {...}, ...}``."""
    t = Translator(lang)
    return json_text({
        "schema_version": SCHEMA_VERSION,
        "accounts": [account_json(a, t) for a in result.accounts],
        "messages": result.messages,
        "bounces": result.bounces,
        "not_bounces": dict(result.not_bounces),
        "unattributed": result.unattributed,
        "unreadable": result.unreadable,
    })


def _table(result: BounceScan, t: Translator, width: int) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False,
                      soft_wrap=False)
    table = Table(title=rich_text(t.text(W.TITLE)), box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), show_edge=False,
                  title_justify="left")
    keys = ("address", "verdict", "bounces", "via", "backscatter", "unknown", "period")
    rows = [(visible_controls(account.address), t.text(W.VERDICTS[account.verdict]), str(account.bounces),
             str(account.via_account), str(account.backscatter), str(account.unknown),
             W.period(account.first, account.last)) for account in result.accounts]
    headers = [t.text(W.COLUMNS[key]) for key in keys]
    # No word cut (an address or a time cut in two is misread; rich cut them, and clipped a row at the edge):
    # each column at least its longest word, or a paragraph an address. This table's frame is a space between
    # columns and one after each (2n - 1 cells), where column_widths counts a boxed table's (3n + 1).
    widths = column_widths([[header, *(row[n] for row in rows)] for n, header in enumerate(headers)],
                           width + len(headers) + 2)
    if widths is None:
        return _rows(result, t, width)
    for key, header, column_width in zip(keys, headers, widths, strict=True):
        numeric = key not in ("address", "verdict", "period")
        table.add_column(rich_text(header), justify="right" if numeric else "left", overflow="fold",
                         width=column_width)
    for account, row in zip(result.accounts, rows, strict=True):
        table.add_row(rich_text(row[0]), f"[{_VERDICT_STYLE[account.verdict]}]{rich_text(row[1])}[/]",
                      *row[2:6], rich_text(row[6]))
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _rows(result: BounceScan, t: Translator, width: int) -> str:
    lines = [t.text(W.TITLE)]
    for account in result.accounts:
        lines += wrap(visible_controls(account.address), width)
        lines += wrap(t.plural(W.ROW, account.bounces, verdict=t.text(W.VERDICTS[account.verdict]),
                             via=account.via_account, forged=account.backscatter, unknown=account.unknown,
                             period=W.period(account.first, account.last)), width, "  ")
    return "\n".join(lines)


def _next_lines(command: str, t: Translator, width: int) -> list[str]:
    """The next command on one line when it fits, else one option per line with shell continuations."""
    line = t.text(W.NEXT, command=command)
    if cell_len(line) <= width:
        return [line]
    label = t.text(W.NEXT, command="").rstrip()
    words = command.split(" --")
    return [label, *(("    --" if i else "  ") + w + (" \\" if i < len(words) - 1 else "")
                     for i, w in enumerate(words))]


def render_table(result: BounceScan, *, lang: str = "en", vault: str | None = None, width: int | None = None) -> str:
    """The scan for people: a table, then per address its verdict, the facts, the details; lines fit
    ``width`` (the terminal's by default) and the report ends with the next command to run."""
    t = Translator(lang)
    width = width or terminal_width()
    if not result.accounts:
        return "\n".join(wrap(visible_controls(t.text(W.NOTHING, messages=result.messages)), width)) + "\n"
    lines = [_table(result, t, width)]
    for account in result.accounts:
        lines.append("")
        say = t.text(W.SAY[account.verdict], address=visible_controls(account.address),
                     bounces=W.burst_bounces(account))
        lines += wrap(say, width)
        facts = [e for e in account.evidence if e.code in FACT_CODES]
        details = [e for e in account.evidence if e.code not in FACT_CODES]
        for item in facts:
            lines += wrap(t.reason(item, visible_controls), width, "  - ", "    ")
        if details:
            lines += wrap(t.text(W.DETAILS), width, "  ")
            for item in details:
                lines += wrap(t.reason(item, visible_controls), width, "    - ", "      ")
    counts = [t.plural(W.NOT_BOUNCE_KINDS[k], n) for k, n in result.not_bounces.items()
              if n and k in W.NOT_BOUNCE_KINDS]
    if counts:
        lines.append("")
        lines += wrap(t.text(W.NOT_BOUNCES, counts=t.join(counts)), width)
    if result.breached:
        lines.append("")
        lines += _next_lines(next_command(vault, result.breached), t, width)
    return "\n".join(lines) + "\n"
