"""Renders an audit result as table, JSON, CSV, Markdown or HTML, in English or Japanese (vault text escaped)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reuse_audit.audit import AuditResult
from reuse_audit.i18n import Translator
from reuse_audit.report import escape
from reuse_audit.report import wording as W
from reuse_audit.report.audit_document import audit_document, entry_dicts
from reuse_audit.report.cards import CARDS_CSS, card_labels, card_row
from reuse_audit.report.choices import AuditFormat as AuditFormat

if TYPE_CHECKING:
    from reuse_audit.reasons import Reason


@dataclass(frozen=True)
class AuditRender:
    """What a format needs besides the result: the language, the width, an already built JSON document."""

    lang: str = "en"
    width: int | None = None
    # the JSON document without its entries (written as they are made), e.g. with a baseline section; built
    # from the result if None
    document: dict[str, Any] | None = None


def render_audit(result: AuditResult, fmt: AuditFormat, how: AuditRender | None = None) -> str:
    """The report of ``result`` in ``fmt``."""
    return AuditFormat(fmt).formatter()(result, how or AuditRender())


COLUMNS = ("rank", "title", "username", "url", "group", "findings", "reuse_group", "variant_group",
           "linked_to", "score", "length", "meets_policy", "exposure", "exposure_count", "has_otp", "reasons",
           "uuid")


def rows(result: AuditResult, t: Translator) -> list[dict[str, Any]]:
    """Flat rows (one per audited entry) shared by the tabular formats."""
    out = []
    for e in entry_dicts(result, t.lang):
        st = e["strength"] or {}
        out.append({
            "rank": e["rank"], "title": e["title"], "username": e["username"], "url": e["url"],
            "group": e["group"], "findings": ",".join(e["findings"]), "reuse_group": e["reuse_group"] or "",
            "variant_group": e["variant_group"] or "", "linked_to": e["linked_to"] or "",
            "score": st.get("score", ""), "length": st.get("length", ""),
            "meets_policy": "" if not st else ("yes" if st["meets_policy"] else "no"),
            "exposure": e["exposure"]["status"],
            "exposure_count": "" if e["exposure"]["count"] is None else e["exposure"]["count"],
            "has_otp": "yes" if e["has_otp"] else "no", "reasons": t.join_parts(e["reasons"]), "uuid": e["uuid"],
            "reason_list": e["reasons"],
        })
    return out


def json_report(result: AuditResult, how: AuditRender) -> Iterator[str]:
    """The JSON report in pieces, a chunk of entries at a time (see :func:`~reuse_audit.report.escape.json_pieces`):
    a large report is never whole in memory."""
    head = how.document or audit_document(result, how.lang, entries=False)
    return escape.json_pieces(head, "entries", entry_dicts(result, how.lang))


def render_json(result: AuditResult, how: AuditRender) -> str:
    return "".join(json_report(result, how))


def render_csv(result: AuditResult, how: AuditRender) -> str:
    t = Translator(how.lang)
    return escape.csv_text(COLUMNS, ([r[c] for c in COLUMNS] for r in rows(result, t)))


def _exposure_cell(r: dict[str, Any], t: Translator) -> str:
    return t.text(W.EXPOSURE[r["exposure"]], count=r["exposure_count"] or 0)


def _yes_no(value: str, t: Translator) -> str:
    return t.gettext(W.YES if value == "yes" else W.NO)


def _human_cells(r: dict[str, Any], t: Translator, keys: tuple[str, ...]) -> list[str]:
    cells = {
        "rank": str(r["rank"]), "title": escape.visible_field(r["title"]),
        "username": escape.visible_field(r["username"]), "group": escape.visible_field(r["group"]),
        "findings": t.join([t.gettext(W.KINDS.get(k, k)) for k in r["findings"].split(",") if k])
        if t.lang != "en" else r["findings"].replace(",", ", "),  # English: the codes, a line may break after each
        "reuse": r["reuse_group"], "variant": r["variant_group"],
        "score": str(r["score"]), "length": str(r["length"]), "exposure": _exposure_cell(r, t),
        "otp": _yes_no(r["has_otp"], t), "reasons": r["reasons"],
    }
    return [cells[k] for k in keys]


_MD_KEYS = ("rank", "title", "username", "group", "findings", "reuse", "variant", "score", "length", "exposure",
            "otp", "reasons")
_HTML_KEYS = ("rank", "title", "username", "group", "findings", "reuse", "variant", "score", "exposure", "otp",
              "reasons")


def render_markdown(result: AuditResult, how: AuditRender) -> str:
    t = Translator(how.lang)
    head = [t.gettext(W.COLUMNS[k]) for k in _MD_KEYS]
    lines = [f"# {t.gettext(W.TITLE)} ({t.text(W.AUDITED, n=len(result.entries))})", "",
             escape.markdown(summary_line(result, t.lang)), ""]
    lines += [f"- {escape.markdown(note)}" for note in t.reasons(result.check_notes)]
    lines += [""] if result.check_notes else []
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows(result, t):
        lines.append("| " + " | ".join(escape.markdown(c) for c in _human_cells(r, t, _MD_KEYS)) + " |")
    return "\n".join(lines) + "\n"


# A table on a wide screen; below 1000 px (a phone, a phone held sideways, a small tablet: eleven columns do not
# fit) each entry is a card whose cells carry their column's name, and an empty cell is left out.
_HTML_CSS = (
    'body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;'
    "margin:2em;line-height:1.45;line-break:strict}table{border-collapse:collapse}"
    "td,th{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:break-word}"
    "td:last-child{overflow-wrap:anywhere;min-width:20em}"  # the reasons' long URLs; no other word is cut
    "@media (max-width:1000px){body{margin:.8em}" + CARDS_CSS + "td{overflow-wrap:anywhere}td:last-child{min-width:0}}"
)


def _linked(html: str, reasons: Sequence[Reason]) -> str:
    """Escaped reasons with the catalogue's https links in them (a site's two-step or passkey page) made links
    to tap. Only those: a URL in vault text (a title) stays text."""
    import re

    urls = {escape.html_text(u) for r in reasons if isinstance(u := r.get("url"), str) and u.startswith("https://")}
    if not urls:
        return html
    pattern = re.compile("|".join(re.escape(u) for u in sorted(urls, key=len, reverse=True)))
    return pattern.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html)


def render_html(result: AuditResult, how: AuditRender) -> str:
    t = Translator(how.lang)
    title = escape.html_text(t.gettext(W.TITLE))
    names = [t.gettext(W.COLUMNS[k]) for k in _HTML_KEYS]
    labels = [escape.html_text(name) for name in names]
    on_cards = card_labels(t, names)
    body = []
    for entry, r in zip(result.entries, rows(result, t), strict=True):
        cells = [escape.html_text(c) for c in _human_cells(r, t, _HTML_KEYS)]
        cells[-1] = _linked(cells[-1], entry.reasons)  # the reasons
        body.append(card_row(on_cards, cells))
    head = "".join(f"<th>{label}</th>" for label in labels)
    return (
        f"<!DOCTYPE html>\n<html lang=\"{t.lang}\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_HTML_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>{escape.html_text(summary_line(result, t.lang))}</p>"
        + "".join(f"<p>{escape.html_text(note)}</p>" for note in t.reasons(result.check_notes)) +
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table></body></html>\n"
    )


_TABLE_KEYS = ("rank", "title", "username", "group", "findings", "reuse", "score", "exposure", "otp", "reasons")


def render_table(result: AuditResult, how: AuditRender) -> str:
    """A table when every row fits the width without cutting a word, else a numbered list (title and login on
    one line, then the findings, then each reason on a line of its own), as the plan's text does."""
    from reuse_audit.report import DEFAULT_WIDTH
    from reuse_audit.report.wrap import column_widths

    t = Translator(how.lang)
    width = how.width or DEFAULT_WIDTH
    entries = []
    for r in rows(result, t):
        cells = dict(zip(_TABLE_KEYS, _human_cells(r, t, _TABLE_KEYS), strict=True))
        cells["findings"] = cells["findings"] or "-"
        cells["reuse"] = " ".join(x for x in (r["reuse_group"], r["variant_group"]) if x)
        entries.append((cells, r["reason_list"]))
    headers = [t.gettext(W.COLUMNS[k]) for k in _TABLE_KEYS]
    # each column needs its longest word, the header whole
    widths = column_widths([[h.replace(" ", "\u00a0"), *(cells[k] for cells, _ in entries)]
                            for h, k in zip(headers, _TABLE_KEYS, strict=True)], width)
    if widths is not None:
        return _table_text(t, headers, [cells for cells, _ in entries], widths, width, result)
    return _list_text(t, entries, width, result)


