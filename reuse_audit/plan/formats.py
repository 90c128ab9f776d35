"""Renders a rotation plan as a table, JSON, CSV, a Markdown checklist or a printable HTML page.

One document (``plan_document``) feeds JSON and CSV; the human formats show the steps with something to do,
grouped by tier, in the chosen language. Vault text is always escaped for the target format, and links are
made only from the http(s) URLs the plan built (``change_url``, ``tfa_url``), never from entry URLs.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from enum import StrEnum
from itertools import groupby
from typing import Any
from urllib.parse import quote, urlsplit

from reuse_audit import __version__
from reuse_audit.i18n import Translator
from reuse_audit.plan.model import Action, BreachContext, Mailbox, Plan, RotationStep, Tier
from reuse_audit.plan.wording import ACTIONS, HEADINGS, REST, SUMMARY, TIER_WHY, TIERS
from reuse_audit.report import escape

SCHEMA_VERSION = 1
DEFAULT_WIDTH = 160


class PlanFormat(StrEnum):
    """`--format` of the plan; each member builds its formatter."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"

    def formatter(self) -> Callable[[Plan, _Options], str]:
        return {
            PlanFormat.TABLE: render_table,
            PlanFormat.JSON: render_json,
            PlanFormat.CSV: render_csv,
            PlanFormat.MARKDOWN: render_markdown,
            PlanFormat.HTML: render_html,
        }[self]


class _Options:
    """What the caller asked for, resolved once: language, all steps or only the to-do ones, width, extra."""

    def __init__(self, lang: str, show_all: bool, width: int | None, extra: dict[str, Any] | None) -> None:
        self.t = Translator(lang)
        self.show_all = show_all
        self.width = width or DEFAULT_WIDTH
        self.extra = extra


def render_plan(plan: Plan, fmt: PlanFormat, *, lang: str = "en", show_all: bool = False,
                width: int | None = None, extra: dict[str, Any] | None = None) -> str:
    """Render ``plan`` in ``fmt``.

    ``lang`` ("en", "ja") picks the human text; JSON keys, codes and enum values stay English. JSON and CSV
    list every step; the table, Markdown and HTML show only steps with something to do, plus a count of
    the rest, unless ``show_all``. ``width`` is the table's width (default 160). ``extra`` is merged into
    the JSON document (e.g. ``vault``, ``reuse_groups``); other formats ignore it.
    """
    return PlanFormat(fmt).formatter()(plan, _Options(lang, show_all, width, extra))


# --- the document (JSON, and the source of CSV rows) -------------------------------------------------


_ENGLISH = Translator("en")


def _mailbox_dict(m: Mailbox) -> dict[str, Any]:
    # "why" stays English in every language: scripts match on it; the reports show it translated
    return {"uuid": m.uuid, "address": m.address, "why": _ENGLISH.join_parts(_ENGLISH.reasons(m.why)),
            "why_codes": [r.code.value for r in m.why]}


def _breach_dict(b: BreachContext | None, t: Translator) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "selectors": list(b.selectors),
        "matched": list(b.matched),
        "mailbox": _mailbox_dict(b.mailboxes[0]) if b.mailboxes else None,
        "mailboxes": [_mailbox_dict(m) for m in b.mailboxes],
        "breached_addresses": list(b.breached_addresses),
        "password_given": b.password_given,
        "mailbox_evidence": t.reasons(b.mailbox_evidence),
    }


def action_text(t: Translator, action: Action) -> str:
    return t.text(ACTIONS[action])


def tier_text(t: Translator, tier: Tier) -> str:
    return t.text(TIERS[tier])


def heading(t: Translator, key: str, **values: object) -> str:
    return t.text(HEADINGS[key], **values)


