"""Regenerate ``reuse_audit/data/services.json``, ``passkeys.json`` and their licence notices.

Usage: python scripts/build_catalogue.py [DIRECTORY] [--passkeys PASSKEYS]
       (defaults: /work/shared/2fa-directory and /work/shared/passkeys-directory)

DIRECTORY (the 2FA Directory) holds ``entries.json`` (the directory's entries merged into one object keyed
by site name), ``LICENSE.md`` and optionally ``README.md`` naming the upstream commit. PASSKEYS (the
Passkeys Directory) holds ``entries/<letter>/<domain>.json``, one site per file, ``LICENSE.md`` (CC BY
4.0) and optionally ``README.md`` naming the upstream commit. Re-running on the same input writes
identical files.
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

from reuse_audit.services.catalogue import (  # noqa: E402
    DIRECTORY_LICENCE_FILE,
    PASSKEYS_FILE,
    PASSKEYS_LICENCE_FILE,
    SERVICES_FILE,
)
from reuse_audit.services.directory import build_catalogue  # noqa: E402
from reuse_audit.services.passkeys_directory import build_passkeys, licence_notice  # noqa: E402

DEFAULT_SOURCE = Path("/work/shared/2fa-directory")
DEFAULT_PASSKEYS = Path("/work/shared/passkeys-directory")
DATA = REPO / "reuse_audit" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--passkeys", type=Path, default=DEFAULT_PASSKEYS)
    args = parser.parse_args(argv)
    source_dir: Path = args.directory

    entries = json.loads((source_dir / "entries.json").read_text(encoding="utf-8"))
    commit = _commit(source_dir)
    source = {
        "name": "2FA Directory",
        "url": "https://github.com/2factorauth/twofactorauth",
        "licence": f"MIT, see {DIRECTORY_LICENCE_FILE}",
    }
    if commit:
        source["commit"] = commit
    date = _snapshot_date(source_dir)
    if date:
        source["date"] = date  # shown as "as of" where the data says a site offers no second factor

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
    build_passkeys_data(args.passkeys)
    return 0


def _snapshot_date(source_dir: Path) -> str | None:
    """The month of the snapshot, from its README ("..., August 2026)") as YYYY-MM, if it says."""
    readme = source_dir / "README.md"
    if not readme.is_file():
        return None
    months = ("january february march april may june july august september october november december").split()
    found = re.search(r"\b(" + "|".join(months) + r")\s+(\d{4})\b", readme.read_text(encoding="utf-8"), re.I)
    return f"{found.group(2)}-{months.index(found.group(1).lower()) + 1:02d}" if found else None


def _commit(source_dir: Path) -> str | None:
    """The upstream commit a data copy's README names, if any."""
    readme = source_dir / "README.md"
    found = re.search(r"\b[0-9a-f]{40}\b", readme.read_text(encoding="utf-8")) if readme.exists() else None
    return found.group(0) if found else None


def build_passkeys_data(source_dir: Path) -> None:
    """Write ``passkeys.json`` (one site per line) and its credit and licence notice."""
    entries = {path.stem: json.loads(path.read_text(encoding="utf-8"))
               for path in sorted((source_dir / "entries").glob("*/*.json"))}
    source = {
        "name": "Passkeys Directory",
        "url": "https://passkeys.2fa.directory",
        "repository": "https://github.com/2factorauth/passkeys",
        "licence": f"CC BY 4.0, see {PASSKEYS_LICENCE_FILE}",
    }
    commit = _commit(source_dir)
    if commit:
        source["commit"] = commit
    data = build_passkeys(entries, source=source)
    head = {k: v for k, v in data.items() if k != "sites"}
    lines = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in data["sites"]]
    out = DATA / PASSKEYS_FILE
    out.write_text(json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',\n"sites":[\n'
                   + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    licence = (source_dir / "LICENSE.md").read_text(encoding="utf-8")
    (DATA / PASSKEYS_LICENCE_FILE).write_text(licence_notice(licence, source), encoding="utf-8")
    print(f"{out.relative_to(REPO)}: {len(data['sites'])} sites, {out.stat().st_size} bytes", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
