"""Stale and invalid input: ramp to zero, report the state, never emit NaN, recover on good input."""

from __future__ import annotations

import numpy as np
import pytest
from controller_support import PERIOD, make_controller, run_cycle

from jacobian_rrmc.control import ControllerConfig, ControllerState, ResolvedRateController
from jacobian_rrmc.jacobians import AnalyticJacobian, JacobianEstimate

State = ControllerState
TWIST = np.array([0.05, -0.02, 0.03, 0.0, 0.0, 0.2])
CONFIG = ControllerConfig()


def moving_controller(puma, **config):
    """A controller that has commanded TWIST for 50 cycles (t = 0 … 0.098 s); returns it, q and last output."""
    controller = make_controller(puma, **config)
    q = puma.configuration("qn")
    for i in range(50):
        out = run_cycle(controller, q, TWIST, i * PERIOD)
        q = q + out.joint_velocity * PERIOD
    assert out.state is State.OK
    return controller, q, out


def ramp_profile(controller, q, start, seconds, feed_joints=True, feed_twist=False):
    """Keep updating from `start` for `seconds`, feeding joint states and/or twists each cycle."""
    outputs = []
    for i in range(1, int(seconds / PERIOD) + 1):
        t = start + i * PERIOD
        if feed_joints:
            controller.set_joint_state(q, t)
        if feed_twist:
            controller.set_twist(TWIST, "base", t)
        outputs.append((t, controller.update(t)))
    return outputs


def assert_ramps_to_zero(outputs, stale_after, state):
    """Before `stale_after`: normal control. After: linear ramp from the last normal command to zero within
    stop_ramp_time (same direction, never larger), and zero afterwards."""
    states = [out.state for _, out in outputs]
    first_stale = states.index(state)
    assert all(s is State.OK for s in states[:first_stale])
    last_velocity = outputs[first_stale - 1][1].joint_velocity
    assert np.any(last_velocity)
    for t, out in outputs:
        assert np.all(np.isfinite(out.joint_velocity))
        if abs(t - stale_after) < 1e-9:  # exactly at the timeout: either answer is right
            continue
        if t < stale_after:
            assert out.state is State.OK
            continue
        assert out.state is state, (t, out.state)
        ramp_start = outputs[first_stale][0]
        fraction = max(0.0, 1.0 - (t - ramp_start) / CONFIG.stop_ramp_time)
        np.testing.assert_allclose(out.joint_velocity, fraction * last_velocity, atol=1e-12)
    assert not np.any(outputs[-1][1].joint_velocity)


def test_stale_twist_ramps_to_zero(puma):
    controller, q, _ = moving_controller(puma)
    outputs = ramp_profile(controller, q, 49 * PERIOD, 0.3)
    assert_ramps_to_zero(outputs, 49 * PERIOD + CONFIG.twist_timeout, State.STALE_TWIST)
    assert "old" in outputs[-1][1].message
    # a fresh twist resumes normal control
    out = run_cycle(controller, q, TWIST, outputs[-1][0] + PERIOD)
    assert out.state is State.OK and np.any(out.joint_velocity)


def test_stale_joint_state_ramps_to_zero(puma):
    controller, q, _ = moving_controller(puma)
    outputs = ramp_profile(controller, q, 49 * PERIOD, 0.3, feed_joints=False, feed_twist=True)
    assert_ramps_to_zero(outputs, 49 * PERIOD + CONFIG.joint_state_timeout, State.STALE_JOINT_STATE)


def test_zero_ramp_time_stops_at_once(puma):
    controller, q, _ = moving_controller(puma, stop_ramp_time=0.0)
    now = 49 * PERIOD + CONFIG.twist_timeout + 0.01
    controller.set_joint_state(q, now)
    out = controller.update(now)
    assert out.state is State.STALE_TWIST and not np.any(out.joint_velocity)


def test_no_input_yet(puma):
    controller = make_controller(puma)
    out = controller.update(0.0)
    assert out.state is State.STALE_JOINT_STATE and not np.any(out.joint_velocity)
    assert np.isnan(out.sigma_min) and np.all(np.isnan(out.pose))
    controller.set_joint_state(puma.configuration("qn"), 0.0)
    out = controller.update(0.0)
    assert out.state is State.IDLE and not np.any(out.joint_velocity)
    assert out.sigma_min > 0 and np.all(np.isfinite(out.pose))


def test_zero_twist_and_reset_give_zero_at_once(puma):
    controller, q, _ = moving_controller(puma)
    out = run_cycle(controller, q, np.zeros(6), 0.1)
    assert out.state is State.IDLE and not np.any(out.joint_velocity)
    controller, q, _ = moving_controller(puma)
    controller.reset()
    out = controller.update(0.1)
    assert out.state is State.IDLE and not np.any(out.joint_velocity)


def test_future_stamp_counts_as_stale(puma):
    controller = make_controller(puma)
    controller.set_joint_state(puma.configuration("qn"), 0.0)
    controller.set_twist(TWIST, "base", 5.0)  # clock mismatch: 5 s ahead
    assert controller.update(0.0).state is State.STALE_TWIST


