"""pycryptodomex's ciphers, loaded through its ctypes back-end.

pycryptodomex calls its C code through cffi when cffi is installed (argon2-cffi brings it), and then parses
the C declarations of every cipher module with pycparser at import: 50-60 ms of every run, a tenth of the
start-up of an audit. Its ctypes back-end, which it uses wherever cffi is absent (and under ``python -OO``),
calls the same C functions with no parsing. The back-end is chosen once, when ``Cryptodome.Util._raw_api``
is first imported: here, with cffi hidden from that one import. Import the ciphers from this module.
"""

from __future__ import annotations

import sys


def _load_ctypes_backend() -> None:
    if "Cryptodome.Util._raw_api" in sys.modules:
        return  # loaded already (by another library): keep its choice
    missing = object()
    cffi = sys.modules.get("cffi", missing)
    sys.modules["cffi"] = None  # type: ignore[assignment]  # `import cffi` raises ImportError meanwhile
    try:
        import Cryptodome.Util._raw_api  # noqa: F401
    finally:
        if cffi is missing:
            del sys.modules["cffi"]
        else:
            sys.modules["cffi"] = cffi  # type: ignore[assignment]


_load_ctypes_backend()

from Cryptodome.Cipher import AES, ChaCha20, Salsa20  # noqa: E402
from Cryptodome.Util.Padding import unpad  # noqa: E402

__all__ = ["AES", "ChaCha20", "Salsa20", "unpad"]
