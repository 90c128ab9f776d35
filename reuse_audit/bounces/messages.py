"""The few sentences the bounce report shows, in English and Japanese (a small table, not gettext yet)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reuse_audit.bounces.verdict import AccountVerdict, Evidence


class Lang(StrEnum):
    """Languages of the report's headings and sentences."""

    EN = "en"
    JA = "ja"


MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Bounces by address",
        "col.address": "Address",
        "col.verdict": "Verdict",
        "col.bounces": "Bounces",
        "col.via": "Via acct",
        "col.backscatter": "Forged",
        "col.unknown": "Unknown",
        "col.temporary": "Temp",
        "col.recipients": "Recipients",
        "col.period": "Period (UTC)",
        "verdict.compromised": "compromised",
        "verdict.spoofed": "spoofed",
        "verdict.none": "none",
        "say.compromised": "{address}: someone else is sending mail through this account. Change its password"
                           " now, sign out other sessions, and check forwarding rules.",
        "say.spoofed": "{address}: the bounces are for mail that only forged this address (backscatter);"
                       " no password leaked. Ask the domain owner to fix SPF/DKIM/DMARC.",
        "say.none": "{address}: no hijack pattern in these bounces.",
        "next": "Next: {command}",
        "nothing": "No bounces about your addresses were found ({messages} messages read).",
        "scanned": "Read {messages} messages, {bounces} bounces.",
        "summary": "{address}: {bounces} bounces about it within {minutes} min ({via} via the account) to"
                   " {recipients} recipients, {start} – {end} UTC",
        "ev.burst": "{bounces} bounce(s) in {start} – {end} UTC: {via_account} via the account,"
                    " {unknown} unknown",
        "ev.day_burst": "{bounces} bounces within 24 h ({start} – {end} UTC): {via_account} via the account,"
                        " {unknown} unknown",
        "ev.backscatter_burst": "{bounces} bounce(s) in {start} – {end} UTC, all backscatter (forged sender)",
        "ev.largest_burst": "largest burst: {bounces} bounce(s) in {start} – {end} UTC ({via_account} via the"
                            " account, {unknown} unknown, {backscatter} backscatter)",
        "ev.recipients": "{count} distinct failed recipients; top domains: {top_domains}",
        "ev.never_sent": "{percent}% of those recipients never appear in your Sent folder",
        "ev.reason": "{reason}: {bounces} bounce(s)",
        "ev.received": "Received: {line}",
        "ev.temporary": "{count} temporary failure(s) (delayed, still retried) counted apart",
        "ev.in_sent": "{count} bounce(s) are for mail in your Sent folder (your own mail, not counted)",
        "reason.provider-reporting-mta": "reported by your provider's own server",
        "reason.provider-hop": "passed through your provider's relay",
        "reason.auth-marker": "submitted after logging in (authentication marker)",
        "reason.own-dkim": "DKIM-signed with your domain",
        "reason.not-in-sent": "Message-ID not in your Sent folder",
        "reason.foreign-dkim": "signed by another domain only",
        "reason.no-provider-hop": "never passed through your provider",
        "reason.in-sent": "found in your Sent folder",
        "plan.header": "The mailbox shows {address} is compromised: {summary}",
    },
    "ja": {
        "title": "アドレスごとのバウンス",
        "col.address": "アドレス",
        "col.verdict": "判定",
        "col.bounces": "バウンス",
        "col.via": "経由",
        "col.backscatter": "詐称",
        "col.unknown": "不明",
        "col.temporary": "一時",
        "col.recipients": "宛先数",
        "col.period": "期間 (UTC)",
        "verdict.compromised": "乗っ取り",
        "verdict.spoofed": "なりすまし",
        "verdict.none": "問題なし",
        "say.compromised": "{address}: 第三者がこのアカウントからメールを送信しています。"
                           "今すぐパスワードを変更し、他のセッションからログアウトさせ、転送設定を確認してください。",
        "say.spoofed": "{address}: このアドレスを詐称したメールのバウンス（バックスキャッタ）です。"
                       "パスワードは漏れていません。SPF/DKIM/DMARC を設定してください。",
        "say.none": "{address}: 乗っ取りを示すバウンスの集中はありません。",
        "next": "次に実行: {command}",
        "nothing": "あなたのアドレスに関するバウンスは見つかりませんでした（{messages} 通を確認）。",
        "scanned": "{messages} 通を確認、バウンス {bounces} 通。",
        "summary": "{address}: {minutes} 分以内にバウンス {bounces} 通（うちアカウント経由 {via} 通）、"
                   "宛先 {recipients} 件、{start} – {end} UTC",
        "ev.burst": "{start} – {end} UTC にバウンス {bounces} 通: "
                    "アカウント経由 {via_account}、不明 {unknown}",
        "ev.day_burst": "24 時間以内にバウンス {bounces} 通（{start} – {end} UTC）: "
                        "アカウント経由 {via_account}、不明 {unknown}",
        "ev.backscatter_burst": "{start} – {end} UTC にバウンス {bounces} 通、"
                                "すべてバックスキャッタ（送信者詐称）",
        "ev.largest_burst": "最大の集中: {start} – {end} UTC にバウンス {bounces} 通"
                            "（アカウント経由 {via_account}、不明 {unknown}、"
                            "バックスキャッタ {backscatter}）",
        "ev.recipients": "配信失敗した宛先 {count} 件。多いドメイン: {top_domains}",
        "ev.never_sent": "そのうち {percent}% は送信済みフォルダに一度も現れない宛先です",
        "ev.reason": "バウンス {bounces} 通: {reason}",
        "ev.received": "Received: {line}",
        "ev.temporary": "一時的な失敗（遅延・再送中）{count} 通は別に数えています",
        "ev.in_sent": "{count} 通は送信済みフォルダにあるあなた自身のメールのバウンスです（数えていません）",
        "reason.provider-reporting-mta": "あなたのプロバイダのサーバが報告",
        "reason.provider-hop": "あなたのプロバイダの中継サーバを通過",
        "reason.auth-marker": "ログイン後に送信（認証の記録あり）",
        "reason.own-dkim": "あなたのドメインの DKIM 署名あり",
        "reason.not-in-sent": "Message-ID が送信済みフォルダにない",
        "reason.foreign-dkim": "他ドメインの署名のみ",
        "reason.no-provider-hop": "あなたのプロバイダを通っていない",
        "reason.in-sent": "送信済みフォルダにある",
        "plan.header": "メールボックスによると {address} は乗っ取られています: {summary}",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (English when missing), filled with ``values``."""
    table = MESSAGES.get(lang, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"].get(key, key)
    return template.format(**values)


def minute(value: str | datetime | None) -> str:
    """``2024-05-01 10:35`` from a datetime or its ISO text (bounce times are UTC); ``?`` when unknown."""
    if value is None:
        return "?"
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.strftime("%Y-%m-%d %H:%M")


def evidence_text(item: Evidence, lang: str) -> str:
    """One evidence item as a sentence."""
    values = dict(item.values)
    for name in ("start", "end"):
        if name in values:
            values[name] = minute(values[name])
    if item.kind == "reason":
        values["reason"] = text(lang, f"reason.{values['reason']}")
    return text(lang, f"ev.{item.kind}", **values)


def summary_line(account: AccountVerdict, lang: str, window_minutes: int) -> str:
    """One line saying what the mailbox showed about a compromised address."""
    burst = next((e for e in account.evidence if e.kind in ("burst", "day_burst")), None)
    recipients = next((e for e in account.evidence if e.kind == "recipients"), None)
    return text(
        lang,
        "summary",
        address=account.address,
        bounces=burst.value("bounces") if burst else account.bounces,
        minutes=window_minutes if burst is None or burst.kind == "burst" else 24 * 60,
        via=burst.value("via_account") if burst else account.via_account,
        recipients=recipients.value("count") if recipients else account.distinct_recipients,
        start=minute(burst.value("start") if burst else account.first),
        end=minute(burst.value("end") if burst else account.last),
    )
