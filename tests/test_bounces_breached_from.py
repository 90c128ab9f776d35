"""CLI test waiting for one change in ``reuse_audit/cli/plan_cmd.py`` (not collected: the file name does not
start with ``test_``). Rename to ``tests/test_bounces_breached_from.py`` once ``_breached_from`` uses
``scan.breached`` (compromised, then undetermined addresses) instead of ``scan.compromised``:

    if not scan.breached and not quiet: ...
    return tuple(scan.summaries[a] for a in scan.breached), list(scan.breached)

``scan.summaries`` already holds a ``mailbox_shows_undetermined`` reason for each undetermined address.
"""

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
