"""The strength check's early scoring: scores computed while the vault is read equal those computed after it."""

from __future__ import annotations

import json
import os
import random
import string
from pathlib import Path

import pytest
from zxcvbn_rs_py import zxcvbn

from reuse_audit.audit import AuditOptions, run_audit
from reuse_audit.checks import strength, workers
from reuse_audit.checks.strength import EarlyScoring, StrengthPolicy, inputs_may_match, start_scoring
from reuse_audit.checks.workers import CpuPool, cpu_pool
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.report.audit_document import audit_document
from reuse_audit.secret import Secret
from reuse_audit.vault.source import load_vault
from reuse_audit.vault.unlock import VaultKey
from tests.conftest import MASTER, E, build_vault

WORDS = "summer winter dragon monkey sunshine password letmein football shadow master".split()
LEET = {"a": "4@", "e": "3", "i": "1!|", "l": "1|7", "o": "0", "s": "$5", "t": "+7", "c": "({[<", "g": "69",
        "b": "8", "x": "%", "z": "2"}
ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*-_=+|(){}[]<>"


def _mangled(rng: random.Random, word: str) -> str:
    """``word`` with some letters in l33t and some upper-cased, as people write them."""
    out = []
    for c in word:
        if c in LEET and rng.random() < 0.5:
            out.append(rng.choice(LEET[c]))
        else:
            out.append(c.upper() if rng.random() < 0.3 else c)
    return "".join(out)


def _case(rng: random.Random) -> tuple[str, list[str]]:
    """A password and user inputs: unrelated, or one input inside it (as typed, l33t, reversed, cut)."""
    password = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(6, 30)))
    inputs = [f"Site {rng.randint(0, 99)}", f"user{rng.randint(0, 99)}@example.com", "example", "com"]
    kind = rng.randrange(5)
    if kind == 0:
        start = rng.randrange(len(password))
        inputs.append(password[start : start + rng.randint(2, 6)])
    elif kind == 1:
        word = rng.choice(WORDS)
        inputs.append(word)
        password = _mangled(rng, word) + password[:5]
    elif kind == 2:
        inputs.append(password[::-1][: rng.randint(3, 6)])
    elif kind == 3:
        inputs.append(rng.choice(WORDS))
    return password, inputs


def test_inputs_that_cannot_match_never_change_the_score() -> None:
    """Where inputs_may_match says no, zxcvbn's estimate with the inputs is the one without them; and the
    cases tried include inputs that do change it (the check is not vacuous)."""
    rng = random.Random(16)
    skipped = changed = 0
    for _ in range(1500):
        password, inputs = _case(rng)
        alone = zxcvbn(password, user_inputs=[])
        given = zxcvbn(password, user_inputs=inputs)
        if inputs_may_match(password, inputs):
            changed += given.guesses != alone.guesses
        else:
            skipped += 1
            assert (given.guesses, given.score) == (alone.guesses, alone.score), (len(password), len(inputs))
    assert skipped > 300 and changed > 200


@pytest.mark.parametrize(("password", "inputs", "may"), [
    ("p@ssw0rd!!", ["password"], True),  # l33t
    ("xx-nhoj-42", ["John"], True),  # reversed, any case
    ("7r0ub|e", ["trouble"], True),  # 7 and | stand for l, t or i
    ("Quiet-Harbour-71", ["harbour"], True),
    ("Quiet-Harbour-71", ["Site 4", "user4@example.com", "example", "com"], False),
    ("zq9$Kx!m", [], False),
    ("contraseña-segura", ["unrelated"], True),  # not ASCII: always scored with its inputs
])
def test_inputs_may_match(password: str, inputs: list[str], may: bool) -> None:
    assert inputs_may_match(password, inputs) is may


def _fork_pool() -> CpuPool:
    if (os.cpu_count() or 1) < 2 or workers.start_method() != "fork":
        pytest.skip("needs fork and two cores")
    return CpuPool(2, "fork")


