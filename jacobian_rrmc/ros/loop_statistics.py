"""Control-loop timing: achieved rate, period jitter and compute time over a sliding window (plain Python)."""

from __future__ import annotations

import numpy as np


class LoopStatistics:
    """Records the start time and compute time of each control cycle in fixed-size ring buffers.

    `record` is O(1) and allocation-free, so it can run every cycle; `summary` (a few hundred µs)
    is meant for the diagnostics rate. Times are seconds on a monotonic clock.
    """

    def __init__(self, window: int = 2000):
        if window < 2:
            raise ValueError("window must hold at least 2 cycles")
        self._periods = np.zeros(window)
        self._computes = np.zeros(window)
        self._count = 0
        self._last_start: float | None = None

    def record(self, start: float, compute: float) -> float | None:
        """One cycle that started at `start` and spent `compute` seconds in the controller; returns its
        period (s since the previous cycle's start), None for the first cycle of the window."""
        slot = self._count % len(self._computes)
        self._computes[slot] = compute
        period = start - self._last_start if self._last_start is not None else None
        self._periods[slot] = np.nan if period is None else period
        self._last_start = start
        self._count += 1
        return period

    @property
    def cycles(self) -> int:
        """Cycles recorded since construction."""
        return self._count

    def summary(self) -> dict[str, float]:
        """rate_hz (1/mean period), period_mean/p50/p99/max_ms, period_jitter_ms (std), compute_p50/p99_us."""
        used = min(self._count, len(self._computes))
        periods = self._periods[:used]
        periods = periods[np.isfinite(periods)]
        if periods.size == 0:
            nan = float("nan")
            return dict.fromkeys(
                (
                    "rate_hz",
                    "period_mean_ms",
                    "period_p50_ms",
                    "period_p99_ms",
                    "period_max_ms",
                    "period_jitter_ms",
                    "compute_p50_us",
                    "compute_p99_us",
                ),
                nan,
            )
        computes = self._computes[:used]
        p50, p99 = np.percentile(periods, [50, 99])
        c50, c99 = np.percentile(computes, [50, 99])
        return {
            "rate_hz": float(1.0 / periods.mean()),
            "period_mean_ms": float(1e3 * periods.mean()),
            "period_p50_ms": float(1e3 * p50),
            "period_p99_ms": float(1e3 * p99),
            "period_max_ms": float(1e3 * periods.max()),
            "period_jitter_ms": float(1e3 * periods.std()),
            "compute_p50_us": float(1e6 * c50),
            "compute_p99_us": float(1e6 * c99),
        }
