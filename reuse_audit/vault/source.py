"""The vault source: turns an unlocked KDBX tree into credentials (references resolved, Recycle Bin left out)."""

from __future__ import annotations

import base64
import binascii
import re
import struct
import sys
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from reuse_audit.credentials import Credential, SkippedEntry, SkipReason, VaultContents
from reuse_audit.redact import Redactor
from reuse_audit.secret import Secret
from reuse_audit.vault.history import EntryHistory, Version, read_history
from reuse_audit.vault.kdf import KdfProgress
from reuse_audit.vault.unlock import UnlockedVault, VaultKey, unlock

_REF = re.compile(r"\{REF:([TUPAN])@([TUPANI]):([^}]*)\}", re.IGNORECASE)
_FIELD = {"T": "Title", "U": "UserName", "P": "Password", "A": "URL", "N": "Notes"}
_FIELD_NAMES = frozenset(_FIELD.values())
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
_OTP_FIELDS = ("otp", "totp", "timeotp-secret", "timeotp-secret-base32", "timeotp-secret-hex",
               "timeotp-secret-base64", "hmacotp-secret", "hmacotp-secret-base32", "hmacotp-secret-hex",
               "hmacotp-secret-base64", "totp seed")
_PASSKEY_PREFIX = "KPEX_PASSKEY_"  # KeePassXC's passkey attributes (credential id, key, relying party, ...)
_TIMES_READ = frozenset({"CreationTime", "LastModificationTime", "ExpiryTime", "Expires"})  # of an entry's Times
POLL_EVERY = 256  # entries: a few milliseconds
_EMAIL_FIELDS = ("email", "e-mail", "mail", "email address", "メール", "メールアドレス")


class PasswordSink(Protocol):
    """Takes the vault's passwords while it is read (:func:`load_vault`)."""

    def add(self, password: str) -> None: ...

    def flush(self) -> None:
        """Every entry has been read."""

    def poll(self) -> None:
        """Called every few hundred entries while they become credentials, after :meth:`flush`."""


def load_vault(path: Path, key: VaultKey, progress: KdfProgress | None = None,
               passwords: PasswordSink | None = None) -> VaultContents:
    """Unlock ``path`` and return its credentials. Raises VaultError (one line) when it cannot.

    ``progress(done, total)`` reports the key derivation (for a progress bar on a terminal). ``passwords`` is
    given each entry's current password (not history's) as soon as it is decrypted, where it is a password as it
    stands (no field reference), the Recycle Bin's and excluded entries' included, a password maybe more than
    once; then flushed before the entries become credentials.
    """
    read_entry = _entry_alone
    if passwords is not None:
        sink = passwords

        def read_entry(e: Any) -> _RawEntry:
            raw = _entry_alone(e)
            password = raw.strings.get("Password")
            if password and ("{" not in password or _REF.search(password) is None):
                sink.add(password)
            return raw

    vault = unlock(path, key, progress, read_entry=read_entry)  # entries read as they are parsed, then freed
    if passwords is None:
        return read_contents(vault, path, key.password)
    passwords.flush()
    return read_contents(vault, path, key.password, passwords.poll)


def normalise_uuid(text: str) -> str | None:
    """Canonical lowercase hyphenated form of a hyphenated or 32-hex uuid, or None if it is not one."""
    t = text.strip().strip("{}")
    if not re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", t):
        return None
    return str(uuidlib.UUID(t))


@dataclass
class _RawEntry:
    uuid: str
    strings: dict[str, str]
    group: str
    in_recycle_bin: bool
    times: dict[str, str]
    custom_data: dict[str, str]
    quality_check: bool
    tags: tuple[str, ...]
    history: list[tuple[str, str | None, tuple[str, ...]]]  # (password, LastModificationTime, tags) as listed


