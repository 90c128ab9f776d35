"""How often every process of ours (the CLI's, a worker) runs Python's cyclic garbage collector."""

from __future__ import annotations

import gc

#: The default (700, 10, 10) collects the youngest generation every 700 new containers, and now and then every
#: object alive: a 10,000-entry audit spent 0.6 s of its own process's time (and its workers 0.15 s) tracing
#: the vault's objects again and again, while they are all still in use. Cycles are rare in our data: this
#: collects them still, about 70 times less often (bench/audit_bench.py: 50,000-entry peak memory unchanged).
THRESHOLDS = (50_000, 20, 10)


def tune_gc() -> None:
    """Collect less often (see :data:`THRESHOLDS`); inherited by forked workers, and called by spawned ones."""
    gc.set_threshold(*THRESHOLDS)