@pytest.mark.parametrize(
    ("twist", "frame", "stamp", "match"),
    [
        ([np.nan, 0, 0, 0, 0, 0], "base", 0.0, "non-finite"),
        ([0, 0, np.inf, 0, 0, 0], "tool", 0.0, "non-finite"),
        ([0, 0, 0, 0, 0], "base", 0.0, "6 values"),
        ([0, 0, 0, 0, 0, 0.1], "world", 0.0, "frame"),
        ([0, 0, 0, 0, 0, 0.1], "base", np.nan, "stamp"),
    ],
)
def test_invalid_twist_raises_and_stops(puma, twist, frame, stamp, match):
    controller, q, last = moving_controller(puma)
    with pytest.raises(ValueError, match=match):
        controller.set_twist(np.array(twist, dtype=float), frame, stamp)
    controller.set_joint_state(q, 0.1)
    out = controller.update(0.1)
    assert out.state is State.INVALID_INPUT and "last twist rejected" in out.message
    np.testing.assert_allclose(out.joint_velocity, last.joint_velocity)  # ramp starts from the last command
    out = controller.update(0.1 + CONFIG.stop_ramp_time)
    assert out.state is State.INVALID_INPUT and not np.any(out.joint_velocity)
    assert run_cycle(controller, q, TWIST, 0.2).state is State.OK  # a valid twist clears it


@pytest.mark.parametrize(
    ("q", "match"),
    [([0, np.nan, 0, 0, 0, 0], "non-finite"), ([0, 0, 0, -np.inf, 0, 0], "non-finite"), ([0, 0, 0], "6 positions")],
)
def test_invalid_joint_state_raises_and_stops(puma, q, match):
    controller, _, _ = moving_controller(puma)
    with pytest.raises(ValueError, match=match):
        controller.set_joint_state(np.array(q, dtype=float), 0.1)
    controller.set_twist(TWIST, "base", 0.1)
    assert controller.update(0.1).state is State.INVALID_INPUT
    out = controller.update(0.1 + CONFIG.stop_ramp_time)
    assert out.state is State.INVALID_INPUT and not np.any(out.joint_velocity)
    assert "rejected" in out.message


@pytest.mark.parametrize("kind", ["joint_state", "twist"])
def test_rejected_message_stops_at_once_until_a_valid_one(puma, kind):
    """A message the caller could not parse (e.g. unknown joint names): zero now, INVALID_INPUT with the reason."""
    controller, q, last = moving_controller(puma)
    assert np.any(last.joint_velocity)
    controller.reject_input(kind, "unknown joint 'elbow'")
    if kind == "twist":  # the other input stays valid
        controller.set_joint_state(q, 0.1)
    else:
        controller.set_twist(TWIST, "base", 0.1)
    out = controller.update(0.1)
    assert out.state is State.INVALID_INPUT and "unknown joint 'elbow'" in out.message
    assert not np.any(out.joint_velocity)
    assert run_cycle(controller, q, TWIST, 0.102).state is State.OK  # valid inputs of both kinds clear it
    with pytest.raises(ValueError, match="input kind"):
        controller.reject_input("pose", "?")


def test_joint_positions_are_the_last_valid_state_read_only(puma):
    controller = make_controller(puma)
    assert controller.joint_positions is None
    q = puma.configuration("qn")
    controller.set_joint_state(q, 0.0)
    with pytest.raises(ValueError):
        controller.set_joint_state(np.full(6, np.nan), 0.1)
    np.testing.assert_array_equal(controller.joint_positions, q)
    with pytest.raises(ValueError):
        controller.joint_positions[0] = 1.0


class BrokenSource(AnalyticJacobian):
    """Analytic source that returns NaN in J after `good` evaluations (a failing learned net, say)."""

    def __init__(self, robot, good):
        super().__init__(robot)
        self.good = good

    def evaluate(self, q):
        estimate = super().evaluate(q)
        self.good -= 1
        if self.good < 0:
            return JacobianEstimate(estimate.pose, np.full_like(estimate.jacobian_world, np.nan))
        return estimate


def test_non_finite_jacobian_stops(puma):
    controller = ResolvedRateController(puma, BrokenSource(puma, good=10), CONFIG)
    q = puma.configuration("qn")
    outputs = [run_cycle(controller, q, TWIST, i * PERIOD) for i in range(60)]
    assert outputs[0].state is State.OK
    assert all(np.all(np.isfinite(o.joint_velocity)) for o in outputs)
    assert outputs[-1].state is State.INVALID_INPUT and not np.any(outputs[-1].joint_velocity)
    assert "non-finite" in outputs[-1].message


def test_random_input_stream_never_emits_nan(puma, rng):
    """Random valid and invalid inputs, random timing gaps: every output is finite and within limits."""
    controller = make_controller(puma)
    t = 0.0
    for _ in range(1500):
        t += rng.choice([PERIOD, 0.0, 0.05, 0.3])
        if rng.random() < 0.9:
            q = rng.uniform(puma.q_min - 0.2, puma.q_max + 0.2)
            if rng.random() < 0.05:
                q[rng.integers(6)] = rng.choice([np.nan, np.inf])
            try:
                controller.set_joint_state(q, t - rng.choice([0.0, 0.2]))
            except ValueError:
                pass
        if rng.random() < 0.9:
            twist = rng.normal(size=6) * 10.0 ** rng.uniform(-4, 4)
            if rng.random() < 0.05:
                twist[rng.integers(6)] = np.nan
            try:
                controller.set_twist(twist, rng.choice(["base", "tool"]), t)
            except ValueError:
                pass
        out = controller.update(t)
        assert np.all(np.isfinite(out.joint_velocity))
        assert np.all(np.abs(out.joint_velocity) <= puma.qd_max * (1 + 1e-12))


def test_non_finite_update_time_is_rejected(puma):
    controller, _, _ = moving_controller(puma)
    for now in (np.nan, np.inf):
        with pytest.raises(ValueError, match="finite"):
            controller.update(now)
