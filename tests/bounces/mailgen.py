"""Seeded test mailboxes modelled on real mail systems (standard library only).

Each scenario of issue 11 is built from the header shapes real software writes: Sent copies from
Thunderbird, Roundcube and Gmail; bounces from Postfix, sendmail, Exim, Exchange Online, Google Workspace,
qmail, Coremail (系统退信, GB2312 HTML), MailEnable, SmarterMail, Barracuda and Kerio, and a Japanese
ISO-2022-JP template; auto-replies in many languages, challenge mails, human replies, receipts, success
notices, DMARC reports and phishing dressed as the mail server. The same seed gives the same bytes.

    scenario = build("webmail_hijack")
    inbox = write(scenario.inbox, tmp_path / "Inbox", "mbox")      # or "maildir", "eml"
    scenario.expected["info@shop.example"]  # (verdict with --sent, verdict without)
"""

from __future__ import annotations

import mailbox
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.header import Header
from pathlib import Path

SHOP = "info@shop.example"
GMAIL = "kenji.owner@gmail.com"
PROVIDER = "mail.shopprovider.example"       # the shop address's provider: submission and outbound
WEBMAIL = "webmail.shopprovider.example"
PROVIDER_IP = "192.0.2.10"
START = datetime(2024, 5, 1, 1, 5, tzinfo=UTC)
FORMATS = ("mbox", "maildir", "eml")
SCENARIOS = ("webmail_hijack", "backscatter", "newsletter", "slow_drip", "two_providers")

ATTACK_SUBJECTS = (
    "DHL Express: Your parcel is on hold",
    "Invoice #{n} is overdue",
    "【重要】お客様のアカウント確認のお願い",
    "Payment for order {n} (re: {victim})",
    "Your Apple ID was used to sign in",
)
SPAM_SUBJECTS = ("Cheap watches {n}", "You won a prize", "Re: your order {n}", "お得な情報 {n}",
                 "Meeting notes", "Verify your wallet {n}")
REMOTE_DOMAINS = ("gmail.com", "yahoo.co.jp", "outlook.com", "docomo.ne.jp", "example.org", "example.net",
                  "biglobe.ne.jp", "nifty.com", "icloud.com", "163.com")


@dataclass
class Scenario:
    """One mailbox situation: the inbox, the Sent folders, and the expected verdict per address."""

    name: str
    me: tuple[str, ...]
    inbox: list[bytes] = field(default_factory=list)
    sent: dict[str, list[bytes]] = field(default_factory=dict)  # folder name -> messages
    expected: dict[str, tuple[str, str]] = field(default_factory=dict)  # address -> (with --sent, without)


def write(messages: Sequence[bytes], path: Path, fmt: str) -> Path:
    """Write ``messages`` as an mbox file, a Maildir or a directory of ``.eml`` files at ``path``."""
    if fmt == "mbox":
        box = mailbox.mbox(str(path))
        for raw in messages:
            box.add(raw)
        box.flush()
        box.close()
    elif fmt == "maildir":
        md = mailbox.Maildir(str(path), create=True)
        for raw in messages:
            md.add(raw)
    elif fmt == "eml":
        path.mkdir(parents=True, exist_ok=True)
        for n, raw in enumerate(messages):
            (path / f"{n:05d}.eml").write_bytes(raw)
    else:
        raise ValueError(fmt)
    return path


def _crlf(text: str, charset: str = "utf-8") -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(charset)


def _encoded(text: str, charset: str = "utf-8") -> str:
    if text.isascii():
        return text
    return Header(text, charset).encode()


class Gen:
    """Random names, addresses, times and identifiers from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._n = 0

    def n(self) -> int:
        self._n += 1
        return self._n

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def queue_id(self) -> str:
        return "".join(self.rng.choice("0123456789ABCDEF") for _ in range(10))

    def ip(self, prefix: str) -> str:
        return f"{prefix}.{self.rng.randint(2, 250)}"

    def victim(self) -> str:
        name = self.rng.choice(("tanaka", "suzuki", "m.sato", "li.wei", "anna", "j.smith", "kobayashi", "nakamura"))
        return f"{name}{self.rng.randint(1, 99999)}@{self.rng.choice(REMOTE_DOMAINS)}"

    def subject(self, pool: Sequence[str], victim: str) -> str:
        return self.rng.choice(pool).format(n=self.rng.randint(1000, 99999), victim=victim)


def _date(when: datetime, tz: str = "+0900") -> str:
    hours = int(tz[:3])
    local = when.astimezone(UTC) + timedelta(hours=hours)
    return local.strftime("%a, %d %b %Y %H:%M:%S ") + tz


# ---------------------------------------------------------------------------------------------- originals
# The returned copy of the mail that bounced: headers (top = most recent hop) and a short body.


def original_webmail(g: Gen, owner: str, to: str, subject: str, when: datetime, login_ip: str,
                     remote_hop: str | None = None) -> str:
    """Sent through the provider's Roundcube after a web login from ``login_ip``."""
    hops = []
    if remote_hop:
        hops.append(f"Received: from {PROVIDER} ({PROVIDER} [{PROVIDER_IP}])\n\tby {remote_hop} with ESMTPS id "
                    f"{g.queue_id()}\n\tfor <{to}>; {_date(when, '+0000')}")
    hops.append(f"Received: from {WEBMAIL} (localhost [127.0.0.1])\n\t(Authenticated sender: {owner})\n\tby "
                f"{PROVIDER} (Postfix) with ESMTPA id {g.queue_id()}\n\tfor <{to}>; {_date(when)}")
    hops.append(f"Received: from {login_ip} ([{login_ip}])\n\tby {WEBMAIL}\n\twith HTTP (HTTP/1.1 POST); "
                f"{_date(when)}")
    return "\n".join(hops) + f"""
MIME-Version: 1.0
Date: {_date(when)}
From: {owner}
To: undisclosed-recipients:;
Subject: {_encoded(subject)}
Message-ID: <{g.hex(32)}@shop.example>
X-Sender: {owner}
User-Agent: Roundcube Webmail/1.6.5
Content-Type: text/plain; charset=US-ASCII; format=flowed
Content-Transfer-Encoding: 7bit

Please open the attached document.
"""


