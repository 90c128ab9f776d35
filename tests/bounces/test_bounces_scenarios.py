"""The situations of issue 11, built by the seeded generator in mbox, Maildir and .eml: the verdict per address
with and without the Sent folders, and the evidence an owner reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from reuse_audit.bounces import BounceScan, find_compromised
from reuse_audit.bounces.report import render_table
from reuse_audit.reasons import ReasonCode as R
from tests.bounces import mailgen

Built = tuple[mailgen.Scenario, str, list[str]]


@pytest.fixture(scope="module", params=[(s, f) for s in mailgen.SCENARIOS for f in mailgen.FORMATS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    name, fmt = request.param
    scenario = mailgen.build(name)
    root = tmp_path_factory.mktemp(f"{name}-{fmt}")
    inbox = mailgen.write(scenario.inbox, root / "Inbox", fmt)
    sent = [str(mailgen.write(messages, root / f"sent-{n}", fmt)) for n, messages in enumerate(scenario.sent.values())]
    return scenario, str(inbox), sent


_SCANS: dict[tuple[str, bool], BounceScan] = {}


def _scan(name: str, tmp_path: Path, *, with_sent: bool = True) -> BounceScan:
    """The scenario scanned from an mbox (each scan is made once per test session)."""
    if (name, with_sent) not in _SCANS:
        scenario = mailgen.build(name)
        inbox = mailgen.write(scenario.inbox, tmp_path / "Inbox", "mbox")
        sent = [str(mailgen.write(m, tmp_path / f"sent-{n}", "mbox")) for n, m in enumerate(scenario.sent.values())]
        _SCANS[name, with_sent] = find_compromised([str(inbox)], me=list(scenario.me), sent=sent if with_sent else [])
    return _SCANS[name, with_sent]


@pytest.mark.parametrize("with_sent", [True, False], ids=["with-sent", "without-sent"])
def test_each_address_gets_its_expected_verdict(built: Built, with_sent: bool) -> None:
    scenario, inbox, sent = built
    result = find_compromised([inbox], me=list(scenario.me), sent=sent if with_sent else [])
    got = {a.address: str(a.verdict) for a in result.accounts}
    expected = {address: pair[0 if with_sent else 1] for address, pair in scenario.expected.items()}
    assert got == expected


def test_the_generator_is_seeded() -> None:
    assert mailgen.build("backscatter").inbox == mailgen.build("backscatter").inbox
    assert mailgen.build("backscatter").inbox != mailgen.build("backscatter", seed=12).inbox


def test_webmail_hijack_evidence_leads_with_what_happened(tmp_path: Path) -> None:
    [account] = _scan("webmail_hijack", tmp_path).accounts
    first = account.evidence[0]
    assert first.code == R.BOUNCE_SENT_FROM_ACCOUNT and first.get("bursts") == 3
    assert any(login.ip == "198.51.100.23" and login.webmail for login in account.logins)
    assert R.BOUNCE_WEBMAIL_LOGIN in [e.code for e in account.evidence]
    assert account.own_mail == 2 and account.temporary == 1


def test_subjects_of_mail_the_owner_never_sent_are_redacted(tmp_path: Path) -> None:
    result = _scan("webmail_hijack", tmp_path)
    subjects = [s for a in result.accounts for s, _ in a.subjects]
    assert subjects and all("@" not in s.replace("<redacted>", "") for s in subjects)


def test_look_alikes_are_counted_apart_by_kind(tmp_path: Path) -> None:
    result = _scan("backscatter", tmp_path)
    assert result.not_bounces == {"auto_reply": 9, "challenge": 1, "human_reply": 1, "receipt": 1,
                                  "success_dsn": 1, "report": 1, "phishing": 1, "bulk": 0}


def test_a_newsletter_with_a_bounce_like_subject_is_list_mail_not_a_bounce() -> None:
    """25 of them ("Mail delivery failed? Not with Shop Mail Pro", a quoted "550 5.1.1 <friend@...>") made an
    undetermined burst: mail with List-Id, List-Unsubscribe or Precedence: bulk from a person's address is not a
    mail system's notice."""
    from reuse_audit.bounces.detect import NotBounce, read_message
    from reuse_audit.bounces.notbounce import NotBounceKind

    for header in ("List-Unsubscribe: <https://shop.example/u>", "List-Id: <news.shop.example>",
                   "Precedence: bulk"):
        raw = ("From: Shop <news@shop.example>\r\nTo: alice@example.com\r\n"
               "Subject: Mail delivery failed? Not with Shop Mail Pro (#3)\r\n"
               f"{header}\r\nDate: Wed, 1 May 2024 10:00:00 +0000\r\n\r\n"
               "Never see 550 5.1.1 <friend3@other.example> again.\r\n").encode()
        found = read_message(raw)
        assert isinstance(found, NotBounce) and found.kind is NotBounceKind.BULK, header


def test_backscatter_evidence_names_forged_hops_other_peoples_relays_and_original_less_bounces(
        tmp_path: Path) -> None:
    [account] = _scan("backscatter", tmp_path).accounts
    codes = {e.code for e in account.evidence}
    assert {R.BOUNCE_FORGED_SENDER, R.BOUNCE_FORGED_HOPS, R.BOUNCE_THIRD_PARTY, R.BOUNCE_NO_ORIGINAL} <= codes
    assert account.via_account == 0 or account.own_mail == 2
    assert account.no_original == 12


def test_slow_drip_is_caught_by_the_day_rule(tmp_path: Path) -> None:
    [account] = _scan("slow_drip", tmp_path).accounts
    assert R.BOUNCE_DAY_BURST in [e.code for e in account.evidence]


def test_each_address_keeps_its_own_provider(tmp_path: Path) -> None:
    accounts = {a.address: a for a in _scan("two_providers", tmp_path).accounts}
    shop = accounts[mailgen.SHOP].provider
    gmail = accounts[mailgen.GMAIL].provider
    assert shop is not None and gmail is not None
    assert not shop.owns("smtp.gmail.com") and shop.owns(mailgen.PROVIDER)
    assert gmail.owns("smtp.gmail.com") and not gmail.owns(mailgen.PROVIDER)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", mailgen.SCENARIOS)
def test_the_report_fits_80_columns(name: str, lang: str, tmp_path: Path) -> None:
    text = render_table(_scan(name, tmp_path), lang=lang, width=80)
    too_long = [line for line in text.splitlines() if cell_len(line) > 80 and " " in line.strip()]
    assert too_long == []


def test_a_bounce_whose_returned_copy_nests_mime_past_the_stack_is_still_a_bounce() -> None:
    """The returned copy is the sender's to shape: nested 1,000 multiparts deep it hit Python's recursion limit and
    every bounce of a hijack was silently dropped ("No bounces about your addresses were found")."""
    from reuse_audit.bounces.detect import Bounce, read_message

    depth = 1000
    body = "".join(f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n" for i in range(depth))
    body += "x\r\n" + "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    raw = ("From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: alice@example.com\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\nDate: Wed, 1 May 2024 10:00:00 +0000\r\n"
           "Message-ID: <deep@mx.example.com>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n" + body).encode()
    found = read_message(raw)
    assert isinstance(found, Bounce)
    assert found.original is None  # its origin is unknown, never guessed
