"""An offline audit starts without the modules it does not need (issue 16: a command imports only what it uses):
no HTTP stack, no pydantic (typer 0.29 would bring it), no pycparser (pycryptodomex's cffi back-end would parse
its C declarations with it), and none of what only other options use (a baseline, a history file, a config
file, an HIBP file, a prompt, other formats). Checked in a real process, on the demo vault."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reuse_audit.services.domains import is_intranet_host, is_public_suffix, registrable_domain
from tests.conftest import REPO

_CHILD = """
import atexit, json, sys
heavy = ("requests", "urllib3", "pydantic", "pycparser")
unused = ("tomllib", "csv", "html", "getpass", "reuse_audit.hygiene.baseline", "reuse_audit.hygiene.history",
          "reuse_audit.exposure.sorted_file", "reuse_audit.exposure.range_directory")
atexit.register(lambda: sys.stderr.write("\\nMODULES " + json.dumps([m for m in heavy if m in sys.modules]) + "\\n"))
atexit.register(lambda: sys.stderr.write("\\nUNUSED " + json.dumps([m for m in unused if m in sys.modules]) + "\\n"))
sys.argv = ["reuse-audit", *sys.argv[1:]]
from reuse_audit.cli import main
main()
"""


def test_an_offline_audit_imports_no_http_stack_no_pydantic_no_pycparser(tmp_path: Path) -> None:
    vault = REPO / "reuse_audit" / "data" / "demo.kdbx"
    home = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "APPDATA": str(tmp_path)}  # no config file
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUSE_AUDIT_")} | home
    proc = subprocess.run([sys.executable, "-c", _CHILD, "audit", str(vault), "--password-stdin", "--offline",
                           "--format", "json", "--quiet"],
                          input="aaa-demo-2026\n", capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["entries"]
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
    assert json.loads(line.removeprefix("MODULES ")) == []
    line = next(x for x in proc.stderr.splitlines() if x.startswith("UNUSED "))
    assert json.loads(line.removeprefix("UNUSED ")) == []


@pytest.mark.parametrize(("host", "domain", "suffix"), [
    ("www.xn--bcher-kva.de", "xn--bcher-kva.de", False),  # an IDN host spelled in punycode stays punycode
    ("www.bücher.de", "bücher.de", False),
    ("foo.xn--p1ai", "foo.xn--p1ai", False),  # .рф
    ("xn--p1ai", "xn--p1ai", True),
    ("a.b.xn--90a3ac", "b.xn--90a3ac", False),  # .срб
    ("mail.aaa.co.jp", "aaa.co.jp", False),
])
def test_punycode_and_unicode_hosts_get_the_same_suffix_answers(host: str, domain: str, suffix: bool) -> None:
    assert registrable_domain(host) == domain
    assert is_public_suffix(host) is suffix
    assert is_intranet_host(host) is ("." not in host)  # a single label is an intranet name
