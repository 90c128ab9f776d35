"""The plan's formats: ``--format`` and the one entry point that renders a plan in any of them.

JSON and CSV (:mod:`reuse_audit.plan.document`) list every step; the human formats — text for a terminal
(:mod:`~reuse_audit.plan.text_format`), a Markdown checklist and an HTML page — show the steps still to do,
grouped by tier, in the chosen language, and count the rest. Vault text is always escaped for the target
format, and links are made only from the http(s) URLs the plan built, never from entry URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reuse_audit.i18n import Translator
from reuse_audit.plan.choices import PlanFormat as PlanFormat
from reuse_audit.plan.model import Plan
from reuse_audit.plan.view import PlanView, action_text, heading, tier_text
from reuse_audit.report import DEFAULT_WIDTH

__all__ = ["PlanFormat", "RenderOptions", "action_text", "heading", "plan_document", "render_plan", "tier_text"]


@dataclass(frozen=True)
class RenderOptions:
    """What the caller asked for: language, all steps or only those still to do, width and colour (text),
    extra top-level keys (JSON), and the vault's file name for the printed page's header (HTML)."""

    lang: str = "en"
    show_all: bool = False
    width: int = DEFAULT_WIDTH
    color: bool = False
    extra: dict[str, Any] | None = None
    vault_name: str = ""


def render_plan(plan: Plan, fmt: PlanFormat, options: RenderOptions | None = None) -> str:
    """Render ``plan`` in ``fmt``."""
    o = options or RenderOptions()
    fmt = PlanFormat(fmt)
    if fmt == PlanFormat.JSON:
        from reuse_audit.plan.document import render_json

        return render_json(plan, o.lang, o.extra)
    if fmt == PlanFormat.CSV:
        from reuse_audit.plan.document import render_csv

        return render_csv(plan, o.lang)
    view = PlanView(plan, Translator(o.lang), o.show_all)
    if fmt == PlanFormat.MARKDOWN:
        from reuse_audit.plan.markdown_format import render_markdown

        return render_markdown(view)
    if fmt == PlanFormat.HTML:
        from reuse_audit.plan.html_format import render_html

        return render_html(view, o.vault_name)
    from reuse_audit.plan.text_format import render_text

    return render_text(plan, view, o.width, o.color)


def plan_document(plan: Plan, *, lang: str = "en", extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plan's JSON document (see :mod:`reuse_audit.plan.document`)."""
    from reuse_audit.plan.document import plan_document as document

    return document(plan, lang=lang, extra=extra)
