"""Singularity handling: bounded commands at singular poses, smooth deceleration, halt before the hard
threshold, and motion leaving a singularity faster than motion approaching it.

References: the condition number and manipulability are recomputed here from numpy's SVD of the
analytic Jacobian, independently of the controller's own metrics.
"""

from __future__ import annotations

import numpy as np
import pytest
from controller_support import PERIOD, make_controller, run_cycle

from jacobian_rrmc.control import ControllerConfig, ControllerState, ResolvedRateController
from jacobian_rrmc.jacobians import AnalyticJacobian
from jacobian_rrmc.kinematics import forward_kinematics, jacobian_world, singular_values

State = ControllerState
HARD = ControllerConfig().hard_stop_singularity_threshold
LEAVING = ControllerConfig().leaving_singularity_scale


def condition(robot, q):
    sigma = singular_values(jacobian_world(robot, q))
    return sigma[0] / sigma[-1]


def wrist_singular_poses(puma):
    q5_zero = puma.configuration("qn")
    q5_zero[4] = 0.0
    return {
        "qz": puma.configuration("qz"),
        "qr": puma.configuration("qr"),
        "qs": puma.configuration("qs"),
        "qn_q5_0": q5_zero,
        "qn_q5_1e-9": q5_zero + np.array([0, 0, 0, 0, 1e-9, 0]),
    }


def test_singular_poses_give_bounded_commands(puma, rng):
    for name, q in wrist_singular_poses(puma).items():
        assert condition(puma, q) > 1e6, name
        u, _, _ = np.linalg.svd(jacobian_world(puma, q))
        commands = [u[:, -1], -u[:, -1], 1e6 * u[:, -1]] + list(rng.normal(size=(20, 6)) * 10.0 ** rng.uniform(-3, 6))
        for twist in commands:
            for frame in ("base", "tool"):
                out = run_cycle(make_controller(puma), q, twist, 0.0, frame)
                assert np.all(np.isfinite(out.joint_velocity)), name
                assert np.all(np.abs(out.joint_velocity) <= puma.qd_max * (1 + 1e-12)), name
                # beyond the hard threshold only leaving motion, at most at the leaving scale, is allowed
                assert out.state in (State.HALTED_SINGULARITY, State.DECELERATING_SINGULARITY, State.OK), name
                assert out.command_scale <= LEAVING + 1e-12, name
                if out.state is State.HALTED_SINGULARITY:
                    assert not np.any(out.joint_velocity)


def closed_loop(robot, q0, twist_of_q, seconds, **config):
    """Integrate q += q̇·dt at 500 Hz; return (κ after each step, |q̇|, states, q)."""
    controller = make_controller(robot, **config)
    q = np.array(q0, dtype=float)
    kappas, speeds, states = [], [], []
    for i in range(int(seconds / PERIOD)):
        out = run_cycle(controller, q, twist_of_q(q), i * PERIOD)
        q = q + out.joint_velocity * PERIOD
        kappas.append(condition(robot, q))
        speeds.append(np.linalg.norm(out.joint_velocity))
        states.append(out.state)
    return np.array(kappas), np.array(speeds), states, q


def assert_smooth_halt(robot, kappas, speeds, states, hard=HARD):
    assert kappas.max() < hard  # stopped before the hard threshold
    assert states[-1] is State.HALTED_SINGULARITY and speeds[-1] == 0.0
    assert State.DECELERATING_SINGULARITY in states
    halted_from = states.index(State.HALTED_SINGULARITY)
    assert all(state is State.HALTED_SINGULARITY for state in states[halted_from:])  # no stop-go chatter
    first_slowed = states.index(State.DECELERATING_SINGULARITY)
    peak = int(np.argmax(speeds))
    assert peak <= first_slowed + 10  # damped-least-squares gain may outpace the scale for a few cycles only
    assert np.all(np.diff(speeds[peak:]) <= 1e-9)  # then it only slows down
    # no spike: per-cycle change of |q̇| at most 3 % of the fastest joint limit (25 rad/s² at 500 Hz)
    assert np.abs(np.diff(speeds)).max() <= 0.03 * robot.qd_max.max()


def test_approaching_wrist_singularity_decelerates_and_halts(puma):
    """Command joint 5 toward q5 = 0 (through the twist J·(−e5)) from q5 = 0.4 rad."""
    q0 = puma.configuration("qn")
    q0[4] = 0.4
    direction = np.array([0, 0, 0, 0, -0.5, 0])
    kappas, speeds, states, q = closed_loop(puma, q0, lambda q: jacobian_world(puma, q) @ direction, 3.0)
    assert_smooth_halt(puma, kappas, speeds, states)
    assert speeds[0] == pytest.approx(0.5)  # full speed outside the zone
    assert 0.03 < q[4] < 0.1


