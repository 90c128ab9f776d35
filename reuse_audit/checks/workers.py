"""Worker processes for the CPU-bound checks (zxcvbn and the variant search hold the GIL).

A pool that cannot hang (``multiprocessing.Pool`` could: its workers share one task queue and its lock, and
``terminate()`` after ``close()`` could leave a worker waiting for that lock for ever):

- each worker has its own pipe to the parent and shares no lock with anyone, so a worker that dies, or is
  killed, in any state blocks nobody; a task whose worker died raises :class:`WorkerLostError` (one line for
  the user), never waits; a task that raised, :class:`WorkerError`;
- workers ignore SIGINT and SIGTERM: Ctrl-C and ``kill`` reach the parent, which decides for them;
- leaving the pool normally stops idle workers with a message and joins them; an error or an interrupt
  (KeyboardInterrupt, SystemExit from the CLI's SIGTERM handler) kills them (SIGKILL) and reaps them;
  an exit hook kills any worker still alive when the interpreter exits;
- a worker whose parent dies exits within a quarter of a second, busy or not: no orphans.

Start method: ``fork`` on Linux when this process has no other thread (fastest: nothing is re-imported);
otherwise ``spawn`` (the macOS and Windows default, safe whatever threads exist). Either way passwords
reach the workers only through the pipes, never through files.

The pool is driven by its user's thread: tasks go to idle workers when submitted, whenever the user waits for
a result, and when it calls :meth:`CpuPool.poll` (a look that never waits, for a user busy with other work).
It is meant to be used from one thread.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.util  # registers its exit hook now, before ours: ours then runs first (LIFO)
import os
import pickle
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from reuse_audit.errors import ReuseAuditError
from reuse_audit.gc_tuning import tune_gc
from reuse_audit.i18n import N_

#: Below this many distinct passwords, starting worker processes costs more than it saves (bench/audit_bench.py):
#: a fork costs a few milliseconds, so on an idle 2-core machine forked workers pay from about 250 (500 entries,
#: 300 distinct passwords: 0.83 -> 0.73 s); on a busy one they cost about 5% more CPU than they save...
PARALLEL_FROM = 250
#: ...and spawned ones, which import the checks' modules first, near 2,500.
SPAWN_PARALLEL_FROM = 2500
#: Seconds an idle worker gets to exit after its stop message before it is killed.
_STOP_WAIT = 5.0
#: How often a worker checks that its parent is still alive.
_ORPHAN_POLL = 0.25

T = TypeVar("T")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class WorkerError(RuntimeError):
    """A task raised in a worker process (a bug). The message names the exception's type, never data."""


class WorkerLostError(ReuseAuditError):
    """A worker process died in the middle of a task: killed from outside (the kernel's out-of-memory killer,
    ``kill -9``) or crashed. Not a bug of the task: the user is told what happened, in one line."""

    @classmethod
    def of(cls, exitcode: int | None) -> WorkerLostError:
        if exitcode is not None and exitcode < 0:
            return cls(N_("a worker process was killed (signal {signal}), perhaps because the system ran out of "
                          "memory; nothing was reported"), signal=-exitcode)
        return cls(N_("a worker process ended unexpectedly (exit code {code}); nothing was reported"),
                   code="?" if exitcode is None else exitcode)


