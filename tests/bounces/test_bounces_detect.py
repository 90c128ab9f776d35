"""Recognising bounces: the real corpus, DSN fields, temporary failures, broken charsets, the MTAs that write
no report, and the look-alikes that are not bounces."""

from __future__ import annotations

from pathlib import Path

import pytest

from reuse_audit.bounces import detect
from reuse_audit.bounces.detect import Bounce, NotBounce, might_be_bounce, read_bounce, read_message, split_headers
from reuse_audit.bounces.notbounce import NotBounceKind
from tests.bounces import mailgen
from tests.bounces.bounce_factory import make_bounce, ordinary_mail

NOT_BOUNCE_PREFIXES = ("arf-", "rfc3834-")


def _recognised(raw: bytes) -> bool:
    return might_be_bounce(split_headers(raw)) and read_bounce(raw) is not None


def test_corpus_counts_real_bounces_recognised_and_no_false_positives(corpus: Path) -> None:
    files = sorted((corpus / "maildir-bsd").glob("*.eml"))
    assert len(files) == 629
    real = [p for p in files if not p.name.startswith(NOT_BOUNCE_PREFIXES)]
    not_bounces = [p for p in files if p.name.startswith(NOT_BOUNCE_PREFIXES)]
    not_bounces += sorted((corpus / "not-bounces").glob("*.eml"))
    assert (len(real), len(not_bounces)) == (606, 26)

    recognised = sum(_recognised(p.read_bytes()) for p in real)
    false_positives = [p.name for p in not_bounces if _recognised(p.read_bytes())]

    assert recognised >= 600, recognised
    assert recognised == 601  # measured; a change either way should be looked at
    assert false_positives == []


def test_corpus_messages_set_apart_are_not_bounces_by_their_own_account(corpus: Path) -> None:
    """The five corpus "bounces" left out say so themselves: SES delivery and complaint notices, a 2.1.5
    "deliverable" report, and a person forwarding a bounce."""
    kinds = {}
    for path in sorted((corpus / "maildir-bsd").glob("*.eml")):
        if path.name.startswith(NOT_BOUNCE_PREFIXES):
            continue
        found = read_message(path.read_bytes())
        if not isinstance(found, Bounce):
            kinds[path.name] = found.kind if isinstance(found, NotBounce) else None
    assert kinds == {
        "lhost-amazonses-11.eml": NotBounceKind.REPORT,
        "lhost-amazonses-12.eml": NotBounceKind.SUCCESS_DSN,
        "lhost-amazonses-13.eml": NotBounceKind.SUCCESS_DSN,
        "lhost-sendmail-14.eml": NotBounceKind.HUMAN_REPLY,
        "rfc3464-28.eml": NotBounceKind.SUCCESS_DSN,
    }


def test_corpus_auto_replies_are_counted_as_auto_replies(corpus: Path) -> None:
    files = sorted((corpus / "maildir-bsd").glob("rfc3834-*.eml"))
    kinds = [found.kind for p in files if isinstance(found := read_message(p.read_bytes()), NotBounce)]
    assert kinds == [NotBounceKind.AUTO_REPLY] * len(files)


def test_corpus_mbox_bounces_recognised(corpus: Path) -> None:
    import mailbox

    box = mailbox.mbox(corpus / "mbox" / "mbox-0", create=False)
    found = sum(_recognised(box.get_bytes(key)) for key in box.keys())
    assert found >= 34


def test_dsn_fields_are_read() -> None:
    bounce = read_bounce(make_bounce(recipients=("a@gmail.com", "b@yahoo.co.jp")))
    assert bounce is not None
    assert bounce.failed_recipients == {"a@gmail.com", "b@yahoo.co.jp"}
    assert bounce.reporting_mta == "mx.gmail.example"
    assert bounce.postfix_sender == "alice@example.com"
    assert all(f.status == "5.1.1" and f.action == "failed" for f in bounce.failures)
    assert not bounce.temporary


