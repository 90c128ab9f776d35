"""Read a returned original's ``Received:`` chain, and decide which of its hops can be believed.

Every hop is written by the server that received the message (its ``by`` part) about the client that sent it
(its ``from`` part). A server's view of its client is only as good as the server: the topmost hop was
written on the bounce's side and is believed; a hop below it is believed when the believed hop above
*vouches* for it, i.e. the client that hop saw (its verified reverse-DNS name or its IP address) is the
server that wrote the lower hop. Spamware writes made-up hops below the first real one; they are never
vouched for, so they are never believed, whatever host names they carry.

Formats read: Postfix, sendmail, Exim, qmail, Microsoft Exchange, Courier, Oracle/Sun Messaging Server,
Gmail and webmail (HTTP) hops. Nothing here raises on odd input: an unreadable line is a hop with no names.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_KEYWORDS = frozenset({"from", "by", "via", "with", "id", "for", "over", "whith"})
_IP_IN_BRACKETS = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)(?:%\w+)?\]")
_BARE_IP = re.compile(r"^\(?(?:IPv6:)?([0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)(?:%\w+)?\)?$")
_HOST = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$")
# Authentication markers (RFC 3848 protocol names, and each MTA's own comment) and the identity they name.
_AUTH_PROTOCOL = re.compile(r"^(?:e?smtps?a|utf8smtps?a|lmtps?a|esmtpsa|asmtp)$", re.I)
_AUTH_COMMENT = re.compile(r"\(authenticated bits=\d+\)|\(authenticated\)|\bsmtp\.auth=|\bauthenticated (?:as|user)\b"
                           r"|\(Authenticated sender:|\(AUTH: |MUA/Third Party Client", re.I)
_AUTH_IDENTITY = (
    re.compile(r"\(Authenticated sender:\s*<?([^)\s>]+)>?\s*\)", re.I),
    re.compile(r"\bsmtp\.auth=([^\s;)]+)", re.I),
    re.compile(r"\(AUTH: \w+ ([^,\s)]+)", re.I),
    re.compile(r"\bauthenticated (?:as|user)\s+<?([^\s)>]+)", re.I),
    re.compile(r"\bauth=([^\s;)]+@[^\s;)]+)", re.I),
)
_HTTP_PROTOCOLS = frozenset({"http", "https", "httprest", "httpsrest", "http/1.1", "webmail"})
_HTTP_MARK = re.compile(r"\bvia\s+https?\b|\bwith\s+https?\b|\(Horde Framework\)|\bSquirrelMail\b|"
                        r"\bRoundcube\b|\bwebmail\b.*\bwith HTTP", re.I)
_INTERNAL_NETS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "::1/128", "fc00::/7", "fe80::/10",
))
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "::1"})
_PLAIN_SMTP = frozenset({"smtp", "esmtp", "esmtps", "utf8smtp", "utf8smtps"})


@dataclass(frozen=True)
class Hop:
    """One ``Received:`` line, read: who wrote it (``by``), about which client (``from``), and how."""

    line: str
    by: str | None = None          # the writing server's name (or an IP literal)
    by_ip: str | None = None       # the writing server's address, when it gave one
    claimed: str | None = None     # the name the client claimed (HELO), unverified
    rdns: str | None = None        # the client's name as the writing server verified it
    ip: str | None = None          # the client's address as the writing server saw it
    protocol: str = ""             # first word after ``with`` (lower-case)
    auth: bool = False             # the writer says the client logged in
    auth_identity: str | None = None
    http: bool = False             # a webmail hop: the client used a web browser
    unknown_client: bool = False   # the client had no name: "unknown", or a bare machine name as its HELO
    has_from: bool = False

    @property
    def internal(self) -> bool:
        """The client is the writing server itself or its private network (loopback, RFC 1918, ULA)."""
        if self.ip is not None:
            return is_internal_ip(self.ip)
        names = {n for n in (self.claimed, self.rdns) if n}
        return bool(names) and names <= _LOCAL_NAMES

    @property
    def plain_smtp(self) -> bool:
        """Received over SMTP as one server from another writes it (not Exchange's internal, HTTP or local)."""
        return self.protocol in _PLAIN_SMTP

    @property
    def client_names(self) -> frozenset[str]:
        """Names and address of the client that the writing server itself established."""
        names = {n for n in (self.rdns, self.ip) if n}
        if self.internal and self.claimed:
            names.add(self.claimed)  # a hand-off inside one site: the writer knows its own machines
        return frozenset(names)


@dataclass(frozen=True)
class ChainHop:
    """A hop of the chain with what can be believed of it."""

    hop: Hop
    trusted: bool
    writer: frozenset[str]  # the names of the server that wrote it, as far as they are believed


@lru_cache(maxsize=4096)
def is_internal_ip(value: str) -> bool:
    """Loopback, private (RFC 1918, CGNAT, ULA) and link-local addresses; never the documentation ranges."""
    try:
        address = ipaddress.ip_address(value.split("%")[0])
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in _INTERNAL_NETS)