def original_smtp_auth(g: Gen, owner: str, to: str, subject: str, when: datetime, client_ip: str,
                       remote_hop: str | None = None, strip_submission: bool = False,
                       message_id: str | None = None, extra: str = "") -> str:
    """Sent by a mail program logged in to the provider (stolen password, or the owner's own mail)."""
    hops = []
    if remote_hop:
        hops.append(f"Received: from {PROVIDER} ({PROVIDER} [{PROVIDER_IP}])\n\t(using TLSv1.3 with cipher "
                    f"TLS_AES_256_GCM_SHA384 (256/256 bits))\n\tby {remote_hop} (Postfix) with ESMTPS id "
                    f"{g.queue_id()}\n\tfor <{to}>; {_date(when, '+0000')}")
    if not strip_submission:
        hops.append(f"Received: from [192.168.1.{g.rng.randint(2, 200)}] (unknown [{client_ip}])\n\t"
                    f"(Authenticated sender: {owner})\n\tby {PROVIDER} (Postfix) with ESMTPSA id {g.queue_id()}\n\t"
                    f"for <{to}>; {_date(when)}")
    return "\n".join(hops) + f"""
Message-ID: {message_id or f'<{g.hex(8)}-{g.hex(4)}-{g.hex(12)}@shop.example>'}
Date: {_date(when)}
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
From: Shop <{owner}>
To: {to}
Subject: {_encoded(subject)}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit
{extra}
Hello.
"""


def original_bot(g: Gen, owner: str, to: str, subject: str, when: datetime, remote: str, *, forged: bool,
                 dynamic: bool) -> str:
    """Spamware sending straight to the recipient's server with the owner's address as the sender."""
    bot_ip = g.ip("203.0.113")
    if dynamic:
        client = f"{bot_ip.replace('.', '-')}.dyn.broadband.example.net ({bot_ip.replace('.', '-')}.dyn.broadband" \
                 f".example.net [{bot_ip}])"
    else:
        client = f"User-PC (unknown [{bot_ip}])"
    domain = owner.rpartition("@")[2]
    hops = [f"Received: from {client}\n\tby {remote} (Postfix) with ESMTP id {g.queue_id()}\n\tfor <{to}>; "
            f"{_date(when, '+0000')}"]
    if forged:  # spamware's made-up hops, naming the owner's domain, below the first real one
        hops.append(f"Received: from smtp.{domain} (smtp.{domain} [192.0.2.200])\n\t(Authenticated sender: "
                    f"{owner})\n\tby mail.{domain} (Postfix) with ESMTPSA id {g.queue_id()}; {_date(when)}")
        hops.append(f"Received: from [10.0.0.{g.rng.randint(2, 99)}] by smtp.{domain} with HTTP; {_date(when)}")
    return "\n".join(hops) + f"""
From: "{domain}" <{owner}>
To: {to}
Subject: {_encoded(subject)}
Date: {_date(when)}
Message-ID: <{g.hex(16)}@{g.hex(6)}.example>
X-Mailer: Microsoft Outlook Express 6.00.2900.5512
MIME-Version: 1.0
Content-Type: text/html; charset="windows-1252"

<html><body>offer</body></html>
"""


def original_third_party(g: Gen, owner: str, to: str, subject: str, when: datetime, remote: str) -> str:
    """Relayed through someone else's hijacked account at another ISP, the owner's address forged."""
    isp = g.rng.choice(("their-isp.example", "hosting-b.example", "mailhost-c.example"))
    relay_ip = g.ip("192.0.2")
    victim_account = f"user{g.rng.randint(1, 999)}@{isp}"
    domain = owner.rpartition("@")[2]
    return f"""Received: from smtp.{isp} (smtp.{isp} [{relay_ip}])
\tby {remote} (Postfix) with ESMTPS id {g.queue_id()}
\tfor <{to}>; {_date(when, '+0000')}
Received: from [10.1.2.3] (unknown [{g.ip('198.51.100')}])
\t(Authenticated sender: {victim_account})
\tby smtp.{isp} (Postfix) with ESMTPSA id {g.queue_id()};
\t{_date(when, '+0000')}
Received: from mail.{domain} (mail.{domain} [192.0.2.201]) by mx.{domain} with ESMTPA; {_date(when)}
From: {owner}
To: {to}
Subject: {_encoded(subject)}
Date: {_date(when)}
Message-ID: <{g.hex(20)}@{isp}>
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={isp}; s=default; h=from:to:subject; bh=x; b=y
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

cheap pills
"""