def test_stretching_elbow_with_fixed_twist_halts(puma):
    """A constant outward hand velocity stretches the elbow toward the workspace boundary (qs-like)."""
    q0 = np.array([0.0, 0.3, -np.pi / 2 - 0.8, 0.0, 0.6, 0.0])
    outward = forward_kinematics(puma, q0)[:3, 3] * np.array([1.0, 1.0, 0.0])
    twist = np.concatenate([0.1 * outward / np.linalg.norm(outward), np.zeros(3)])
    kappas, speeds, states, q = closed_loop(puma, q0, lambda q: twist, 6.0)
    assert_smooth_halt(puma, kappas, speeds, states)
    assert abs(q[2] + np.pi / 2) > 0.02  # elbow not fully stretched (q3 = −π/2 is the singularity)


def test_manipulability_metric_halts_too(puma):
    q0 = puma.configuration("qn")
    q0[4] = 0.4
    direction = np.array([0, 0, 0, 0, -0.5, 0])
    config = {
        "singularity_metric": "manipulability",
        "lower_singularity_threshold": 0.03,
        "hard_stop_singularity_threshold": 0.01,
    }
    kappas, speeds, states, q = closed_loop(puma, q0, lambda q: jacobian_world(puma, q) @ direction, 3.0, **config)
    manipulability = np.prod(singular_values(jacobian_world(puma, q)))
    assert 0.01 < manipulability < 0.012
    assert_smooth_halt(puma, kappas, speeds, states, hard=np.inf)


@pytest.mark.parametrize("q5", [0.1, 0.06, 0.045])
def test_leaving_is_faster_than_approaching(puma, q5):
    q = puma.configuration("qn")
    q[4] = q5
    leave = jacobian_world(puma, q) @ np.array([0, 0, 0, 0, 0.3, 0])  # q5 growing: away from q5 = 0
    leaving = run_cycle(make_controller(puma), q, leave, 0.0)
    approaching = run_cycle(make_controller(puma), q, -leave, 0.0)
    assert leaving.state is State.DECELERATING_SINGULARITY
    assert approaching.state in (State.DECELERATING_SINGULARITY, State.HALTED_SINGULARITY)
    assert np.linalg.norm(leaving.joint_velocity) > np.linalg.norm(approaching.joint_velocity)
    assert leaving.joint_velocity[4] > 0 and approaching.joint_velocity[4] <= 0  # direction kept


def test_beyond_hard_threshold_only_leaving_moves(puma):
    q = puma.configuration("qn")
    q[4] = 0.03
    assert condition(puma, q) > HARD
    leave = jacobian_world(puma, q) @ np.array([0, 0, 0, 0, 0.3, 0])
    approaching = run_cycle(make_controller(puma), q, -leave, 0.0)
    assert approaching.state is State.HALTED_SINGULARITY and not np.any(approaching.joint_velocity)
    leaving = run_cycle(make_controller(puma), q, leave, 0.0)
    assert leaving.state is State.DECELERATING_SINGULARITY
    assert leaving.command_scale == pytest.approx(LEAVING)
    assert leaving.joint_velocity[4] > 0.1


def test_scale_is_continuous_in_the_metric(puma):
    """Open-loop sweep of q5 through the whole zone with a fixed approach command: no jumps in |q̇|."""
    speeds = []
    for q5 in np.linspace(0.15, 0.036, 600):
        q = puma.configuration("qn")
        q[4] = q5
        out = run_cycle(make_controller(puma), q, jacobian_world(puma, q) @ np.array([0, 0, 0, 0, -0.5, 0]), 0.0)
        speeds.append(np.linalg.norm(out.joint_velocity))
    steps = np.abs(np.diff(speeds))
    assert speeds[0] == pytest.approx(0.5) and speeds[-1] == 0.0
    assert steps.max() < 0.02  # largest step: the final 1 % halt, or the slope of the damper


def test_huge_command_near_singularity_is_scaled_not_halted(puma):
    """Inside the zone a 1e6-times oversized approach is first cut to the velocity limits, then decelerated."""
    q = puma.configuration("qn")
    q[4] = 0.09
    approach = jacobian_world(puma, q) @ np.array([0, 0, 0, 0, -0.3, 0])
    modest = run_cycle(make_controller(puma), q, approach, 0.0)
    huge = run_cycle(make_controller(puma), q, 1e6 * approach, 0.0)
    assert modest.state is huge.state is State.DECELERATING_SINGULARITY
    assert 0.0 < huge.joint_velocity[4] * -1 <= puma.qd_max[4]
    assert abs(huge.joint_velocity[4]) > abs(modest.joint_velocity[4])


class ProbeBreaksSource(AnalyticJacobian):
    """Returns NaN on every second evaluation, i.e. on the guard's look-ahead probe."""

    calls = 0

    def evaluate(self, q):
        estimate = super().evaluate(q)
        self.calls += 1
        if self.calls % 2 == 0:
            estimate.jacobian_world = np.full_like(estimate.jacobian_world, np.nan)
        return estimate


def test_unknown_direction_near_singularity_stops(puma):
    q = puma.configuration("qn")
    q[4] = 0.06
    controller = ResolvedRateController(puma, ProbeBreaksSource(puma), ControllerConfig())
    out = run_cycle(controller, q, jacobian_world(puma, q) @ np.array([0, 0, 0, 0, 0.3, 0]), 0.0)
    assert out.state is State.HALTED_SINGULARITY and not np.any(out.joint_velocity)
