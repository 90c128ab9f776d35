"""The plan for a terminal: a table when every row fits the width without cutting a word or a URL, else a
numbered list (action and title on one line, reasons and each URL whole on their own lines).

Widths are display cells (a CJK character takes two). No line is wider than the width except a URL that
alone is longer. On a terminal, steps are coloured by tier (``NO_COLOR`` is honoured by the caller).
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from reuse_audit.plan.model import Plan, RotationStep, StepStatus, Tier
from reuse_audit.plan.view import (
    PlanView,
    action_text,
    checklist_text,
    heading,
    labelled,
    links,
    step_action_text,
    tier_text,
    tier_why,
    title,
    who,
)
from reuse_audit.plan.wording import HEADLINE
from reuse_audit.report.escape import visible_controls, visible_field
from reuse_audit.report.wrap import column_widths, wrap

TIER_STYLES = {Tier.MASTER_PASSWORD: "bold magenta", Tier.BREACHED_ACCOUNT: "bold red", Tier.SAME_PASSWORD: "red",
               Tier.VARIANT: "yellow", Tier.REGISTERED: "cyan", Tier.HYGIENE: "blue", Tier.NOTHING: "green"}
_COMMAND = "reuse-audit plan "  # how a suggested command starts (plan notes end with one)
_MARKS = {StepStatus.DONE: "[x]", StepStatus.REDO: "[!]", StepStatus.TODO: "[ ]"}


def _safe(text: str) -> str:
    return visible_controls(text)


def render_text(plan: Plan, view: PlanView, width: int, color: bool) -> str:
    """The plan as lines of at most ``width`` cells (URLs excepted), coloured when ``color``."""
    t = view.t
    out: list[tuple[str, str | None]] = []  # (line, style)

    def para(text: str, style: str | None = None, indent: str = "", first: str | None = None) -> None:
        out.extend((line, style) for line in wrap(_safe(text), width, indent, first))

    para(t.text(HEADLINE, title=heading(t, "title"), summary=view.summary()), "bold")
    progress = view.progress()
    if progress:
        para(labelled(t, heading(t, "progress"), progress), "bold")
    now = view.do_now()
    if now:
        para(now, "bold")
    for label, text in view.header_lines():
        line = labelled(t, label, text) if label else text
        command = line.find(_COMMAND)
        if command < 0:
            para(line, indent="  ")
        else:  # a command to re-run ends the note: on a line of its own, whole, to be copied (as a URL is)
            para(line[:command].rstrip(), indent="  ")
            out.append(("    " + _safe(line[command:]), None))
    steps = view.steps
    if not steps:
        para(heading(t, "nothing"))
    table = _table(view, width) if steps else None
    if table is not None:
        text = _print(table, width, color)
        body = "\n".join(_styled(out, color)) + "\n" + text
        return body + "".join(line + "\n" for line in view.hidden())
    for tier, run in view.by_tier():
        out.append(("", None))
        para(f"{int(tier)}. {tier_text(t, tier)}", f"bold {TIER_STYLES[tier]}")
        para(tier_why(t, tier, plan.breach is not None), "italic", indent="   ")
        for s in run:
            _step_lines(s, view, width, out)
    hidden = view.hidden()
    if hidden:
        out.append(("", None))
        for line in hidden:
            para(line)
    return "\n".join(_styled(out, color)) + "\n"


def _step_lines(s: RotationStep, view: PlanView, width: int, out: list[tuple[str, str | None]]) -> None:
    t = view.t
    style = TIER_STYLES[s.tier]
    number = f"{s.step:>3}. "
    indent = " " * len(number)
    shown = StepStatus.TODO if s.status == StepStatus.DONE and not s.finished else s.status  # its checklist is left
    mark = _MARKS[shown] + " " if s.to_do and (s.status != StepStatus.TODO or s.checklist) else ""
    head = f"{mark}{step_action_text(t, s)} — {who(s, t)}"
    out.extend((line, f"bold {style}") for line in wrap(_safe(head), width, indent, number))
    status = view.status_line(s)
    if status:
        out.extend((line, style) for line in wrap(_safe(status), width, indent + "  ", indent + "» "))
    for reason in t.reasons(s.reasons):
        out.extend((line, None) for line in wrap(_safe(reason), width, indent + "  ", indent + "- "))
    for item in s.checklist:
        text = f"{_MARKS[item.status]} {checklist_text(t, item)}"
        out.extend((line, None) for line in wrap(_safe(text), width, indent + "      ", indent + "  "))
        if item.url:
            out.extend((line, "dim") for line in wrap(item.url, width, indent + "      "))
    for kind, url in links(s):
        out.extend((line, "dim") for line in wrap(labelled(t, heading(t, kind), url), width, indent, indent))


def _styled(lines: list[tuple[str, str | None]], color: bool) -> list[str]:
    """The lines, each in its style when ``color`` (ANSI codes added after the width was measured)."""
    if not color:
        return [line for line, _ in lines]
    buf = io.StringIO()
    console = Console(file=buf, width=10**6, color_system="standard", force_terminal=True, highlight=False)
    out = []
    for line, style in lines:
        if style and line:
            buf.seek(0)
            buf.truncate()
            console.print(f"[{style}]{rich_escape(line)}[/]", end="", soft_wrap=True)
            out.append(buf.getvalue())
        else:
            out.append(line)
    return out


def _cells(s: RotationStep, view: PlanView) -> list[str]:
    t = view.t
    where = "\n".join(labelled(t, heading(t, kind), url) for kind, url in links(s))
    reasons = t.reasons(s.reasons)
    status = view.status_line(s)
    checklist = [f"{_MARKS[i.status]} {checklist_text(t, i)}" + (f" {i.url}" if i.url else "") for i in s.checklist]
    return [_safe(x) for x in (
        str(s.step), f"{int(s.tier)} {tier_text(t, s.tier)}", action_text(t, s.action), title(s, t),
        visible_field(s.username),
        "\n".join(([status] if status else []) + reasons + checklist), where)]


_COLUMNS = ("col_step", "col_tier", "col_action", "col_title", "col_username", "col_reasons", "col_where")


def _table(view: PlanView, width: int) -> Table | None:
    """The steps as one table, or None when a word or a URL would have to be cut to fit ``width``."""
    t = view.t
    headers = [heading(t, key) for key in _COLUMNS]
    rows = [_cells(s, view) for s in view.steps]
    # each column needs its longest word, the header whole
    widths = column_widths([[header.replace(" ", "\u00a0"), *(cells[n] for cells in rows)]
                            for n, header in enumerate(headers)], width)
    if widths is None:
        return None
    table = Table(show_lines=True, width=None)
    for header, column_width in zip(headers, widths, strict=True):
        table.add_column(rich_escape(header), overflow="fold", width=column_width)
    for s, cells in zip(view.steps, rows, strict=True):
        table.add_row(*(rich_escape(c) for c in cells), style=TIER_STYLES[s.tier])
    return table


def _print(table: Table, width: int, color: bool) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system="standard" if color else None, force_terminal=color,
                      highlight=False)
    console.print(table)
    return buf.getvalue()
