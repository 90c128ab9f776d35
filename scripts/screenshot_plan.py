"""Render HTML pages of reuse-audit in headless Chromium, at a phone's width and a desktop's, for review.

Usage: python scripts/screenshot_plan.py [--out DIR] [--lang en|ja] [PAGE.html ...]

Without pages, it renders the demo plan (``reuse-audit demo --format html``) and writes
``plan-390.png`` and ``plan-1280.png`` (and ``-ja`` variants with ``--lang ja``) into ``--out`` (default
``bench/out``). Chromium (Debian package ``chromium``) must be installed. Headless Chromium will not make a
window narrower than 500 px, so the page is shown in an iframe of the wanted width, served from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{page}" style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<pre id="out">pending</pre>
<script>
var f = document.getElementById('f');
f.addEventListener('load', function () {{
  var d = f.contentDocument.documentElement;
  var nums = f.contentDocument.querySelectorAll('.step .num'), hidden = 0;
  nums.forEach(function (n) {{ if (!n.offsetParent || !n.textContent.trim()) hidden++; }});
  document.getElementById('out').textContent = 'scrollWidth=' + d.scrollWidth + ' innerWidth=' +
      f.contentWindow.innerWidth + ' scrollHeight=' + d.scrollHeight + ' stepNumbers=' + nums.length +
      ' hiddenStepNumbers=' + hidden + ' tableHeads=' +
      Array.prototype.filter.call(f.contentDocument.querySelectorAll('thead'), function (h) {{
        return !!h.offsetParent; }}).length;
  if ({grow}) {{ f.style.height = d.scrollHeight + 'px'; }}
}});
</script></body></html>
"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the library's name
        pass


def _run_chromium(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    exe = chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout, check=False)


def measure(html: str, width: int) -> dict[str, int]:
    """Load ``html`` in a viewport ``width`` px wide; return its scrollWidth, innerWidth and scrollHeight, and how
    many plan steps' numbers (``.step .num``) there are and how many of them are not shown, and how many table
    heads are shown (none where a table became cards)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "page.html").write_text(html, encoding="utf-8")
        (root / "harness.html").write_text(HARNESS.format(page="page.html", width=width, height=900, grow="false"),
                                           encoding="utf-8")
        with served(root) as base:
            done = _run_chromium([f"--window-size={max(width, 500) + 40},1000", "--virtual-time-budget=10000",
                                  "--dump-dom", f"{base}/harness.html"])
    found = re.search(r"scrollWidth=(\d+) innerWidth=(\d+) scrollHeight=(\d+) stepNumbers=(\d+) "
                      r"hiddenStepNumbers=(\d+) tableHeads=(\d+)", done.stdout)
    if found is None:
        raise RuntimeError(f"chromium did not report the page's size (exit {done.returncode})")
    keys = ("scrollWidth", "innerWidth", "scrollHeight", "stepNumbers", "hiddenStepNumbers", "tableHeads")
    return dict(zip(keys, map(int, found.groups()), strict=True))


def screenshot(html: str, width: int, out: Path) -> Path:
    """A PNG of the whole page at ``width`` px."""
    height = measure(html, width)["scrollHeight"] + 40
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "page.html").write_text(html, encoding="utf-8")
        (root / "harness.html").write_text(HARNESS.format(page="page.html", width=width, height=height,
                                                          grow="true"), encoding="utf-8")
        with served(root) as base:
            _run_chromium([f"--window-size={max(width, 500)},{height}", "--virtual-time-budget=10000",
                           f"--screenshot={out}", f"{base}/harness.html"])
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=Path("bench/out"))
    ap.add_argument("--lang", default="en")
    a = ap.parse_args()
    if chromium() is None:
        print("chromium is not installed (Debian package chromium)", file=sys.stderr)
        return 1
    a.out.mkdir(parents=True, exist_ok=True)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in a.pages}
    if not pages:
        demo = subprocess.run([sys.executable, "-m", "reuse_audit", "demo", "--format", "html", "--lang", a.lang,
                               "--quiet"], capture_output=True, text=True, check=True, timeout=120)
        pages = {"plan" if a.lang == "en" else f"plan-{a.lang}": demo.stdout}
    for name, html in pages.items():
        for width in (390, 1280):
            size = measure(html, width)
            path = screenshot(html, width, a.out / f"{name}-{width}.png")
            print(f"{path}: {size['scrollWidth']} px wide in a {size['innerWidth']} px viewport")
    return 0


if __name__ == "__main__":
    sys.exit(main())
