"""`plan --breached-from`: a flood of bounces breaches the hijacked address in one go; `bounces` in the CLI."""

from __future__ import annotations

import json
import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse_audit.cli import app
from tests.bounces.bounce_factory import make_bounce, ordinary_mail
from tests.conftest import MASTER, E

START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
VAULT = [E("Webmail", "Kamome2019!", "alice@example.com", "https://webmail.example.com/"),
         E("Google", "Kamome2019!", "alice@example.com", "https://accounts.google.com/"),
         E("Other", "u7^Hq2$Wn5&Kp9*Ze3Rb", "bob", "https://other.example/")]


@pytest.fixture
def flood(tmp_path: Path) -> Path:
    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    box.add(ordinary_mail(1))
    for n in range(6):
        box.add(make_bounce(when=START + timedelta(minutes=7 * n), message_id=f"<s{n}@example.com>",
                            recipients=[f"x{n}@gmail.com", f"y{n}@gmail.com", f"z{n}@yahoo.co.jp"]))
    box.flush()
    return path


def test_breached_from_breaches_the_compromised_address(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    vault = vault_factory(VAULT)
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--format", "json",
                                      "--breached-from", str(flood), "--lang", "en"], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["breach"]["mailbox"]["address"] == "alice@example.com"
    assert doc["breach"]["mailbox_evidence"]
    tiers = {s["title"]: s["tier"] for s in doc["steps"]}
    assert tiers["Webmail"] == 1 and tiers["Google"] == 2


def test_an_address_the_mail_shows_compromised_but_no_entry_uses_is_a_mailbox_outside_the_vault(  # type: ignore[no-untyped-def]
        vault_factory, flood) -> None:
    vault = vault_factory([E("Other", "u7^Hq2$Wn5&Kp9*Ze3Rb", "bob", "https://other.example/")])
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--format", "json",
                                      "--breached-from", str(flood), "--lang", "en"], input=MASTER + "\n")
    assert result.exit_code == 0, result.output  # was: "--breached 'alice@example.com': no entry has this address"
    doc = json.loads(result.stdout)
    assert doc["breach"]["mailbox"] == {**doc["breach"]["mailbox"], "address": "alice@example.com", "uuid": None}
    assert (doc["steps"][0]["tier"], doc["steps"][0]["title"]) == (1, "alice@example.com")


def test_breached_from_a_missing_source_is_exit_2(vault_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vault = vault_factory(VAULT)
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline",
                                      "--breached-from", str(tmp_path / "nope")], input=MASTER + "\n")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_bounces_command_is_part_of_the_cli(flood) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["bounces", str(flood), "--format", "json"])
    assert result.exit_code == 1, result.output
    accounts = json.loads(result.stdout)["accounts"]
    assert accounts[0]["verdict"] == "compromised"


