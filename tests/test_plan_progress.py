"""The plan survives being followed: the breach time, passwords held then (from the history), step statuses."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from reuse_audit.cli import app
from tests.conftest import MASTER, assert_no_leak

# Relative to today: without a breach time the plan looks back 90 days.
BREACH = (datetime.now(UTC) - timedelta(days=10)).replace(hour=12, minute=0, second=0, microsecond=0)
T0 = BREACH - timedelta(days=50)  # entries created
AFTER = BREACH + timedelta(days=1)
OLD_PW = "Kamome2019!"  # the mailbox's password when it was hijacked


@dataclass
class V:
    """One version of an entry: its password, when it began, its tags."""

    password: str
    at: datetime
    tags: list[str] = field(default_factory=list)


@dataclass
class Entry:
    title: str
    username: str
    url: str
    versions: list[V]  # oldest first, as KeePass appends them (a test may shuffle them)
    created: datetime | None = None


def build(path: Path, entries: Sequence[Entry], *, shuffle_history: bool = False,
          master_key_changed: datetime | None = None, master: str = MASTER) -> dict[str, str]:
    """A KDBX 4 vault whose entries have the given versions, times and tags; returns {title: uuid}."""
    from pykeepass import create_database

    kp = create_database(str(path), password=master)
    kdf = kp.kdbx.header.value.dynamic_header.kdf_parameters.data.dict
    kdf["I"].value, kdf["M"].value, kdf["P"].value = 1, 1024 * 1024, 1
    uuids = {}
    for n, spec in enumerate(entries):
        first = spec.versions[0]
        e = kp.add_entry(kp.root_group, f"entry-{n}", spec.username, first.password, url=spec.url,
                         tags=first.tags or None, force_creation=True)
        e.title = spec.title
        e.ctime = spec.created or first.at
        e.mtime = first.at
        for v in spec.versions[1:]:
            e.save_history()
            e.password = v.password
            e.tags = v.tags or ""
            e.mtime = v.at
        if shuffle_history:
            hist = e._element.find("History")
            if hist is not None:
                items = list(hist)
                for item in items:
                    hist.remove(item)
                for item in reversed(items):
                    hist.append(item)
        uuids[spec.title] = str(e.uuid)
    if master_key_changed is not None:
        meta = kp.tree.getroot().find("Meta")
        el = meta.find("MasterKeyChanged")
        if el is None:
            el = etree.SubElement(meta, "MasterKeyChanged")
        el.text = master_key_changed.strftime("%Y-%m-%dT%H:%M:%SZ")
    kp.save()
    return uuids


def mailbox_story() -> list[Entry]:
    """admin@aaa.jp was hijacked on BREACH; the owner rotated the mailbox and two sharers the next day."""
    return [
        Entry("Mailbox admin", "admin@aaa.jp", "https://webmail.aaa.jp/",
              [V(OLD_PW, T0), V("Tq8#vLr2!mXp9$Kw", AFTER)]),
        Entry("Google", "admin@aaa.jp", "https://accounts.google.com/", [V(OLD_PW, T0), V("Zf4&nB7@qW1^eR6!", AFTER)]),
        Entry("Instagram", "aaa.shop", "https://www.instagram.com/", [V(OLD_PW, T0), V("Kamome2026!", AFTER)]),
        Entry("Mailbox info", "info@aaa.jp", "https://webmail.aaa.jp/", [V(OLD_PW, T0)]),
        Entry("Amazon", "admin@aaa.jp", "https://www.amazon.co.jp/", [V("Ama!zon-unique-77x", T0)]),
    ]


def story_tagged(title: str, *tags: str) -> list[Entry]:
    """mailbox_story() with ``tags`` on the version of ``title`` made after the breach (its new password)."""
    entries = mailbox_story()
    n = next(i for i, e in enumerate(entries) if e.title == title)
    *older, new = entries[n].versions
    entries[n] = replace(entries[n], versions=[*older, replace(new, tags=list(tags))])
    return entries


def plan_json(path: Path, *args: str, env: dict[str, str] | None = None, master: str = MASTER) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["plan", str(path), "--password-stdin", "--offline", "--checks",
                                      "reuse,strength,variants", "--format", "json", *args],
                                input=master + "\n", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_title(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["title"]: s for s in doc["steps"]}


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.kdbx"
    build(path, mailbox_story())
    return path


def test_with_a_breach_time_each_step_says_whether_it_is_done(story: Path) -> None:
    doc = plan_json(story, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    steps = by_title(doc)
    assert doc["breach"]["breached_at"] == BREACH.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert doc["breach"]["breached_at_source"] == "option"
    assert (steps["Mailbox admin"]["tier"], steps["Mailbox admin"]["status"]) == (1, "done")
    assert (steps["Google"]["tier"], steps["Google"]["status"]) == (2, "done")
    assert (steps["Instagram"]["tier"], steps["Instagram"]["status"]) == (2, "redo")
    assert "changed_to_variant" in steps["Instagram"]["status_reasons"]
    assert (steps["Mailbox info"]["tier"], steps["Mailbox info"]["status"]) == (2, "todo")
    assert steps["Mailbox info"]["status_reasons"] == ["unchanged_since_breach"]
    # the mailbox's password is done, but its recovery checklist is still open: it is not counted done yet
    assert [i["status"] for i in steps["Mailbox admin"]["checklist"]][0] == "done"
    # Google's new password is in, but whoever holds the mailbox can still reset it: its second factor is left
    assert [(i["code"], i["status"]) for i in steps["Google"]["checklist"]] == [("enable_2fa", "todo")]
    assert steps["Google"]["finished"] is False
    assert doc["summary"]["progress"] == {"done": 0, "redo": 1, "todo": 4, "unknown_at_breach": 0}


def test_a_changed_account_is_finished_once_its_second_factor_is_on(tmp_path: Path) -> None:
    path = tmp_path / "tfa.kdbx"
    build(path, story_tagged("Google", "reuse-audit:done:enable_2fa"))
    google = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))["Google"]
    assert google["status"] == "done" and google["finished"] is True
    assert [(i["code"], i["status"]) for i in google["checklist"]] == [("enable_2fa", "done")]


def test_the_mailbox_checklist_is_done_item_by_item_with_tags_added_after_the_breach(tmp_path: Path) -> None:
    path = tmp_path / "checklist.kdbx"
    build(path, story_tagged("Mailbox admin", "reuse-audit:done:remove_forwarding"))
    step = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))[
        "Mailbox admin"]
    status = {i["code"]: i["status"] for i in step["checklist"]}
    assert status["change_password"] == "done" and status["remove_forwarding"] == "done"
    assert status["sign_out_sessions"] == "todo"
    assert {"sign_out_sessions", "remove_forwarding", "revoke_app_passwords", "check_recovery", "enable_2fa",
            "review_sent"} <= set(status)
    all_done = tmp_path / "all.kdbx"
    build(all_done, story_tagged("Mailbox admin", "reuse-audit:done"))
    doc = plan_json(all_done, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    assert all(i["status"] == "done" for i in by_title(doc)["Mailbox admin"]["checklist"])
    assert doc["summary"]["progress"]["done"] == 1  # the mailbox; Google still wants its second factor


def test_a_redo_comes_first_within_its_tier(story: Path) -> None:
    doc = plan_json(story, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    tier2 = [s["title"] for s in doc["steps"] if s["tier"] == 2]
    assert tier2[0] == "Instagram"


def test_without_a_breach_time_the_old_password_still_counts_and_nothing_is_done(story: Path) -> None:
    doc = plan_json(story, "--breached", "admin@aaa.jp")
    steps = by_title(doc)
    assert steps["Mailbox info"]["tier"] == 2  # still holds the password the mailbox had until yesterday
    assert steps["Instagram"]["tier"] == 3  # a variant of it
    assert all(s["status"] != "done" for s in doc["steps"] if s["action"] != "none")
    assert doc["breach"]["breached_at"] is None and doc["breach"]["breached_at_source"] == "none"
    codes = doc["note_codes"]
    assert "rule_recent" in codes and "suggest_breached_at" in codes
    suggestion = next(n for n in doc["notes"] if "re-run" in n)
    minute_before = (AFTER - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%MZ")
    assert f"--breached-at {minute_before}" in suggestion and "--breached admin@aaa.jp" in suggestion
    command = suggestion[suggestion.index("reuse-audit plan "):]
    for lang in ("en", "ja"):  # the text keeps the command whole on a line of its own, to be copied
        text = CliRunner().invoke(app, ["plan", str(story), "--password-stdin", "--offline", "--breached",
                                        "admin@aaa.jp", "--lang", lang], input=MASTER + "\n",
                                  env={"COLUMNS": "80"}).stdout
        assert "    " + command in text.splitlines()


def test_an_entry_whose_history_does_not_reach_the_breach_is_unknown_then_and_never_done(tmp_path: Path) -> None:
    path = tmp_path / "cut.kdbx"
    entries = mailbox_story()
    # created before the breach, but its oldest kept version is from after it (history was cut)
    entries.append(Entry("Forum", "kamome", "https://forum.example/", [V("Forum-new-pass-99!", AFTER)],
                         created=T0))
    build(path, entries)
    doc = plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    assert doc["summary"]["progress"]["unknown_at_breach"] == 1
    assert "unknown_at_breach_count" in doc["note_codes"]


def test_an_entry_created_after_the_breach_with_the_breached_password_still_ranks(tmp_path: Path) -> None:
    path = tmp_path / "new.kdbx"
    entries = [*mailbox_story(), Entry("New shop", "me", "https://shop.example/", [V(OLD_PW, AFTER)]),
               Entry("Other new", "me", "https://other.example/", [V("Unrelated-pass-7#x", AFTER)])]
    build(path, entries)
    steps = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat(), "--all"))
    assert (steps["New shop"]["tier"], steps["New shop"]["status"]) == (2, "todo")
    assert steps["New shop"]["status_reasons"] == ["created_after_breach"]
    assert steps["Other new"]["tier"] > 3


def test_a_done_tag_counts_only_when_added_after_the_breach(tmp_path: Path) -> None:
    path = tmp_path / "tags.kdbx"
    entries = [
        *mailbox_story()[:1],
        Entry("Shop old tag", "admin@aaa.jp", "https://old.example/",
              [V("Shop-unique-1!x", T0, ["reuse-audit:done"])]),
        Entry("Shop new tag", "admin@aaa.jp", "https://new.example/",
              [V("Shop-unique-2!x", T0), V("Shop-unique-2!x", AFTER, ["reuse-audit:done"])]),
    ]
    build(path, entries)
    steps = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat(), "--all"))
    assert steps["Shop old tag"]["action"] == "secure_account" and steps["Shop old tag"]["status"] == "todo"
    assert steps["Shop new tag"]["status"] == "done"
    assert steps["Shop new tag"]["status_reasons"] == ["marked_done"]


def test_history_items_out_of_order_are_sorted_by_time(tmp_path: Path) -> None:
    path = tmp_path / "merged.kdbx"
    entries = mailbox_story()
    entries[3] = Entry("Mailbox info", "info@aaa.jp", "https://webmail.aaa.jp/",
                       [V("First-pass-2025!", T0 - timedelta(days=30)), V(OLD_PW, T0), V("Rotated#Info-2026", AFTER)])
    build(path, entries, shuffle_history=True)
    steps = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))
    assert (steps["Mailbox info"]["tier"], steps["Mailbox info"]["status"]) == (2, "done")


def test_the_master_password_step_is_done_when_the_master_key_changed_after_the_breach(tmp_path: Path) -> None:
    path = tmp_path / "master.kdbx"
    entries = mailbox_story()
    entries.append(Entry("Vault copy", "me", "https://files.example/", [V(MASTER, T0)]))
    build(path, entries, master_key_changed=AFTER)
    doc = plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    vault_step = doc["steps"][0]
    assert vault_step["tier"] == 0 and vault_step["status"] == "done"


@pytest.mark.parametrize(("master", "reason"), [
    (OLD_PW, "changed_to_breached"),  # the master password changed *to* the stolen one
    ("Kamome2020!", "changed_to_variant"),  # or to a variant of it
])
def test_the_master_password_step_is_not_done_while_the_master_password_is_breached(
        tmp_path: Path, master: str, reason: str) -> None:
    path = tmp_path / "master.kdbx"
    entries = mailbox_story()
    entries.append(Entry("Vault copy", "me", "https://files.example/", [V(master, T0)]))
    build(path, entries, master_key_changed=AFTER, master=master)
    doc = plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat(), master=master)
    vault_step = doc["steps"][0]
    assert vault_step["tier"] == 0 and vault_step["status"] == "redo"
    assert vault_step["status_reasons"] == [reason]


@pytest.mark.parametrize(("value", "message"), [
    ("2999-01-01", "is in the future"),
    ("yesterday", "expected an ISO 8601 date"),
])
def test_a_bad_breach_time_is_one_line_and_exit_two(story: Path, value: str, message: str) -> None:
    result = CliRunner().invoke(app, ["plan", str(story), "--password-stdin", "--offline", "--breached",
                                      "admin@aaa.jp", "--breached-at", value], input=MASTER + "\n")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert message in line


def test_the_breach_time_comes_from_the_environment_but_never_from_the_config_file(story: Path,
                                                                                    tmp_path: Path) -> None:
    doc = plan_json(story, "--breached", "admin@aaa.jp", env={"REUSE_AUDIT_BREACHED_AT": BREACH.isoformat()})
    assert doc["breach"]["breached_at_source"] == "environment"
    config = tmp_path / "c.toml"
    config.write_text(f'[plan]\nbreached-at = "{BREACH.isoformat()}"\n')
    result = CliRunner().invoke(app, ["plan", str(story), "--password-stdin", "--offline", "--config", str(config),
                                      "--breached", "admin@aaa.jp"], input=MASTER + "\n")
    assert result.exit_code == 2
    assert "never from the config file" in result.stderr


def test_a_date_without_a_time_is_the_start_of_that_day_in_local_time(story: Path) -> None:
    day = BREACH.date()
    doc = plan_json(story, "--breached", "admin@aaa.jp", "--breached-at", day.isoformat())
    local_midnight = datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)
    assert doc["breach"]["breached_at"] == local_midnight.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "html"])
def test_no_format_shows_a_current_or_an_old_password(story: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["plan", str(story), "--password-stdin", "--offline", "--breached",
                                      "admin@aaa.jp", "--breached-at", BREACH.isoformat(), "--all", "--format", fmt],
                                input=MASTER + "\n")
    assert result.exit_code == 0, result.output
    passwords = {v.password for e in mailbox_story() for v in e.versions}
    assert_no_leak(result.output, passwords)


def test_the_text_formats_show_progress_and_hide_done_steps_unless_all(story: Path, tmp_path: Path) -> None:
    args = ["plan", str(story), "--password-stdin", "--offline", "--checks", "reuse,variants", "--breached",
            "admin@aaa.jp", "--breached-at", BREACH.isoformat()]
    run = CliRunner().invoke(app, args, input=MASTER + "\n")
    out = run.stdout
    assert "Progress: 0 of 5 steps done, 1 to redo" in out  # the mailbox's checklist, Google's 2FA are open
    assert out.startswith("Rotation plan — 5 steps to do (") and "plan: 5 of 5 steps still to do" in run.stderr
    assert "Google (admin@aaa.jp)" in out and "[ ] Turn on two-step login" in out
    tagged = tmp_path / "tagged.kdbx"
    build(tagged, story_tagged("Google", "reuse-audit:done"))
    args[1] = str(tagged)
    run = CliRunner().invoke(app, args, input=MASTER + "\n")
    out = run.stdout
    assert "Progress: 1 of 5 steps done, 1 to redo" in out
    # the header, stderr and summary.to_do count the same steps (the header said "out of N entries")
    assert out.startswith("Rotation plan — 4 of 5 steps still to do (")
    assert "plan: 4 of 5 steps still to do" in run.stderr
    assert "1 step is done; --all shows it." in out
    assert "Google (admin@aaa.jp)" not in out
    everything = CliRunner().invoke(app, [*args, "--all"], input=MASTER + "\n").stdout
    assert "Google (admin@aaa.jp)" in everything and "[x]" in everything


# --- a vault edited by a real client ------------------------------------------------------------------------

KEEPASSXC = shutil.which("keepassxc-cli")


def _kx(*args: str, lines: Sequence[str]) -> None:
    subprocess.run([KEEPASSXC or "keepassxc-cli", *args], input="\n".join(lines) + "\n", capture_output=True,
                   text=True, check=True, timeout=60)


@pytest.mark.skipif(KEEPASSXC is None, reason="keepassxc-cli is not installed (Debian package keepassxc)")
def test_a_vault_rotated_in_keepassxc_reads_done_done_redo_todo(tmp_path: Path) -> None:
    db = str(tmp_path / "kx.kdbx")
    _kx("db-create", "--set-password", "--decryption-time", "100", db, lines=[MASTER, MASTER])
    for title, user, url in (("Mailbox admin", "admin@aaa.jp", "https://webmail.aaa.jp/"),
                             ("Google", "admin@aaa.jp", "https://accounts.google.com/"),
                             ("Instagram", "aaa.shop", "https://www.instagram.com/"),
                             ("Mailbox info", "info@aaa.jp", "https://webmail.aaa.jp/")):
        _kx("add", "-p", "-u", user, "--url", url, db, title, lines=[MASTER, OLD_PW, OLD_PW])
    time.sleep(1.1)
    breached_at = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    for title, new in (("Mailbox admin", "Tq8#vLr2!mXp9$Kw"), ("Google", "Zf4&nB7@qW1^eR6!"),
                       ("Instagram", "Kamome2026!")):
        _kx("edit", "-p", db, title, lines=[MASTER, new, new])
    doc = plan_json(Path(db), "--breached", "admin@aaa.jp", "--breached-at", breached_at.isoformat())
    steps = by_title(doc)
    assert [(steps[t]["tier"], steps[t]["status"]) for t in ("Mailbox admin", "Google", "Instagram", "Mailbox info")
            ] == [(1, "done"), (2, "done"), (2, "redo"), (2, "todo")]
    without = by_title(plan_json(Path(db), "--breached", "admin@aaa.jp"))
    assert without["Mailbox info"]["tier"] == 2 and without["Instagram"]["tier"] == 3


def test_a_changed_password_with_its_checklist_open_is_not_finished_and_do_now_says_so(tmp_path: Path) -> None:
    path = tmp_path / "day2.kdbx"
    build(path, mailbox_story())
    doc = plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    mailbox = by_title(doc)["Mailbox admin"]
    assert mailbox["status"] == "done" and mailbox["finished"] is False  # the password is; the checklist is not
    assert any(item["status"] == "todo" for item in mailbox["checklist"])
    finished = [s for s in doc["steps"] if s["finished"]]
    assert doc["summary"]["progress"]["done"] == len([s for s in finished if s["action"] != "none"])
    text = CliRunner().invoke(app, ["plan", str(path), "--password-stdin", "--offline", "--breached", "admin@aaa.jp",
                                    "--breached-at", BREACH.isoformat()], input=MASTER + "\n",
                              env={"COLUMNS": "200"}).stdout
    do_now = next(line for line in text.splitlines() if line.startswith("Do "))
    assert f"{mailbox['step']}. Finish the checklist: Mailbox admin" in do_now
    # its line is not ticked, nor called "done", while the header does not count it
    lines = text.splitlines()
    head = next(n for n, line in enumerate(lines) if "Finish the checklist — Mailbox admin" in line)
    assert lines[head].strip().startswith(f"{mailbox['step']}. [ ] ")
    left_items = sum(1 for item in mailbox["checklist"] if item["status"] != "done")
    assert lines[head + 1].strip().startswith(f"» password changed, {left_items} checklist items left: ")
    assert not any(line.strip().startswith("» done") for line in lines if "Mailbox admin" in line)
    # the header counts the steps left, as the progress line counts those finished; the CSV says which is which
    left = sum(1 for s in doc["steps"] if s["action"] != "none" and not s["finished"])
    steps = sum(1 for s in doc["steps"] if s["action"] != "none")
    assert steps == doc["summary"]["to_do"] == left  # the mailbox's password is done, its checklist is not
    assert doc["summary"]["left"] == left
    assert lines[0].startswith(f"Rotation plan — {left} steps to do (")
    csv_out = CliRunner().invoke(app, ["plan", str(path), "--password-stdin", "--offline", "--breached",
                                       "admin@aaa.jp", "--breached-at", BREACH.isoformat(), "--format", "csv"],
                                 input=MASTER + "\n").stdout
    import csv
    import io

    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(csv_out))}
    assert (rows["Mailbox admin"]["status"], rows["Mailbox admin"]["finished"]) == ("done", "no")
    assert int(rows["Mailbox admin"]["checklist_left"]) == left_items



def test_the_html_ticks_belong_to_one_incident_and_a_step_to_redo_drops_its_own(tmp_path: Path) -> None:
    import re

    path = tmp_path / "day2.kdbx"
    uuids = build(path, mailbox_story())
    page = CliRunner().invoke(app, ["plan", str(path), "--password-stdin", "--offline", "--breached", "admin@aaa.jp",
                                    "--breached-at", BREACH.isoformat(), "--format", "html", "--all"],
                              input=MASTER + "\n").stdout
    prefix = re.search(r'<body data-key="([^"]+)"', page)
    assert prefix and prefix.group(1).endswith(f":admin@aaa.jp:{BREACH.isoformat()}:")  # another incident: afresh
    instagram = re.search(rf'<input type="checkbox"[^>]*data-key="{uuids["Instagram"]}"[^>]*>', page)
    assert instagram and 'data-redo="1"' in instagram.group(0)  # changed to a variant of the stolen password
    google = re.search(rf'<input type="checkbox"[^>]*data-key="{uuids["Google"]}"[^>]*>', page)
    assert google and 'data-redo="1"' not in google.group(0)
    assert "if(b.getAttribute('data-redo')==='1'&&s){s.removeItem(k)}" in page


def test_a_password_changed_after_the_breach_and_then_back_is_to_redo_not_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "reverted.kdbx"
    entries = mailbox_story()
    entries[3] = Entry("Mailbox info", "info@aaa.jp", "https://webmail.aaa.jp/",
                       [V(OLD_PW, T0), V("Tq9#wLr3!mXp8$Kv", AFTER), V(OLD_PW, AFTER + timedelta(days=1))])
    build(path, entries)
    step = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))["Mailbox info"]
    assert (step["status"], step["status_reasons"]) == ("redo", ["changed_to_breached"])


def test_the_stderr_summary_writes_large_counts_as_the_report_does(tmp_path: Path) -> None:
    from reuse_audit.i18n import Translator
    from reuse_audit.plan.wording import STDERR_SUMMARY

    assert Translator("en").text(STDERR_SUMMARY, todo=7924, total=10000) == (
        "plan: 7,924 of 10,000 steps still to do")
    assert "7,924" in Translator("ja").text(STDERR_SUMMARY, todo=7924, total=10000)


def test_a_link_to_the_breached_mailbox_stays_to_do_when_only_the_mailbox_is_changed(tmp_path: Path) -> None:
    """Facebook's password is {REF:P@I:<mailbox>}: changing the mailbox's password in KeePass changes what the
    link reads, not facebook.com, which still has the stolen one. It was "nothing to do, done"."""
    from pykeepass import PyKeePass

    path = tmp_path / "ref.kdbx"
    uuids = build(path, [Entry("Mailbox admin", "admin@aaa.jp", "https://webmail.aaa.jp/",
                               [V(OLD_PW, T0), V("Tq8#vLr2!mXp9$Kw", AFTER)])])
    kp = PyKeePass(str(path), password=MASTER)
    target = uuids["Mailbox admin"].replace("-", "").upper()
    link = kp.add_entry(kp.root_group, "Facebook", "fb", "{REF:P@I:" + target + "}", url="https://www.facebook.com/",
                        force_creation=True)
    link.ctime = link.mtime = T0
    kp.save()
    facebook = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat(),
                                  "--all"))["Facebook"]
    assert (facebook["tier"], facebook["action"], facebook["status"]) == (2, "change_password", "todo")
    assert facebook["reason_codes"][0] == "linked_to_breached"
    assert facebook["status_reasons"] == ["unchanged_since_breach"]


def test_a_done_tag_does_not_close_a_step_whose_own_password_is_still_weak_or_shared(tmp_path: Path) -> None:
    """Amazon (the breached mailbox can reset it) is secured and tagged done, but its password is weak: the tag
    cannot close what the vault shows open; with a strong password of its own the same tag does."""
    weak = [*mailbox_story()[:4], Entry("Amazon", "admin@aaa.jp", "https://www.amazon.co.jp/",
                                        [V("password123", T0), V("password123", AFTER, ["reuse-audit:done"])])]
    path = tmp_path / "weak.kdbx"
    build(path, weak)
    amazon = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))["Amazon"]
    assert (amazon["tier"], amazon["action"], amazon["status"]) == (4, "secure_account", "redo")
    assert "weak" in amazon["status_reasons"] and amazon["finished"] is False
    strong = [*mailbox_story()[:4], Entry("Amazon", "admin@aaa.jp", "https://www.amazon.co.jp/",
                                          [V("Ama!zon-unique-77x", T0),
                                           V("Ama!zon-unique-77x", AFTER, ["reuse-audit:done"])])]
    build(path, strong)
    amazon = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))["Amazon"]
    assert amazon["status"] == "done" and amazon["status_reasons"] == ["marked_done"]


def test_a_password_changed_to_a_weak_one_is_redo_not_done(tmp_path: Path) -> None:
    entries = mailbox_story()
    entries[1] = Entry("Google", "admin@aaa.jp", "https://accounts.google.com/", [V(OLD_PW, T0), V("abc12345", AFTER)])
    path = tmp_path / "weak-new.kdbx"
    build(path, entries)
    google = by_title(plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat()))["Google"]
    assert google["status"] == "redo" and google["status_reasons"] == ["weak"]


def test_the_mailbox_checklist_counts_two_step_login_on_when_the_entry_holds_its_one_time_code(tmp_path: Path
                                                                                               ) -> None:
    from tests.conftest import E, build_vault

    path = tmp_path / "otp.kdbx"
    build_vault(path, [E("Mailbox admin", OLD_PW, "admin@aaa.jp", "https://webmail.aaa.jp/",
                         otp="otpauth://totp/aaa:admin?secret=JBSWY3DPEHPK3PXP&issuer=aaa"),
                       E("Mailbox info", OLD_PW, "info@aaa.jp", "https://webmail.aaa.jp/")])
    doc = plan_json(path, "--breached", "admin@aaa.jp", "--breached-at", BREACH.isoformat())
    status = {i["code"]: i["status"] for i in by_title(doc)["Mailbox admin"]["checklist"]}
    assert status["enable_2fa"] == "done" and status["sign_out_sessions"] == "todo"