def _worker_main(conn: Connection, inherited: Sequence[Connection], parent: int) -> None:
    """A worker's whole life: run tasks from ``conn`` until told to stop or the parent is gone."""
    tune_gc()  # a spawned worker starts with the interpreter's defaults
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)  # blocked by the parent around the start
    for other in inherited:
        other.close()  # (fork) the parent's ends of the pipes: else a dead parent's pipes would stay open
    # An idle worker sees a dead parent as end-of-file on its pipe; a busy one would only after its task.
    threading.Thread(target=_exit_with_parent, args=(parent,), name="orphan-watch", daemon=True).start()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        task_id, fn, args = message
        try:
            reply = pickle.dumps((task_id, True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - reported to the parent by type only
            reply = pickle.dumps((task_id, False, type(exc).__name__), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            conn.send_bytes(reply)
        except (EOFError, OSError):
            return


def _exit_with_parent(parent: int) -> None:
    """Exit at once when the parent process is gone (killed, crashed), even in the middle of a task."""
    if os.name == "posix":
        while os.getppid() == parent:  # an orphan is adopted by init or a subreaper
            time.sleep(_ORPHAN_POLL)
    else:  # Windows: wait for the parent's process handle
        parent_process = multiprocessing.parent_process()
        if parent_process is None:
            return
        wait([parent_process.sentinel])
    os._exit(1)


def _run_chunk(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [fn(item) for item in items]


class _Worker:
    __slots__ = ("process", "conn", "task")

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.task: int | None = None  # the task in flight, if any


class Pending(Generic[T]):
    """The future result of tasks submitted to a :class:`CpuPool`."""

    def __init__(self, pool: CpuPool, ids: list[int], combine: Callable[[list[Any]], T]) -> None:
        self._pool = pool
        self._ids = ids
        self._combine = combine

    def get(self) -> T:
        """Wait for the result, driving the pool meanwhile; raises :class:`WorkerError` if a task failed."""
        return self._combine(self._pool._collect(self._ids))


_live_pools: weakref.WeakSet[CpuPool] = weakref.WeakSet()


class CpuPool:
    """Worker processes with a pipe each. Use through :func:`cpu_pool`."""

    def __init__(self, size: int, start_method: str) -> None:
        context: Any = multiprocessing.get_context("fork" if start_method == "fork" else "spawn")
        self.start_method = start_method
        self._workers: list[_Worker] = []
        self._queue: deque[tuple[int, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._done: dict[int, tuple[bool, Any]] = {}
        self._next_id = 0
        self._closed = False
        _live_pools.add(self)
        parents: list[Connection] = []
        try:
            with _signals_blocked():
                for _ in range(size):
                    mine, theirs = context.Pipe(duplex=True)
                    parents.append(mine)
                    inherited = list(parents) if start_method == "fork" else []
                    process = context.Process(target=_worker_main, args=(theirs, inherited, os.getpid()),
                                              daemon=True, name="reuse-audit-worker")
                    self._workers.append(_Worker(process, mine))
                    process.start()
                    theirs.close()
        except BaseException:
            self.kill()
            raise

    def poll(self) -> int:
        """Take the replies that have come (never waits) and give queued tasks to idle workers; return how many
        live workers are still idle."""
        busy = {w.conn: w for w in self._workers if w.task is not None}
        if busy:
            for conn in wait(list(busy), timeout=0):
                self._receive(busy[conn])  # type: ignore[index]
        self._dispatch()
        return sum(1 for w in self._workers if w.task is None and w.process.exitcode is None)

    @property
    def size(self) -> int:
        return len(self._workers)

    @property
    def busy(self) -> bool:
        """Whether a task is queued or in flight (its result not yet received)."""
        return bool(self._queue) or any(w.task is not None for w in self._workers)

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers (for tests and diagnostics)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def apply_async(self, fn: Callable[..., T], args: tuple[Any, ...] = (), *, first: bool = False) -> Pending[T]:
        """Run ``fn(*args)`` in a worker; ``fn`` must be a module-level function (it is pickled by name).
        ``first``: ahead of the tasks queued (it goes to the next worker that becomes idle)."""
        ids = [self._submit(fn, args, first)]
        return Pending(self, ids, lambda values: values[0])

    def map_async(self, fn: Callable[[Any], T], items: Iterable[Any], chunksize: int = 1) -> Pending[list[T]]:
        """Run ``fn`` over ``items`` in chunks spread over the workers; results in input order."""
        work = list(items)
        size = max(1, chunksize)
        ids = [self._submit(_run_chunk, (fn, work[i : i + size])) for i in range(0, len(work), size)]
        return Pending(self, ids, lambda chunks: [value for chunk in chunks for value in chunk])

    # -- driving ------------------------------------------------------------------------------------

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...], first: bool = False) -> int:
        if self._closed:
            raise WorkerError("the worker pool is closed")
        task_id = self._next_id
        self._next_id += 1
        if first:
            self._queue.appendleft((task_id, fn, args))
        else:
            self._queue.append((task_id, fn, args))
        self.poll()  # a worker done since the last look takes it now
        return task_id

    def _dispatch(self) -> None:
        """Give queued tasks to idle live workers (one task each, so no pipe ever fills both ways)."""
        for worker in self._workers:
            if not self._queue:
                return
            if worker.task is None and worker.process.exitcode is None:
                task_id, fn, args = self._queue.popleft()
                worker.task = task_id
                try:
                    worker.conn.send((task_id, fn, args))
                except (OSError, EOFError):
                    self._lost(worker)

    def _collect(self, ids: list[int]) -> list[Any]:
        while not all(i in self._done for i in ids):
            self._dispatch()
            busy = {w.conn: w for w in self._workers if w.task is not None}
            if not busy:
                if self._queue and not any(w.process.exitcode is None for w in self._workers):
                    lost = WorkerLostError.of(next((w.process.exitcode for w in self._workers), None))
                    for task_id, _, _ in self._queue:
                        self._done[task_id] = (False, lost)
                    self._queue.clear()
                continue
            for conn in wait(list(busy)):
                self._receive(busy[conn])  # type: ignore[index]
        values = []
        for i in ids:
            ok, value = self._done.pop(i)
            if not ok:
                if isinstance(value, WorkerLostError):
                    raise value
                raise WorkerError(f"a task failed in a worker process: {value}")
            values.append(value)
        return values

    def _receive(self, worker: _Worker) -> None:
        try:
            # Our own worker on our own pipe: the same trust as multiprocessing's Connection.recv().
            task_id, ok, value = pickle.loads(worker.conn.recv_bytes())  # noqa: S301
        except (EOFError, OSError):
            self._lost(worker)
            return
        self._done[task_id] = (ok, value)
        worker.task = None

    def _lost(self, worker: _Worker) -> None:
        """A worker's pipe broke: it died. Its task fails; the others go on without it."""
        with contextlib.suppress(OSError):
            worker.conn.close()
        worker.process.join(1.0)
        if worker.task is not None:
            self._done[worker.task] = (False, WorkerLostError.of(worker.process.exitcode))
            worker.task = None
        if worker.process.exitcode is None:
            worker.process.kill()
            worker.process.join()

    # -- ending -------------------------------------------------------------------------------------

    def close(self) -> None:
        """Normal end: idle workers are told to stop and joined; busy ones (nobody wants their task) and
        any that do not stop in time are killed. Every worker is reaped."""
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            if worker.task is None:
                with contextlib.suppress(OSError, EOFError):
                    worker.conn.send(None)
        for worker in self._workers:
            if worker.task is None:
                worker.process.join(_STOP_WAIT)
        self.kill()

    def kill(self) -> None:
        """Error or interrupt: kill every worker still alive (SIGKILL: it cannot be ignored or caught), reap
        them all, close the pipes. Never waits on anything a worker holds."""
        self._closed = True
        started = [w for w in self._workers if w.process.pid is not None]
        for worker in started:
            if worker.process.exitcode is None:
                with contextlib.suppress(OSError, ValueError):
                    worker.process.kill()
        for worker in started:
            with contextlib.suppress(OSError, ValueError):
                worker.process.join()
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.close()
        self._queue.clear()


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back while workers start, so none dies of one before it ignores them; a signal
    that arrives meanwhile is delivered to this process right after."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_method() -> str:
    """``fork`` where it is available, faster and safe (Linux, and no other thread in this process);
    else ``spawn``."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        try:
            multiprocessing.get_context("fork")
        except ValueError:
            pass
        else:
            return "fork"
    return "spawn"


#: A vault file at least this large (about 300 entries) gets its workers forked before it is opened (see
#: :func:`prestart`): they score its passwords while it is read.
PRESTART_FROM_BYTES = 32 * 1024
_prestarted: CpuPool | None = None


def prestarted() -> CpuPool | None:
    """The workers :func:`prestart` started, if any, for tasks while the vault is read; the next
    :func:`cpu_pool` still takes them."""
    return _prestarted


def discard_prestarted() -> None:
    """Kill the prestarted workers, if any (the vault could not be read): an in-process caller (a test, a library
    user) must not find them, still busy, in its next :func:`cpu_pool`."""
    global _prestarted
    ready, _prestarted = _prestarted, None
    if ready is not None:
        ready.kill()


def prestart(vault_bytes: int) -> None:
    """Fork the workers now, before a large vault is loaded, where they can be forked (Linux, no other thread).

    A forked worker shares every page its parent had at the fork, and they all count in its resident memory;
    forked while the parent holds only its modules, each worker stays as small as its own work; and they can
    score passwords while the vault is read. The next :func:`cpu_pool` takes them, or stops them when there is
    too little work and they were given none; the exit hook kills them if the run ends before. Elsewhere (spawn)
    nothing is started early: spawned workers are fresh anyway.
    """
    global _prestarted
    cores = os.cpu_count() or 1
    if _prestarted is not None or vault_bytes < PRESTART_FROM_BYTES or cores < 2 or start_method() != "fork":
        return
    _prestarted = CpuPool(cores, "fork")


@contextlib.contextmanager
def cpu_pool(work_items: int) -> Iterator[CpuPool | None]:
    """A pool with one worker per core when there is enough work and more than one core, else None.

    Start it before any thread of the caller (then it can fork), or :func:`prestart` it earlier; prestarted
    workers given tasks already are kept whatever the work. Leaving the block normally closes and joins the
    workers; leaving it by an exception (KeyboardInterrupt and SystemExit included) kills them.
    """
    global _prestarted
    ready, _prestarted = _prestarted, None
    cores = os.cpu_count() or 1
    method = ready.start_method if ready is not None else start_method()
    too_little = work_items < (PARALLEL_FROM if method == "fork" else max(PARALLEL_FROM, SPAWN_PARALLEL_FROM))
    if (too_little and not (ready is not None and ready.busy)) or cores < 2:
        if ready is not None:
            ready.close()
        yield None
        return
    pool: CpuPool | None = ready
    try:
        if pool is None:
            pool = CpuPool(cores, method)
        yield pool
    except BaseException:
        if pool is not None:
            pool.kill()
        raise
    else:
        pool.close()


@atexit.register
def _kill_leftover_workers() -> None:
    """Registered after multiprocessing's own exit hook, so it runs first: that hook would send SIGTERM
    (which workers ignore) and then join them for ever."""
    for pool in list(_live_pools):
        pool.kill()