def read_contents(vault: UnlockedVault, path: Path, master: Secret | None,
                  poll: Callable[[], None] | None = None) -> VaultContents:
    """Read every entry of an unlocked vault into credentials and skipped entries; ``poll()`` is called every
    :data:`POLL_EVERY` entries."""
    root = vault.kp.tree.getroot()
    kdbx4 = vault.version.startswith("4")
    recycle_uuid = _text(root.find("Meta/RecycleBinUUID"))
    root_group = root.find("Root/Group")
    raw: list[_RawEntry] = []
    read: dict[Any, list[_RawEntry]] = {}  # group element -> its entries read while parsing, in document order
    for group_el, entry in vault.kp.entries or ():
        read.setdefault(group_el, []).append(entry)
    if root_group is not None:
        for group_el, gpath, in_bin in _walk_groups(root_group, recycle_uuid):
            for e in group_el.findall("Entry"):
                raw.append(_read_entry(e, gpath, in_bin))
            for r in read.get(group_el, ()):
                r.group, r.in_recycle_bin = gpath, in_bin
                raw.append(r)
    del read

    by_uuid = {r.uuid: r for r in raw}
    live = [r for r in raw if not r.in_recycle_bin]
    resolver = _Resolver(live, by_uuid)
    hide = _redactor(raw, resolver, master)
    hidden: dict[str, str] = {}

    def hide_repeated(text: str) -> str:
        """Group paths and tags repeat across entries: each is looked through once."""
        shown = hidden.get(text)
        if shown is None:
            shown = hidden[text] = hide(text)
        return shown

    creds: list[Credential] = []
    skipped: list[SkippedEntry] = []
    for n, r in enumerate(live, 1):
        if poll is not None and n % POLL_EVERY == 0:
            poll()
        title_raw = r.strings.get("Title", "")
        try:
            fields = {k: resolver.resolve(v) for k, v in r.strings.items() if k in _FIELD_NAMES}
        except _RefCycle:
            skipped.append(SkippedEntry(r.uuid, hide(title_raw), SkipReason.UNREADABLE))
            continue
        lower_keys = {k.lower(): k for k in r.strings}
        email = next((r.strings[lower_keys[k]] for k in _EMAIL_FIELDS if k in lower_keys), "")
        clear = (fields.get("Title", ""), fields.get("UserName", ""), fields.get("URL", ""), email.strip())
        shown = (hide(clear[0]), hide(clear[1]), hide(clear[2]), hide(clear[3]))
        title = shown[0]
        password = fields.get("Password", "")
        if not password:
            skipped.append(SkippedEntry(r.uuid, title, SkipReason.EMPTY_PASSWORD))
            continue
        linked = _exact_reference_target(r.strings.get("Password", ""), resolver)
        has_otp = any(k in lower_keys for k in _OTP_FIELDS)
        expires = None
        if r.times.get("Expires", "").lower() == "true":
            expires = _parse_time(r.times.get("ExpiryTime"), kdbx4)
        created = _parse_time(r.times.get("CreationTime"), kdbx4)
        modified = _parse_time(r.times.get("LastModificationTime"), kdbx4)
        excluded = (not r.quality_check) or r.custom_data.get("KnownBad", "").lower() == "true"
        history = _entry_history(r, resolver, password, created, modified, kdbx4)
        creds.append(Credential(
            uuid=r.uuid, title=title, username=shown[1], url=shown[2],
            group=hide_repeated(r.group), password=Secret(password), has_otp=has_otp, excluded=excluded,
            linked_to=linked,
            has_passkey=any(k.upper().startswith(_PASSKEY_PREFIX) for k in r.strings),
            expires=expires, created=created, modified=modified, password_since=history.password_since,
            email=shown[3], clear=None if shown == clear else clear, tags=tuple(hide_repeated(t) for t in r.tags),
            history=history.runs,
            history_reach=history.reach, tags_since=tuple((hide_repeated(t), at) for t, at in history.tags_since),
        ))
    return VaultContents(
        path=str(path), kdbx_version=vault.version, entries_total=len(live),
        credentials=tuple(creds), skipped=tuple(skipped), master_password=master, redact=hide,
        master_key_changed=_parse_time(_text(root.find("Meta/MasterKeyChanged")), kdbx4),
        root_uuid=_uuid(_text(root_group.find("UUID"))) if root_group is not None else "",
    )


