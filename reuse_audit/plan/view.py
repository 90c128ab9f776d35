"""What the human formats of a plan show, worked out once: header lines, progress, what to do now, the steps
to show by tier and the counts of those left out. Texts are plain (each format escapes them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote, urlsplit

from reuse_audit.i18n import Translator
from reuse_audit.plan.model import Action, ChecklistItem, Plan, RotationStep, StepStatus, Tier
from reuse_audit.plan.wording import (
    ACTIONS,
    CHANGED_CHECKLIST_LEFT,
    CHECKLIST,
    DO_NOW,
    DO_NOW_ITEM,
    FINISH_CHECKLIST,
    HEADINGS,
    HIDDEN_DONE,
    HYGIENE_WHY_NO_BREACH,
    LABELLED,
    PROGRESS,
    PROGRESS_REDO,
    REST,
    STATUSES,
    SUMMARY,
    SUMMARY_LEFT,
    TIER_WHY,
    TIERS,
    WHO,
    WITH_WHY,
)
from reuse_audit.reasons import ReasonCode
from reuse_audit.report.escape import visible_field

#: How many steps the "do these now" line names.
DO_NOW_COUNT = 3


def action_text(t: Translator, action: Action) -> str:
    return t.text(ACTIONS[action])


def step_action_text(t: Translator, s: RotationStep) -> str:
    """What a step's line says to do: its action, or "Finish the checklist" once its password is changed and
    only its checklist is left (it still said "Change password now")."""
    if s.status == StepStatus.DONE and not s.finished and s.to_do:
        return t.gettext(FINISH_CHECKLIST)
    return action_text(t, s.action)


def tier_text(t: Translator, tier: Tier) -> str:
    return t.text(TIERS[tier])


def tier_why(t: Translator, tier: Tier, breach: bool = True) -> str:
    """Why a tier matters; ``breach``: the plan was made for a breach (else hygiene is not "not tied to it")."""
    if tier == Tier.HYGIENE and not breach:
        return t.text(HYGIENE_WHY_NO_BREACH)
    return t.text(TIER_WHY[tier])


def heading(t: Translator, key: str, **values: object) -> str:
    return t.text(HEADINGS[key], **values)


def status_text(t: Translator, status: StepStatus) -> str:
    return t.text(STATUSES[status])


def checklist_text(t: Translator, item: ChecklistItem) -> str:
    return t.text(CHECKLIST[item.code])


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


def links(s: RotationStep) -> list[tuple[str, str]]:
    """(heading key, url) of the places to act: the change page and the two-step login settings."""
    out = []
    for kind, url in (("change_link", s.change_url), ("tfa_link", s.tfa_url), ("passkey_link", s.passkey_url)):
        link = safe_link(url)
        if link:
            out.append((kind, link))
    return out


def title(s: RotationStep, t: Translator) -> str:
    return heading(t, "vault_step") if s.tier == Tier.MASTER_PASSWORD and s.uuid is None else visible_field(s.title)


def who(s: RotationStep, t: Translator) -> str:
    return t.text(WHO, title=title(s, t), username=visible_field(s.username)) if s.username else title(s, t)


def labelled(t: Translator, label: str, text: str) -> str:
    """"Label: text" with the language's punctuation."""
    return t.text(LABELLED, label=label, text=text)


@dataclass(frozen=True)
class PlanView:
    """The human view of a plan in one language."""

    plan: Plan
    t: Translator
    show_all: bool = False

    @property
    def steps(self) -> tuple[RotationStep, ...]:
        """The steps to show: with something to do and not finished, unless --all."""
        if self.show_all:
            return self.plan.steps
        return tuple(s for s in self.plan.todo if not s.finished)

    def by_tier(self) -> Iterator[tuple[Tier, list[RotationStep]]]:
        """Consecutive shown steps of one tier (the plan is ordered, so each tier is one run)."""
        for tier, run in groupby(self.steps, key=lambda s: s.tier):
            yield tier, list(run)

    def summary(self) -> str:
        # steps left: a finished one is counted done by the progress line, not here too
        steps = len(self.plan.todo)  # summary.to_do
        left = sum(1 for s in self.plan.todo if not s.finished)
        if left == steps:
            return self.t.plural(SUMMARY, left, total=self.plan.entries_total)
        return self.t.plural(SUMMARY_LEFT, steps, left=left, total=self.plan.entries_total)

    def progress(self) -> str | None:
        """"6 of 10 steps done, 1 to redo" when the plan has a breach time; None otherwise (nothing can be
        told done without one: the header says why)."""
        if self.plan.breach is None or self.plan.breach.time.at is None:
            return None
        p = self.plan.progress()
        total = p["done"] + p["redo"] + p["todo"]
        parts = [self.t.plural(PROGRESS, total, done=p["done"])]
        if p["redo"]:
            parts.append(self.t.plural(PROGRESS_REDO, p["redo"]))
        return self.t.join(parts)

    def do_now(self) -> str | None:
        """"Do these 3 now: 1. Change password now: Mailbox admin; ..." from the most urgent open steps."""
        urgent = [s for s in self.plan.todo if not s.finished and s.tier <= Tier.SAME_PASSWORD]
        chosen = (urgent or [s for s in self.plan.todo if not s.finished])[:DO_NOW_COUNT]
        if not chosen:
            return None
        named = [self.t.text(DO_NOW_ITEM, step=s.step, title=title(s, self.t), action=step_action_text(self.t, s))
                 for s in chosen]
        return self.t.plural(DO_NOW, len(chosen), steps=self.t.join_parts(named))

    def hidden(self) -> list[str]:
        """Sentences counting the steps left out: those done, and those with nothing to do."""
        if self.show_all:
            return []
        done = sum(1 for s in self.plan.todo if s.finished)
        rest = len(self.plan.steps) - len(self.plan.todo)
        out = []
        if done:
            out.append(self.t.plural(HIDDEN_DONE, done))
        if rest:
            out.append(self.t.plural(REST, rest))
        return out

    def header_lines(self) -> list[tuple[str, str]]:
        """(label, text) lines saying what was breached, when, and what else the reader should know."""
        t = self.t
        plan = self.plan
        lines: list[tuple[str, str]] = []
        b = plan.breach
        if b is None:
            lines.append(("", heading(t, "no_breach")))
        else:
            for m in b.mailboxes:
                why = t.join_parts(t.reasons(m.why))
                where = why if m.uuid is not None else t.join_parts([heading(t, "mailbox_not_in_vault"), why])
                lines.append((heading(t, "mailbox"), t.text(WITH_WHY, subject=m.address, why=where)
                              if where else m.address))
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

    def status_line(self, s: RotationStep) -> str | None:
        """"done: changed on 2026-11-30, after the breach" for a step with a status worth saying (the lack
        of a breach time is said once, in the header)."""
        said = [r for r in s.status_reasons if r.code != ReasonCode.NO_BREACH_TIME]
        if s.action == Action.NONE or (s.status == StepStatus.TODO and not said):
            return None
        words = self.t.reasons(tuple(said))
        label = status_text(self.t, s.status)
        if s.status == StepStatus.DONE and not s.finished:  # never "done" while the header does not count it
            label = self.t.plural(CHANGED_CHECKLIST_LEFT, sum(1 for i in s.checklist if i.status != StepStatus.DONE))
        if not words:
            return label
        return labelled(self.t, label, self.t.join_parts(words))
