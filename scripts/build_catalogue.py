"""Regenerate ``reuse_audit/data/services.json`` and the licence notice from a 2FA Directory copy.

Usage: python scripts/build_catalogue.py [DIRECTORY]   (default: /work/shared/2fa-directory)

DIRECTORY holds ``entries.json`` (the directory's entries merged into one object keyed by site name),
``LICENSE.md`` and optionally ``README.md`` naming the upstream commit. Re-running on the same input
writes identical files.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reuse_audit.services.catalogue import DIRECTORY_LICENCE_FILE, SERVICES_FILE  # noqa: E402
from reuse_audit.services.directory import build_catalogue  # noqa: E402

DEFAULT_SOURCE = Path("/work/shared/2fa-directory")
DATA = REPO / "reuse_audit" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    source_dir: Path = args.directory

    entries = json.loads((source_dir / "entries.json").read_text(encoding="utf-8"))
    readme = source_dir / "README.md"
    commit = re.search(r"\b[0-9a-f]{40}\b", readme.read_text(encoding="utf-8")) if readme.exists() else None
    source = {
        "name": "2FA Directory",
        "url": "https://github.com/2factorauth/twofactorauth",
        "licence": f"MIT, see {DIRECTORY_LICENCE_FILE}",
    }
    if commit:
        source["commit"] = commit.group(0)

    catalogue = build_catalogue(entries, source=source)
    out = DATA / SERVICES_FILE
    # One service per line: compact, yet a rebuild shows up as a readable diff.
    lines = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in catalogue["services"]]
    head = {k: v for k, v in catalogue.items() if k not in ("services", "representatives")}
    text = (
        json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
        + ',\n"services":[\n'
        + ",\n".join(lines)
        + "\n],\n"
        + '"representatives":'
        + json.dumps(catalogue["representatives"], separators=(",", ":"))
        + "}\n"
    )
    out.write_text(text, encoding="utf-8")
    shutil.copyfile(source_dir / "LICENSE.md", DATA / DIRECTORY_LICENCE_FILE)
    print(
        f"{out.relative_to(REPO)}: {len(catalogue['services'])} services, "
        f"{len(catalogue['representatives'])} registrable-domain representatives, {out.stat().st_size} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
