"""The CPU worker pool never hangs and never leaves a process behind, whatever ends the run.

Every test that starts processes has a timeout and kills what it started; stress runs happen in a child
Python whose every run is under a faulthandler watchdog (a hang dumps the stacks and exits).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import string
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import reuse_audit.checks.workers as workers
from reuse_audit.audit import AuditOptions, run_audit
from reuse_audit.checks.workers import CpuPool, WorkerError, WorkerLostError, cpu_pool
from reuse_audit.credentials import Credential, VaultContents
from reuse_audit.exposure.settings import ExposureSettings
from reuse_audit.secret import Secret

REPO = Path(__file__).resolve().parents[1]
OFFLINE = ExposureSettings(offline=True)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for a reaper other than us counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_gone(pids: list[int], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def vault(distinct: int, entries: int, seed: int = 7, *, quick: bool = False) -> VaultContents:
    """``entries`` entries sharing ``distinct`` passwords; ``quick``: short random ones, cheap to score."""
    rng = random.Random(seed)
    if quick:
        pws = [f"{i:03d}" + "".join(rng.choice(string.ascii_letters) for _ in range(5)) for i in range(distinct)]
    else:
        pws = [rng.choice(["monkey", "dragon", "sunshine"]) + str(i) for i in range(distinct // 2)]
        pws += ["".join(rng.choice(string.ascii_letters + "!#") for _ in range(14)) for _ in range(distinct - len(pws))]
    creds = tuple(Credential(uuid=f"00000000-0000-0000-0000-{i:012d}", title=f"t{i}", username="u", url="",
                             group="", password=Secret(pws[i % len(pws)])) for i in range(entries))
    return VaultContents(path="mem", kdbx_version="4.0", entries_total=len(creds), credentials=creds, skipped=())


def digest(result):  # type: ignore[no-untyped-def]
    return [(e.credential.uuid, e.findings, e.strength, e.reuse_group, e.variant_group) for e in result.entries]


def run_child(script: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool needs two cores")
@linux_only
def test_fifty_pool_runs_never_hang_and_leave_no_process() -> None:
    script = """
        import faulthandler, multiprocessing, os, signal, sys
        import reuse_audit.checks.workers as workers
        from reuse_audit.audit import AuditOptions, run_audit
        from reuse_audit.exposure.settings import ExposureSettings
        from tests.test_workers import gone, vault

        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # as the CLI does
        started = []
        original = workers.CpuPool.__init__

        def recording(self, *args, **kwargs):
            original(self, *args, **kwargs)
            started.append(list(self.pids))

        workers.CpuPool.__init__ = recording
        workers.PARALLEL_FROM = 400  # the pool runs, as it did for the vault that hung
        contents = vault(distinct=400, entries=500, quick=True)  # the shape of the vault that hung
        for run in range(50):
            faulthandler.dump_traceback_later(30, exit=True)
            run_audit(contents, AuditOptions(exposure=ExposureSettings(offline=True)))
            faulthandler.cancel_dump_traceback_later()
            assert multiprocessing.active_children() == [], run
            assert all(gone(pid) for pid in started[-1]), run
        print(len(started), "pools", sum(map(len, started)), "workers")
    """
    done = run_child(script, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("50 pools")


def test_spawn_gives_the_same_audit_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("the pool needs two cores")
    real = multiprocessing.get_context

    def no_fork(method: str | None = None) -> object:
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    methods: list[str] = []
    original = CpuPool.__init__

    def recording(self: CpuPool, size: int, start_method: str) -> None:
        methods.append(start_method)
        original(self, size, start_method)

    monkeypatch.setattr(CpuPool, "__init__", recording)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 400)  # 500 distinct passwords: the pool runs
    monkeypatch.setattr(workers, "SPAWN_PARALLEL_FROM", 400)
    contents = vault(distinct=500, entries=540)
    parallel = run_audit(contents, AuditOptions(exposure=OFFLINE))
    assert methods == ["spawn"]
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    single = run_audit(contents, AuditOptions(exposure=OFFLINE))
    assert digest(parallel) == digest(single)
    assert parallel.variant_groups and parallel.reuse_groups


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_collect_garbage_as_seldom_as_the_cli(method: str) -> None:
    import gc

    from reuse_audit.gc_tuning import THRESHOLDS

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # the interpreter's default: what a spawned worker starts with
    pool = CpuPool(1, method)
    try:
        assert pool.apply_async(gc.get_threshold, ()).get() == THRESHOLDS
    finally:
        pool.kill()
        gc.set_threshold(*before)


def test_site_names_made_in_the_worker_give_the_same_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large vault's variant search makes its site names in the worker; a small one's are made here."""
    import reuse_audit.audit as audit

    if (os.cpu_count() or 1) < 2:
        pytest.skip("the pool needs two cores")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 400)
    contents = vault(distinct=500, entries=540)
    tasks: list[str] = []
    real = CpuPool.apply_async

    def recording(self: CpuPool, fn: object, args: tuple[object, ...] = (), *, first: bool = False) -> object:
        tasks.append(getattr(fn, "__name__", "?"))
        return real(self, fn, args, first=first)  # type: ignore[arg-type]

    monkeypatch.setattr(CpuPool, "apply_async", recording)
    here = run_audit(contents, AuditOptions(exposure=OFFLINE))
    monkeypatch.setattr(audit, "NAMES_IN_WORKER_FROM", 0)
    there = run_audit(contents, AuditOptions(exposure=OFFLINE))
    assert tasks == ["find_variant_groups", "variant_search"]
    assert digest(here) == digest(there)
    assert here.variant_groups == there.variant_groups and here.variant_groups


