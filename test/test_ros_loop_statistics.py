"""Loop timing statistics against hand-computed values."""

import numpy as np
import pytest

from jacobian_rrmc.ros.loop_statistics import LoopStatistics


def test_rate_percentiles_and_jitter_of_a_known_sequence():
    stats = LoopStatistics(window=1000)
    periods = np.r_[np.full(98, 0.002), 0.004, 0.010]  # 100 periods → 101 starts
    starts = np.r_[0.0, np.cumsum(periods)]
    returned = [stats.record(start, 50e-6) for start in starts]
    assert returned[0] is None
    np.testing.assert_allclose(returned[1:], periods)
    summary = stats.summary()
    assert summary["rate_hz"] == pytest.approx(1.0 / periods.mean())
    assert summary["period_p50_ms"] == pytest.approx(2.0)
    assert summary["period_p99_ms"] == pytest.approx(1e3 * np.percentile(periods, 99))
    assert summary["period_max_ms"] == pytest.approx(10.0)
    assert summary["period_jitter_ms"] == pytest.approx(1e3 * periods.std())
    assert summary["compute_p99_us"] == pytest.approx(50.0)


def test_window_keeps_only_recent_cycles():
    stats = LoopStatistics(window=10)
    for k in range(100):
        stats.record(0.01 * k if k < 50 else 0.5 + 0.001 * (k - 50), 0.0)
    assert stats.summary()["period_max_ms"] == pytest.approx(1.0)
    assert stats.cycles == 100


def test_empty_summary_is_nan():
    assert np.isnan(LoopStatistics().summary()["rate_hz"])
