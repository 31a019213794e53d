"""Wall-clock timing for the benchmarks: batched time per sample and single-call latency (seconds)."""

from __future__ import annotations

import time

import numpy as np


def batch_timing(call, count: int, repeats: int = 3):
    """(seconds per sample, result): best of `repeats` runs of one batched `call()` over `count` samples
    (best, because the machine is shared), and the last run's result, so the caller need not run it again."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best / count, result


def median_call_seconds(call, repeats: int = 2000, warmup: int = 200) -> float:
    """Median wall time of `call()` in seconds."""
    for _ in range(warmup):
        call()
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        call()
        times[i] = time.perf_counter() - start
    return float(np.median(times))
