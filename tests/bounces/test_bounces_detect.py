"""Recognising bounces: the real corpus, DSN fields, temporary failures, broken charsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from reuse_audit.bounces import detect
from reuse_audit.bounces.detect import might_be_bounce, read_bounce, split_headers
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

    assert recognised >= 576, recognised
    assert recognised == 594  # measured; a change either way should be looked at
    assert false_positives == []


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
