"""Where the site-breach check gets Have I Been Pwned's breach list from: one settings object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse_audit.breaches.load import BreachList

#: The HIBP API's base URL (`--hibp-api-url`); the list is ``GET {base}/breaches``, no API key needed.
DEFAULT_HIBP_API_URL = "https://haveibeenpwned.com/api/v3"
#: A cached list older than this is refreshed (a conditional request: usually a 304 of a few bytes).
DEFAULT_MAX_AGE = timedelta(days=1)
#: Seconds one request may take in total (connecting, the headers and the whole body).
DEFAULT_REQUEST_TIMEOUT = 15.0
#: Seconds the whole fetch may take, retry included; then the cached copy is used, or the kind is not checked.
DEFAULT_DEADLINE = 30.0


@dataclass(frozen=True)
class BreachSettings:
    """How to obtain the breach list. ``--offline`` (the exposure settings) allows only the file or the cache.

    ``preloaded``: a list already read (``--breaches-file`` is read once, when the options are checked, so a
    pipe works; `plan` shares the list it resolved ``--breached NAME`` with).
    """

    api_url: str = DEFAULT_HIBP_API_URL
    file: Path | None = None
    max_age: timedelta = DEFAULT_MAX_AGE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    preloaded: BreachList | None = field(default=None, compare=False, repr=False)