def _ip(value: str) -> str | None:
    match = _BARE_IP.match(value.strip())
    candidate = match.group(1) if match else value.strip().strip("[]").removeprefix("IPv6:")
    try:
        return str(ipaddress.ip_address(candidate.split("%")[0]))
    except ValueError:
        return None


def _host(value: str) -> str | None:
    text = value.strip().strip("[]()<>").rstrip(".").lower()
    if not text:
        return None
    address = _ip(text)
    if address is not None:
        return address
    return text if _HOST.match(text) else None


def _tokens(text: str) -> list[tuple[str, str]]:
    """Top-level words and parenthesised comments, in order: ("w", word) or ("c", comment)."""
    out: list[tuple[str, str]] = []
    depth = 0
    current: list[str] = []
    comment: list[str] = []
    for char in text:
        if char == "(":
            if depth == 0 and current:
                out.append(("w", "".join(current)))
                current = []
            depth += 1
            if depth > 1:
                comment.append(char)
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                out.append(("c", "".join(comment)))
                comment = []
            else:
                comment.append(char)
        elif depth > 0:
            comment.append(char)
        elif char.isspace():
            if current:
                out.append(("w", "".join(current)))
                current = []
        else:
            current.append(char)
    if current:
        out.append(("w", "".join(current)))
    if comment:
        out.append(("c", "".join(comment)))
    return out


def _strip_date(line: str) -> str:
    depth = 0
    cut = len(line)
    for index, char in enumerate(line):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            cut = index
    return line[:cut]