def original_gmail(g: Gen, owner: str, to: str, subject: str, when: datetime, message_id: str) -> str:
    """Mail the owner sent from Gmail (their own mail: a mistyped address)."""
    return f"""Received: from [192.168.1.23] (p3054{g.rng.randint(100, 999)}-ipngn.tokyo.example.ne.jp. \
[198.51.100.44])
\tby smtp.gmail.com with ESMTPSA id d2e1a72fcca58-{g.hex(12)}sm{g.rng.randint(1000, 9999)}b3a.12.2024.05.01
\tfor <{to}>
\t(version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128);
\t{_date(when, '-0700')}
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com; s=20230601; h=to:subject:message-id:date:from;
 bh=abc; b=def
Message-ID: {message_id}
Date: {_date(when)}
From: Kenji <{owner}>
To: {to}
Subject: {_encoded(subject)}
Content-Type: text/plain; charset="UTF-8"

Thanks!
"""


# ----------------------------------------------------------------------------------------------- bounces


def postfix_dsn(g: Gen, owner: str, failed: str, original: str, when: datetime, host: str = PROVIDER,
                delayed: bool = False) -> bytes:
    """Postfix's RFC 3464 report (the provider's outbound server could not deliver)."""
    boundary = f"{g.queue_id()}.{int(when.timestamp())}/{host}"
    action, status = ("delayed", "4.4.1") if delayed else ("failed", "5.1.1")
    subject = "Delayed Mail (still being retried)" if delayed else "Undelivered Mail Returned to Sender"
    return _crlf(f"""Return-Path: <>
Delivered-To: {owner}
Received: by {host} (Postfix)
\tid {g.queue_id()}; {_date(when)}
Date: {_date(when)}
From: MAILER-DAEMON@{host} (Mail Delivery System)
Subject: {subject}
To: {owner}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Content-Transfer-Encoding: 8bit
Message-Id: <{g.hex(14)}@{host}>

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {host}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{failed}>: host mx.{failed.rpartition('@')[2]}[203.0.113.5] said: 550 5.1.1
    <{failed}>: Recipient address rejected: User unknown (in reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; {host}
X-Postfix-Queue-ID: {g.queue_id()}
X-Postfix-Sender: rfc822; {owner}
Arrival-Date: {_date(when)}

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.{failed.rpartition('@')[2]}
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown

--{boundary}
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

{original}
--{boundary}--
""")


def sendmail_dsn(g: Gen, owner: str, failed: str, original: str, when: datetime, host: str) -> bytes:
    """sendmail's "Returned mail: see transcript for details"."""
    boundary = f"{g.queue_id()}.{int(when.timestamp())}/{host}"
    return _crlf(f"""Return-Path: <>
Received: from localhost (localhost)
\tby {host} (8.17.1/8.17.1) id {g.queue_id()};
\t{_date(when)}
Date: {_date(when)}
From: Mail Delivery Subsystem <MAILER-DAEMON@{host}>
Message-Id: <{g.queue_id()}@{host}>
To: <{owner}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--{boundary}

The original message was received at {_date(when)}
from [{g.ip('203.0.113')}]

   ----- The following addresses had permanent fatal errors -----
<{failed}>
    (reason: 550 5.1.1 <{failed}>... User unknown)

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; {host}
Received-From-MTA: DNS; [{g.ip('203.0.113')}]
Arrival-Date: {_date(when)}

Final-Recipient: RFC822; {failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: SMTP; 550 5.1.1 <{failed}>... User unknown
Last-Attempt-Date: {_date(when)}

--{boundary}
Content-Type: message/rfc822

{original}
--{boundary}--
""")


def exim_text(g: Gen, owner: str, failed: str, original: str, when: datetime, host: str) -> bytes:
    """Exim's plain-text bounce with the original inline."""
    return _crlf(f"""Return-path: <>
Envelope-to: {owner}
Received: from mailnull by {host} with local (Exim 4.97)
\tid 1s2{g.hex(3)}-{g.hex(6)}-Ab
\tfor {owner}; {_date(when, '+0000')}
X-Failed-Recipients: {failed}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@{host}>
To: {owner}
Content-Type: text/plain; charset=us-ascii
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1s2{g.hex(6)}-{g.hex(6)}-Ab@{host}>
Date: {_date(when, '+0000')}

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {failed}
    host mx.{failed.rpartition('@')[2]} [203.0.113.7]
    SMTP error from remote mail server after RCPT TO:<{failed}>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

{original}""")


def exchange_online_ndr(g: Gen, owner: str, failed: str, original: str, when: datetime) -> bytes:
    """Exchange Online's "Undeliverable:" report, the original's headers as text/rfc822-headers."""
    boundary = f"_000_{g.hex(24)}_"
    server = f"TY{g.rng.randint(1, 9)}PR01MB{g.rng.randint(1000, 9999)}.jpnprd01.prod.outlook.com"
    subject = next((line[9:] for line in original.splitlines() if line.startswith("Subject: ")), "")
    headers = original.split("\n\n", 1)[0]
    return _crlf(f"""Received: from {server} (2603:1096:400:{g.hex(2)}::{g.hex(2)}) by {server}
 with Microsoft SMTP Server id 15.20.7544.41; {_date(when, '+0000')}
MIME-Version: 1.0
From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@partner.example>
To: <{owner}>
Date: {_date(when, '+0000')}
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <{g.hex(8)}-{g.hex(4)}-{g.hex(4)}@{server}>
In-Reply-To: <{g.hex(12)}@shop.example>
Subject: Undeliverable: {subject}
Auto-Submitted: auto-replied

--{boundary}
Content-Type: text/plain; charset="us-ascii"

Your message to {failed} couldn't be delivered.
{failed.partition('@')[0]} wasn't found at {failed.rpartition('@')[2]}.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns;{server}
Received-From-MTA: dns;mx.partner.example
Arrival-Date: {_date(when, '+0000')}

Final-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--{boundary}
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
""")


