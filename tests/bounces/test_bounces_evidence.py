"""Compromise or forgery, per bounce: via-account, backscatter or unknown, from the believed hops only."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from typing import Any

from reuse_audit.bounces.detect import Bounce, read_bounce
from reuse_audit.bounces.evidence import Login, Origin, SentFolder, judge, looks_like_end_host, redact_received
from reuse_audit.bounces.provider import provider_for
from tests.bounces import mailgen
from tests.bounces.bounce_factory import make_bounce

ME = "alice@example.com"
FOREIGN_HOP = ("from bot.example.net (bot.example.net [203.0.113.9]) by mx.victim.example with ESMTP id 1;"
               " Wed, 1 May 2024 09:59:00 +0000",)
WHEN = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)


def _bounce(**kwargs: Any) -> Bounce:
    bounce = read_bounce(make_bounce(**kwargs))
    assert bounce is not None
    return bounce


def _gen(raw: bytes) -> Bounce:
    bounce = read_bounce(raw)
    assert bounce is not None
    return bounce


def test_a_login_as_the_owner_means_via_account() -> None:
    judgement = judge(_bounce(), provider_for(ME))
    assert judgement.origin is Origin.VIA_ACCOUNT
    assert "auth-marker" in judgement.reasons
    assert judgement.logins == (Login("198.51.100.7", False),)
    assert judgement.owner_hosts == ("smtp.example.com",)


def test_a_login_marker_without_identity_counts_only_at_the_provider() -> None:
    hop = ("from [192.0.2.1] (c1.example.net [192.0.2.1]) (authenticated bits=0) by relay.isp.example"
           " (8.15/8.15) with ESMTP id x; Wed, 1 May 2024 09:59:00 +0000",)
    assert judge(_bounce(received=hop), provider_for(ME)).origin is Origin.UNKNOWN
    known = provider_for(ME, relays=["relay.isp.example"])
    assert judge(_bounce(received=hop), known).origin is Origin.VIA_ACCOUNT


def test_someone_elses_login_elsewhere_is_backscatter() -> None:
    hop = ("from [10.1.2.3] (unknown [198.51.100.99]) (Authenticated sender: user9@their-isp.example) by "
           "smtp.their-isp.example (Postfix) with ESMTPSA id 1; Wed, 1 May 2024 09:59:00 +0000",)
    judgement = judge(_bounce(received=hop), provider_for(ME))
    assert judgement.origin is Origin.BACKSCATTER
    assert judgement.reasons == ("third-party-login",)
    assert judgement.third_party == ("smtp.their-isp.example",)


def test_dkim_signature_of_own_domain_means_via_account() -> None:
    judgement = judge(_bounce(received=FOREIGN_HOP, dkim_domain="example.com"), provider_for(ME))
    assert judgement.origin is Origin.VIA_ACCOUNT and "own-dkim" in judgement.reasons


def test_known_relay_in_chain_means_via_account() -> None:
    hop = ("from [192.0.2.1] by out.mailhost.example (Postfix) with ESMTPSA id x;"
           " Wed, 1 May 2024 09:59:00 +0000",)
    judgement = judge(_bounce(received=hop), provider_for(ME, relays=["out.mailhost.example"]))
    assert judgement.origin is Origin.VIA_ACCOUNT


def test_chain_missing_the_known_relay_is_backscatter() -> None:
    judgement = judge(_bounce(received=FOREIGN_HOP), provider_for(ME, relays=["out.mailhost.example"]))
    assert judgement.origin is Origin.BACKSCATTER and judgement.reasons == ("no-provider-hop",)


def test_foreign_dkim_only_is_backscatter() -> None:
    judgement = judge(_bounce(received=(), dkim_domain="spam.example"), provider_for(ME))
    assert judgement.origin is Origin.BACKSCATTER and judgement.reasons == ("foreign-dkim",)


def test_no_marker_and_no_known_relay_is_unknown() -> None:
    assert judge(_bounce(received=FOREIGN_HOP), provider_for(ME)).origin is Origin.UNKNOWN


def test_mail_straight_from_a_machine_without_a_name_is_backscatter() -> None:
    hop = ("from User-PC (unknown [203.0.113.9]) by mx.victim.example (Postfix) with ESMTP id 1; "
           "Wed, 1 May 2024 09:59:00 +0000",)
    judgement = judge(_bounce(received=hop), provider_for(ME))
    assert judgement.origin is Origin.BACKSCATTER and judgement.reasons == ("origin-not-mail-server",)


def test_made_up_hops_naming_the_owner_are_ignored_and_counted() -> None:
    raw = mailgen.postfix_dsn(mailgen.Gen(1), mailgen.SHOP, "x@example.org", mailgen.original_bot(
        mailgen.Gen(2), mailgen.SHOP, "x@example.org", "spam", WHEN, "mx.example.org", forged=True, dynamic=False),
        WHEN, host="mx.example.org")
    judgement = judge(_gen(raw), provider_for(mailgen.SHOP))
    assert judgement.origin is Origin.BACKSCATTER
    assert judgement.forged_hops == 2
    assert "auth-marker" not in judgement.reasons


def test_a_webmail_login_is_found_below_the_providers_login_hop() -> None:
    original = mailgen.original_webmail(mailgen.Gen(3), mailgen.SHOP, "x@example.org", "DHL", WHEN,
                                        "198.51.100.23")
    judgement = judge(_gen(mailgen.postfix_dsn(mailgen.Gen(4), mailgen.SHOP, "x@example.org", original, WHEN)),
                      provider_for(mailgen.SHOP))
    assert judgement.origin is Origin.VIA_ACCOUNT
    assert Login("198.51.100.23", True) in judgement.logins


def test_the_providers_hop_towards_the_remote_counts_once_the_provider_is_known() -> None:
    original = mailgen.original_smtp_auth(mailgen.Gen(5), mailgen.SHOP, "x@example.org", "Hi", WHEN,
                                          "198.51.100.9", remote_hop="mx.example.org", strip_submission=True)
    bounce = _gen(mailgen.exim_text(mailgen.Gen(6), mailgen.SHOP, "x@example.org", original, WHEN, "mx.example.org"))
    assert judge(bounce, provider_for(mailgen.SHOP)).origin is Origin.UNKNOWN
    learned = provider_for(mailgen.SHOP).with_hosts([mailgen.PROVIDER], "bounces")
    judgement = judge(bounce, learned)
    assert judgement.origin is Origin.VIA_ACCOUNT and "provider-hop" in judgement.reasons


def test_a_bounce_without_the_original_is_unknown() -> None:
    raw = mailgen.kerio_text(mailgen.Gen(7), mailgen.SHOP, "x@example.org", "Hi", WHEN)
    judgement = judge(_gen(raw), provider_for(mailgen.SHOP))
    assert judgement.origin is Origin.UNKNOWN and not judgement.has_original


def test_mail_in_the_sent_folder_is_the_owners_own() -> None:
    sent = SentFolder.from_headers([BytesHeaderParser().parsebytes(
        b"From: alice@example.com\r\nTo: bob@example.org\r\nMessage-ID: <real-1@example.com>\r\n\r\n")])
    own = judge(_bounce(message_id="<real-1@example.com>"), provider_for(ME), sent=sent)
    assert own.in_sent
    other = judge(_bounce(message_id="<spam@example.com>"), provider_for(ME), sent=sent)
    assert not other.in_sent and "not-in-sent" in other.reasons


def test_end_user_host_names_are_recognised() -> None:
    assert looks_like_end_host("203-0-113-9.dyn.broadband.example.net", "203.0.113.9")
    assert looks_like_end_host("p3054123-ipngn.tokyo.example.ne.jp", None)
    assert not looks_like_end_host("mail.example.org", "192.0.2.5")
    assert not looks_like_end_host("smtp-out.dsl-provider.example", None)
    assert not looks_like_end_host("ec2-198-51-100-87.compute-1.amazonaws.com", "198.51.100.87")


def test_exchanges_internal_machine_names_are_no_proof_of_a_bot() -> None:
    hop = ("from BLU222-CR22 ([203.0.113.2]) by blu2-omc4-s22.blu2.hotmail.example with Microsoft SMTPSVC(6.0.3300); "
           "Thu, 29 Apr 2012 23:34:45 -0700",)
    assert judge(_bounce(received=hop), provider_for(ME)).origin is Origin.UNKNOWN


def test_a_bare_machine_name_sending_straight_to_the_recipient_is_backscatter() -> None:
    hop = ("from User-PC ([203.0.113.9]) by mx.google.com with ESMTP id x1; Wed, 1 May 2024 01:00:00 -0700",)
    judgement = judge(_bounce(received=hop), provider_for(ME))
    assert judgement.origin is Origin.BACKSCATTER and judgement.reasons == ("origin-not-mail-server",)


def test_received_sample_keeps_only_own_addresses() -> None:
    line = "from x by smtp.example.com with ESMTPSA for <bob@other.example> (sender alice@example.com)"
    redacted = redact_received(line, [ME])
    assert "bob@other.example" not in redacted
    assert "alice@example.com" in redacted
