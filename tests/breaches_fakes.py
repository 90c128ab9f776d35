"""A fake Have I Been Pwned breach-list endpoint on 127.0.0.1: ETag/Last-Modified, scripted failures, a log."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.serving import serving

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "hibp-breaches" / "breaches.json"
ETAG = '"list-v1"'
LAST_MODIFIED = "Mon, 03 Mar 2025 10:00:00 GMT"


def record(name: str, domain: str, when: str, **kw: Any) -> dict[str, Any]:
    """One breach as HIBP lists it (passwords leaked, real, current unless ``kw`` says otherwise)."""
    return {"Name": name, "Title": kw.pop("Title", name), "Domain": domain, "BreachDate": when,
            "AddedDate": kw.pop("AddedDate", "2020-01-02T00:00:00Z"), "ModifiedDate": "2020-01-02T00:00:00Z",
            "PwnCount": 1000, "Description": "<p>A breach.</p>", "LogoPath": "https://example.invalid/x.png",
            "DataClasses": kw.pop("DataClasses", ["Email addresses", "Passwords"]), "IsVerified": True,
            "IsFabricated": False, "IsSensitive": False, "IsRetired": False, "IsSpamList": False, "IsMalware": False,
            "IsSubscriptionFree": False, "IsStealerLog": False, **kw}


SMALL_LIST = [record("Adobe", "adobe.com", "2013-10-04", AddedDate="2013-12-04T00:00:00Z"),
              record("KamomeShop", "kamome-shop.jp", "2015-03-01")]


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FakeBreachApi:
    """Serves ``/api/v3/breaches``; ``statuses`` are answered first, one per request, then the list."""

    body: bytes = field(default_factory=lambda: json.dumps(SMALL_LIST).encode())
    etag: str | None = ETAG
    last_modified: str | None = LAST_MODIFIED
    statuses: list[int] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append(Seen(path, headers))
            status = self.statuses.pop(0) if self.statuses else None
        if status is not None:
            extra = {"Location": "https://elsewhere.example/"} if 300 <= status < 400 else {}
            return status, extra, b"{}"
        if path != "/api/v3/breaches":
            return 404, {}, b"{}"
        validators = {k: v for k, v in (("ETag", self.etag), ("Last-Modified", self.last_modified)) if v}
        if self.etag and headers.get("if-none-match") == self.etag:
            return 304, validators, b""
        return 200, {"Content-Type": "application/json", **validators}, self.body


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        status, headers, body = self.server.api.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: FakeBreachApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


@contextlib.contextmanager
def breach_api(api: FakeBreachApi | None = None) -> Iterator[FakeBreachApi]:
    """Run the fake API for the block; ``api.url`` is the base URL to give as ``--hibp-api-url``."""
    api = api or FakeBreachApi()
    server = _Server(api)
    api.url = f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    with serving(server):
        yield api
