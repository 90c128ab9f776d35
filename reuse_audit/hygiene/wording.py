"""The scheduled audit's own wording: the baseline's, the ignores' and the trend's lines on stderr, and the
trend page. Finding kinds are shown by their codes (they are the --fail-on vocabulary)."""

from __future__ import annotations

from reuse_audit.i18n import N_, NP_

BASELINE = N_("baseline: {new} new finding(s), {accepted} accepted, {fixed} fixed")
BASELINE_SINCE = N_("since {date}")
BASELINE_GONE = N_("{n} no longer audited")
BASELINE_NOT_CHECKED = N_("{n} not re-checked this run")
FIXED = N_("  fixed: {title} ({kind})")
GONE = N_("  no longer audited: {title} ({kind})")
BASELINE_CREATED = NP_("baseline: {findings:,} finding(s) in {n:,} entry accepted",
                       "baseline: {findings:,} finding(s) in {n:,} entries accepted")
BASELINE_WRITTEN = N_("to {path}")
WITH_WHERE = N_("{line} {where}")  # a line, then where it was written
BASELINE_UNKNOWN = N_("warning: {n} password(s) could not be checked against Have I Been Pwned; a later audit "
                      "reports them as new if they are pwned")

IGNORED = N_("{total} ignored: {parts}")
IGNORED_BY: dict[str, str] = {
    "tag": N_("{n} by tag {detail}"),
    "uuid": N_("{n} by --ignore"),
    "group": N_("{n} by --ignore-group {detail}"),
    "excluded": N_("{n} by KeePass's 'exclude from reports'"),
}
STALE_RULE = N_("warning: {rule} matches no entry")

TREND = N_("trend: {parts}")
TREND_FIRST = N_("trend: first run recorded ({parts})")
TREND_FIRST_EMPTY = N_("trend: first run recorded (no findings)")
TREND_SAME = N_("trend: no findings, as in the previous run")
NOT_CHECKED = N_("not checked")

TREND_TITLE = N_("reuse-audit trend")
TREND_RUNS = NP_("{n} run", "{n} runs")
TREND_TIME = N_("time")
TREND_AUDITED = N_("audited")
TREND_CHART = N_("findings per run")
