"""Shared fixtures: real KDBX files built with pykeepass (cheap KDF), the shared corpus, a pinned CLI."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "kdbx-corpus"
MASTER = "test-master-pw"


@dataclass
class E:
    """An entry to put in a test vault."""

    title: str
    password: str
    username: str = ""
    url: str = ""
    group: str = ""
    otp: str | None = None
    expires: datetime | None = None
    excluded: str | None = None  # "quality" (KDBX 4.1 QualityCheck=False) or "knownbad" (KeePassXC)
    history: list[str] = field(default_factory=list)  # older passwords, oldest first
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    recycle: bool = False


def build_vault(path: Path, entries: Iterable[E], password: str | None = MASTER,
                keyfile: Path | None = None) -> dict[str, str]:
    """Write a KDBX 4 vault with a cheap Argon2 KDF; return {title: uuid}."""
    from pykeepass import create_database

    kp = create_database(str(path), password=password, keyfile=None if keyfile is None else str(keyfile))
    kdf = kp.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 1, 1024 * 1024, 1
    groups: dict[str, Any] = {"": kp.root_group}
    uuids: dict[str, str] = {}
    for spec in entries:
        g = groups.get(spec.group)
        if g is None:
            parent = kp.root_group
            for part in spec.group.split("/"):
                found = next((x for x in parent.subgroups if x.name == part), None)
                parent = found or kp.add_group(parent, part)
            g = groups[spec.group] = parent
        first = spec.history[0] if spec.history else spec.password
        # pykeepass builds XPath from the title: add under a plain one, then set the real title
        e = kp.add_entry(g, f"entry-{len(uuids)}", spec.username, first, url=spec.url or None,
                         tags=spec.tags or None, force_creation=True)
        e.title = spec.title
        for pw in spec.history[1:] + [spec.password] if spec.history else []:
            e.save_history()
            e.password = pw
        if spec.otp:
            e.otp = spec.otp
        if spec.expires:
            e.expires = True
            e.expiry_time = spec.expires
        for k, v in spec.fields.items():
            s = etree.SubElement(e._element, "String")
            etree.SubElement(s, "Key").text = k
            etree.SubElement(s, "Value").text = v
        if spec.excluded == "quality":
            etree.SubElement(e._element, "QualityCheck").text = "False"
        elif spec.excluded == "knownbad":
            cd = e._element.find("CustomData")
            if cd is None:
                cd = etree.SubElement(e._element, "CustomData")
            item = etree.SubElement(cd, "Item")
            etree.SubElement(item, "Key").text = "KnownBad"
            etree.SubElement(item, "Value").text = "true"
        if spec.recycle:
            kp.trash_entry(e)
        uuids[spec.title] = str(e.uuid)
    kp.save()
    return uuids


def leak_needles(passwords: Iterable[str]) -> set[str]:
    """Each password and its SHA-1 (upper/lower, whole and 35-char suffix), as scanned for in outputs."""
    out: set[str] = set()
    for p in passwords:
        if not p:
            continue
        h = hashlib.sha1(p.encode(), usedforsecurity=False).hexdigest()
        out |= {p, h, h.upper(), h[5:], h[5:].upper()}
    return out


def assert_no_leak(text: str, passwords: Iterable[str]) -> None:
    for needle in leak_needles(passwords):
        assert needle not in text, "a password or its SHA-1 appeared in the output"


STORY = [
    E("Mailbox admin", "Kamome2019!", "admin@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
    E("Mailbox info", "Kamome2019!", "info@aaa.jp", "https://webmail.aaa.jp/", "Mail"),
    E("Google", "Kamome2019!", "admin@aaa.jp", "https://accounts.google.com/"),
    E("Twitter", "Kamome2020!", "aaa_jp", "https://x.com/"),
    E("Shop A", "Shop-pass-77", "shopper", "https://a.example/", "Shops"),
    E("Shop B", "Shop-pass-77", "shopper", "https://b.example/", "Shops"),
    E("Forum", "password1", "kamome", "https://forum.example.org/"),
    E("Bank", "Zr4!tW8#pQ2&nL6^xV0s", "1234567", "https://bank.example/", otp="otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"),
    E("Trash", "ftp123", "ftp", recycle=True),
]


@pytest.fixture(autouse=True)
def _small_corpora_may_pass_verify(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole Pwned Passwords corpus has lines in each of the 1,048,576 hash ranges, which `hibp verify` checks;
    the tests' corpora hold a few thousand lines from range 00000 to FFFFF. The range check is off for them
    (in this process), on for the tests about it (marked ``whole_corpus``)."""
    if request.node.get_closest_marker("whole_corpus") is None:
        monkeypatch.setattr("reuse_audit.exposure.verify._Tally._gap_within", staticmethod(lambda *_a: False))
        monkeypatch.setattr("reuse_audit.exposure.verify._Tally._step", lambda *_a: None)


@pytest.fixture(autouse=True)
def _private_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test has its own empty user cache dir (the cached breach list): never the real one, never another
    test's. The variable reaches child processes; the patch survives tests that clear REUSE_AUDIT_*."""
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("REUSE_AUDIT_CACHE_DIR", str(cache))
    monkeypatch.setattr("reuse_audit.breaches.cache.cache_dir", lambda: cache)
    return cache


@pytest.fixture
def story_vault(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "story.kdbx"
    return path, build_vault(path, STORY)


@pytest.fixture
def vault_factory(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(entries: Iterable[E], **kw: Any) -> Path:
        path = tmp_path / f"v{next(counter)}.kdbx"
        build_vault(path, entries, **kw)
        return path

    return make


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "manifest.json").is_file():
        pytest.skip("shared KDBX corpus not present")
    return CORPUS
