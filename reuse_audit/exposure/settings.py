"""How the exposure check reaches Have I Been Pwned (or its downloaded corpus): one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_HIBP_URL = "https://api.pwnedpasswords.com"
DEFAULT_WORKERS = 16
#: Seconds the whole exposure check may take (`--hibp-deadline`); what is unanswered then is unknown.
DEFAULT_DEADLINE = 60.0
#: Seconds one range request may take in total: connecting, the headers and the whole body.
DEFAULT_REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class ExposureSettings:
    """Where and how to look passwords up; every default is written here once."""

    offline: bool = False
    hibp_url: str = DEFAULT_HIBP_URL
    hibp_file: Path | None = None
    workers: int = DEFAULT_WORKERS
    deadline: float = DEFAULT_DEADLINE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