def test_action_delayed_is_temporary() -> None:
    bounce = read_bounce(make_bounce(action="delayed", status="4.4.1"))
    assert bounce is not None and bounce.temporary


@pytest.mark.parametrize("status", ["4.4.7", "4.7.0"])
def test_action_failed_is_final_whatever_its_4xx_status(status: str) -> None:
    """Postfix gives up after the queue's lifetime with ``Action: failed`` and 4.4.7: no longer retried."""
    bounce = read_bounce(make_bounce(action="failed", status=status))
    assert bounce is not None and not bounce.temporary
    assert all(not f.temporary for f in bounce.failures)


def test_a_4xx_status_without_an_action_is_temporary() -> None:
    from reuse_audit.bounces.detect import DeliveryFailure

    assert DeliveryFailure("x@example.com", "", "4.2.2").temporary
    assert not DeliveryFailure("x@example.com", "failed", "4.2.2").temporary


def test_returned_original_headers_are_read() -> None:
    bounce = read_bounce(make_bounce(message_id="<x1@example.com>", dkim_domain="example.com"))
    assert bounce is not None and bounce.original is not None
    assert bounce.original.sender == "alice@example.com"
    assert bounce.original.message_id == "<x1@example.com>"
    assert bounce.original.dkim_domains == ("example.com",)
    assert "ESMTPSA" in bounce.original.received[0]


def test_ordinary_mail_is_rejected_on_headers_alone() -> None:
    assert not might_be_bounce(split_headers(ordinary_mail()))


def test_japanese_bounce_subject_is_recognised() -> None:
    subject = "=?iso-2022-jp?b?GyRCJWEhPCVrJSglaSE8RExDThsoQg==?="  # メールエラー通知
    raw = (f"From: no-reply@au.example.jp\r\nTo: a@example.jp\r\nSubject: {subject}\r\n\r\n"
           "配信できませんでした\r\n").encode()
    assert might_be_bounce(split_headers(raw))
    assert read_bounce(raw) is not None


def test_broken_iso_2022_jp_never_raises() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.jp\r\nTo: a@example.jp\r\n"
           b"Subject: =?ISO-2022-JP?B?GyRCJWEhPCVr?=\xff\xfe\r\n"
           b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$B%a\xff\x1b(B <x@example.org>\r\n")
    bounce = read_bounce(raw)
    assert bounce is not None


def test_unknown_charset_never_raises() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.jp\r\nTo: a@example.jp\r\nSubject: =?x-bogus?B?AAAA?=\r\n"
           b"Content-Type: text/plain; charset=x-bogus\r\n\r\n\x80\x81 <x@example.org>\r\n")
    assert read_bounce(raw) is not None


