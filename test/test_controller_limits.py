"""Velocity limits are never exceeded; position limits stop joints inside them without slowing motion away."""

from __future__ import annotations

import numpy as np
import pytest
from controller_support import PERIOD, five_dof_arm, make_controller, run_cycle, seven_dof_arm

from jacobian_rrmc.control import ControllerState
from jacobian_rrmc.kinematics import jacobian_world
from jacobian_rrmc.robots import load_robot


def twists(rng, count):
    """Random twists from 1e-6 to 1e12 in size, plus pure-linear and pure-angular ones."""
    directions = rng.normal(size=(count, 6))
    directions[: count // 4, 3:] = 0.0
    directions[count // 4 : count // 2, :3] = 0.0
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions * 10.0 ** rng.uniform(-6, 12, size=(count, 1))


@pytest.mark.parametrize("velocity_scale", [1.0, 0.3])
@pytest.mark.parametrize("robot_name", ["puma560", "sixi2", "fanuc_am120ib_10l", "arm7", "arm5"])
def test_velocity_limits_never_exceeded(rng, robot_name, velocity_scale):
    robot = {"arm7": seven_dof_arm, "arm5": five_dof_arm}.get(robot_name, lambda: load_robot(robot_name))()
    limit = robot.qd_max * velocity_scale
    configurations = list(robot.random_configurations(40, rng)) + [np.array(q) for q in robot.configurations.values()]
    for q, twist in zip(configurations, twists(rng, len(configurations)), strict=True):
        for frame in ("base", "tool"):
            out = run_cycle(make_controller(robot, velocity_scale=velocity_scale), q, twist, 0.0, frame)
            assert np.all(np.isfinite(out.joint_velocity))
            assert np.all(np.abs(out.joint_velocity) <= limit * (1 + 1e-12)), (q, twist, out)


def test_huge_twist_is_scaled_uniformly(puma):
    """The velocity limit scales the whole command, so the hand keeps its direction."""
    q = puma.configuration("qn")
    twist = np.array([3.0, -1.0, 2.0, 0.0, 0.0, 50.0])
    out = run_cycle(make_controller(puma), q, twist, 0.0)
    assert 0.0 < out.command_scale < 1.0
    assert np.max(np.abs(out.joint_velocity) / puma.qd_max) == pytest.approx(1.0)
    achieved = jacobian_world(puma, q) @ out.joint_velocity
    np.testing.assert_allclose(achieved / np.linalg.norm(achieved), twist / np.linalg.norm(twist), atol=1e-9)


def push_joint(robot, q0, joint, speed, seconds, **config):
    """Closed loop: command the twist that moves only `joint` at `speed`; integrate q += q̇·dt."""
    controller = make_controller(robot, **config)
    q = np.array(q0, dtype=float)
    unit = np.zeros(robot.n_joints)
    unit[joint] = speed
    trace, states = [], []
    for i in range(int(seconds / PERIOD)):
        out = run_cycle(controller, q, jacobian_world(robot, q) @ unit, i * PERIOD)
        q = q + out.joint_velocity * PERIOD
        trace.append((q[joint], out.joint_velocity[joint]))
        states.append(out.state)
    return np.array(trace), states


@pytest.mark.parametrize("margin", [0.1, 0.0])
def test_joint_stops_inside_its_limit(puma, margin):
    """Joint 1 driven at 1.5 rad/s into q_max = 160° stops inside it, slowing within the margin."""
    q0 = puma.configuration("qn")
    q0[0] = puma.q_max[0] - 0.5
    trace, states = push_joint(puma, q0, 0, 1.5, 1.0, joint_limit_margin=margin)
    position, velocity = trace[:, 0], trace[:, 1]
    assert position.max() <= puma.q_max[0]
    assert position[-1] > puma.q_max[0] - 1e-3  # and it got there
    assert abs(velocity[-1]) < 1e-2
    assert states[-1] is ControllerState.JOINT_LIMIT
    if margin > 0:
        distance_before = puma.q_max[0] - np.concatenate([[q0[0]], position[:-1]])
        allowed = puma.qd_max[0] * distance_before / margin
        assert np.all(velocity <= np.maximum(allowed, 1.5) * (1 + 1e-9))
        assert np.all(velocity[distance_before < margin] <= allowed[distance_before < margin] * (1 + 1e-9))
        # No overshoot, no jerk back (the drift correction trims the free-motion command by ~1e-9 rad/s).
        assert np.all(np.diff(velocity) <= 1e-6)


@pytest.mark.parametrize("offset", [0.05, 0.0, -0.02])
def test_motion_away_from_limit_is_free(puma, offset):
    """Inside the margin, on the limit or even past it, moving away runs at the commanded speed."""
    q = puma.configuration("qn")
    q[0] = puma.q_max[0] - offset
    unit = np.zeros(6)
    unit[0] = -1.0
    out = run_cycle(make_controller(puma), q, jacobian_world(puma, q) @ unit, 0.0)
    assert out.state is ControllerState.OK
    np.testing.assert_allclose(out.joint_velocity, unit, atol=1e-9)
    toward = run_cycle(make_controller(puma), q, -1.5 * jacobian_world(puma, q) @ unit, 0.0)
    assert toward.state is ControllerState.JOINT_LIMIT
    assert toward.joint_velocity[0] <= puma.qd_max[0] * max(offset, 0.0) / 0.1 + 1e-12


def test_limit_on_one_joint_scales_whole_command(puma):
    """A joint at its limit scales every joint alike, so the hand direction is kept (it slows, not veers)."""
    q = puma.configuration("qn")
    q[0] = puma.q_max[0] - 0.02
    jacobian = jacobian_world(puma, q)
    unit = np.array([1.0, 0.5, 0.0, 0.0, 0.0, 0.0])
    out = run_cycle(make_controller(puma, drift_correction=False), q, jacobian @ unit, 0.0)
    assert out.state is ControllerState.JOINT_LIMIT
    assert 0.0 < out.command_scale < 1.0
    np.testing.assert_allclose(out.joint_velocity, out.command_scale * unit, atol=1e-9)
