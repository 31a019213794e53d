"""The simulated arm's integration, limits, timeout, latency and noise (plain Python, no DDS)."""

import numpy as np
import pytest

from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.arm_simulator import ArmSimulator

ROBOT = load_robot("puma560")
QN = ROBOT.configuration("qn")


def run(simulator, velocity, seconds, rate=1000.0, resend=True):
    """Step for `seconds` at `rate`, re-sending `velocity` every step (like a controller) if `resend`."""
    steps = round(seconds * rate)
    for k in range(steps + 1):
        now = k / rate
        if resend or k == 0:
            simulator.command(velocity, now)
        simulator.step(now)


def test_constant_velocity_integrates_exactly():
    simulator = ArmSimulator(ROBOT, QN, command_timeout=0.05)
    velocity = np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.2])
    run(simulator, velocity, 0.5)
    np.testing.assert_allclose(simulator.q, QN + 0.5 * velocity, atol=1e-12)
    np.testing.assert_allclose(simulator.qd, velocity, atol=1e-9)


def test_velocity_limit_clips_each_joint():
    simulator = ArmSimulator(ROBOT, QN)
    velocity = 10.0 * ROBOT.qd_max * np.array([1, -1, 1, -1, 1, -1])
    run(simulator, velocity, 0.1)
    np.testing.assert_allclose(simulator.q - QN, 0.1 * np.sign(velocity) * ROBOT.qd_max, atol=1e-9)


def test_position_limits_hold_and_velocity_reads_zero_there():
    simulator = ArmSimulator(ROBOT, QN)
    run(simulator, ROBOT.qd_max.copy(), 10.0, rate=200.0)
    np.testing.assert_allclose(simulator.q, ROBOT.q_max)
    np.testing.assert_array_equal(simulator.qd, 0.0)


def test_command_timeout_stops_the_arm():
    simulator = ArmSimulator(ROBOT, QN, command_timeout=0.1)
    velocity = np.full(6, 0.2)
    run(simulator, velocity, 1.0, resend=False)
    # Moves for the timeout (plus at most one 1 ms step), then stands still.
    np.testing.assert_allclose(simulator.q - QN, 0.2 * 0.1, atol=0.2 * 1e-3 + 1e-12)
    np.testing.assert_array_equal(simulator.qd, 0.0)


def test_latency_delays_the_command():
    simulator = ArmSimulator(ROBOT, QN, latency=0.05)
    run(simulator, np.full(6, 0.1), 0.2)
    # Commands take effect at the first step at or after they are due: resolution one 1 ms step.
    np.testing.assert_allclose(simulator.q - QN, 0.1 * 0.15, atol=0.1 * 1e-3 + 1e-12)


def test_noise_is_seeded_and_only_on_measurement():
    a = ArmSimulator(ROBOT, QN, noise_std=1e-3, seed=7)
    b = ArmSimulator(ROBOT, QN, noise_std=1e-3, seed=7)
    samples = np.array([a.measured_position() for _ in range(2000)])
    np.testing.assert_array_equal(samples[0], b.measured_position())
    np.testing.assert_array_equal(a.q, QN)
    assert samples.std(axis=0) == pytest.approx(np.full(6, 1e-3), rel=0.1)


@pytest.mark.parametrize("velocity", [np.full(5, 0.1), np.array([0, 0, np.nan, 0, 0, 0])])
def test_bad_command_raises_and_is_not_applied(velocity):
    simulator = ArmSimulator(ROBOT, QN)
    with pytest.raises(ValueError, match="6 finite values"):
        simulator.command(velocity, 0.0)
    simulator.step(0.0)
    simulator.step(0.1)
    np.testing.assert_array_equal(simulator.q, QN)


def test_start_outside_limits_is_rejected():
    with pytest.raises(ValueError, match="within puma560's limits"):
        ArmSimulator(ROBOT, ROBOT.q_max + 0.1)
