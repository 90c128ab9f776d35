"""The plan as one self-contained page for a phone and for paper: inline CSS and script, no outside resource.

Each step is a row on a wide screen and a card below 600 px. Ticks (steps and checklist items) are kept in
the browser's ``localStorage`` under keys made of the vault's root-group UUID, the breach selectors and time
(another incident starts afresh), the entry UUID and the checklist code — never a secret, never a step number
(numbers change as steps are done); what the vault says always wins over a stored tick: done is ticked, and a
step to redo is unticked (its stored tick is dropped). Printed, every page carries the date, the vault file
name and the breach.
"""

from __future__ import annotations

from datetime import datetime

from reuse_audit import __version__
from reuse_audit.plan.model import RotationStep, StepStatus, Tier
from reuse_audit.plan.view import (
    PlanView,
    checklist_text,
    heading,
    labelled,
    links,
    safe_link,
    step_action_text,
    tier_text,
    tier_why,
    title,
)
from reuse_audit.report import escape

_CSS = """
:root{--fg:#111;--muted:#555;--line:#bbb}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;
margin:0 auto;padding:1em;max-width:72em;line-height:1.5;color:var(--fg);overflow-wrap:anywhere;
line-break:strict}
h1{margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid var(--line);break-after:avoid}
.summary,.progress{margin:.3em 0}.progress{font-weight:bold}
.now{border-left:4px solid #c33;padding:.4em .8em;background:#fff5f5;margin:.8em 0}
.why{color:var(--muted);font-style:italic;margin:.3em 0 .6em}
.breach{border:1px solid #c33;padding:.6em 1em;margin:1em 0}.breach h2{margin-top:.2em}
.breach dt{font-weight:bold}.breach dd{margin:0 0 .4em 1em}
.step{display:grid;grid-template-columns:2.2em 2.6em minmax(12em,1.2fr) 2fr minmax(10em,1fr);gap:.2em .8em;
border-top:1px solid var(--line);padding:.6em 0;break-inside:avoid}
.step input{width:1.3em;height:1.3em}
.num{text-align:right;font-weight:bold}
.what strong{display:block}.user{color:var(--muted)}
.reasons{margin:0;padding-left:1.1em}
.status{font-weight:bold}.status.done{color:#176317}.status.redo{color:#a11}
.links a{display:block}
.checklist{grid-column:3/-1;list-style:none;margin:.3em 0 0;padding:0}
.checklist li{margin:.15em 0}.checklist a{margin-left:.3em;font-size:90%}
.finished .what,.finished .reasons{text-decoration:line-through;color:var(--muted)}
.rest,.footer,.ticks{color:var(--muted);margin-top:1.2em}
button{font:inherit;padding:.3em .8em}
.print-head{display:none}
@media (max-width:600px){
 body{padding:.6em}
 .step{grid-template-columns:2.2em auto 1fr;border:1px solid var(--line);border-radius:.5em;padding:.6em;margin:.6em 0}
 .step .num{text-align:left}.step .num::after{content:"."}.step .what{grid-column:3}
 .step .reasons,.step .links,.step .checklist{grid-column:1/-1}
}
@media print{
 body{max-width:none;padding:0;font-size:10pt;margin-top:2.2em}
 .print-head{display:block;position:fixed;top:0;left:0;right:0;font-size:8.5pt;color:var(--muted);
 border-bottom:1px solid var(--line);background:#fff}
 .now{background:none}.ticks,button{display:none}
 a{color:inherit}a[href]::after{content:" <" attr(href) ">";font-size:85%}
}
"""

# Restores ticks from localStorage (the vault's own "done" wins), saves changes, and resets them.
_SCRIPT = """
(function(){
 var prefix=document.body.getAttribute('data-key');
 var boxes=document.querySelectorAll('input[data-key]');
 function store(){try{return window.localStorage}catch(e){return null}}
 var s=store();
 boxes.forEach(function(b){
  var k=prefix+b.getAttribute('data-key');
  if(b.getAttribute('data-done')==='1'){b.checked=true;b.disabled=true;return}
  if(b.getAttribute('data-redo')==='1'&&s){s.removeItem(k)}
  if(s&&s.getItem(k)==='1'){b.checked=true}
  b.addEventListener('change',function(){if(!s)return;if(b.checked){s.setItem(k,'1')}else{s.removeItem(k)}});
 });
 var reset=document.getElementById('reset-ticks');
 if(reset){reset.addEventListener('click',function(){
  boxes.forEach(function(b){if(b.disabled)return;b.checked=false;if(s)s.removeItem(prefix+b.getAttribute('data-key'))});
 })}
})();
"""


def _h(text: str) -> str:
    return escape.html_text(text)