def test_fork_is_used_only_without_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert workers.start_method() == "spawn"


def test_a_task_submitted_first_runs_before_those_queued() -> None:
    method = workers.start_method()
    pool = CpuPool(1, method)
    try:
        busy = pool.apply_async(time.sleep, (0.3,))  # the only worker is busy: what follows is queued
        queued = [pool.apply_async(time.monotonic) for _ in range(3)]
        urgent = pool.apply_async(time.monotonic, first=True)
        busy.get()
        ran_at = [p.get() for p in queued]
        assert urgent.get() < min(ran_at)
        assert ran_at == sorted(ran_at)
    finally:
        pool.kill()


@linux_only
def test_an_error_in_the_block_kills_the_workers() -> None:
    with pytest.raises(RuntimeError, match="boom"), cpu_pool(10_000) as pool:
        assert pool is not None
        pids = pool.pids
        pool.apply_async(time.sleep, (30,))
        raise RuntimeError("boom")
    assert wait_gone(pids)
    assert multiprocessing.active_children() == []


@linux_only
def test_an_interrupt_while_waiting_kills_the_workers() -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt), cpu_pool(10_000) as pool:
            assert pool is not None
            pids = pool.pids
            pool.apply_async(time.sleep, (30,)).get()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert wait_gone(pids)


def test_a_failing_task_raises_with_its_type_only() -> None:
    with cpu_pool(10_000) as pool:
        if pool is None:
            pytest.skip("the pool needs two cores")
        with pytest.raises(WorkerError) as caught:
            pool.apply_async(int, ("secret-password-123",)).get()
        assert "ValueError" in str(caught.value)
        assert "secret" not in str(caught.value)
        assert pool.apply_async(abs, (-3,)).get() == 3  # the worker lives on


@linux_only
def test_a_worker_that_dies_mid_task_fails_its_task_instead_of_hanging() -> None:
    with cpu_pool(10_000) as pool:
        if pool is None:
            pytest.skip("the pool needs two cores")
        with pytest.raises(WorkerLostError, match=r"ended unexpectedly \(exit code 3\)"):
            pool.apply_async(os._exit, (3,)).get()
        assert pool.map_async(abs, [-1, -2, -3, -4], chunksize=1).get() == [1, 2, 3, 4]


def _killed_by_the_kernel() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does


@linux_only
def test_a_worker_killed_from_outside_is_said_in_one_line_not_as_a_bug() -> None:
    with cpu_pool(10_000) as pool:
        if pool is None:
            pytest.skip("the pool needs two cores")
        with pytest.raises(WorkerLostError) as caught:
            pool.apply_async(_killed_by_the_kernel).get()
        assert str(caught.value) == ("a worker process was killed (signal 9), perhaps because the system ran out "
                                     "of memory; nothing was reported")
        assert pool.apply_async(abs, (-3,)).get() == 3  # the other worker lives on


_KILLED_WORKER_CLI = """
import os, signal, sys
import reuse_audit.checks.strength as strength


def _score(job):
    os.kill(os.getpid(), signal.SIGKILL)


strength._score = _score  # every scoring task calls it (forked workers have it too; tasks name it by module and name)
sys.argv = ["reuse-audit", *sys.argv[1:]]
from reuse_audit.cli import main
main()
"""


@linux_only
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "reuse-audit: error: a worker process was killed (signal 9), perhaps because the system ran out of "
           "memory; nothing was reported\n"),
    ("ja", "reuse-audit: エラー：ワーカープロセスが強制終了されました（シグナル 9）。メモリ不足の可能性があります。"
           "結果は出力していません\n"),
])
def test_an_audit_whose_worker_is_killed_says_so_in_one_line(lang: str, expected: str, tmp_path: Path) -> None:
    if (os.cpu_count() or 1) < 2 or workers.start_method() != "fork":
        pytest.skip("needs fork and two cores")
    from tests.conftest import MASTER, E, build_vault

    vault_path = tmp_path / "v.kdbx"
    build_vault(vault_path, [E(f"Site {i}", f"pw-{i:04d}-kettle", f"user{i}@example.com") for i in range(600)])
    done = subprocess.run([sys.executable, "-c", _KILLED_WORKER_CLI, "audit", str(vault_path), "--password-stdin",
                           "--offline", "--format", "json", "--lang", lang], input=MASTER + "\n",
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=REPO)
    assert done.returncode == 2
    assert done.stderr == expected
    assert done.stdout == ""