def _step_dict(s: RotationStep, t: Translator) -> dict[str, Any]:
    return {
        "step": s.step,
        "uuid": s.uuid,
        "title": s.title,
        "username": s.username,
        "url": s.url,
        "group": s.group,
        "tier": int(s.tier),
        "sub_order": int(s.sub_order),
        "action": s.action.value,
        "action_text": action_text(t, s.action),
        "reasons": t.reasons(s.reasons),
        "reason_codes": list(s.reason_codes),
        "reason_params": [r.json_params() for r in s.reasons],
        "change_url": s.change_url,
        "tfa_url": s.tfa_url,
        "has_otp": s.has_otp,
        "category": s.category,
        "service": s.service,
        "findings": list(s.findings),
        "reuse_group": s.reuse_group,
        "variant_group": s.variant_group,
    }


def plan_document(plan: Plan, *, lang: str = "en", extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The versioned JSON document of a plan: every step in plan order, reasons as sentences in ``lang``
    and as codes. ``extra`` adds top-level keys; it may not replace one of the document's own."""
    return _document(plan, Translator(lang), extra)


def _document(plan: Plan, t: Translator, extra: dict[str, Any] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "reuse-audit", "version": __version__},
        "lang": t.lang,
        "breach": _breach_dict(plan.breach, t),
        "entries_total": plan.entries_total,
        "exposure_note": t.reason(plan.exposure_note) if plan.exposure_note else None,
        "notes": t.reasons(plan.notes),
        "summary": {
            "steps_total": len(plan.steps),
            "to_do": len(plan.todo),
            "by_tier": {str(int(tier)): sum(1 for s in plan.steps if s.tier == tier) for tier in Tier},
            "by_action": {a.value: sum(1 for s in plan.steps if s.action == a) for a in Action},
        },
        "steps": [_step_dict(s, t) for s in plan.steps],
    }
    clash = sorted(set(doc) & set(extra or {}))
    if clash:
        raise ValueError(f"extra keys would replace the plan's own: {', '.join(clash)}")
    doc.update(extra or {})
    return doc


def render_json(plan: Plan, o: _Options) -> str:
    return escape.json_text(_document(plan, o.t, o.extra))


CSV_COLUMNS = ("step", "tier", "action", "title", "username", "url", "group", "reasons", "reason_codes",
               "change_url", "tfa_url", "has_otp", "uuid")


def render_csv(plan: Plan, o: _Options) -> str:
    """One row per step (all of them); every cell neutralised against spreadsheet formulas."""
    rows = []
    for s in plan.steps:
        row = {
            "step": s.step, "tier": int(s.tier), "action": s.action.value, "title": s.title,
            "username": s.username, "url": s.url, "group": s.group,
            "reasons": o.t.join_parts(o.t.reasons(s.reasons)),
            "reason_codes": ",".join(s.reason_codes), "change_url": s.change_url or "",
            "tfa_url": s.tfa_url or "", "has_otp": "yes" if s.has_otp else "no", "uuid": s.uuid or "",
        }
        rows.append([row[c] for c in CSV_COLUMNS])
    return escape.csv_text(CSV_COLUMNS, rows)


# --- shared by the human formats ------------------------------------------------------------------------


def _shown(plan: Plan, o: _Options) -> tuple[tuple[RotationStep, ...], int]:
    """The steps to show and how many were left out (those with nothing to do)."""
    if o.show_all:
        return plan.steps, 0
    return plan.todo, len(plan.steps) - len(plan.todo)


def _by_tier(steps: tuple[RotationStep, ...]) -> Iterator[tuple[Tier, list[RotationStep]]]:
    """Consecutive steps of one tier (the plan is ordered, so each tier is one run)."""
    for tier, run in groupby(steps, key=lambda s: s.tier):
        yield tier, list(run)