def storage_prefix(view: PlanView) -> str:
    """The localStorage key prefix of this plan: the vault and the breach, nothing secret."""
    plan = view.plan
    selectors = ",".join(plan.breach.selectors) if plan.breach is not None else ""
    at = plan.breach.time.at if plan.breach is not None else None
    return f"reuse-audit:{plan.vault_id}:{selectors}:{at.isoformat() if at is not None else ''}:"


def _box(key: str, done: bool, label: str, redo: bool = False) -> str:
    attrs = f' data-key="{_h(key)}"' + (' data-done="1" checked disabled' if done else "")
    attrs += ' data-redo="1"' if redo and not done else ""
    return f'<input type="checkbox" aria-label="{_h(label)}"{attrs}>'


def _step(s: RotationStep, view: PlanView) -> str:
    t = view.t
    # the vault's own step, or a breached mailbox kept outside the vault (its address: not a secret)
    entry = s.uuid or ("vault" if s.tier == Tier.MASTER_PASSWORD else f"mailbox:{s.title}")
    classes = "step finished" if s.finished else "step"
    box = _box(entry, s.finished, f"{heading(t, 'col_done')} {s.step}", s.status == StepStatus.REDO) \
        if s.to_do else ""
    who = f'<span class="user">{_h(escape.visible_field(s.username))}</span>' if s.username else ""
    status = view.status_line(s)
    status_html = (f'<div class="status {s.status.value}">{_h(status)}</div>' if status else "")
    reasons = "".join(f"<li>{_h(x)}</li>" for x in t.reasons(s.reasons))
    link_html = "".join(f'<a href="{_h(url)}">{_h(heading(t, kind))}</a>' for kind, url in links(s))
    items = []
    for item in s.checklist:
        url = safe_link(item.url)
        link = f'<a href="{_h(url)}">{_h(url)}</a>' if url else ""
        done = item.status == StepStatus.DONE
        label = checklist_text(t, item)
        items.append(f"<li><label>{_box(f'{entry}:{item.code.value}', done, label)} {_h(label)}</label>{link}</li>")
    checklist = f'<ul class="checklist">{"".join(items)}</ul>' if items else ""
    return (f'<article class="{classes}"><div>{box}</div><div class="num">{s.step}</div>'
            f'<div class="what"><strong>{_h(step_action_text(t, s))}</strong>{_h(title(s, t))} {who}'
            f'{status_html}</div>'
            f'<ul class="reasons">{reasons}</ul><div class="links">{link_html}</div>{checklist}</article>')


def render_html(view: PlanView, vault_name: str = "", printed: datetime | None = None) -> str:
    t = view.t
    page_title = _h(heading(t, "title"))
    plan = view.plan
    when = (printed or datetime.now()).astimezone().strftime("%Y-%m-%d %H:%M")
    breach = ", ".join(plan.breach.selectors) if plan.breach is not None else heading(t, "no_breach")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_h(t.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{page_title}</title><style>{_CSS}</style></head>",
        f'<body data-key="{_h(storage_prefix(view))}">',
        f'<div class="print-head">{_h(heading(t, "printed", date=when, vault=vault_name))} — {_h(breach)}</div>',
        f"<h1>{page_title}</h1>",
        f'<p class="summary">{_h(view.summary())}</p>',
    ]
    progress = view.progress()
    if progress:
        out.append(f'<p class="progress">{_h(labelled(t, heading(t, "progress"), progress))}</p>')
    now = view.do_now()
    if now:
        out.append(f'<p class="now">{_h(now)}</p>')
    out.append(f'<section class="breach"><h2>{_h(heading(t, "breach"))}</h2><dl>')
    for label, text in view.header_lines():
        out.append(f"<dt>{_h(label)}</dt><dd>{_h(text)}</dd>" if label else f"<dd>{_h(text)}</dd>")
    out.append("</dl></section>")
    if not view.steps:
        out.append(f"<p>{_h(heading(t, 'nothing'))}</p>")
    for tier, run in view.by_tier():
        out.append(f"<section><h2>{int(tier)}. {_h(tier_text(t, tier))}</h2>")
        out.append(f'<p class="why">{_h(tier_why(t, tier, view.plan.breach is not None))}</p>')
        out += [_step(s, view) for s in run]
        out.append("</section>")
    for line in view.hidden():
        out.append(f'<p class="rest">{_h(line)}</p>')
    out.append(f'<p class="ticks">{_h(heading(t, "ticks_note"))} '
               f'<button type="button" id="reset-ticks">{_h(heading(t, "reset_ticks"))}</button></p>')
    out.append(f'<p class="footer">{_h(heading(t, "generated_by", version=__version__))}</p>')
    out.append(f"<script>{_SCRIPT}</script>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
