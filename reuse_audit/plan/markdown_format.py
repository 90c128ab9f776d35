"""The plan as a Markdown checklist grouped under tier headings: ``- [ ] 1. **Change password now** — …``.

Our own wording is written as is, so the checklist stays readable as plain text; everything from the vault or
the mailbox goes through ``escape.markdown``.
"""

from __future__ import annotations

from reuse_audit import __version__
from reuse_audit.plan.model import RotationStep, StepStatus
from reuse_audit.plan.view import (
    PlanView,
    checklist_text,
    heading,
    labelled,
    links,
    step_action_text,
    tier_text,
    tier_why,
    who,
)
from reuse_audit.report import escape


def _box(done: bool) -> str:
    return "- [x] " if done else "- [ ] "


def _step(s: RotationStep, view: PlanView) -> list[str]:
    t = view.t
    action = f"**{step_action_text(t, s)}**"
    if s.status == StepStatus.DONE and not s.finished:
        action += " ✓"
    parts = [action, escape.markdown(who(s, t))]
    if s.reasons:
        parts.append(t.join_parts(t.reasons(s.reasons, quote=escape.markdown)))
    parts += [f"[{heading(t, kind)}](<{url}>)" for kind, url in links(s)]
    box = _box(s.finished) if s.to_do else "- "
    lines = [f"{box}{s.step}. " + " — ".join(parts)]
    status = view.status_line(s)
    if status:
        lines.append(f"  - _{escape.markdown(status)}_")
    for item in s.checklist:
        link = f" — [{item.url}](<{item.url}>)" if item.url else ""
        lines.append(f"  {_box(item.status == StepStatus.DONE)}{checklist_text(t, item)}{link}")
    return lines


def render_markdown(view: PlanView) -> str:
    t = view.t
    lines = [f"# {heading(t, 'title')}", "", view.summary(), ""]
    progress = view.progress()
    if progress:
        lines += [labelled(t, f"**{heading(t, 'progress')}**", progress), ""]
    now = view.do_now()
    if now:
        lines += [f"**{escape.markdown(now)}**", ""]
    for label, text in view.header_lines():
        lines.append("- " + (labelled(t, f"**{label}**", escape.markdown(text)) if label else escape.markdown(text)))
    lines.append("")
    if not view.steps:
        lines += [heading(t, "nothing"), ""]
    for tier, run in view.by_tier():
        why = tier_why(t, tier, view.plan.breach is not None)
        lines += [f"## {int(tier)}. {tier_text(t, tier)}", "", f"_{why}_", ""]
        for s in run:
            lines += _step(s, view)
        lines.append("")
    for line in view.hidden():
        lines += [line, ""]
    lines.append(f"_{heading(t, 'generated_by', version=__version__)}_")
    return "\n".join(lines) + "\n"
