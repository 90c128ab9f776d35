"""Mailbox sources: mbox, Maildir, a directory of .eml files, a single .eml, and bad input."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from reuse_audit.bounces.sources import (
    EmlFilesSource,
    MaildirSource,
    MailSource,
    MailSourceError,
    MboxSource,
    open_source,
)
from tests.bounces.bounce_factory import make_bounce, ordinary_mail


def _messages() -> list[bytes]:
    return [ordinary_mail(1), make_bounce(), ordinary_mail(2)]


def _read(source: MailSource) -> list[bytes]:
    return [m.full() for m in source.messages()]


def test_mbox_file_yields_every_message_header_first(tmp_path: Path) -> None:
    path = tmp_path / "Inbox"
    box = mailbox.mbox(path)
    for raw in _messages():
        box.add(raw)
    box.flush()
    source = open_source(str(path))
    assert isinstance(source, MboxSource)
    items = [(m.headers, m.full()) for m in source.messages()]
    assert len(items) == 3
    headers, full = items[1]
    assert headers.startswith(b"Return-Path: <>")
    assert b"spam body" not in headers
    assert b"spam body" in full


def test_maildir_yields_every_message(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    for raw in _messages():
        box.add(raw)
    source = open_source(str(tmp_path / "Mail"))
    assert isinstance(source, MaildirSource)
    assert len(_read(source)) == 3


def test_directory_of_eml_files(tmp_path: Path) -> None:
    for n, raw in enumerate(_messages()):
        (tmp_path / f"{n}.eml").write_bytes(raw)
    (tmp_path / "notes.txt").write_text("not mail")
    source = open_source(str(tmp_path))
    assert isinstance(source, EmlFilesSource)
    assert len(_read(source)) == 3


def test_single_eml_file(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(make_bounce())
    assert len(_read(open_source(str(path)))) == 1


def test_empty_file_is_an_empty_mbox(tmp_path: Path) -> None:
    path = tmp_path / "Sent"
    path.write_bytes(b"")
    assert _read(open_source(str(path))) == []


@pytest.mark.parametrize("spec", ["/nonexistent/mbox", "imap://host/INBOX", "imaps://:99999/INBOX"])
def test_bad_sources_raise_mail_source_error(spec: str) -> None:
    with pytest.raises(MailSourceError):
        open_source(spec)


def test_directory_without_mail_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MailSourceError, match="no Maildir"):
        open_source(str(tmp_path))


@pytest.mark.parametrize("kind", ["mbox", "maildir", "eml"])
def test_a_huge_bounce_is_read_only_as_far_as_imap_would_fetch_it(kind: str, tmp_path: Path) -> None:
    """The notice and the DSN come first; a 4 MB returned attachment is not read (a 113 MB bounce took 1 GB)."""
    from reuse_audit.bounces.detect import Bounce, parse_headers, read_message, screen
    from reuse_audit.bounces.sources import IMAP_BODY_LIMIT

    raw = make_bounce().replace(b"spam body\r\n", b"spam body\r\n" + b"A" * 76 + b"\r\n") \
        .replace(b"spam body\r\n", b"spam body\r\n" + (b"B" * 76 + b"\r\n") * 52_000)
    if kind == "mbox":
        box = mailbox.mbox(tmp_path / "Inbox")
        box.add(raw)
        box.flush()
        source = open_source(str(tmp_path / "Inbox"))
    elif kind == "maildir":
        box = mailbox.Maildir(tmp_path / "Maildir")
        box.add(raw)
        source = open_source(str(tmp_path / "Maildir"))
    else:
        (tmp_path / "big.eml").write_bytes(raw)
        source = open_source(str(tmp_path / "big.eml"))
    [(message, full)] = [(m, m.full()) for m in source.messages()]  # read while the mailbox is open
    assert len(raw) > 4_000_000 and len(full) <= len(message.headers) + IMAP_BODY_LIMIT
    headers = parse_headers(message.headers)
    assert isinstance(read_message(full, headers, screen(headers)), Bounce)