def google_dsn(g: Gen, owner: str, failed: str, original: str, when: datetime) -> bytes:
    """Gmail / Google Workspace: "Delivery Status Notification (Failure)"."""
    boundary = f"000000000000{g.hex(16)}"
    return _crlf(f"""Return-Path: <>
Received: by 2002:a05:6a10:{g.hex(4)}:b0:{g.hex(3)}:{g.hex(4)}:{g.hex(4)} with SMTP id {g.hex(8)};
        {_date(when, '-0700')}
X-Google-Smtp-Source: AGHT+I{g.hex(20)}
Date: {_date(when, '-0700')}
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {owner}
Auto-Submitted: auto-replied
Message-ID: <{g.hex(20)}@mx.google.com>
Subject: Delivery Status Notification (Failure)
References: <{g.hex(12)}@mail.gmail.com>
Content-Type: multipart/report; boundary="{boundary}"; report-type=delivery-status

--{boundary}
Content-Type: text/plain; charset="UTF-8"

** Address not found **

Your message wasn't delivered to {failed} because the address couldn't be found, or is unable to receive mail.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; {owner}
Arrival-Date: {_date(when, '-0700')}

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.{failed.rpartition('@')[2]}. (203.0.113.9, the server for the domain.)
Diagnostic-Code: smtp; 550 5.1.1 User unknown
Last-Attempt-Date: {_date(when, '-0700')}

--{boundary}
Content-Type: message/rfc822

{original}
--{boundary}--
""")


def qmail_text(g: Gen, owner: str, failed: str, original: str, when: datetime, host: str) -> bytes:
    """qmail's "failure notice"."""
    return _crlf(f"""Return-Path: <>
Received: (qmail {g.rng.randint(1000, 99999)} invoked for bounce); {_date(when, '-0000')}
Date: {_date(when, '-0000')}
From: MAILER-DAEMON@{host}
To: {owner}
Subject: failure notice

Hi. This is the qmail-send program at {host}.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{failed}>:
203.0.113.40 does not like recipient.
Remote host said: 550 5.1.1 <{failed}>: Recipient address rejected: User unknown
Giving up on 203.0.113.40.

--- Below this line is a copy of the message.

{original}""")


def japanese_notice(g: Gen, owner: str, failed: str, original: str, when: datetime, host: str) -> bytes:
    """A Japanese ISP's notice in ISO-2022-JP, the original attached."""
    boundary = f"----_=_NextPart_{g.hex(12)}"
    subject = _encoded("メール配信エラーのお知らせ", "iso-2022-jp")
    notice = (f"お客様が送信されたメールは、以下の宛先に配信できませんでした。\n\n宛先：{failed}\n"
              f"理由：550 5.1.1 User unknown\n")
    return (_crlf(f"""Return-Path: <>
Date: {_date(when)}
From: MAILER-DAEMON@{host} (Mail Delivery Subsystem)
To: {owner}
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""") + _crlf(notice, "iso-2022-jp") + _crlf(f"""
--{boundary}
Content-Type: message/rfc822

{original}
--{boundary}--
"""))


def coremail_html(g: Gen, owner: str, failed: str, subject: str, when: datetime) -> bytes:
    """Coremail's 系统退信: GB2312 HTML, no DSN, no original."""
    body = (f"<html><body><div>抱歉，您的邮件被退回来了……</div><div>原邮件信息：</div>"
            f"<div>时　间：{(when + timedelta(hours=8)).strftime('%Y-%m-%d %H:%M:%S')}</div>"
            f"<div>主　题：{subject}</div><div>收件人：{failed}</div><div>退信原因：</div>"
            f"<div>该邮件地址不存在 (550 User not found)</div>"
            f"<div>如需帮助请访问 http://help.mail.example.cn/faq</div></body></html>")
    return _crlf(f"""Return-Path: <>
Date: {_date(when, '+0800')}
From: postmaster@corp.example.cn
To: {owner}
Subject: {_encoded('系统退信', 'gb2312')}
Message-ID: <{g.hex(20)}.{g.hex(8)}@corp.example.cn>
X-Mailer: Coremail Webmail Server
MIME-Version: 1.0
Content-Type: text/html; charset="GB2312"
Content-Transfer-Encoding: 8bit

""") + _crlf(body, "gb18030")  # labelled GB2312, as Coremail does, whatever the text needs


def mailenable_text(g: Gen, owner: str, failed: str, original: str, when: datetime) -> bytes:
    """MailEnable's "Message Delivery Failure" with "Recipient: [SMTP:…]"."""
    headers = original.split("\n\n", 1)[0]
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: POSTMASTER@mail.partner-me.example
To: {owner}
Subject: Message Delivery Failure
MIME-Version: 1.0
Content-Type: text/plain

MailEnable: Message could not be delivered to some recipients.
The following recipient(s) could not be reached:

\tRecipient: [SMTP:{failed}]
\tReason: Remote SMTP Server Returned: 550 5.1.1 User unknown

Message headers follow:

{headers}
""")


def smartermail_text(g: Gen, owner: str, failed: str, original: str, when: datetime) -> bytes:
    """SmarterMail's "Undeliverable Mail"."""
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: postmaster@mail.partner-sm.example
To: {owner}
Subject: Undeliverable Mail
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Failed to deliver to '{failed}'
SMTP module(domain {failed.rpartition('@')[2]}) reports:
 mx.{failed.rpartition('@')[2]} says: 550 5.1.1 User unknown