def safe_link(url: str | None) -> str | None:
    """``url`` fit to be a link target: only absolute http(s) URLs with a host, with characters that could
    end the link (spaces, quotes, angle brackets) percent-encoded; anything else gives None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def _links(s: RotationStep) -> list[tuple[str, str]]:
    """(kind, url) of the places to act: the change page and the two-step login settings."""
    out = []
    for kind, url in (("change_link", s.change_url), ("tfa_link", s.tfa_url)):
        link = safe_link(url)
        if link:
            out.append((kind, link))
    return out


def _title(s: RotationStep, t: Translator) -> str:
    return heading(t, "vault_step") if s.tier == Tier.MASTER_PASSWORD and s.uuid is None else s.title


def _who(s: RotationStep, t: Translator) -> str:
    return f"{_title(s, t)} ({s.username})" if s.username else _title(s, t)


def _header_lines(plan: Plan, t: Translator) -> list[tuple[str, str]]:
    """(label, text) lines saying what was breached; texts are plain (the caller escapes them)."""
    lines: list[tuple[str, str]] = []
    b = plan.breach
    if b is None:
        lines.append(("", heading(t, "no_breach")))
    else:
        for m in b.mailboxes:
            why = t.join_parts(t.reasons(m.why))
            where = why if m.uuid is not None else t.join_parts([heading(t, "mailbox_not_in_vault"), why])
            lines.append((heading(t, "mailbox"), f"{m.address} ({where})" if where else m.address))
        if not b.mailboxes and b.selectors:
            lines.append((heading(t, "selectors"), t.join(list(b.selectors))))
        mailbox_addresses = {m.address for m in b.mailboxes}
        extra_addresses = [a for a in b.breached_addresses if a not in mailbox_addresses]
        if extra_addresses:
            lines.append((heading(t, "breached_addresses"), t.join(extra_addresses)))
        if b.password_given:
            lines.append(("", heading(t, "password_given")))
        for ev in b.mailbox_evidence:
            lines.append((heading(t, "evidence"), t.reason(ev)))
    if plan.exposure_note:
        lines.append((heading(t, "exposure_note"), t.reason(plan.exposure_note)))
    for note in plan.notes:
        lines.append((heading(t, "notes"), t.reason(note)))
    return lines


def _summary(plan: Plan, t: Translator) -> str:
    return t.plural(SUMMARY, len(plan.todo), total=plan.entries_total)


# --- table ------------------------------------------------------------------------------------------------


def render_table(plan: Plan, o: _Options) -> str:
    from rich.console import Console
    from rich.table import Table

    t = o.t
    buf = io.StringIO()
    console = Console(file=buf, width=o.width, color_system=None, force_terminal=False, highlight=False)
    title, summary = escape.rich_text(heading(t, "title")), escape.rich_text(_summary(plan, t))
    console.print(f"[bold]{title}[/bold] — {summary}")
    for label, text in _header_lines(plan, t):
        console.print(f"[bold]{escape.rich_text(label)}:[/bold] {escape.rich_text(text)}" if label
                      else escape.rich_text(text))
    steps, rest = _shown(plan, o)
    if steps:
        table = Table(show_lines=True)
        for key in ("col_step", "col_tier", "col_action", "col_title", "col_username", "col_reasons",
                    "col_where"):
            table.add_column(escape.rich_text(heading(t, key)), overflow="fold")
        for s in steps:
            where = "\n".join(f"{heading(t, kind)}: {url}" for kind, url in _links(s))
            table.add_row(*(escape.rich_text(x) for x in (
                str(s.step), f"{s.tier} {tier_text(t, s.tier)}", action_text(t, s.action), _title(s, t), s.username,
                "\n".join(t.reasons(s.reasons)), where)))
        console.print(table)
    else:
        console.print(escape.rich_text(heading(t, "nothing")))
    if rest:
        console.print(escape.rich_text(t.plural(REST, rest)))
    return buf.getvalue()


# --- Markdown -------------------------------------------------------------------------------------------


# Our own wording (headings, actions, reasons' sentences) is written as is, so the checklist stays readable
# as plain text; everything from the vault or the mailbox goes through escape.markdown.


def _md_step(s: RotationStep, t: Translator) -> str:
    parts = [f"**{action_text(t, s.action)}**", escape.markdown(_who(s, t))]
    if s.reasons:
        parts.append(t.join_parts(t.reasons(s.reasons, quote=escape.markdown)))
    parts += [f"[{heading(t, kind)}](<{url}>)" for kind, url in _links(s)]
    box = "- [ ] " if s.to_do else "- "
    return f"{box}{s.step}. " + " — ".join(parts)


def render_markdown(plan: Plan, o: _Options) -> str:
    """A checklist grouped under tier headings: ``- [ ] 1. **Change password now** — Title (user) — …``."""
    t = o.t
    lines = [f"# {heading(t, 'title')}", "", _summary(plan, t), ""]
    for label, text in _header_lines(plan, t):
        lines.append(f"- **{label}:** {escape.markdown(text)}" if label else f"- {escape.markdown(text)}")
    lines.append("")
    steps, rest = _shown(plan, o)
    if not steps:
        lines += [heading(t, "nothing"), ""]
    for tier, run in _by_tier(steps):
        lines += [f"## {tier}. {tier_text(t, tier)}", ""]
        why = t.text(TIER_WHY[tier])
        if why:
            lines += [f"_{why}_", ""]
        lines += [_md_step(s, t) for s in run]
        lines.append("")
    if rest:
        lines += [t.plural(REST, rest), ""]
    lines.append(f"_{heading(t, 'generated_by', version=__version__)}_")
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;
margin:2em;line-height:1.45;color:#111}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #999;break-after:avoid}
.why{color:#444;font-style:italic;margin:.3em 0 .6em}
.breach{border:1px solid #c33;background:#fff5f5;padding:.6em 1em;margin:1em 0}
.breach dt{font-weight:bold}.breach dd{margin:0 0 .4em 1em}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #999;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#eee}
td.done{text-align:center;width:2.2em}td.done input{width:1.2em;height:1.2em}
td.num{text-align:right;width:2.5em}
ul.reasons{margin:0;padding-left:1.1em}
.rest,.footer{color:#444;margin-top:1.2em}
@media print{body{margin:1cm;font-size:10.5pt}tr{break-inside:avoid}
a{color:inherit}a[href]::after{content:" <" attr(href) ">";font-size:85%;word-break:break-all}
.breach{background:none}th{background:none}}
"""


