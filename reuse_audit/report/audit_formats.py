"""Renders an audit result as table, JSON, CSV, Markdown or HTML (vault text always escaped)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from reuse_audit.audit import AuditResult
from reuse_audit.report import escape
from reuse_audit.report.audit_document import audit_document


class AuditFormat(StrEnum):
    """`--format` of `audit`; each member builds its formatter."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"

    def formatter(self) -> Callable[[AuditResult, int | None], str]:
        return {
            AuditFormat.TABLE: render_table,
            AuditFormat.JSON: lambda r, _w: render_json(r),
            AuditFormat.CSV: lambda r, _w: render_csv(r),
            AuditFormat.MARKDOWN: lambda r, _w: render_markdown(r),
            AuditFormat.HTML: lambda r, _w: render_html(r),
        }[self]


COLUMNS = ("rank", "title", "username", "url", "group", "findings", "reuse_group", "variant_group",
           "linked_to", "score", "length", "meets_policy", "exposure", "exposure_count", "has_otp", "reasons",
           "uuid")


def rows(result: AuditResult) -> list[dict[str, Any]]:
    """Flat rows (one per audited entry) shared by the tabular formats."""
    out = []
    for e in audit_document(result)["entries"]:
        st = e["strength"] or {}
        out.append({
            "rank": e["rank"], "title": e["title"], "username": e["username"], "url": e["url"],
            "group": e["group"], "findings": ",".join(e["findings"]), "reuse_group": e["reuse_group"] or "",
            "variant_group": e["variant_group"] or "", "linked_to": e["linked_to"] or "",
            "score": st.get("score", ""), "length": st.get("length", ""),
            "meets_policy": "" if not st else ("yes" if st["meets_policy"] else "no"),
            "exposure": e["exposure"]["status"],
            "exposure_count": "" if e["exposure"]["count"] is None else e["exposure"]["count"],
            "has_otp": "yes" if e["has_otp"] else "no", "reasons": "; ".join(e["reasons"]), "uuid": e["uuid"],
        })
    return out


def render_json(result: AuditResult) -> str:
    return json.dumps(audit_document(result), indent=2, ensure_ascii=False) + "\n"


def render_csv(result: AuditResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows(result):
        w.writerow([escape.csv_cell(r[c]) for c in COLUMNS])
    return buf.getvalue()


def _exposure_cell(r: dict[str, Any]) -> str:
    if r["exposure"] == "pwned":
        return f"pwned ({r['exposure_count']:,})"
    return str(r["exposure"]).replace("_", " ")


def render_markdown(result: AuditResult) -> str:
    cols = ("#", "Title", "Username", "Group", "Findings", "Reuse", "Variant", "Score", "Length", "Exposure",
            "OTP", "Reasons")
    lines = [f"# reuse-audit report ({len(result.entries)} entries audited)", "", summary_line(result), "",
             "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows(result):
        cells = [str(r["rank"]), r["title"], r["username"], r["group"], r["findings"], r["reuse_group"],
                 r["variant_group"], str(r["score"]), str(r["length"]), _exposure_cell(r), r["has_otp"],
                 r["reasons"]]
        lines.append("| " + " | ".join(escape.markdown(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_html(result: AuditResult) -> str:
    head = ("#", "Title", "Username", "Group", "Findings", "Reuse", "Variant", "Score", "Exposure", "OTP",
            "Reasons")
    body = []
    for r in rows(result):
        cells = [str(r["rank"]), r["title"], r["username"], r["group"], r["findings"], r["reuse_group"],
                 r["variant_group"], str(r["score"]), _exposure_cell(r), r["has_otp"], r["reasons"]]
        body.append("<tr>" + "".join(f"<td>{escape.html_text(c)}</td>" for c in cells) + "</tr>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reuse-audit report</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}</style></head><body>"
        f"<h1>reuse-audit report</h1><p>{escape.html_text(summary_line(result))}</p>"
        "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>\n"
        + "\n".join(body) + "\n</tbody></table></body></html>\n"
    )


def render_table(result: AuditResult, width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="reuse-audit: worst first", show_lines=False)
    for col in ("#", "Title", "Username", "Group", "Findings", "Reuse", "Score", "Exposure", "OTP", "Reasons"):
        table.add_column(col, overflow="fold")
    for r in rows(result):
        reuse = " ".join(x for x in (r["reuse_group"], r["variant_group"]) if x)
        table.add_row(*(escape.rich_text(str(x)) for x in (
            r["rank"], r["title"], r["username"], r["group"], r["findings"] or "-", reuse, r["score"],
            _exposure_cell(r), r["has_otp"], r["reasons"])))
    buf = io.StringIO()
    Console(file=buf, width=width or 160, color_system=None, force_terminal=False).print(table)
    return buf.getvalue()


def summary_line(result: AuditResult) -> str:
    """'312 entries, 41 share a password in 12 groups, 57 weak' — for stderr and report headers.

    A kind whose check did not run (or could not decide every entry) says so instead of showing 0.
    """
    from reuse_audit.findings import FindingKind as K

    unchecked = result.unchecked_kinds

    def n(kind: K, words: str) -> str:
        return f"{words}: not checked" if kind in unchecked else f"{result.count(kind)} {words}"

    parts = [f"{result.vault.entries_total} entries ({len(result.entries)} audited, {len(result.skipped)} skipped)"]
    if K.REUSED in unchecked:
        parts.append("reuse: not checked")
    else:
        shared = sum(1 for e in result.entries if e.reuse_group)
        parts.append(f"{shared} share a password in {len(result.reuse_groups)} groups")
    if result.variant_groups:
        parts.append(f"{result.count(K.VARIANT)} use variants in {len(result.variant_groups)} groups")
    parts.append(n(K.WEAK, "weak"))
    parts.append(n(K.POLICY, "fail the policy"))
    if result.count(K.PWNED) or K.PWNED in unchecked:
        parts.append(f"{result.count(K.PWNED)} pwned" + (" (exposure incomplete)" if K.PWNED in unchecked else ""))
    if result.unknown_exposure:
        parts.append(f"{result.unknown_exposure} unknown exposure")
    for k, word in ((K.EXPIRED, "expired"), (K.OLD, "old"), (K.MASTER_PASSWORD, "use the master password")):
        if result.count(k):
            parts.append(f"{result.count(k)} {word}")
    line = ", ".join(parts)
    if result.exposure_note:
        line += f" (exposure: {result.exposure_note})"
    return line
