"""`site_breached` on Have I Been Pwned's real breach list (the shared snapshot): matching and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reuse_audit.breaches.index import BreachIndex
from reuse_audit.breaches.load import read_breaches_file
from reuse_audit.breaches.model import Breach, Precision, parse_breaches
from reuse_audit.checks.site_breaches import breach_of, breach_reason, site_breach_findings
from reuse_audit.credentials import Credential
from reuse_audit.findings import FindingKind
from reuse_audit.i18n import Translator
from reuse_audit.reasons import ReasonCode
from reuse_audit.secret import Secret

SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "hibp-breaches" / "breaches.json"


@pytest.fixture(scope="module")
def index() -> BreachIndex:
    if not SNAPSHOT.is_file():
        pytest.skip("shared HIBP breach snapshot not present")
    return read_breaches_file(SNAPSHOT).index


def at(y: int, m: int = 1, d: int = 1) -> datetime:
    return datetime(y, m, d, 12, 0, tzinfo=UTC)


def cred(url: str, since: datetime | None, created: datetime | None = None, title: str = "Site") -> Credential:
    """An entry whose password dates from ``since`` (known from history unless it equals ``created``)."""
    return Credential(uuid=f"00000000-0000-0000-0000-{abs(hash((url, since, title))) % 10**12:012d}", title=title,
                      username="me", url=url, group="", password=Secret("Unique-pw-123!"),
                      created=created if created is not None else (at(2005) if since else None),
                      password_since=since)


def breach_name(c: Credential, index: BreachIndex) -> str | None:
    found = breach_of(c, index)
    return found.name if found else None


def test_an_entry_on_a_breached_domain_with_an_older_password_is_flagged(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", at(2012, 5, 1))
    findings = site_breach_findings([c], index)[c.uuid]
    assert [f.kind for f in findings] == [FindingKind.SITE_BREACHED]
    reason = findings[0].reason
    assert reason.code is ReasonCode.SITE_BREACHED
    assert dict(reason.params) == {"breach": "Adobe", "title": "Adobe", "domain": "adobe.com",
                                   "breached": date(2013, 10, 4), "precision": "day", "added": date(2013, 12, 4),
                                   "since": date(2012, 5, 1)}


def test_the_reason_shows_both_dates_and_when_the_breach_was_reported(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", at(2012, 5, 1))
    text = Translator("en").reason(site_breach_findings([c], index)[c.uuid][0].reason)
    assert text == ("Adobe (adobe.com) was breached on 2013-10-04, reported 2013-12-04; this password dates from "
                    "2012-05-01")


def test_a_password_set_after_the_breach_is_not_flagged(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", at(2014, 1, 1))
    assert site_breach_findings([c], index) == {}


def test_a_password_set_on_the_breach_day_is_flagged(index: BreachIndex) -> None:
    assert breach_name(cred("https://adobe.com/", datetime(2013, 10, 4, 23, 59, tzinfo=UTC)), index) == "Adobe"
    assert breach_name(cred("https://adobe.com/", datetime(2013, 10, 5, 0, 0, tzinfo=UTC)), index) is None


@pytest.mark.parametrize("url", ["https://www.adobe.com/", "https://accounts.adobe.com/login", "adobe.com",
                                 "https://ADOBE.COM./"])
def test_a_subdomain_entry_matches(index: BreachIndex, url: str) -> None:
    assert breach_name(cred(url, at(2010)), index) == "Adobe"


def test_a_lookalike_host_does_not_match(index: BreachIndex) -> None:
    assert breach_name(cred("https://notadobe.com/", at(2010)), index) is None
    assert breach_name(cred("https://adobe.com.example.org/", at(2010)), index) is None


def test_a_host_valued_domain_matches_its_own_host_and_sub_hosts(index: BreachIndex) -> None:
    assert breach_name(cred("https://pizza.dominos.be/order", at(2013)), index) == "Dominos"
    assert breach_name(cred("https://eu.pizza.dominos.be/", at(2013)), index) == "Dominos"


def test_a_host_valued_domain_does_not_match_its_parents_other_hosts(index: BreachIndex) -> None:
    assert breach_name(cred("https://www.dominos.be/", at(2013)), index) is None
    assert breach_name(cred("https://dominos.be/", at(2013)), index) is None
    # cfire.mail.ru (CrossFire) is not every mail.ru account; mail.ru's own breach (MailRu) is another matter
    assert "CrossFire" not in {b.name for b in index.for_host("e.mail.ru")}
    assert "Parapa" not in {b.name for b in index.for_host("mail.ru")}
    assert "CrossFire" in {b.name for b in index.for_host("cfire.mail.ru")}


def test_the_catalogues_other_domains_of_the_same_service_match(index: BreachIndex) -> None:
    # Dropbox's breach names dropbox.com; the catalogue knows getdropbox.com is the same account
    assert breach_name(cred("https://www.getdropbox.com/login", at(2011)), index) == "Dropbox"


def test_only_breaches_that_count_are_ever_matched(index: BreachIndex) -> None:
    snapshot = read_breaches_file(SNAPSHOT).breaches
    seen = {b.name: b for d in {b.domain for b in snapshot if b.domain} for b in index.for_host(d)}
    assert seen and all("Passwords" in b.data_classes for b in seen.values())
    assert not any(b.fabricated or b.spam_list or b.retired or not b.domain for b in seen.values())
    flagged_away = [b for b in snapshot if b.domain and (b.fabricated or b.spam_list or b.retired)]
    assert flagged_away and not any(b.name in seen for b in flagged_away)


def _record(name: str, domain: str, when: str, **kw: object) -> dict[str, object]:
    return {"Name": name, "Title": name, "Domain": domain, "BreachDate": when, "AddedDate": "2020-01-01T00:00:00Z",
            "ModifiedDate": "2020-01-01T00:00:00Z", "DataClasses": kw.pop("classes", ["Email addresses", "Passwords"]),
            "IsFabricated": False, "IsSpamList": False, "IsRetired": False, **kw}


@pytest.mark.parametrize("record", [
    _record("Spam", "spam.example.com", "2015-05-05", IsSpamList=True),
    _record("Fake", "fake.example.com", "2015-05-05", IsFabricated=True),
    _record("Old", "old.example.com", "2015-05-05", IsRetired=True),
    _record("NoPasswords", "nopw.example.com", "2015-05-05", classes=["Email addresses", "Usernames"]),
    _record("Nowhere", "", "2015-05-05"),
    _record("Suffix", "co.jp", "2015-05-05"),
], ids=["spam_list", "fabricated", "retired", "no_passwords", "no_domain", "public_suffix"])
def test_breaches_that_do_not_count_never_flag(record: dict[str, object]) -> None:
    index = BreachIndex(parse_breaches([record]))
    host = str(record["Domain"]) or "nowhere.example.com"
    assert breach_of(cred(f"https://{host}/", at(2001)), index) is None
    assert breach_of(cred("https://shop.co.jp/", at(2001)), index) is None


def test_real_spam_list_and_fabricated_breaches_in_the_snapshot_never_flag(index: BreachIndex) -> None:
    # data4marketers.com has only spam lists; vtechda.com only a fabricated one (VTech's real breach: vtech.com)
    assert breach_of(cred("https://data4marketers.com/", at(2001)), index) is None
    assert breach_of(cred("https://vtechda.com/", at(2001)), index) is None


def test_a_month_precise_breach_date_reads_as_the_end_of_the_month(index: BreachIndex) -> None:
    # 000webhost: BreachDate 2015-03-01, "in approximately March 2015"
    assert breach_name(cred("https://www.000webhost.com/", at(2015, 3, 31)), index) == "000webhost"
    assert breach_name(cred("https://www.000webhost.com/", at(2015, 4, 1)), index) is None
    c = cred("https://www.000webhost.com/", at(2015, 3, 20))
    text = Translator("en").reason(breach_reason(c, breach_of(c, index)))  # type: ignore[arg-type]
    assert "was breached in 2015-03," in text


def test_a_year_precise_breach_date_reads_as_the_end_of_the_year(index: BreachIndex) -> None:
    # BitTorrent: BreachDate 2016-01-01 (some time in 2016)
    assert breach_name(cred("https://bittorrent.com/", at(2016, 12, 31)), index) == "BitTorrent"
    assert breach_name(cred("https://bittorrent.com/", at(2017, 1, 1)), index) is None
    c = cred("https://bittorrent.com/", at(2016, 6, 1))
    text = Translator("en").reason(breach_reason(c, breach_of(c, index)))  # type: ignore[arg-type]
    assert "was breached in 2016," in text


@pytest.mark.parametrize(("when", "precision", "last"), [
    ("2013-10-04", Precision.DAY, date(2013, 10, 4)),
    ("2015-02-01", Precision.MONTH, date(2015, 2, 28)),
    ("2016-02-01", Precision.MONTH, date(2016, 2, 29)),
    ("2012-12-01", Precision.MONTH, date(2012, 12, 31)),
    ("2016-01-01", Precision.YEAR, date(2016, 12, 31)),
])
def test_breach_date_precision_and_its_last_day(when: str, precision: Precision, last: date) -> None:
    (breach,) = parse_breaches([_record("X", "x.example.com", when)])
    assert (breach.precision, breach.last_day) == (precision, last)


def test_a_password_whose_date_is_only_the_creation_time_says_password_date_unknown(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", at(2012, 5, 1), created=at(2012, 5, 1))
    reason = site_breach_findings([c], index)[c.uuid][0].reason
    assert reason.get("since") is None and reason.get("created") == date(2012, 5, 1)
    assert Translator("en").reason(reason).endswith("; password date unknown (entry created 2012-05-01)")
    assert "2012-05-01" in Translator("ja").reason(reason)


def test_an_entry_created_after_the_breach_without_history_is_not_flagged(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", at(2020), created=at(2020))
    assert site_breach_findings([c], index) == {}


def test_an_entry_without_any_time_is_flagged_with_password_date_unknown(index: BreachIndex) -> None:
    c = cred("https://adobe.com/", None)
    reason = site_breach_findings([c], index)[c.uuid][0].reason
    assert Translator("en").reason(reason).endswith("; password date unknown")


def test_the_most_recent_breach_the_password_predates_is_reported() -> None:
    index = BreachIndex(parse_breaches([_record("First", "shop.example.com", "2012-03-03"),
                                        _record("Second", "shop.example.com", "2016-06-06")]))
    assert breach_name(cred("https://shop.example.com/", at(2010)), index) == "Second"
    assert breach_name(cred("https://shop.example.com/", at(2014)), index) == "Second"
    assert breach_name(cred("https://shop.example.com/", at(2017)), index) is None


@pytest.mark.parametrize("url", ["", "https://192.0.2.1/", "http://nas.local/", "cmd://putty adobe.com",
                                 "androidapp://com.adobe.reader", "{REF:U@I:00000000000000000000000000000000}"])
def test_entries_without_a_public_host_never_match(index: BreachIndex, url: str) -> None:
    assert breach_of(cred(url, at(2001)), index) is None


def test_a_breach_title_and_domain_from_the_list_are_quoted_as_data() -> None:
    (breach,) = parse_breaches([_record("Evil", "evil.example.com", "2015-05-05", Title="<b>Evil</b>")])
    c = cred("https://evil.example.com/", at(2010))
    text = Translator("en").reason(breach_reason(c, breach), quote=lambda s: s.replace("<", "&lt;"))
    assert "&lt;b>Evil&lt;/b>" in text


def test_every_breach_of_the_snapshot_parses(index: BreachIndex) -> None:
    breaches = read_breaches_file(SNAPSHOT).breaches
    assert len(breaches) == 875
    assert index.counted > 550
    assert isinstance(breaches[0], Breach)