def _redactor(raw: list[_RawEntry], resolver: _Resolver, master: Secret | None) -> Redactor:
    """Every password the vault holds (Recycle Bin and history included) and the master password."""
    secrets: set[str] = set()
    for r in raw:
        for value in [r.strings.get("Password", "")] + [pw for pw, _t, _tags in r.history]:
            secrets.add(value)
            try:
                secrets.add(resolver.resolve(value))
            except _RefCycle:
                pass
    if master is not None:
        secrets.add(master.reveal())
    return Redactor(s for s in secrets if not s.startswith("{REF:"))


def _walk_groups(group: Any, recycle_uuid: str, prefix: str = "", in_bin: bool = False,
                 is_root: bool = True) -> Iterator[tuple[Any, str, bool]]:
    name = _text(group.find("Name"))
    here = "" if is_root else (f"{prefix}/{name}" if prefix else name)
    in_bin = in_bin or (bool(recycle_uuid) and _text(group.find("UUID")) == recycle_uuid)
    yield group, here, in_bin
    for child in group.findall("Group"):
        yield from _walk_groups(child, recycle_uuid, here, in_bin, False)


def _read_entry(e: Any, gpath: str, in_bin: bool) -> _RawEntry:
    """One pass over the entry's own children (a find per field costs more on large vaults)."""
    strings: dict[str, str] = {}
    times: dict[str, str] = {}
    custom: dict[str, str] = {}
    qc = True
    tags: tuple[str, ...] = ()
    history: list[tuple[str, str | None, tuple[str, ...]]] = []
    uuid = ""
    for child in e:
        tag = child.tag
        if tag == "String":
            k, v = _key_value(child)
            strings[sys.intern(k)] = _text(v)  # keys repeat in every entry: one string each
        elif tag == "UUID":
            uuid = _uuid(_text(child))
        elif tag == "Times":
            times = {sys.intern(c.tag): _text(c) for c in child if c.tag in _TIMES_READ}
        elif tag == "CustomData":
            for item in child:
                ck, cv = _key_value(item)
                custom[ck] = _text(cv)
        elif tag == "QualityCheck":
            qc = _text(child).lower() != "false"
        elif tag == "Tags":
            tags = _tags(_text(child))
        elif tag == "History":
            history = [_history_version(h) for h in child if h.tag == "Entry"]
    return _RawEntry(uuid, strings, gpath, in_bin, times, custom, qc, tags, history)


def _entry_alone(e: Any) -> _RawEntry:
    """An entry read while the vault is parsed; its group and Recycle Bin flag are set once the groups are known."""
    return _read_entry(e, "", False)


def _key_value(el: Any) -> tuple[str, Any]:
    key, value = "", None
    for c in el:
        if c.tag == "Key":
            key = _text(c)
        elif c.tag == "Value":
            value = c
    return key, value


def _tags(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in re.split(r"[;,]", text) if x.strip())


def _history_version(h: Any) -> tuple[str, str | None, tuple[str, ...]]:
    password, modified = "", None
    tags: tuple[str, ...] = ()
    for c in h:
        if c.tag == "String":
            k, v = _key_value(c)
            if k == "Password":
                password = _text(v)
        elif c.tag == "Times":
            lm = c.find("LastModificationTime")
            modified = None if lm is None else _text(lm)
        elif c.tag == "Tags":
            tags = _tags(_text(c))
    return password, modified, tags


class _RefCycle(Exception):
    pass


