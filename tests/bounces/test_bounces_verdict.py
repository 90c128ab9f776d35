"""Verdict per address over a sliding window: compromised, undetermined, spoofed or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reuse_audit.bounces.detect import read_bounce
from reuse_audit.bounces.evidence import Origin, SentFolder, judge
from reuse_audit.bounces.provider import provider_for
from reuse_audit.bounces.verdict import AccountVerdict, JudgedBounce, Thresholds, Verdict, clean_subject, decide
from reuse_audit.i18n import Translator
from reuse_audit.reasons import ReasonCode as R
from tests.bounces import mailgen
from tests.bounces.bounce_factory import make_bounce

START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
ME = "alice@example.com"
FOREIGN_HOP = ("from bot.example.net by mx.victim.example with ESMTP id 1; Wed, 1 May 2024 09:59:00 +0000",)


def _burst(
    count: int, step: timedelta, *, per_bounce: int = 2, via_account: bool = True, temporary: bool = False,
    relays: tuple[str, ...] = (), start: datetime = START,
) -> list[JudgedBounce]:
    judged = []
    for n in range(count):
        raw = make_bounce(
            when=start + n * step,
            recipients=[f"u{n}-{k}@gmail.com" for k in range(per_bounce)],
            received=() if not via_account else (
                "from [198.51.100.7] (Authenticated sender: alice@example.com) by smtp.example.com"
                " (Postfix) with ESMTPSA id 1; Wed, 1 May 2024 09:59:00 +0000",),
            message_id=f"<spam-{n}@example.com>",
            action="delayed" if temporary else "failed",
            status="4.4.1" if temporary else "5.1.1",
        ) if via_account else make_bounce(
            when=start + n * step, recipients=[f"u{n}-{k}@gmail.com" for k in range(per_bounce)],
            received=FOREIGN_HOP, message_id=f"<spam-{n}@example.com>",
        )
        bounce = read_bounce(raw)
        assert bounce is not None
        judged.append(JudgedBounce(ME, bounce, judge(bounce, provider_for(ME, relays=relays))))
    return judged


def _kerio(count: int, start: datetime, step: timedelta) -> list[JudgedBounce]:
    """Bounces that return no copy of the mail (Kerio): they cannot be judged."""
    g = mailgen.Gen(3)
    out = []
    for n in range(count):
        bounce = read_bounce(mailgen.kerio_text(g, ME, f"k{n}@example.org", "Hi", start + n * step))
        assert bounce is not None
        out.append(JudgedBounce(ME, bounce, judge(bounce, provider_for(ME))))
    return out


def _decide(items: list[JudgedBounce], **kwargs: object) -> AccountVerdict:
    return decide(ME, items, **kwargs)  # type: ignore[arg-type]


def test_five_bounces_in_an_hour_to_ten_recipients_is_compromised() -> None:
    result = _decide(_burst(5, timedelta(minutes=10)))
    assert result.verdict is Verdict.COMPROMISED
    assert (result.bounces, result.via_account, result.distinct_recipients) == (5, 5, 10)
    assert result.first == START and result.last == START + timedelta(minutes=40)
    assert R.BOUNCE_BURST in [e.code for e in result.evidence]


def test_four_bounces_is_below_threshold() -> None:
    assert _decide(_burst(4, timedelta(minutes=10), per_bounce=3)).verdict is Verdict.NONE


def test_too_few_recipients_is_below_threshold() -> None:
    assert _decide(_burst(5, timedelta(minutes=10), per_bounce=1)).verdict is Verdict.NONE


def test_bounces_spread_beyond_the_window_are_not_a_burst() -> None:
    assert _decide(_burst(5, timedelta(minutes=20))).verdict is Verdict.NONE


def test_a_burst_that_cannot_be_attributed_is_undetermined() -> None:
    items = _burst(6, timedelta(minutes=5), via_account=False)
    assert all(j.judgement.origin is Origin.UNKNOWN for j in items)
    result = _decide(items)
    assert result.verdict is Verdict.UNDETERMINED
    assert result.evidence[0].code == R.BOUNCE_UNATTRIBUTED
    assert Translator("en").reason(result.evidence[0]).endswith(
        "that cannot be attributed: none of them shows where the mail came from")
    assert Translator("ja").reason(result.evidence[0]).endswith("送信元がわかるものは 1 通もありません")
    partly = _decide(items + _kerio(2, START, timedelta(minutes=4)) + _burst(1, timedelta(minutes=1), via_account=False,
                                                                         relays=("smtp.example.com",)))
    assert partly.verdict is Verdict.UNDETERMINED
    assert "cannot be attributed: only 1 of them show" in Translator("en").reason(partly.evidence[0])


def test_one_bounce_via_the_account_makes_an_unknown_burst_compromised() -> None:
    items = _burst(6, timedelta(minutes=5), via_account=False)
    assert _decide(items + _burst(1, timedelta(minutes=1))).verdict is Verdict.COMPROMISED


def test_bounces_without_the_original_do_not_block_spoofed() -> None:
    items = _burst(8, timedelta(minutes=5), via_account=False, relays=("smtp.example.com",))
    result = _decide(items + _kerio(6, START, timedelta(minutes=6)))
    assert result.verdict is Verdict.SPOOFED
    assert (result.backscatter, result.unknown, result.no_original) == (8, 6, 6)
    no_original = next(e for e in result.evidence if e.code == R.BOUNCE_NO_ORIGINAL)
    assert no_original.get("count") == 6


def test_spoofed_needs_half_of_the_burst_judged() -> None:
    items = _burst(6, timedelta(minutes=5), via_account=False, relays=("smtp.example.com",))
    assert _decide(items + _kerio(7, START, timedelta(minutes=4))).verdict is Verdict.UNDETERMINED


def test_spoofed_needs_five_judged_bounces() -> None:
    items = _burst(4, timedelta(minutes=5), via_account=False, relays=("smtp.example.com",), per_bounce=3)
    assert _decide(items + _kerio(2, START, timedelta(minutes=4))).verdict is Verdict.UNDETERMINED


def test_compromised_evidence_leads_with_plain_facts() -> None:
    result = _decide(_burst(6, timedelta(minutes=5)))
    codes = [e.code for e in result.evidence]
    assert codes[:3] == [R.BOUNCE_SENT_FROM_ACCOUNT, R.BOUNCE_TOP_SUBJECTS, R.BOUNCE_ACCOUNT_LOGIN]
    assert codes.index(R.BOUNCE_BURST) > codes.index(R.BOUNCE_ACCOUNT_LOGIN)
    assert result.logins[0].ip == "198.51.100.7"


def test_separate_bursts_are_counted() -> None:
    items = _burst(6, timedelta(minutes=5)) + _burst(6, timedelta(minutes=5), start=START + timedelta(hours=3))
    result = _decide(items)
    assert result.verdict is Verdict.COMPROMISED
    assert len(result.bursts) == 2
    assert result.evidence[0].get("bursts") == 2


def test_subjects_shown_to_the_owner_are_redacted_and_one_line() -> None:
    assert clean_subject("Payment for victim@example.org\x1b[31m now", ["alice@example.com"]) == (
        "Payment for <redacted> [31m now")
    assert clean_subject("note to alice@example.com", ["alice@example.com"]) == "note to alice@example.com"
    assert len(clean_subject("x" * 200, [])) == 60


def test_all_backscatter_burst_is_spoofed() -> None:
    items = _burst(8, timedelta(minutes=5), via_account=False, relays=("smtp.example.com",))
    assert all(j.judgement.origin is Origin.BACKSCATTER for j in items)
    result = _decide(items)
    assert result.verdict is Verdict.SPOOFED
    assert result.backscatter == 8


def test_twenty_bounces_in_a_day_is_compromised() -> None:
    result = _decide(_burst(20, timedelta(minutes=61)))
    assert result.verdict is Verdict.COMPROMISED
    assert R.BOUNCE_DAY_BURST in [e.code for e in result.evidence]


def test_nineteen_bounces_in_a_day_is_not() -> None:
    assert _decide(_burst(19, timedelta(minutes=61))).verdict is Verdict.NONE


def test_temporary_failures_are_counted_apart() -> None:
    result = _decide(_burst(6, timedelta(minutes=5), temporary=True))
    assert result.verdict is Verdict.NONE
    assert (result.bounces, result.temporary) == (0, 6)


def test_recipients_you_mail_lower_the_unknown_share() -> None:
    items = _burst(5, timedelta(minutes=10))
    known = frozenset(r for j in items for r in j.bounce.failed_recipients)
    sent = SentFolder(recipients=known, given=True)
    assert _decide(items, sent=sent).verdict is Verdict.NONE
    assert _decide(items, sent=SentFolder(given=True)).verdict is Verdict.COMPROMISED


def test_thresholds_are_options() -> None:
    items = _burst(3, timedelta(minutes=10))
    assert _decide(items).verdict is Verdict.NONE
    lenient = Thresholds(min_bounces=3, min_recipients=6)
    assert _decide(items, thresholds=lenient).verdict is Verdict.COMPROMISED
