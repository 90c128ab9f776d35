"""`plan --breached-from MAILBOX`: addresses the mail shows compromised or undetermined are breached, and what the
mail showed is shown as the vault's own fields are (a vault password in it hidden)."""

from __future__ import annotations

import json
import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from reuse_audit.cli import app
from tests.bounces.bounce_factory import make_bounce
from tests.conftest import MASTER, STORY, build_vault


def test_plan_breaches_an_address_whose_bounces_cannot_be_attributed(tmp_path: Path) -> None:
    vault = tmp_path / "story.kdbx"
    build_vault(vault, STORY)
    path = tmp_path / "Unclear"
    box = mailbox.mbox(path)
    hop = ("from relay.example.net (relay.example.net [192.0.2.55]) by mx.example.org with ESMTP id 1; "
           "Wed, 1 May 2024 09:59:00 +0000",)
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for n in range(6):
        box.add(make_bounce(sender="admin@aaa.jp", when=start + timedelta(minutes=5 * n), received=hop,
                            message_id=f"<u{n}@example.com>", recipients=[f"a{n}@example.org", f"b{n}@example.net"]))
    box.flush()
    result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--breached-from",
                                      str(path), "--format", "json"], input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["breach"]["mailbox"]["address"] == "admin@aaa.jp"
    assert any("cannot be attributed" in line for line in document["breach"]["mailbox_evidence"])


def test_what_the_mail_showed_hides_a_vault_password_as_the_vault_fields_do(tmp_path: Path) -> None:
    """A password "kamome" showed the mailbox as tanaka@[hidden].jp, and the line above it, what the mail showed,
    as tanaka@kamome.jp."""
    from tests.conftest import E, assert_no_leak

    vault = tmp_path / "v.kdbx"
    build_vault(vault, [E("Mail", "Mm!unique-pw-99812", "tanaka@kamome.jp", "https://webmail.kamome.jp/"),
                        E("Other", "kamome", "x", "https://o.example/")])
    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for n in range(8):
        box.add(make_bounce(sender="tanaka@kamome.jp", when=start + timedelta(minutes=n),
                            message_id=f"<k{n}@example.com>", recipients=[f"a{n}@example.org", f"b{n}@example.net"],
                            received=(f"from [198.51.100.7] (Authenticated sender: tanaka@kamome.jp) by smtp.kamome.jp "
                                      f"(Postfix) with ESMTPSA id {n}; Wed, 1 May 2024 09:59:00 +0000",)))
    box.flush()
    for fmt in ("json", "table", "markdown", "html"):
        result = CliRunner().invoke(app, ["plan", str(vault), "--password-stdin", "--offline", "--breached-from",
                                          str(path), "--format", fmt], input=MASTER + "\n")
        assert result.exit_code == 0, result.output
        assert "hidden" in result.stdout and "tanaka@" in result.stdout
        assert_no_leak(result.output, ["kamome", "Mm!unique-pw-99812"])
