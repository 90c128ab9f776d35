"""Regenerate the golden JSON outputs in ``tests/golden/`` (run after a deliberate change of output).

Usage: python scripts/update_golden.py [--check]

Each case in ``tests/golden/cases.json`` is a command line of ``reuse-audit`` on a committed input
(``tests/golden/*.kdbx``, ``*.mbox``, the bundled demo vault); its JSON output is stored as
``tests/golden/<name>.json``. ``tests/test_golden.py`` runs the same cases and compares. The inputs
``story.kdbx`` and ``hijack.mbox`` are made once by ``--make-inputs`` (their UUIDs are random).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
sys.path.insert(0, str(REPO))


def make_inputs() -> None:
    import mailbox
    from datetime import UTC, datetime, timedelta

    from tests.bounces.bounce_factory import make_bounce, ordinary_mail
    from tests.conftest import STORY, E, build_vault

    extra = [
        E("Old wiki", "Wiki-2014-pass!", "me", "https://wiki.example.net/", "Work"),
        E("Linked", "{REF:P@T:Shop A}", "shopper", "https://c.example/", "Shops"),
        E("Expired VPN", "Vpn!expired-77x", "me", "https://vpn.example.com/",
          expires=datetime(2020, 1, 1, tzinfo=UTC)),
        E("Excluded PIN", "1234", "pin", excluded="quality"),
        E("GitHub", "Gh#unique-pass-2024-xyz", "admin@aaa.jp", "https://github.com/login"),
    ]
    build_vault(GOLDEN / "story.kdbx", [*STORY, *extra])
    path = GOLDEN / "hijack.mbox"
    path.unlink(missing_ok=True)
    box = mailbox.mbox(str(path))
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    for n in range(3):
        box.add(ordinary_mail(n))
    for n in range(12):
        box.add(make_bounce(sender="admin@aaa.jp", received=(
            "from [198.51.100.7] (unknown [198.51.100.7]) (Authenticated sender: admin@aaa.jp)"
            " by smtp.aaa.jp (Postfix) with ESMTPSA id 4Vabc; Wed, 1 May 2024 09:59:00 +0000",),
                            recipients=(f"victim{n}@gmail.com", f"other{n}@yahoo.co.jp"),
                            when=start + timedelta(minutes=3 * n), message_id=f"<spam-{n}@example.com>"))
    for n in range(6):
        box.add(make_bounce(sender="bob@example.org", recipients=(f"x{n}@example.net", f"y{n}@example.com"),
                            received=(), reporting_mta="mx.example.net", dkim_domain="spammer.example",
                            when=start + timedelta(hours=5, minutes=n), message_id=f"<f-{n}@spammer.example>"))
    box.flush()
    box.close()


def run_case(case: dict[str, object]) -> tuple[int, str]:
    """Run one case through the CLI in this process; return (exit code, stdout)."""
    from typer.testing import CliRunner

    from reuse_audit.cli import app

    argv = [str(a).replace("{golden}", str(GOLDEN)) for a in case["argv"]]  # type: ignore[union-attr]
    result = CliRunner().invoke(app, argv, input=case.get("stdin"))  # type: ignore[arg-type]
    return result.exit_code, result.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--make-inputs", action="store_true")
    a = ap.parse_args()
    if a.make_inputs:
        make_inputs()
    cases = json.loads((GOLDEN / "cases.json").read_text())
    for case in cases:
        code, out = run_case(case)
        if code != case["exit"]:
            print(f"{case['name']}: exit {code}, expected {case['exit']}\n{out}", file=sys.stderr)
            return 1
        (GOLDEN / f"{case['name']}.json").write_text(
            json.dumps(json.loads(out), indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{case['name']}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