def _table_text(t: Translator, headers: list[str], entries: list[dict[str, str]], widths: list[int], width: int,
                result: AuditResult) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=escape.rich_text(t.gettext(W.TABLE_TITLE)), show_lines=False)
    for header, column_width in zip(headers, widths, strict=True):
        table.add_column(escape.rich_text(header), overflow="fold", width=column_width)
    for cells in entries:
        table.add_row(*(escape.rich_text(cells[k]) for k in _TABLE_KEYS))
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False)
    console.print(table)
    for note in t.reasons(result.check_notes):
        console.print(escape.rich_text(note))
    return buf.getvalue()


def _list_text(t: Translator, entries: list[tuple[dict[str, str], list[str]]], width: int,
               result: AuditResult) -> str:
    from reuse_audit.report.escape import visible_controls
    from reuse_audit.report.wrap import wrap

    lines = wrap(t.gettext(W.TABLE_TITLE), width)
    for cells, reasons in entries:
        number = f"{cells['rank']:>3}. "
        indent = " " * len(number)
        who = cells["title"] + (f" — {cells['username']}" if cells["username"] else "")
        who += f" ({cells['group']})" if cells["group"] else ""
        lines.append("")
        lines += wrap(visible_controls(who), width, indent, number)
        facts = [t.text(W.LABELLED, label=t.gettext(W.COLUMNS[key]), text=cells[key])
                 for key in ("findings", "reuse", "score", "exposure", "otp") if cells[key]]
        lines += wrap(visible_controls(t.join_parts(facts)), width, indent)
        for reason in reasons:
            lines += wrap(visible_controls(reason), width, indent + "  ", indent + "- ")
    notes = t.reasons(result.check_notes)
    if notes:
        lines.append("")
        for note in notes:
            lines += wrap(visible_controls(note), width)
    return "\n".join(lines) + "\n"


