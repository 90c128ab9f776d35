"""Builders of synthetic mail for the bounce tests: RFC 3464 bounces and ordinary messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime


def make_bounce(
    *,
    sender: str = "alice@example.com",
    recipients: Sequence[str] = ("r1@gmail.com", "r2@gmail.com"),
    when: datetime = datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
    received: Sequence[str] = (
        "from [198.51.100.7] (unknown [198.51.100.7]) (Authenticated sender: alice@example.com)"
        " by smtp.example.com (Postfix) with ESMTPSA id 4Vabc; Wed, 1 May 2024 09:59:00 +0000",
    ),
    action: str = "failed",
    status: str = "5.1.1",
    message_id: str = "<spam-1@example.com>",
    reporting_mta: str = "mx.gmail.example",
    dkim_domain: str | None = None,
) -> bytes:
    """A Postfix-style RFC 3464 bounce about mail from ``sender`` to ``recipients``."""
    date = format_datetime(when)
    per_recipient = "\n".join(
        f"Final-Recipient: rfc822; {r}\nOriginal-Recipient: rfc822;{r}\nAction: {action}\n"
        f"Status: {status}\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n"
        for r in recipients
    )
    received_headers = "".join(f"Received: {line}\n" for line in received)
    dkim = f"DKIM-Signature: v=1; a=rsa-sha256; d={dkim_domain}; s=s1; b=abc\n" if dkim_domain else ""
    text = f"""Return-Path: <>
Date: {date}
From: MAILER-DAEMON@{reporting_mta} (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {sender}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"
Message-Id: <bounce-{when.timestamp():.0f}-{message_id.strip('<>')}>

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; {reporting_mta}
X-Postfix-Sender: rfc822; {sender}
Arrival-Date: {date}

{per_recipient}
--BOUNDARY
Content-Type: message/rfc822

{received_headers}{dkim}From: {sender}
To: {", ".join(recipients)}
Subject: hello
Date: {date}
Message-ID: {message_id}

spam body
--BOUNDARY--
"""
    return text.replace("\n", "\r\n").encode()


def ordinary_mail(n: int = 0, when: datetime = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)) -> bytes:
    return (
        f"From: friend{n}@example.org\r\nTo: alice@example.com\r\nSubject: lunch {n}\r\n"
        f"Date: {format_datetime(when)}\r\nMessage-ID: <m{n}@example.org>\r\n\r\nSee you at noon.\r\n"
    ).encode()