class _Resolver:
    """Resolves KeePass {REF:F@S:text} placeholders recursively; a cycle raises _RefCycle."""

    def __init__(self, entries: list[_RawEntry], by_uuid: dict[str, _RawEntry]) -> None:
        self.entries = entries
        self.by_uuid = by_uuid

    def target(self, search_in: str, text: str) -> _RawEntry | None:
        s = search_in.upper()
        if s == "I":
            u = normalise_uuid(text)
            return None if u is None else self.by_uuid.get(u)
        field = _FIELD[s]
        needle = text.lower()
        return next((e for e in self.entries if needle in e.strings.get(field, "").lower()), None)

    def resolve(self, value: str, depth: int = 0, seen: frozenset[str] = frozenset()) -> str:
        if "{" not in value:
            return value

        def sub(m: re.Match[str]) -> str:
            tgt = self.target(m.group(2), m.group(3))
            if tgt is None:
                return m.group(0)  # KeePass leaves an unresolvable reference as it is
            key = f"{tgt.uuid}/{m.group(1).upper()}"
            if key in seen or depth > 20:
                raise _RefCycle
            return self.resolve(tgt.strings.get(_FIELD[m.group(1).upper()], ""), depth + 1, seen | {key})

        return _REF.sub(sub, value)


def _exact_reference_target(raw_password: str, resolver: _Resolver) -> str | None:
    m = _REF.fullmatch(raw_password.strip())
    if not m or m.group(1).upper() != "P":
        return None
    tgt = resolver.target(m.group(2), m.group(3))
    return None if tgt is None else tgt.uuid


def _entry_history(r: _RawEntry, resolver: _Resolver, current: str, created: datetime | None,
                   modified: datetime | None, kdbx4: bool) -> EntryHistory:
    """The entry's versions (history items, then the entry itself) read by :func:`read_history`."""
    versions = []
    for password, when, tags in r.history:
        try:
            resolved = resolver.resolve(password)
        except _RefCycle:
            resolved = password  # a cycle in an old version: compare it as written (it matches nothing)
        versions.append(Version(resolved, _parse_time(when, kdbx4), tags))
    return read_history(versions, Version(current, modified, r.tags), created)


def _parse_time(text: str | None, kdbx4: bool) -> datetime | None:
    if not text:
        return None
    try:
        if kdbx4 and not text.endswith("Z") and "-" not in text[:5]:
            (secs,) = struct.unpack("<q", binascii.a2b_base64(text)[:8].ljust(8, b"\0"))
            return _EPOCH + timedelta(seconds=secs)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError, struct.error):
        return None


def _uuid(b64: str) -> str:
    try:
        return str(uuidlib.UUID(bytes=base64.b64decode(b64)))
    except ValueError:
        return b64


def _text(el: Any) -> str:
    if el is None or el.text is None:
        return ""
    return str(el.text)


def hiding_also(contents: VaultContents, secrets: Iterable[str]) -> VaultContents:
    """``contents`` with ``secrets`` (a password the user typed, which no entry holds) hidden as the vault's own
    passwords are: in every field shown, and by its redactor from now on. The fields as the vault holds them stay
    for matching and look-ups (``Credential.clear``)."""
    from dataclasses import replace

    extra = tuple(s for s in secrets if s)
    if not extra:
        return contents
    more = Redactor(extra)
    creds = []
    for c in contents.credentials:
        shown = (more(c.title), more(c.username), more(c.url), more(c.email))
        clear = c.clear or (c.title, c.username, c.url, c.email)
        creds.append(replace(c, title=shown[0], username=shown[1], url=shown[2], email=shown[3],
                             clear=None if shown == clear else clear, group=more(c.group),
                             tags=tuple(more(t) for t in c.tags),
                             tags_since=tuple((more(t), at) for t, at in c.tags_since)))
    skipped = tuple(replace(s, title=more(s.title)) for s in contents.skipped)
    return replace(contents, credentials=tuple(creds), skipped=skipped, redact=contents.redact.also(extra))