Original message follows.

{original}""")


def barracuda_report(g: Gen, owner: str, failed: str, original: str, when: datetime) -> bytes:
    """Barracuda's "Your message to: … was blocked" report with the original's headers."""
    boundary = f"------------=_{int(when.timestamp())}-{g.rng.randint(1000, 9999)}-1"
    headers = original.split("\n\n", 1)[0]
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: MAILER-DAEMON@barracuda.partner-b.example
To: {owner}
Subject: **Message you sent blocked by our bulk email filter**
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset="utf-8"

Your message to: {failed}
was blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; barracuda.partner-b.example
Arrival-Date: {_date(when)}

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550 5.7.1 Message content rejected

--{boundary}
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
""")


def kerio_text(g: Gen, owner: str, failed: str, subject: str, when: datetime) -> bytes:
    """Kerio Connect's "Undeliverable:" notice: no original comes back."""
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: Mail Delivery System <postmaster@kerio.partner-k.example>
To: {owner}
Subject: Undeliverable: {_encoded(subject)}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Auto-Submitted: auto-replied

Your message did not reach some or all of the intended recipients.

   Sent: {_date(when)}

The following recipient(s) could not be reached:

      Recipient address: {failed}
      Reason: 550 5.1.1 User unknown
""")


# ------------------------------------------------------------------------------------- not bounces, sent


def auto_reply(g: Gen, owner: str, subject: str, when: datetime, lang: str) -> bytes:
    """An out-of-office reply from a recipient (Exchange, Sieve, Japanese and European mailers)."""
    prefixes = {"en": "Automatic reply: ", "de": "Abwesenheitsnotiz: ", "fr": "Réponse automatique : ",
                "it": "Risposta automatica: ", "es": "Respuesta automática: ", "pt": "Resposta automática: ",
                "ja": "自動応答: ", "zh": "自动回复: ", "sieve": "Auto: "}
    sender = g.victim()
    charset = {"ja": "iso-2022-jp", "zh": "gb2312"}.get(lang, "utf-8")
    extra = {"en": "X-MS-Exchange-Inbox-Rules-Loop: " + sender + "\nX-Auto-Response-Suppress: All\n",
             "sieve": "Auto-Submitted: auto-replied (vacation)\nPrecedence: bulk\n",
             "de": "X-Autoreply: yes\n", "fr": "X-Autorespond: yes\n"}.get(lang, "Auto-Submitted: auto-replied\n")
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: {sender}
To: {owner}
Subject: {_encoded(prefixes[lang] + subject, charset)}
{extra}Content-Type: text/plain; charset=utf-8

I am out of the office until May 7.
""")


def challenge_mail(g: Gen, owner: str, when: datetime) -> bytes:
    return _crlf(f"""Date: {_date(when)}
From: Boxbe <notify@boxbe.example>
To: {owner}
Subject: Please confirm your message to {g.victim()}
X-Boxbe-Challenge: yes
Content-Type: text/plain; charset=utf-8

Please click to confirm you are a human: https://boxbe.example/confirm?id={g.hex(10)}
""")


def human_reply(g: Gen, owner: str, when: datetime) -> bytes:
    """A person answering the forged mail, quoting a delivery-failure subject."""
    return _crlf(f"""Date: {_date(when)}
From: {g.victim()}
To: {owner}
Subject: Re: Delivery failed: your message could not be delivered
In-Reply-To: <{g.hex(16)}@bot.example>
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=utf-8

Why do you send me this? Stop it.
""")


def customer_mail(g: Gen, owner: str, when: datetime) -> bytes:
    """A customer's complaint that an order has not arrived (not a bounce)."""
    return _crlf(f"""Date: {_date(when)}
From: {g.victim()}
To: {owner}
Subject: {_encoded('注文した商品が届きません', 'iso-2022-jp')}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
X-Mailer: iPhone Mail (21E236)

注文番号 {g.rng.randint(1000, 9999)} の商品がまだ届きません。<{owner}> 宛に連絡しました。
""")


def success_dsn(g: Gen, owner: str, when: datetime) -> bytes:
    boundary = f"{g.queue_id()}.{int(when.timestamp())}/{PROVIDER}"
    recipient = g.victim()
    return _crlf(f"""Return-Path: <>
Date: {_date(when)}
From: MAILER-DAEMON@{PROVIDER} (Mail Delivery System)
To: {owner}
Subject: Successful Mail Delivery Report
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

Your message was successfully delivered to the destination(s) listed below.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; {PROVIDER}

Final-Recipient: rfc822; {recipient}
Action: delivered
Status: 2.0.0
Diagnostic-Code: smtp; 250 2.0.0 Ok: queued

--{boundary}--
""")


def read_receipt(g: Gen, owner: str, when: datetime) -> bytes:
    boundary = f"----=_NextPart_{g.hex(10)}"
    return _crlf(f"""Date: {_date(when)}
From: {g.victim()}
To: {owner}
Subject: Read: Quotation
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="{boundary}"

--{boundary}
Content-Type: text/plain

Your message was read.
--{boundary}
Content-Type: message/disposition-notification

Final-Recipient: rfc822;someone@example.org
Disposition: manual-action/MDN-sent-manually; displayed
--{boundary}--
""")


