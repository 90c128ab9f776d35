"""The bundled demo vault (admin@aaa.jp's story) and its offline Pwned Passwords excerpt."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from reuse_audit.credentials import VaultContents
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey

#: Documented in the README: the demo vault's master password.
DEMO_MASTER_PASSWORD = "aaa-demo-2026"


@contextlib.contextmanager
def demo_paths() -> Iterator[tuple[Path, Path]]:
    """Filesystem paths of the demo vault and its breach-corpus excerpt (a sorted HASH:COUNT file).

    The excerpt is verified whole here (it is tiny) and trusted for this process only, as `hibp verify`
    would: a miss in it is then "not found", and nothing is written to the user's cache.
    """
    from reuse_audit.exposure.verify import trust_for_this_process

    data = resources.files("reuse_audit") / "data"
    with resources.as_file(data / "demo.kdbx") as vault, \
            resources.as_file(data / "demo-pwned-excerpt.txt") as pwned:
        trust_for_this_process(pwned)
        yield vault, pwned


def demo_vault(path: Path) -> VaultContents:
    """Open the demo vault with its documented master password."""
    return load_vault(path, VaultKey(Secret(DEMO_MASTER_PASSWORD), None))
