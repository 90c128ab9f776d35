"""Received hops: what each MTA's line says, and which hops of a chain can be believed."""

from __future__ import annotations

from reuse_audit.bounces.hops import chain, is_internal_ip, parse_hop
from reuse_audit.bounces.provider import site

POSTFIX_AUTH = ("from [192.168.1.5] (unknown [198.51.100.7]) (Authenticated sender: info@shop.example) "
                "by mail.shopprovider.example (Postfix) with ESMTPSA id 4VabC; Wed, 1 May 2024 10:00:00 +0900")
REMOTE_FROM_PROVIDER = ("from mail.shopprovider.example (mail.shopprovider.example [192.0.2.10]) by mx.example.org "
                        "(Postfix) with ESMTPS id X1; Wed, 1 May 2024 01:00:01 +0000")
BOT_TO_REMOTE = ("from User-PC (unknown [203.0.113.9]) by mx.example.org (Postfix) with ESMTP id X2; "
                 "Wed, 1 May 2024 01:00:01 +0000")
FORGED_OWN = ("from smtp.shop.example (smtp.shop.example [192.0.2.200]) (Authenticated sender: info@shop.example) "
              "by mail.shop.example (Postfix) with ESMTPSA id F1; Wed, 1 May 2024 10:00:00 +0900")


def test_postfix_hop_names_the_verified_client_and_the_login() -> None:
    hop = parse_hop(POSTFIX_AUTH)
    assert (hop.by, hop.rdns, hop.ip) == ("mail.shopprovider.example", None, "198.51.100.7")
    assert hop.unknown_client and hop.auth and hop.auth_identity == "info@shop.example"


def test_postfix_comment_address_wins_over_the_helo_literal() -> None:
    hop = parse_hop("from [192.0.2.192] (localhost [127.0.0.1]) by smtp.example.net (Postfix) with ESMTPA id 1")
    assert hop.ip == "127.0.0.1" and hop.internal and hop.auth


def test_exim_hop_first_name_is_verified() -> None:
    hop = parse_hop("from mail.example.org ([192.0.2.5] helo=bogus.example) by mx.example.net with esmtps "
                    "(TLS1.3) (Exim 4.97) id 1s2; Wed, 01 May 2024 10:00:00 +0000")
    assert (hop.rdns, hop.ip, hop.protocol) == ("mail.example.org", "192.0.2.5", "esmtps")
    assert not hop.auth


def test_qmail_hop_reads_the_looked_up_name() -> None:
    hop = parse_hop("from unknown (HELO VZW) ([10.22.22.22]) by cattower.vtext.example with ESMTP; 29 Apr 2012")
    assert hop.unknown_client and hop.ip == "10.22.22.22"


def test_exchange_hop_has_no_verified_name() -> None:
    hop = parse_hop("from TYAPR01MB1234.jpnprd01.prod.outlook.com (2603:1096:400:1::5) by "
                    "TYAPR01MB5678.jpnprd01.prod.outlook.com (2603:1096:400:2::7) with Microsoft SMTP Server id "
                    "15.20.7544.41; Wed, 1 May 2024 01:00:00 +0000")
    assert hop.rdns is None and hop.ip == "2603:1096:400:1::5" and hop.by_ip == "2603:1096:400:2::7"


def test_sendmail_authenticated_bits_is_a_login_without_identity() -> None:
    hop = parse_hop("from [198.51.100.22] (c1.example.net [192.0.2.220]) (authenticated bits=128) by "
                    "neko.example.jp (V8/cf) with ESMTP id HJ; Thu, 29 Apr 2019 23:34:45 +0900")
    assert hop.auth and hop.auth_identity is None and hop.rdns == "c1.example.net"


def test_webmail_hop_is_http() -> None:
    hop = parse_hop("from 198.51.100.23 ([198.51.100.23]) by webmail.shopprovider.example with HTTP (HTTP/1.1 "
                    "POST); Wed, 1 May 2024 10:00:00 +0900")
    assert hop.http and hop.ip == "198.51.100.23"


def test_documentation_addresses_are_not_internal() -> None:
    assert is_internal_ip("10.1.2.3") and is_internal_ip("127.0.0.1") and is_internal_ip("fe80::1")
    assert not is_internal_ip("192.0.2.10") and not is_internal_ip("203.0.113.9")


def test_a_hop_vouched_for_by_reverse_dns_is_believed() -> None:
    hops = chain([REMOTE_FROM_PROVIDER, POSTFIX_AUTH], site)
    assert [h.trusted for h in hops] == [True, True]
    assert "mail.shopprovider.example" in hops[1].writer


def test_made_up_hops_below_a_bot_are_never_believed() -> None:
    hops = chain([BOT_TO_REMOTE, FORGED_OWN], site)
    assert [h.trusted for h in hops] == [True, False]


def test_a_helo_naming_the_owner_does_not_vouch() -> None:
    helo_forged = ("from mail.shop.example (unknown [203.0.113.9]) by mx.example.org (Postfix) with ESMTP id X3; "
                   "Wed, 1 May 2024 01:00:01 +0000")
    assert [h.trusted for h in chain([helo_forged, FORGED_OWN], site)] == [True, False]


def test_an_internal_hand_off_is_believed() -> None:
    webmail = ("from webmail.shopprovider.example (localhost [127.0.0.1]) (Authenticated sender: info@shop.example) "
               "by mail.shopprovider.example (Postfix) with ESMTPA id 1; Wed, 1 May 2024 10:00:00 +0900")
    http = ("from 198.51.100.23 ([198.51.100.23]) by webmail.shopprovider.example with HTTP (HTTP/1.1 POST); "
            "Wed, 1 May 2024 10:00:00 +0900")
    hops = chain([webmail, http], site)
    assert [h.trusted for h in hops] == [True, True]
    assert "webmail.shopprovider.example" in hops[1].writer


def test_stop_below_ends_belief_at_the_providers_edge() -> None:
    below = ("from [10.0.0.9] by 198.51.100.7 with SMTP; Wed, 1 May 2024 10:00:00 +0900")
    hops = chain([POSTFIX_AUTH, below], site, stop_below=lambda item: "mail.shopprovider.example" in item.writer)
    assert [h.trusted for h in hops] == [True, False]


def test_odd_lines_never_raise() -> None:
    for line in ("", "(qmail 1 invoked from network); 1 Jan 2020", "from ((((", "by", "from [", "with ;;;"):
        parse_hop(line)
