"""Compromise or forgery, per bounce: via-account, backscatter or unknown, with the reasons."""

from __future__ import annotations

from typing import Any

from reuse_audit.bounces.detect import Bounce, read_bounce
from reuse_audit.bounces.evidence import Origin, SentFolder, judge, redact_received
from tests.bounces.bounce_factory import make_bounce

ME = ["alice@example.com"]
FOREIGN_HOP = ("from bot.example.net (bot.example.net [203.0.113.9]) by mx.victim.example with ESMTP id 1;"
               " Wed, 1 May 2024 09:59:00 +0000",)


def _bounce(**kwargs: Any) -> Bounce:
    bounce = read_bounce(make_bounce(**kwargs))
    assert bounce is not None
    return bounce


def test_authentication_marker_means_via_account() -> None:
    judgement = judge(_bounce(), me=ME)
    assert judgement.origin is Origin.VIA_ACCOUNT
    assert "auth-marker" in judgement.reasons


def test_sendmail_authenticated_bits_marker() -> None:
    hop = ("from [192.0.2.1] (c1.example.net [192.0.2.1]) (authenticated bits=0) by relay.isp.example"
           " (8.15/8.15) with ESMTP id x; Wed, 1 May 2024 09:59:00 +0000",)
    assert judge(_bounce(received=hop), me=ME).origin is Origin.VIA_ACCOUNT


def test_dkim_signature_of_own_domain_means_via_account() -> None:
    judgement = judge(_bounce(received=FOREIGN_HOP, dkim_domain="example.com"), me=ME)
    assert judgement.origin is Origin.VIA_ACCOUNT and "own-dkim" in judgement.reasons


def test_known_relay_in_chain_means_via_account() -> None:
    hop = ("from [192.0.2.1] by out.mailhost.example (Postfix) with ESMTP id x;"
           " Wed, 1 May 2024 09:59:00 +0000",)
    judgement = judge(_bounce(received=hop), me=ME, relays=["out.mailhost.example"])
    assert judgement.origin is Origin.VIA_ACCOUNT and "provider-hop" in judgement.reasons


def test_chain_missing_the_known_relay_is_backscatter() -> None:
    judgement = judge(_bounce(received=FOREIGN_HOP), me=ME, relays=["out.mailhost.example"])
    assert judgement.origin is Origin.BACKSCATTER


def test_foreign_dkim_only_is_backscatter() -> None:
    judgement = judge(_bounce(received=FOREIGN_HOP, dkim_domain="spam.example"), me=ME)
    assert judgement.origin is Origin.BACKSCATTER


def test_no_marker_and_no_known_relay_is_unknown() -> None:
    assert judge(_bounce(received=FOREIGN_HOP), me=ME).origin is Origin.UNKNOWN


def test_relays_are_learned_from_sent_mail() -> None:
    from email.parser import BytesHeaderParser

    sent_msg = BytesHeaderParser().parsebytes(
        b"Received: from [192.0.2.1] by out.mailhost.example (Postfix) with ESMTPSA id y;"
        b" Tue, 30 Apr 2024 09:00:00 +0000\r\nFrom: alice@example.com\r\nTo: bob@example.org\r\n"
        b"Message-ID: <real-1@example.com>\r\n\r\n"
    )
    sent = SentFolder.from_headers([sent_msg])
    assert "out.mailhost.example" in sent.relay_hosts
    assert judge(_bounce(received=FOREIGN_HOP), me=ME, sent=sent).origin is Origin.BACKSCATTER
    own = judge(_bounce(message_id="<real-1@example.com>"), me=ME, sent=sent)
    assert own.in_sent


def test_received_sample_keeps_only_own_addresses() -> None:
    line = "from x by smtp.example.com with ESMTPSA for <bob@other.example> (sender alice@example.com)"
    redacted = redact_received(line, ME)
    assert "bob@other.example" not in redacted
    assert "alice@example.com" in redacted