def _h(text: str) -> str:
    return escape.html_text(text)


def _html_step(s: RotationStep, t: Translator) -> str:
    done = f'<input type="checkbox" aria-label="{_h(heading(t, "col_done"))} {s.step}">' if s.to_do else ""
    reasons = "".join(f"<li>{_h(x)}</li>" for x in t.reasons(s.reasons))
    links = "<br>".join(f'<a href="{_h(url)}">{_h(heading(t, kind))}</a>' for kind, url in _links(s))
    cells = [
        f'<td class="done">{done}</td>',
        f'<td class="num">{s.step}</td>',
        f"<td><strong>{_h(action_text(t, s.action))}</strong></td>",
        f"<td>{_h(_title(s, t))}</td>",
        f"<td>{_h(s.username)}</td>",
        f'<td><ul class="reasons">{reasons}</ul></td>' if reasons else "<td></td>",
        f"<td>{links}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def render_html(plan: Plan, o: _Options) -> str:
    """One self-contained printable page: inline CSS, no scripts or external assets, tickable checkboxes."""
    t = o.t
    title = _h(heading(t, "title"))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(t.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{_h(_summary(plan, t))}</p>",
        f'<section class="breach"><h2>{_h(heading(t, "breach"))}</h2><dl>',
    ]
    for label, text in _header_lines(plan, t):
        out.append(f"<dt>{_h(label)}</dt><dd>{_h(text)}</dd>" if label else f"<dd>{_h(text)}</dd>")
    out.append("</dl></section>")
    steps, rest = _shown(plan, o)
    if not steps:
        out.append(f"<p>{_h(heading(t, 'nothing'))}</p>")
    head = "".join(f"<th>{_h(heading(t, k))}</th>" for k in (
        "col_done", "col_step", "col_action", "col_title", "col_username", "col_reasons", "col_where"))
    for tier, run in _by_tier(steps):
        out.append(f"<section><h2>{tier}. {_h(tier_text(t, tier))}</h2>")
        why = t.text(TIER_WHY[tier])
        if why:
            out.append(f'<p class="why">{_h(why)}</p>')
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        out += [_html_step(s, t) for s in run]
        out.append("</tbody></table></section>")
    if rest:
        out.append(f'<p class="rest">{_h(t.plural(REST, rest))}</p>')
    out.append(f'<p class="footer">{_h(heading(t, "generated_by", version=__version__))}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
