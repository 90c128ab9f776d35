"""How the exposure check reaches Have I Been Pwned (or its downloaded corpus): one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_HIBP_URL = "https://api.pwnedpasswords.com"
DEFAULT_WORKERS = 16


@dataclass(frozen=True)
class ExposureSettings:
    """Where and how to look passwords up; every default is written here once."""

    offline: bool = False
    hibp_url: str = DEFAULT_HIBP_URL
    hibp_file: Path | None = None
    workers: int = DEFAULT_WORKERS