def test_a_raising_flufl_detector_does_not_stop_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(msg: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(detect, "all_failures", boom)
    bounce = read_bounce(make_bounce(recipients=("a@gmail.com",)))
    assert bounce is not None and bounce.failed_recipients == {"a@gmail.com"}


def test_feedback_report_is_not_a_bounce() -> None:
    raw = (b"From: MAILER-DAEMON@mx.example.com\r\nSubject: Abuse report\r\n"
           b"Content-Type: multipart/report; report-type=feedback-report; boundary=B\r\n\r\n--B--\r\n")
    assert not might_be_bounce(split_headers(raw))


WHEN = mailgen.START
OWNER = mailgen.SHOP


def _original() -> str:
    return mailgen.original_smtp_auth(mailgen.Gen(1), OWNER, "x@example.org", "Hello", WHEN, "198.51.100.7")


@pytest.mark.parametrize("raw", [
    mailgen.coremail_html(mailgen.Gen(2), OWNER, "x@example.org", "Hello", WHEN),
    mailgen.mailenable_text(mailgen.Gen(3), OWNER, "x@example.org", _original(), WHEN),
    mailgen.smartermail_text(mailgen.Gen(4), OWNER, "x@example.org", _original(), WHEN),
    mailgen.barracuda_report(mailgen.Gen(5), OWNER, "x@example.org", _original(), WHEN),
    mailgen.kerio_text(mailgen.Gen(6), OWNER, "x@example.org", "Hello", WHEN),
    mailgen.japanese_notice(mailgen.Gen(7), OWNER, "x@example.org", _original(), WHEN, "mx.example.org"),
    mailgen.qmail_text(mailgen.Gen(8), OWNER, "x@example.org", _original(), WHEN, "mx.example.org"),
    mailgen.exchange_online_ndr(mailgen.Gen(9), OWNER, "x@example.org", _original(), WHEN),
], ids=["coremail", "mailenable", "smartermail", "barracuda", "kerio", "iso-2022-jp", "qmail", "exchange-online"])
def test_failed_recipient_is_read_from_every_mta(raw: bytes) -> None:
    bounce = read_bounce(raw)
    assert bounce is not None and bounce.failed_recipients == {"x@example.org"}


def test_amazon_ses_json_notice_is_read() -> None:
    body = ('{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"emailAddress":'
            '"x@example.org","action":"failed","status":"5.1.1"}],"reportingMTA":"dns; a1.smtp-out.amazonses.com"},'
            '"mail":{"source":"info@shop.example","destination":["x@example.org"],"commonHeaders":'
            '{"subject":"Hello","messageId":"<m1@shop.example>"}}}')
    raw = (f"From: SES <no-reply@sns.amazonaws.com>\r\nTo: ops@shop.example\r\nSubject: AWS Notification Message"
           f"\r\nContent-Type: text/plain\r\n\r\n{body}\r\n").encode()
    bounce = read_bounce(raw)
    assert bounce is not None and bounce.failed_recipients == {"x@example.org"}
    assert bounce.original is not None and bounce.original.sender == "info@shop.example"
    assert bounce.reporting_mta == "a1.smtp-out.amazonses.com"


def test_success_notice_is_not_a_bounce() -> None:
    found = read_message(mailgen.success_dsn(mailgen.Gen(1), OWNER, WHEN))
    assert isinstance(found, NotBounce) and found.kind is NotBounceKind.SUCCESS_DSN


@pytest.mark.parametrize("lang", ["en", "de", "fr", "it", "es", "pt", "ja", "zh", "sieve"])
def test_auto_replies_in_every_language_are_not_bounces(lang: str) -> None:
    raw = mailgen.auto_reply(mailgen.Gen(1), OWNER, "Undelivered Mail Returned to Sender", WHEN, lang)
    found = read_message(raw)
    assert isinstance(found, NotBounce) and found.kind is NotBounceKind.AUTO_REPLY


@pytest.mark.parametrize("maker, kind", [
    (mailgen.challenge_mail, NotBounceKind.CHALLENGE),
    (mailgen.human_reply, NotBounceKind.HUMAN_REPLY),
    (mailgen.read_receipt, NotBounceKind.RECEIPT),
    (mailgen.dmarc_report, NotBounceKind.REPORT),
    (mailgen.phishing, NotBounceKind.PHISHING),
], ids=["challenge", "human-reply", "read-receipt", "dmarc", "phishing"])
def test_look_alikes_are_set_apart_by_kind(maker: object, kind: NotBounceKind) -> None:
    found = read_message(maker(mailgen.Gen(1), OWNER, WHEN))  # type: ignore[operator]
    assert isinstance(found, NotBounce) and found.kind is kind


def test_a_customer_saying_the_goods_have_not_arrived_is_not_a_bounce() -> None:
    assert not isinstance(read_message(mailgen.customer_mail(mailgen.Gen(1), OWNER, WHEN)), Bounce)


def test_returned_subject_is_decoded() -> None:
    raw = mailgen.postfix_dsn(mailgen.Gen(1), OWNER, "x@example.org", mailgen.original_smtp_auth(
        mailgen.Gen(2), OWNER, "x@example.org", "【重要】お知らせ", WHEN, "198.51.100.7"), WHEN)
    bounce = read_bounce(raw)
    assert bounce is not None and bounce.original is not None and bounce.original.subject == "【重要】お知らせ"