def test_bounces_takes_its_addresses_from_a_vault_unlocked_from_stdin(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    vault = vault_factory(VAULT)
    result = CliRunner().invoke(app, ["bounces", str(flood), "--vault", str(vault), "--password-stdin",
                                      "-f", "json"], input=MASTER + "\n")
    assert result.exit_code == 1, result.output
    assert [a["address"] for a in json.loads(result.stdout)["accounts"]] == ["alice@example.com"]


def test_only_one_option_may_read_stdin(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    vault = vault_factory(VAULT)
    result = CliRunner().invoke(app, ["bounces", str(flood), "--vault", str(vault), "--password-stdin",
                                      "--imap-password-stdin"], input=MASTER + "\n")
    assert result.exit_code == 2


def test_a_file_that_is_not_mail_is_bad_input() -> None:
    from reuse_audit.demo import demo_paths

    with demo_paths() as (vault, _):
        result = CliRunner().invoke(app, ["bounces", str(vault)])
    assert result.exit_code == 2
    assert "not a mailbox" in result.output


def _plan_from(vault: Path, flood: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--format", "json",
                                      "--breached-from", str(flood), "--lang", "en", *extra], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    return result.exit_code, json.loads(result.stdout)


def test_breached_from_reads_the_sent_folder_as_bounces_does(vault_factory, flood, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Four of the six bounced mails are in alice's Sent folder (her own typos), too few for a burst of their
    own; the other two are no burst either. `bounces --sent` says so; `plan --breached-from --sent` must agree
    and breach nothing. (All six in Sent would be undetermined: webmail saves what a hijacker sends.)"""
    sent = mailbox.mbox(tmp_path / "Sent")
    for n in range(4):
        sent.add(f"From: alice@example.com\nTo: x{n}@gmail.com, y{n}@gmail.com, z{n}@yahoo.co.jp\n"
                 f"Subject: invoice {n}\nMessage-ID: <s{n}@example.com>\n"
                 f"Date: {(START - timedelta(minutes=1)).strftime('%a, %d %b %Y %H:%M:%S +0000')}\n\nHello\n")
    sent.flush()
    vault = vault_factory(VAULT)
    bounces = CliRunner().invoke(app, ["bounces", str(flood), "--sent", str(tmp_path / "Sent"), "-f", "json"])
    assert bounces.exit_code == 0, bounces.output
    assert all(a["verdict"] == "none" for a in json.loads(bounces.stdout)["accounts"])
    _, doc = _plan_from(vault, flood)
    assert doc["breach"]["mailbox"]["address"] == "alice@example.com"  # without it: compromised
    _, doc = _plan_from(vault, flood, "--sent", str(tmp_path / "Sent"))
    assert not (doc["breach"] or {}).get("mailbox")
    assert all(s["tier"] >= 4 for s in doc["steps"])
    for n in range(4, 6):  # every bounced mail in Sent, six separate mails: as webmail saves a hijacker's spam
        sent.add(f"From: alice@example.com\nTo: x{n}@gmail.com, y{n}@gmail.com, z{n}@yahoo.co.jp\n"
                 f"Subject: invoice {n}\nMessage-ID: <s{n}@example.com>\n\nHello\n")
    sent.flush()
    bounces = CliRunner().invoke(app, ["bounces", str(flood), "--sent", str(tmp_path / "Sent"), "-f", "json"])
    assert bounces.exit_code == 1, bounces.output
    assert [a["verdict"] for a in json.loads(bounces.stdout)["accounts"]] == ["undetermined"]
    _, doc = _plan_from(vault, flood, "--sent", str(tmp_path / "Sent"))
    assert doc["breach"]["mailbox"]["address"] == "alice@example.com"  # undetermined: breached to be safe


def test_breached_from_takes_me_and_since(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    vault = vault_factory(VAULT)
    _, doc = _plan_from(vault, flood, "--me", "bob@example.com")  # not alice's mail: nothing of hers breached
    assert not (doc["breach"] or {}).get("mailbox")
    _, doc = _plan_from(vault, flood, "--since", "2024-06-01")  # the flood is older
    assert not (doc["breach"] or {}).get("mailbox")
    assert doc["note_codes"][0] == "mail_showed_nothing"  # the saved plan says what the mail showed, too
    _, doc = _plan_from(vault, flood, "--me", "Alice@Example.com", "--since", "2024-04-30")
    assert doc["breach"]["mailbox"]["address"] == "alice@example.com"


@pytest.mark.parametrize("extra", [["--sent", "Sent"], ["--me", "alice@example.com"], ["--relay", "smtp.example.com"],
                                   ["--since", "7d"]])
def test_mail_options_without_breached_from_are_refused(vault_factory, extra) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["plan", str(vault_factory(VAULT)), "--password-stdin", "--offline", *extra],
                                input=MASTER + "\n")
    assert result.exit_code == 2
    assert f"{extra[0]}: only with --breached-from SOURCE" in result.output


def test_a_bad_me_is_refused_before_the_mail_is_read(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["plan", str(vault_factory(VAULT)), "--password-stdin", "--offline",
                                      "--breached-from", str(flood), "--me", "alice"], input=MASTER + "\n")
    assert result.exit_code == 2
    assert "--me 'alice' is not an e-mail address" in result.output


@pytest.mark.parametrize("given", ["alice@example.com ", " ALICE@Example.COM", "alice@example.com.",
                                   "\talice@example.com"])
def test_me_is_taken_as_mail_names_the_address(flood, given: str) -> None:  # type: ignore[no-untyped-def]
    """A trailing space or dot made --me match no bounce: the hijack read 'no account', exit 0."""
    result = CliRunner().invoke(app, ["bounces", str(flood), "--me", given, "-f", "json"])
    assert result.exit_code == 1, result.output
    assert [a["verdict"] for a in json.loads(result.stdout)["accounts"]] == ["compromised"]


def test_a_me_no_bounce_is_about_is_said(flood) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["bounces", str(flood), "--me", "bob@example.com", "-f", "json"])
    assert result.exit_code == 0
    assert "--me bob@example.com: no bounce is about this address, and 6 are about others" in result.stderr
    quiet = CliRunner().invoke(app, ["bounces", str(flood), "--me", "bob@example.com", "-f", "json", "-q"])
    assert quiet.stderr == ""


def test_offline_refuses_an_imap_source_before_any_connection(vault_factory, flood) -> None:  # type: ignore[no-untyped-def]
    for extra in (["--breached-from", "imaps://127.0.0.1:1/INBOX"],
                  ["--breached-from", str(flood), "--sent", "imaps://mail.example.invalid/Sent"]):
        result = CliRunner().invoke(app, ["plan", str(vault_factory(VAULT)), "--password-stdin", "--offline",
                                          "--imap-user", "alice@example.com", *extra], input=MASTER + "\n")
        assert result.exit_code == 2
        assert "--offline opens no connection: an imaps:// source needs one" in result.stderr


def test_a_bad_sent_folder_is_named_as_it_is_not_blamed_on_breached_from(vault_factory, flood, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["plan", str(vault_factory(VAULT)), "--password-stdin", "--offline",
                                      "--breached-from", str(flood), "--sent", str(tmp_path / "nope")],
                                input=MASTER + "\n")
    assert result.exit_code == 2
    assert f"no such mailbox: {tmp_path / 'nope'}" in result.stderr and "--breached-from" not in result.stderr


def test_o_dash_is_stdout(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "-o", "-", "-f", "json", "-q"])
    assert result.exit_code == 0 and json.loads(result.stdout)["schema_version"] == 1
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("at", "says"), [("1900-01-01", "is before 1990"), ("2099-01-01", "is in the future")])
def test_a_breach_time_that_cannot_be_this_breach_is_refused(vault_factory, at: str, says: str) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["plan", str(vault_factory(VAULT)), "--password-stdin", "--offline",
                                      "--breached", "alice@example.com", "--breached-at", at], input=MASTER + "\n")
    assert result.exit_code == 2 and says in result.stderr
