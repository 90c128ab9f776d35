"""Provider knowledge per address: learned from that address's Sent mail only, --relay, known providers."""

from __future__ import annotations

from email.parser import BytesHeaderParser

from reuse_audit.bounces.evidence import SentFolder
from reuse_audit.bounces.provider import parse_relays, provider_for, site
from reuse_audit.bounces.scan import providers

GMAIL_SENT = (b"Received: from [192.168.1.23] (p1-ipngn.example.ne.jp. [198.51.100.44]) by smtp.gmail.com with "
              b"ESMTPSA id x; Wed, 01 May 2024 01:00:00 -0700\r\nDKIM-Signature: v=1; d=gmail.com; s=1; b=x\r\n"
              b"Message-ID: <CAHabc@mail.gmail.com>\r\nFrom: Kenji <kenji@gmail.com>\r\nTo: a@example.net\r\n\r\n")
SHOP_SENT = b"Message-ID: <a1@shop.example>\r\nFrom: Shop <info@shop.example>\r\nTo: b@example.net\r\n\r\n"


def _sent(*raws: bytes) -> SentFolder:
    return SentFolder.from_headers(BytesHeaderParser().parsebytes(r) for r in raws)


def test_sent_knowledge_is_kept_per_sending_address() -> None:
    sent = _sent(GMAIL_SENT, SHOP_SENT)
    gmail = sent.knowledge("kenji@gmail.com")
    assert gmail is not None and gmail.relay_hosts == {"smtp.gmail.com"} and gmail.dkim_domains == {"gmail.com"}
    shop = sent.knowledge("info@shop.example")
    assert shop is not None and shop.relay_hosts == frozenset() and shop.message_id_domains == {"shop.example"}


def test_gmail_relays_are_never_applied_to_the_shop_address() -> None:
    known = providers(["info@shop.example", "kenji@gmail.com"], _sent(GMAIL_SENT, SHOP_SENT), ())
    assert not known["info@shop.example"].owns("smtp.gmail.com")
    assert not known["info@shop.example"].known
    assert known["kenji@gmail.com"].owns("smtp.gmail.com")


def test_large_providers_are_known_without_a_sent_folder() -> None:
    gmail = provider_for("someone@gmail.com")
    assert gmail.known and gmail.owns("mail-sor-f41.google.com") and gmail.signs_as_own("gmail.com")
    assert not gmail.owns("mx.example.org")


def test_own_domain_alone_is_not_knowledge() -> None:
    shop = provider_for("info@shop.example")
    assert shop.owns("mail.shop.example") and not shop.known


def test_relay_option_applies_to_all_or_to_one_address() -> None:
    general, per = parse_relays(["smtp.isp.example", "info@shop.example=mail.shopprovider.example"])
    assert general == {"smtp.isp.example"}
    assert per == {"info@shop.example": {"mail.shopprovider.example"}}
    known = providers(["info@shop.example", "kenji@gmail.com"], None,
                      ["info@shop.example=mail.shopprovider.example"])
    assert known["info@shop.example"].owns("out.shopprovider.example")
    assert not known["kenji@gmail.com"].owns("mail.shopprovider.example")


def test_site_groups_hosts_by_registrable_domain() -> None:
    assert site("mta.aaa.co.jp") == "aaa.co.jp"
    assert site("out.shopprovider.example") == "shopprovider.example"
    assert site("192.0.2.1") == "192.0.2.1"
