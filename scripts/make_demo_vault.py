"""Builds the bundled demo vault and its offline Pwned Passwords excerpt (run from the repo root).

The story: admin@aaa.jp's mailbox password leaked; info@aaa.jp, the web host's control panel (Xserver, which
holds aaa.jp's mail), Google and Instagram share it, Twitter uses a variant, Amazon is registered to
admin@aaa.jp with its own strong password, the domain registrar and the bank have unique passwords and no
one-time code, two shops share another password, a forum uses a well-known weak one, the rest are strong and
unique, one entry is in the Recycle Bin.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from pathlib import Path

from pykeepass import create_database

DATA = Path("reuse_audit/data")
MASTER = "aaa-demo-2026"

MAIL_PW = "Kamome2019!"
SHOP_PW = "Shop-pass-77"
FORUM_PW = "password1"


def main() -> None:
    out = DATA / "demo.kdbx"
    out.unlink(missing_ok=True)
    kp = create_database(str(out), password=MASTER)
    kdf = kp.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 2, 8 * 1024 * 1024, 1  # a demo: opens instantly
    root = kp.root_group
    mail = kp.add_group(root, "Mail")
    social = kp.add_group(root, "Social")
    shops = kp.add_group(root, "Shopping")
    misc = kp.add_group(root, "Other")
    add = kp.add_entry
    add(mail, "aaa.jp webmail (admin)", "admin@aaa.jp", MAIL_PW, url="https://webmail.aaa.jp/")
    add(mail, "aaa.jp webmail (info)", "info@aaa.jp", MAIL_PW, url="https://webmail.aaa.jp/")
    add(mail, "aaa.jp webmail (support)", "support@aaa.jp", "q8#Vf2!mZt9@Lr4w", url="https://webmail.aaa.jp/")
    add(misc, "Xserver (aaa.jp hosting)", "aaa-admin", MAIL_PW, url="https://secure.xserver.ne.jp/")
    add(root, "Google", "admin@aaa.jp", MAIL_PW, url="https://accounts.google.com/")
    add(social, "Instagram", "aaa.shop", MAIL_PW, url="https://www.instagram.com/")
    add(social, "Twitter", "aaa_jp", "Kamome2020!", url="https://x.com/")
    amazon = add(shops, "Amazon", "admin@aaa.jp", "u7^Hq2$Wn5&Kp9*Ze3Rb", url="https://www.amazon.co.jp/")
    amazon.otp = ("otpauth://totp/Amazon:admin%40aaa.jp?secret=JBSWY3DPEHPK3PXP&issuer=Amazon")
    add(shops, "Rakuten", "aaa-shop", SHOP_PW, url="https://www.rakuten.co.jp/")
    add(shops, "Yahoo! Shopping", "aaa-shop", SHOP_PW, url="https://shopping.yahoo.co.jp/")
    add(misc, "Small forum", "kamome", FORUM_PW, url="https://forum.example.org/")
    add(misc, "Bank", "1234567", "Zr4!tW8#pQ2&nL6^xV0s", url="https://www.mufg.jp/")
    add(misc, "Domain registrar", "aaa-admin", "c3$Nq7@Hs1!Yk5%Mj9Wd", url="https://www.onamae.com/")
    add(misc, "GitHub", "aaa-dev", "Hb8&Lw3^Tz6!Rq1@Vn4x", url="https://github.com/")
    old = add(misc, "Old FTP", "ftpuser", "ftp123", url="ftp://ftp.aaa.jp/")
    kp.trash_entry(old)
    kp.save()

    # An excerpt of the Pwned Passwords corpus: the forum's password plus filler, sorted, HASH:COUNT.
    rng = random.Random(2026)
    lines = {hashlib.sha1(FORUM_PW.encode(), usedforsecurity=False).hexdigest().upper(): 2_413_945}
    while len(lines) < 400:
        lines[f"{rng.getrandbits(160):040X}"] = rng.randint(1, 5000)
    text = "".join(f"{h}:{c}\r\n" for h, c in sorted(lines.items()))
    (DATA / "demo-pwned-excerpt.txt").write_text(text, encoding="ascii", newline="")
    print(f"wrote {out} at {datetime.now(UTC):%Y-%m-%d}")


if __name__ == "__main__":
    main()