def dmarc_report(g: Gen, owner: str, when: datetime) -> bytes:
    domain = owner.rpartition("@")[2]
    return _crlf(f"""Date: {_date(when)}
From: noreply-dmarc-support@google.com
To: {owner}
Subject: Report domain: {domain} Submitter: google.com Report-ID: {g.rng.randint(10**17, 10**18)}
MIME-Version: 1.0
Content-Type: application/zip; name="google.com!{domain}!1714521600!1714607999.zip"
Content-Transfer-Encoding: base64

UEsDBBQAAAAIAA==
""")


def phishing(g: Gen, owner: str, when: datetime) -> bytes:
    """"Undelivered Mail: (7) incoming messages pending", from a web host, pretending to be the mail server."""
    domain = owner.rpartition("@")[2]
    return _crlf(f"""Return-Path: <www-data@vps-1234.cheap-hosting.example>
Received: from vps-1234.cheap-hosting.example (vps-1234.cheap-hosting.example [203.0.113.66])
\tby mx.{domain} (Postfix) with ESMTP id {g.queue_id()}; {_date(when)}
Date: {_date(when)}
From: Mail Delivery System <no-reply@{domain}>
To: {owner}
Subject: Undelivered Mail: (7) incoming messages pending
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Dear {owner},</p><p>7 incoming messages could not be delivered to your inbox.</p>
<p><a href="https://{domain}.mail-release.example/login?u={owner}">Release messages</a></p></body></html>
""")


def ordinary(g: Gen, owner: str, when: datetime) -> bytes:
    return _crlf(f"""Received: from mail.example.org (mail.example.org [192.0.2.80])
\tby {PROVIDER} (Postfix) with ESMTPS id {g.queue_id()}; {_date(when)}
Date: {_date(when)}
From: Friend <friend{g.rng.randint(1, 50)}@example.org>
To: {owner}
Subject: lunch on Friday?
Message-ID: <{g.hex(12)}@example.org>
Content-Type: text/plain; charset=utf-8

See you at noon.
""")


def thunderbird_sent(g: Gen, owner: str, to: str, when: datetime, message_id: str | None = None,
                     bcc: Sequence[str] = (), subject: str = "Re: your order") -> bytes:
    """A Thunderbird Sent copy: no Received lines at all."""
    bcc_line = f"Bcc: {', '.join(bcc)}\n" if bcc else ""
    return _crlf(f"""Message-ID: {message_id or f'<{g.hex(8)}-{g.hex(4)}-{g.hex(12)}@shop.example>'}
Date: {_date(when)}
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: ja
To: {to}
{bcc_line}From: Shop <{owner}>
Subject: {_encoded(subject)}
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Thank you for your order.
""")


def roundcube_sent(g: Gen, owner: str, to: str, when: datetime) -> bytes:
    return _crlf(f"""MIME-Version: 1.0
Date: {_date(when)}
From: {owner}
To: {to}
Subject: Quotation
Message-ID: <{g.hex(32)}@shop.example>
X-Sender: {owner}
User-Agent: Roundcube Webmail/1.6.5
Content-Type: text/plain; charset=US-ASCII; format=flowed

Please find the quotation below.
""")


def gmail_sent(g: Gen, owner: str, to: str, when: datetime, message_id: str) -> bytes:
    """A copy from Gmail's Sent Mail: its own submission hop and DKIM signature."""
    return _crlf(original_gmail(g, owner, to, "Thanks", when, message_id))


# ------------------------------------------------------------------------------------------- scenarios


def _remote(failed: str) -> str:
    return f"mx.{failed.rpartition('@')[2]}"


def _hijack_bounce(g: Gen, owner: str, failed: str, original_for: Callable[[str | None], str],
                   when: datetime, index: int) -> bytes:
    """One bounce of mail sent through the account, from a rotating set of real bounce shapes."""
    kind = index % 10
    if kind in (0, 1, 2, 3):
        return postfix_dsn(g, owner, failed, original_for(None), when)
    if kind == 4:
        return exchange_online_ndr(g, owner, failed, original_for(f"TYAPR01MB{g.rng.randint(1000, 9999)}."
                                                                  "jpnprd01.prod.outlook.com"), when)
    if kind == 5:
        return exim_text(g, owner, failed, original_for(_remote(failed)), when, _remote(failed))
    if kind == 6:
        return qmail_text(g, owner, failed, original_for(_remote(failed)), when, _remote(failed))
    if kind == 7:
        return japanese_notice(g, owner, failed, original_for(_remote(failed)), when, _remote(failed))
    if kind == 8:
        return sendmail_dsn(g, owner, failed, original_for(_remote(failed)), when, _remote(failed))
    return coremail_html(g, owner, failed, "Invoice", when)


def _own_typos(g: Gen, scenario: Scenario, when: datetime, count: int = 2) -> None:
    """The owner's own mail to mistyped addresses: in the Sent folder, bounced by the provider."""
    for k in range(count):
        message_id = f"<{g.hex(8)}-typo{k}@shop.example>"
        failed = f"tanaka{k}@gmial.example"
        at = when + timedelta(hours=k * 5)
        scenario.sent.setdefault("Sent", []).append(thunderbird_sent(g, SHOP, failed, at, message_id))
        original = original_smtp_auth(g, SHOP, failed, "Re: your order", at, "198.51.100.44", message_id=message_id)
        scenario.inbox.append(postfix_dsn(g, SHOP, failed, original, at + timedelta(minutes=1)))


def _ordinary_sent(g: Gen, scenario: Scenario, folder: str, count: int, roundcube: bool = False) -> None:
    for k in range(count):
        to = f"customer{k}@example.com"
        at = START - timedelta(days=3, hours=k)
        maker = roundcube_sent if roundcube and k % 2 else thunderbird_sent
        scenario.sent.setdefault(folder, []).append(maker(g, SHOP, to, at))