def summary_line(result: AuditResult, lang: str = "en") -> str:
    """'312 entries, 41 share a password in 12 groups, 57 weak' — for stderr and report headers.

    A kind whose check did not run (or could not decide every entry) says so instead of showing 0.
    """
    from reuse_audit.findings import FindingKind as K

    t = Translator(lang)
    unchecked = result.unchecked_kinds

    def n(kind: K, key: str) -> str:
        if kind in unchecked:
            return t.text(W.NOT_CHECKED, what=t.gettext(W.COUNTS[key + "_name"]))
        return t.text(W.COUNTS[key], n=result.count(kind))

    parts = [t.plural(W.ENTRIES, result.vault.entries_total, audited=len(result.entries),
                      skipped=len(result.skipped))]
    if K.REUSED in unchecked:
        parts.append(t.text(W.NOT_CHECKED, what=t.gettext(W.COUNTS["reuse"])))
    else:
        shared = sum(1 for e in result.entries if e.reuse_group)
        parts.append(t.plural(W.SHARED, len(result.reuse_groups), shared=shared))
    if result.variant_groups:
        parts.append(t.plural(W.VARIANTS, len(result.variant_groups), count=result.count(K.VARIANT)))
    parts.append(n(K.WEAK, "weak"))
    parts.append(n(K.POLICY, "policy"))
    if K.PWNED in unchecked and not any(result.checked(e, K.PWNED) for e in result.entries):
        parts.append(n(K.PWNED, "pwned"))  # not selected, offline without a corpus, or nothing answered: no count
    elif K.PWNED in unchecked:  # some passwords answered: what they found is a floor
        parts.append(t.text(W.COUNTS["pwned_incomplete"], n=result.count(K.PWNED)))
    elif result.count(K.PWNED):
        parts.append(t.text(W.COUNTS["pwned"], n=result.count(K.PWNED)))
    if result.unknown_exposure:
        parts.append(t.plural(W.UNKNOWN_EXPOSURE, result.unknown_exposure))
    if K.SITE_BREACHED in unchecked or result.count(K.SITE_BREACHED):
        parts.append(n(K.SITE_BREACHED, "site_breached"))
    for k, key in ((K.EXPIRED, "expired"), (K.OLD, "old"), (K.MASTER_PASSWORD, "master_password")):
        if result.count(k):
            parts.append(t.text(W.COUNTS[key], n=result.count(k)))
    parts += _site_counts(result, t)
    line = t.join(parts)
    if result.exposure_note:
        from reuse_audit.reasons import ReasonCode

        unselected = result.exposure_note.code is ReasonCode.EXPOSURE_NOT_SELECTED  # not "exposure: exposure check…"
        line = t.text(W.EXPOSURE_NOTE, line=line, note=t.gettext(W.NOT_SELECTED) if unselected
                      else t.reason(result.exposure_note))
    return line


def _site_counts(result: AuditResult, t: Translator) -> list[str]:
    """The site kinds (checks urls and 2fa) that were found; a selected check that could not decide says so.

    A check left out by ``--checks`` adds nothing here: these kinds are advice, not part of every line.
    """
    from reuse_audit.findings import Check
    from reuse_audit.findings import FindingKind as K

    parts: list[str] = []
    unchecked = result.unchecked_kinds
    selected = result.options.checks
    for check, kinds, name in ((Check.URLS, (K.INSECURE_URL,), "insecure_url_name"),
                               (Check.TWO_FACTOR, (K.NO_2FA, K.WEAK_2FA, K.PASSKEY_AVAILABLE), "2fa_name")):
        if check in selected and any(k in unchecked for k in kinds):
            parts.append(t.text(W.NOT_CHECKED, what=t.gettext(W.COUNTS[name])))
            continue
        parts += [t.text(W.COUNTS[k.value], n=result.count(k)) for k in kinds if result.count(k)]
    return parts