@linux_only
def test_workers_ignore_sigint_and_sigterm() -> None:
    with cpu_pool(10_000) as pool:
        if pool is None:
            pytest.skip("the pool needs two cores")
        for pid in pool.pids:
            os.kill(pid, signal.SIGINT)
            os.kill(pid, signal.SIGTERM)
        assert pool.map_async(abs, range(-20, 0), chunksize=3).get() == list(range(20, 0, -1))
        pids = pool.pids
    assert wait_gone(pids)


@linux_only
@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
def test_no_worker_outlives_its_parent(how: str) -> None:
    script = """
        import signal, sys, time
        from reuse_audit.checks.workers import cpu_pool
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # as the CLI does
        with cpu_pool(10_000) as pool:
            print(*pool.pids, flush=True)
            pool.apply_async(time.sleep, (60,)).get()
    """
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        pids = [int(p) for p in child.stdout.readline().split()]
        if not pids:
            pytest.skip("the pool needs two cores")
        time.sleep(0.2)
        child.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        code = child.wait(timeout=10)
        assert code == (143 if how == "sigterm" else -signal.SIGKILL)
        assert wait_gone(pids)
    finally:
        child.kill()
        child.wait(timeout=10)


@linux_only
def test_workers_left_running_at_exit_are_killed_not_waited_for() -> None:
    script = """
        import time
        from reuse_audit.checks.workers import CpuPool
        pool = CpuPool(2, "fork")  # outside cpu_pool(): nobody closes it
        print(*pool.pids, flush=True)
        pool.apply_async(time.sleep, (60,))
    """
    done = run_child(script, timeout=20)  # multiprocessing's own exit hook alone would join for 60 s
    assert done.returncode == 0, done.stderr[-2000:]
    assert wait_gone([int(p) for p in done.stdout.split()])


_NO_FORK_CLI = """
import multiprocessing, sys
real = multiprocessing.get_context


def no_fork(method=None):  # as on Windows: there is no fork
    if method == "fork":
        raise ValueError("cannot find context for 'fork'")
    return real(method)


multiprocessing.get_context = no_fork
import reuse_audit.checks.workers as workers

workers.PARALLEL_FROM = workers.SPAWN_PARALLEL_FROM = 400  # 500 distinct passwords: the pool runs
started = []
original = workers.CpuPool.__init__


def recording(self, size, start_method):
    started.append(start_method)
    original(self, size, start_method)


workers.CpuPool.__init__ = recording
import atexit
atexit.register(lambda: print("start methods:", started, file=sys.stderr))
sys.argv = ["reuse-audit", *sys.argv[1:]]
from reuse_audit.cli import main
main()
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool needs two cores")
def test_the_cli_audits_500_distinct_passwords_with_spawn_when_fork_is_unavailable(tmp_path: Path) -> None:
    from tests.conftest import MASTER, E, build_vault

    rng = random.Random(500)
    folder = tmp_path / "Dokumente 田中"  # C:\\Users\\田中\\Documents: spaces and non-ASCII in the path
    folder.mkdir()
    vault_path = folder / "Passwords.kdbx"
    build_vault(vault_path, [E(f"Site {i}", f"{i:03d}" + "".join(rng.choice(string.ascii_letters) for _ in range(6)),
                               f"user{i}@example.com", f"https://s{i}.example.com/") for i in range(500)])
    done = subprocess.run([sys.executable, "-c", _NO_FORK_CLI, "audit", str(vault_path), "--password-stdin",
                           "--offline", "--format", "json", "--quiet"], input=MASTER + "\n", capture_output=True,
                          text=True, encoding="utf-8", timeout=180, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "start methods: ['spawn']" in done.stderr
    assert "internal error" not in done.stderr
    document = json.loads(done.stdout)
    assert document["vault"]["entries_total"] == len(document["entries"]) == 500


@linux_only
def test_prestarted_workers_become_the_pool_or_are_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    if (os.cpu_count() or 1) < 2 or workers.start_method() != "fork":
        pytest.skip("needs fork and two cores")
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10)
    workers.prestart(100)  # a small vault: nothing started early
    assert workers._prestarted is None
    workers.prestart(workers.PRESTART_FROM_BYTES)
    assert workers._prestarted is not None
    pids = workers._prestarted.pids
    with cpu_pool(100) as pool:
        assert pool is not None and pool.pids == pids
        assert pool.apply_async(abs, (-2,)).get() == 2
    assert wait_gone(pids)
    workers.prestart(workers.PRESTART_FROM_BYTES)
    assert workers._prestarted is not None
    pids = workers._prestarted.pids
    with cpu_pool(1) as pool:  # too little work after all: the early workers are stopped
        assert pool is None
    assert wait_gone(pids) and workers._prestarted is None