def _lookalikes(g: Gen, scenario: Scenario, owner: str, when: datetime, subject: str) -> None:
    for k, lang in enumerate(("en", "de", "fr", "it", "es", "pt", "ja", "zh", "sieve")):
        scenario.inbox.append(auto_reply(g, owner, subject, when + timedelta(minutes=3 * k), lang))
    scenario.inbox.append(challenge_mail(g, owner, when))
    scenario.inbox.append(human_reply(g, owner, when + timedelta(minutes=20)))
    scenario.inbox.append(customer_mail(g, owner, when + timedelta(hours=3)))
    scenario.inbox.append(success_dsn(g, owner, when + timedelta(minutes=5)))
    scenario.inbox.append(read_receipt(g, owner, when + timedelta(hours=2)))
    scenario.inbox.append(dmarc_report(g, owner, when + timedelta(hours=6)))
    scenario.inbox.append(phishing(g, owner, when + timedelta(hours=1)))


def _webmail_hijack(g: Gen) -> Scenario:
    scenario = Scenario("webmail_hijack", (SHOP,), expected={SHOP: ("compromised", "compromised")})
    login_ip = "198.51.100.23"
    for k in range(30):
        scenario.inbox.append(ordinary(g, SHOP, START - timedelta(hours=30 - k)))
    _ordinary_sent(g, scenario, "Sent", 20, roundcube=True)
    _own_typos(g, scenario, START - timedelta(days=2))
    for burst in range(3):  # three bursts between 01:05 and 04:05
        base = START + timedelta(hours=1.5 * burst)
        for k in range(40):
            when = base + timedelta(minutes=k * 0.7 + g.rng.random())
            failed = g.victim()
            subject = g.subject(ATTACK_SUBJECTS, failed)

            def original(remote: str | None, failed: str = failed, subject: str = subject,
                         when: datetime = when) -> str:
                return original_webmail(g, SHOP, failed, subject, when, login_ip, remote)

            scenario.inbox.append(_hijack_bounce(g, SHOP, failed, original, when + timedelta(minutes=1), k))
    delayed = original_webmail(g, SHOP, "late@example.org", "DHL Express: Your parcel is on hold", START,
                               login_ip)
    scenario.inbox.append(postfix_dsn(g, SHOP, "late@example.org", delayed, START + timedelta(minutes=30),
                                      delayed=True))
    _lookalikes(g, scenario, SHOP, START + timedelta(minutes=10), "DHL Express: Your parcel is on hold")
    return scenario


def _backscatter_bounce(g: Gen, owner: str, when: datetime, index: int) -> bytes:
    failed = g.victim()
    remote = _remote(failed)
    subject = g.subject(SPAM_SUBJECTS, failed)
    kind = index % 10
    if kind in (0, 1):
        return postfix_dsn(g, owner, failed, original_bot(g, owner, failed, subject, when, remote, forged=True,
                                                          dynamic=False), when, host=remote)
    if kind == 2:
        return sendmail_dsn(g, owner, failed, original_bot(g, owner, failed, subject, when, remote, forged=True,
                                                           dynamic=True), when, remote)
    if kind == 3:
        return exim_text(g, owner, failed, original_third_party(g, owner, failed, subject, when, remote), when,
                         remote)
    if kind == 4:
        return google_dsn(g, owner, failed, original_bot(g, owner, failed, subject, when, "mx.google.com",
                                                         forged=False, dynamic=False), when)
    if kind == 5:
        return mailenable_text(g, owner, failed, original_third_party(g, owner, failed, subject, when, remote),
                               when)
    if kind == 6:
        return smartermail_text(g, owner, failed, original_bot(g, owner, failed, subject, when, remote,
                                                               forged=True, dynamic=True), when)
    if kind == 7:
        return barracuda_report(g, owner, failed, original_bot(g, owner, failed, subject, when, remote,
                                                               forged=False, dynamic=False), when)
    if kind == 8:
        return kerio_text(g, owner, failed, subject, when)  # no original
    return coremail_html(g, owner, failed, subject, when)  # no original


def _backscatter(g: Gen) -> Scenario:
    scenario = Scenario("backscatter", (SHOP,), expected={SHOP: ("spoofed", "spoofed")})
    for k in range(20):
        scenario.inbox.append(ordinary(g, SHOP, START - timedelta(hours=20 - k)))
    _ordinary_sent(g, scenario, "Sent", 15)
    _own_typos(g, scenario, START - timedelta(days=2))
    for k in range(60):
        scenario.inbox.append(_backscatter_bounce(g, SHOP, START + timedelta(minutes=k * 1.5), k))
    _lookalikes(g, scenario, SHOP, START + timedelta(minutes=15), "Cheap watches")
    return scenario