def _sections(tokens: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for kind, value in tokens:
        if kind == "w" and value.lower() in _KEYWORDS and value.lower() not in sections:
            current = sections.setdefault(value.lower(), [])
            continue
        if current is not None:
            current.append((kind, value))
    return sections


def _read_from(items: list[tuple[str, str]]) -> tuple[str | None, str | None, str | None, bool]:
    """(claimed, rdns, ip, unknown_client) from the ``from`` section.

    The writer's comment is authoritative ("from HELO (RDNS [IP])" in Postfix and sendmail, "from RDNS ([IP]
    helo=X)" in Exim, "from RDNS (HELO X) (IP)" in qmail, "from HELO (IP)" in Exchange); the first word is
    what the client claimed, except in Exim's and qmail's formats where it is the verified name.
    """
    words = [v for k, v in items if k == "w"]
    comments = [v.strip() for k, v in items if k == "c"]
    claimed: str | None = None
    word_ip: str | None = None
    if words:
        address = _ip(words[0])
        if address is not None:
            word_ip = address
        else:
            claimed = _host(words[0])
        for word in words[1:]:  # "from relay3.example.co.jp [192.0.2.10] by ..."
            found = _IP_IN_BRACKETS.search(word)
            if found and word_ip is None:
                word_ip = _ip(found.group(1))
    rdns: str | None = None
    ip: str | None = None
    unknown = False
    qmail_style = any(c.upper().startswith(("HELO ", "EHLO ")) for c in comments)
    for text in comments:
        bracket = _IP_IN_BRACKETS.search(text)
        if bracket is None:
            address = _ip(text)
            if address is not None and ip is None:
                ip = address  # Exchange "(192.0.2.1)", qmail "(192.0.2.1)"
            continue
        if ip is None:
            ip = _ip(bracket.group(1))
        if "may be forged" in text.lower():
            continue
        before = text[: bracket.start()].split()
        name = before[-1] if before else ""
        if name.lower() == "unknown":
            unknown = True
        elif name and "=" not in name:
            rdns = rdns or _host(name)
        elif not name and claimed is not None and "." in claimed:
            rdns = rdns or claimed  # Exim: "from NAME ([IP])" or "from NAME ([IP] helo=X)"
    if ip is None:
        ip = word_ip
    if claimed == "unknown":
        unknown, claimed = True, None
    elif qmail_style and claimed is not None and rdns is None:
        rdns = claimed
    if rdns == "unknown":
        unknown, rdns = True, None
    if rdns is None and claimed is not None and "." not in claimed and ip is not None:
        unknown = True  # a bare machine name ("User-PC") and no name the server could look up
    return claimed, rdns, ip, unknown


def _auth(line: str, protocol: str) -> tuple[bool, str | None]:
    identity = None
    for pattern in _AUTH_IDENTITY:
        match = pattern.search(line)
        if match:
            identity = match.group(1).strip("<>\"'").rstrip(".,").lower() or None
            break
    marked = bool(_AUTH_PROTOCOL.match(protocol)) or bool(_AUTH_COMMENT.search(line)) or identity is not None
    return marked, identity


@lru_cache(maxsize=8192)
def parse_hop(line: str) -> Hop:
    """Read one ``Received:`` value (folded or not); never raises."""
    text = " ".join(line.split())
    body = _strip_date(text)
    sections = _sections(_tokens(body))
    by = by_ip = None
    by_items = sections.get("by", [])
    by_words = [v for k, v in by_items if k == "w"]
    if by_words:
        if by_words[0].lower() == "host" and len(by_words) > 1:  # "by host email.example.jp" (IndiMail)
            by_words = by_words[1:]
        by = _host(by_words[0])
        if by is not None and _ip(by):
            by_ip = by
    for kind, value in by_items:
        if kind == "c" and by_ip is None:
            bracket = _IP_IN_BRACKETS.search(value)
            by_ip = _ip(bracket.group(1)) if bracket else _ip(value)
    claimed = rdns = ip = None
    unknown = False
    has_from = "from" in sections and bool(sections["from"])
    if has_from:
        claimed, rdns, ip, unknown = _read_from(sections["from"])
    with_words = [v for k, v in sections.get("with", []) if k == "w"]
    protocol = with_words[0].lower() if with_words else ""
    via_words = [v.lower() for k, v in sections.get("via", []) if k == "w"]
    auth, identity = _auth(text, protocol)
    http = protocol in _HTTP_PROTOCOLS or (via_words[:1] in (["http"], ["https"])) or bool(
        _HTTP_MARK.search(text) and (protocol.startswith("http") or "via http" in text.lower()))
    return Hop(text, by, by_ip, claimed, rdns, ip, protocol, auth, identity, http, unknown, has_from)


def _same_site(a: str, b: str, site: Callable[[str], str]) -> bool:
    return site(a) == site(b)


def _vouches(upper: Hop, lower: Hop, site: Callable[[str], str]) -> bool:
    """Whether the believed ``upper`` hop says the message came from the server that wrote ``lower``."""
    if lower.by is None and lower.by_ip is None:
        return False
    if not upper.has_from:
        # "by 10.37.47.81 with SMTP id …" (a site's internal step): it vouches for its own site only.
        if upper.by is None or lower.by is None:
            return False
        return (upper.by_ip is not None and is_internal_ip(upper.by_ip)) or _same_site(upper.by, lower.by, site)
    seen = upper.client_names
    if lower.by is not None and lower.by in seen:
        return True
    if lower.by_ip is not None and lower.by_ip in seen:
        return True
    # An internal hand-off between two machines of one site ("from smtp (10.0.0.5) by out"):
    return upper.internal and lower.by is not None and upper.by is not None and _same_site(upper.by, lower.by, site)


def chain(received: Sequence[str], site: Callable[[str], str],
          stop_below: Callable[[ChainHop], bool] | None = None) -> list[ChainHop]:
    """The hops top-down, each marked believed or not, with the believed names of its writer.

    The topmost hop is believed; a lower one when the believed hop above vouches for it. ``stop_below``
    is asked about each believed hop: when it answers True, nothing below that hop is believed (the walk
    reached the owner's provider and left it towards the client that wrote everything further down).
    """
    hops = [parse_hop(line) for line in received]
    hops = [h for h in hops if h.by is not None or h.has_from]  # "(qmail 1 invoked from network)": nothing
    out: list[ChainHop] = []
    believed = True
    for index, hop in enumerate(hops):
        if index == 0:
            writer = frozenset(n for n in (hop.by, hop.by_ip) if n)
        elif believed and _vouches(hops[index - 1], hop, site):
            upper = hops[index - 1]
            names = set(upper.client_names) if upper.has_from else set()
            if hop.by is not None and (hop.by in names or upper.internal or not upper.has_from):
                names.add(hop.by)
            if hop.by_ip is not None and hop.by_ip in names:
                names.add(hop.by_ip)
            writer = frozenset(names)
        else:
            believed = False
            writer = frozenset()
        item = ChainHop(hop, believed, writer)
        out.append(item)
        if believed and stop_below is not None and stop_below(item):
            believed = False
    return out
