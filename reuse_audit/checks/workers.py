"""Worker processes for the CPU-bound checks (zxcvbn and the variant search hold the GIL)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from multiprocessing.pool import Pool

#: Below this many distinct passwords, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


@contextlib.contextmanager
def cpu_pool(work_items: int) -> Iterator[Pool | None]:
    """A pool with one worker per core when there is enough work and more than one core, else None.

    Workers are forked (the passwords reach them through pipes, never through files) and must be created
    before the caller starts any thread.
    """
    cores = os.cpu_count() or 1
    if work_items < PARALLEL_FROM or cores < 2:
        yield None
        return
    pool = multiprocessing.get_context("fork").Pool(cores)
    try:
        yield pool
        pool.close()
    finally:
        pool.terminate()
        pool.join()
