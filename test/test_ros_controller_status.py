"""Per-state time, fallback rate and worst severity between diagnostics reports."""

import pytest

from jacobian_rrmc.control import ControllerState
from jacobian_rrmc.ros.controller_status import ERROR, OK, SEVERITY, WARN, StateStatistics


def test_time_per_state_and_fallback_rate():
    stats = StateStatistics()
    for _ in range(300):
        stats.record(ControllerState.OK, fell_back=False, period=0.002)
    for _ in range(100):
        stats.record(ControllerState.JOINT_LIMIT, fell_back=True, period=0.002)
    assert stats.state_time["ok"] == pytest.approx(0.6)
    assert stats.state_time["joint_limit"] == pytest.approx(0.2)
    assert stats.fallback_rate == pytest.approx(0.25)


def test_worst_severity_is_kept_until_taken():
    stats = StateStatistics()
    stats.record(ControllerState.OK, False, 0.002)
    assert stats.take_worst() == OK
    stats.record(ControllerState.HALTED_SINGULARITY, False, 0.002)
    stats.record(ControllerState.OK, False, 0.002)
    assert stats.take_worst() == ERROR  # a brief halt between two reports is still reported
    assert stats.take_worst() == OK
    stats.record(ControllerState.OK, True, 0.002)
    assert stats.take_worst() == WARN  # fallback Jacobian in use


def test_every_state_has_a_severity():
    assert set(SEVERITY) == set(ControllerState)
    assert StateStatistics().fallback_rate == 0.0