def _newsletter(g: Gen) -> Scenario:
    """A healthy newsletter: one mail to 400 subscribers, 15 dead addresses bounce within the hour."""
    scenario = Scenario("newsletter", (SHOP,), expected={SHOP: ("none", "compromised")})
    subscribers = [f"member{k}@{REMOTE_DOMAINS[k % len(REMOTE_DOMAINS)]}" for k in range(400)]
    message_id = f"<{g.hex(8)}-news-{g.hex(6)}@shop.example>"
    for batch in range(0, 400, 100):
        scenario.sent.setdefault("Sent", []).append(thunderbird_sent(
            g, SHOP, SHOP, START, message_id if batch == 0 else None, bcc=subscribers[batch:batch + 100],
            subject="Shop news May 2024"))
    _ordinary_sent(g, scenario, "Sent", 10)
    dead = g.rng.sample(subscribers, 15)
    for k, failed in enumerate(dead):
        when = START + timedelta(minutes=2 + 3 * k)
        original = original_smtp_auth(g, SHOP, failed, "Shop news May 2024", START, "198.51.100.44",
                                      message_id=message_id, extra="List-Unsubscribe: <mailto:info@shop.example>\n")
        if k % 5 == 4:
            scenario.inbox.append(kerio_text(g, SHOP, failed, "Shop news May 2024", when))
        else:
            scenario.inbox.append(postfix_dsn(g, SHOP, failed, original, when))
    for k in range(10):
        scenario.inbox.append(ordinary(g, SHOP, START + timedelta(hours=k)))
    scenario.inbox.append(auto_reply(g, SHOP, "Shop news May 2024", START + timedelta(minutes=4), "ja"))
    return scenario


def _slow_drip(g: Gen) -> Scenario:
    """A stolen password used by a mail program, fewer than 5 bounces an hour, for two days."""
    scenario = Scenario("slow_drip", (SHOP,), expected={SHOP: ("compromised", "compromised")})
    _ordinary_sent(g, scenario, "Sent", 15)
    when = START
    k = 0
    while when < START + timedelta(hours=48):
        failed = g.victim()
        subject = g.subject(ATTACK_SUBJECTS, failed)
        client = g.ip("198.51.100")
        original = original_smtp_auth(g, SHOP, failed, subject, when, client,
                                      remote_hop=_remote(failed) if k % 3 == 1 else None)
        bounce = (postfix_dsn(g, SHOP, failed, original, when + timedelta(minutes=1)) if k % 3 != 1
                  else exim_text(g, SHOP, failed, original, when + timedelta(minutes=1), _remote(failed)))
        scenario.inbox.append(bounce)
        when += timedelta(minutes=16 + 3 * g.rng.random())
        k += 1
    for k in range(10):
        scenario.inbox.append(ordinary(g, SHOP, START + timedelta(hours=4 * k)))
    return scenario


def _two_providers(g: Gen) -> Scenario:
    """The shop address hijacked at its provider, the Gmail address only forged; both Sent folders given."""
    scenario = Scenario("two_providers", (SHOP, GMAIL),
                        expected={SHOP: ("compromised", "compromised"), GMAIL: ("spoofed", "spoofed")})
    _ordinary_sent(g, scenario, "Sent", 15)
    for k in range(12):
        message_id = f"<CAH{g.hex(24)}@mail.gmail.com>"
        scenario.sent.setdefault("Gmail Sent", []).append(
            gmail_sent(g, GMAIL, f"friend{k}@example.net", START - timedelta(days=1, hours=k), message_id))
    for k in range(2):  # the owner's own Gmail typos, bounced by Google
        message_id = f"<CAH{g.hex(24)}@mail.gmail.com>"
        at = START - timedelta(hours=12 + 4 * k)
        failed = f"sato{k}@exmaple.example"
        scenario.sent["Gmail Sent"].append(gmail_sent(g, GMAIL, failed, at, message_id))
        scenario.inbox.append(google_dsn(g, GMAIL, failed, original_gmail(g, GMAIL, failed, "Thanks", at,
                                                                          message_id), at))
    for k in range(30):  # the shop: stolen password, bounces from the provider and from remote servers
        when = START + timedelta(minutes=2 * k)
        failed = g.victim()
        subject = g.subject(ATTACK_SUBJECTS, failed)
        client = g.ip("198.51.100")
        if k % 2:
            original = original_smtp_auth(g, SHOP, failed, subject, when, client, remote_hop=_remote(failed),
                                          strip_submission=k % 4 == 1)
            scenario.inbox.append(exim_text(g, SHOP, failed, original, when + timedelta(minutes=1),
                                            _remote(failed)))
        else:
            original = original_smtp_auth(g, SHOP, failed, subject, when, client)
            scenario.inbox.append(postfix_dsn(g, SHOP, failed, original, when + timedelta(minutes=1)))
    for k in range(25):  # Gmail: spam forging the Gmail address from bots
        when = START + timedelta(hours=6, minutes=2 * k)
        failed = g.victim()
        remote = _remote(failed)
        original = original_bot(g, GMAIL, failed, g.subject(SPAM_SUBJECTS, failed), when, remote,
                                forged=k % 2 == 0, dynamic=k % 3 == 0)
        maker = (postfix_dsn, sendmail_dsn)[k % 2]
        if maker is postfix_dsn:
            scenario.inbox.append(postfix_dsn(g, GMAIL, failed, original, when, host=remote))
        else:
            scenario.inbox.append(sendmail_dsn(g, GMAIL, failed, original, when, remote))
    for k in range(10):
        scenario.inbox.append(ordinary(g, SHOP, START + timedelta(hours=k)))
    return scenario


_BUILDERS: dict[str, Callable[[Gen], Scenario]] = {
    "webmail_hijack": _webmail_hijack,
    "backscatter": _backscatter,
    "newsletter": _newsletter,
    "slow_drip": _slow_drip,
    "two_providers": _two_providers,
}


def build(name: str, seed: int = 11) -> Scenario:
    """The scenario ``name``, the same bytes for the same seed; the inbox order is shuffled as delivery is."""
    g = Gen(seed)
    scenario = _BUILDERS[name](g)
    g.rng.shuffle(scenario.inbox)
    return scenario
