"""The console script's entry point: a signal that comes while the command line's modules are still being
imported ends the run with one line and 130/143, never a KeyboardInterrupt traceback.

The child process sends the signal to itself from an import hook, at the moment ``reuse_audit.cli`` imports
typer: the same point every time, where a real Ctrl-C in the first tenth of a second would land.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHILD = """
    import os, signal, sys

    SIGNUM, MODULE = int(sys.argv[1]), sys.argv[2]

    class SignalOnImport:  # a finder that finds nothing: it only marks the moment
        def find_spec(self, name, path=None, target=None):
            if name == MODULE:
                os.kill(os.getpid(), SIGNUM)
            return None

    sys.meta_path.insert(0, SignalOnImport())
    from reuse_audit.launch import main

    sys.argv = ["reuse-audit", "--version"]
    main()
"""


def _run(signum: int, module: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REUSE_AUDIT_LANG": lang}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), str(int(signum)), module],
                          cwd=REPO, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_cli_is_imported_is_one_line_and_the_usual_code(signum: int, code: int) -> None:
    proc = _run(signum, "typer")
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == "reuse-audit: interrupted\n"
    assert proc.stdout == ""  # the command never ran


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_early_line_is_in_the_run_language() -> None:
    proc = _run(signal.SIGINT, "typer", lang="ja")
    assert proc.returncode == 130
    assert proc.stderr == "reuse-audit: 中断しました\n"


def test_without_a_signal_the_command_runs() -> None:
    proc = _run(signal.SIGINT, "no-such-module-is-imported")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("reuse-audit ")


def test_the_console_script_and_python_m_start_through_the_launcher() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["reuse-audit"] == "reuse_audit.launch:main"
    assert "from reuse_audit.launch import main" in (REPO / "reuse_audit" / "__main__.py").read_text(encoding="utf-8")


def test_the_launcher_imports_nothing_heavy() -> None:
    code = "import sys; import reuse_audit.launch; print(' '.join(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    loaded = set(proc.stdout.split())
    assert not {"typer", "click", "reuse_audit.cli", "rich"} & loaded
