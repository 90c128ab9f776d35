"""Ctrl-C or SIGTERM during an audit whose breach check waits on a slow server ends the process at once.

The audit runs in a child Python (as the CLI would: SIGTERM raises SystemExit(143)); the server answers
only after 30 s, so a child that waited for its requests would be caught by the 5 s wait below.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.exposure.hibp_fakes import drip_server

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
    import signal, sys
    from reuse_audit.audit import AuditOptions, run_audit
    from reuse_audit.exposure.settings import ExposureSettings
    from tests.test_workers import vault

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # as the CLI does
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as the CLI does, even when started with it ignored
    from reuse_audit.breaches import BreachSettings

    settings = ExposureSettings(hibp_url=sys.argv[1], deadline=120, request_timeout=60)
    breaches = BreachSettings(api_url=sys.argv[1], deadline=120, request_timeout=60)  # as slow: never waited for
    try:
        run_audit(vault(distinct=450, entries=460), AuditOptions(exposure=settings,
                                                               check_settings={"breaches": breaches}))
    except KeyboardInterrupt:
        sys.exit(130)
    print("finished", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_does_not_wait_for_a_slow_server(signum: int, code: int) -> None:
    with drip_server("slow", latency=30.0) as server:
        child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SCRIPT), server.url], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            end = time.monotonic() + 30
            while server.connections < 4 and time.monotonic() < end and child.poll() is None:
                time.sleep(0.05)
            assert server.connections >= 4, "the breach check never reached the server"
            child.send_signal(signum)
            stdout, stderr = child.communicate(timeout=5)
            assert child.returncode == code, stderr[-2000:]
            assert "finished" not in stdout
        finally:
            child.kill()
            child.wait(timeout=10)