def test_early_scores_equal_scores_after_the_read(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    cases = [_case(rng) for _ in range(300)]
    passwords = list(dict.fromkeys(p for p, _ in cases))
    inputs = {p: i for p, i in cases}
    policy = StrengthPolicy()
    expected = start_scoring(passwords, [inputs[p] for p in passwords], policy)()
    pool = _fork_pool()
    try:
        early = EarlyScoring(pool, batch=8)
        for p in passwords[:250] + passwords[:40]:  # some read twice, the last 50 not early
            early.add(p)
        early.flush()
        got = start_scoring(passwords, [inputs[p] for p in passwords], policy, pool, early)()
        # scored again here (no pool): those not read early, and those whose inputs may match
        again = EarlyScoring(pool, batch=8)
        for p in passwords[:250]:
            again.add(p)
        scored: list[str] = []
        real = strength._score
        monkeypatch.setattr(strength, "_score", lambda job: scored.append(job[0]) or real(job))
        inline = start_scoring(passwords, [inputs[p] for p in passwords], policy, None, again)()
    finally:
        pool.close()
    assert got == expected == inline
    rescored = [p for p in passwords[:250] if inputs_may_match(p, inputs[p])]
    assert 20 < len(rescored) < 230  # both kinds among those read early
    assert sorted(scored) == sorted(passwords[250:] + rescored)


def test_an_audit_with_early_scoring_reports_what_one_without_does(tmp_path: Path) -> None:
    """Titles, user names and hosts inside passwords (the user inputs zxcvbn is given) included."""
    rng = random.Random(3)
    entries = []
    for i in range(300):
        word = rng.choice(WORDS)
        host = f"{word}{i}.example.org"
        password = rng.choice([f"{_mangled(rng, word)}{i}", f"{host}!{i}", f"x{i}-" + "".join(
            rng.choice(ALPHABET) for _ in range(14))])
        entries.append(E(f"{word.title()} {i}", password, username=f"{word}{i}", url=f"https://{host}/"))
    path = tmp_path / "inputs.kdbx"
    build_vault(path, entries)
    options = AuditOptions(exposure=ExposureSettings(offline=True))
    plain = audit_document(run_audit(load_vault(path, VaultKey(Secret(MASTER))), options))
    pool = _fork_pool()
    workers._prestarted = pool  # as prestart leaves it: the next cpu_pool takes it
    try:
        early = EarlyScoring(pool)
        contents = load_vault(path, VaultKey(Secret(MASTER)), passwords=early)
        assert len(early._seen) == 300
        fast = audit_document(run_audit(contents, options, early=early))
    finally:
        pool.kill()
        workers._prestarted = None
    assert json.dumps(fast, sort_keys=True) == json.dumps(plain, sort_keys=True)


def test_the_rest_goes_out_in_small_tasks_fed_while_the_entries_become_credentials(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reuse_audit.vault import source

    monkeypatch.setattr(strength, "REST_TASK", 16)
    monkeypatch.setattr(source, "POLL_EVERY", 8)
    passwords = [f"{WORDS[i % len(WORDS)]}-{i}-" + "x" * (i % 7) for i in range(100)]
    path = tmp_path / "rest.kdbx"
    build_vault(path, [E(f"Site {i}", p) for i, p in enumerate(passwords)])
    pool = _fork_pool()
    try:
        early = EarlyScoring(pool, batch=10_000)  # nothing goes out while the vault is parsed
        polls: list[int] = []
        real_poll = early.poll
        monkeypatch.setattr(early, "poll", lambda: polls.append(1) or real_poll())
        load_vault(path, VaultKey(Secret(MASTER)), passwords=early)
        assert len(polls) == 100 // 8
        assert [len(batch) for batch, _ in early._pending] == [16] * 6 + [4]
        scores = early.scores()
    finally:
        pool.close()
    assert scores == {p: zxcvbn(p, user_inputs=[]).score for p in passwords}


def test_busy_prestarted_workers_are_kept_for_little_work() -> None:
    """Workers given early tasks are kept even when too few passwords are left for a pool of their own."""
    pool = _fork_pool()
    workers._prestarted = pool
    try:
        early = EarlyScoring(pool, batch=1)
        early.add("correct horse battery staple")
        with cpu_pool(1) as taken:
            assert taken is pool
            assert early.scores() == {"correct horse battery staple": 4}
    finally:
        pool.kill()
        workers._prestarted = None


def _record_prestarts(monkeypatch: pytest.MonkeyPatch) -> list[CpuPool]:
    """Every pool prestart forks from now on (from a vault of any size), in a list."""
    monkeypatch.setattr(workers, "PRESTART_FROM_BYTES", 0)
    started: list[CpuPool] = []
    real = workers.prestart

    def recording(size: int) -> None:
        real(size)
        if workers._prestarted is not None:
            started.append(workers._prestarted)

    monkeypatch.setattr(workers, "prestart", recording)
    return started


def test_prestarted_workers_are_killed_when_the_vault_cannot_be_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong master password after the workers were forked: none is left behind for the next pool."""
    from typer.testing import CliRunner

    from reuse_audit.cli import app

    if (os.cpu_count() or 1) < 2 or workers.start_method() != "fork":
        pytest.skip("needs fork and two cores")
    path = tmp_path / "v.kdbx"
    build_vault(path, [E(f"site {i}", f"pw-{i}-x") for i in range(5)])
    started = _record_prestarts(monkeypatch)
    result = CliRunner().invoke(app, ["audit", str(path), "--password-stdin", "--offline"], input="wrong\n")
    assert result.exit_code == 2
    assert len(started) == 1 and workers._prestarted is None
    assert all(w.process.exitcode is not None for w in started[0]._workers)


def test_a_plan_with_early_scoring_is_the_plan_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan` scores while the vault is read too; a plan that ends before its checks leaves no worker behind."""
    from typer.testing import CliRunner

    from reuse_audit.cli import app

    if (os.cpu_count() or 1) < 2 or workers.start_method() != "fork":
        pytest.skip("needs fork and two cores")
    rng = random.Random(11)
    entries = [E(f"{w.title()} {i}", f"{_mangled(rng, w)}-{i}" if i % 2 else f"{w}{i}.example.org!{i}",
                 username=f"admin@{w}{i}.example.org", url=f"https://{w}{i}.example.org/")
               for i, w in enumerate(rng.choice(WORDS) for _ in range(60))]
    entries.append(E("Mail", "Summer-2024!", username="admin@aaa.jp", url="https://mail.aaa.jp/"))
    path = tmp_path / "plan.kdbx"
    build_vault(path, entries)
    argv = ["plan", str(path), "--password-stdin", "--offline", "--breached", "admin@aaa.jp", "--format", "json"]
    plain = CliRunner().invoke(app, argv, input=MASTER + "\n")
    assert plain.exit_code == 0, plain.output
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    started = _record_prestarts(monkeypatch)
    fast = CliRunner().invoke(app, argv, input=MASTER + "\n")
    assert fast.exit_code == 0 and len(started) == 1
    assert json.loads(fast.stdout) == json.loads(plain.stdout)
    unknown = CliRunner().invoke(app, [*argv[:5], "nobody@nowhere.example"], input=MASTER + "\n")
    assert unknown.exit_code == 2 and len(started) == 2 and workers._prestarted is None
    assert all(w.process.exitcode is not None for pool in started for w in pool._workers)
