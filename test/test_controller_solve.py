"""Twist → joint velocity: exactness with zero damping, frames, N ≠ 6, and damped least squares.

References: roboticstoolbox-python's jacob0/jacobe (independent of our kernel), spatial.adjoint for the
tool-frame twist, numpy's pinv/lstsq and the closed form (JᵀJ + λ²I)⁻¹Jᵀν for the damped solution.
"""

from __future__ import annotations

import numpy as np
import pytest
from controller_support import five_dof_arm, make_controller, run_cycle, seven_dof_arm

from jacobian_rrmc.control import ControllerState, achievable_twist, damping_for, twist_to_joint_velocity
from jacobian_rrmc.kinematics import jacobian_world, singular_values
from jacobian_rrmc.spatial import adjoint


def well_conditioned(robot, rng, count):
    """Configurations with κ < 20 (no damping, no singularity scaling) and every joint 0.3 rad inside its limits."""
    q = rng.uniform(robot.q_min + 0.3, robot.q_max - 0.3, size=(20 * count, robot.n_joints))
    sigma = singular_values(jacobian_world(robot, q))
    good = q[(sigma[:, 0] / sigma[:, -1] < 20.0) & (sigma[:, -1] > 0.05)]
    assert len(good) >= count
    return good[:count]


def random_twist(rng, speed=0.02):
    twist = rng.normal(size=6)
    return speed * twist / np.linalg.norm(twist)


@pytest.mark.parametrize("source", ["analytic", "finite_difference"])
def test_base_twist_reproduced(puma, rtb_puma, rng, source):
    for q in well_conditioned(puma, rng, 30):
        twist = random_twist(rng)
        out = run_cycle(make_controller(puma, source), q, twist, 0.0, "base")
        assert out.state is ControllerState.OK and out.command_scale == 1.0
        np.testing.assert_allclose(rtb_puma.jacob0(q) @ out.joint_velocity, twist, atol=1e-9)
        np.testing.assert_allclose(out.pose, rtb_puma.fkine(q).A, atol=1e-12)


def test_tool_twist_reproduced(puma, rtb_puma, rng):
    """A tool-frame twist is the tool point's [v, ω] in tool axes: jacobe·q̇ must equal it, and its adjoint
    (the spatial twist, reference point at the base origin) must equal [v + p × ω, ω] from jacob0·q̇."""
    for q in well_conditioned(puma, rng, 30):
        twist_tool = random_twist(rng)
        out = run_cycle(make_controller(puma), q, twist_tool, 0.0, "tool")
        assert out.state is ControllerState.OK
        np.testing.assert_allclose(rtb_puma.jacobe(q) @ out.joint_velocity, twist_tool, atol=1e-9)
        base_twist = rtb_puma.jacob0(q) @ out.joint_velocity
        pose = rtb_puma.fkine(q).A
        spatial = np.concatenate([base_twist[:3] + np.cross(pose[:3, 3], base_twist[3:]), base_twist[3:]])
        np.testing.assert_allclose(adjoint(pose) @ twist_tool, spatial, atol=1e-9)


def test_redundant_arm_gives_minimum_norm_solution(rng):
    arm = seven_dof_arm()
    for q in well_conditioned(arm, rng, 20):
        twist = random_twist(rng)
        jacobian = jacobian_world(arm, q)
        expected = np.linalg.pinv(jacobian) @ twist
        np.testing.assert_allclose(twist_to_joint_velocity(jacobian, twist, 0.0), expected, atol=1e-12)
        out = run_cycle(make_controller(arm), q, twist, 0.0)
        assert out.joint_velocity.shape == (7,) and out.state is ControllerState.OK
        np.testing.assert_allclose(jacobian @ out.joint_velocity, twist, atol=1e-9)
        np.testing.assert_allclose(out.joint_velocity, expected, atol=1e-9)


def test_deficient_arm_gives_least_squares_solution(rng):
    arm = five_dof_arm()
    for q in well_conditioned(arm, rng, 20):
        twist = random_twist(rng)
        jacobian = jacobian_world(arm, q)
        expected = np.linalg.lstsq(jacobian, twist, rcond=None)[0]
        out = run_cycle(make_controller(arm), q, twist, 0.0)
        assert out.joint_velocity.shape == (5,)
        np.testing.assert_allclose(out.joint_velocity, expected, atol=1e-9)
        residual = twist - jacobian @ out.joint_velocity
        np.testing.assert_allclose(jacobian.T @ residual, 0.0, atol=1e-12)  # normal equations hold
        assert np.isfinite(out.manipulability) and out.manipulability > 0.0  # √det(JᵀJ) for N < 6


def test_damped_solution_matches_closed_form(puma, rng):
    for q in puma.random_configurations(20, rng):
        jacobian = jacobian_world(puma, q)
        twist = rng.normal(size=6)
        for damping in (0.01, 0.05, 0.3):
            expected = np.linalg.solve(jacobian.T @ jacobian + damping**2 * np.eye(6), jacobian.T @ twist)
            solved = twist_to_joint_velocity(jacobian, twist, damping)
            np.testing.assert_allclose(solved, expected, rtol=1e-9, atol=1e-9)
            assert np.linalg.norm(solved) <= np.linalg.norm(twist) / (2 * damping) * (1 + 1e-12)


def test_exactly_singular_jacobian_gives_finite_pseudo_inverse(puma, rng):
    for name in ("qz", "qr", "qs"):
        jacobian = jacobian_world(puma, puma.configuration(name))
        u, _, _ = np.linalg.svd(jacobian)
        for twist in [u[:, -1], rng.normal(size=6)]:  # along the lost direction, and a general one
            solved = twist_to_joint_velocity(jacobian, twist, 0.0)
            np.testing.assert_allclose(solved, np.linalg.pinv(jacobian, rcond=1e-12) @ twist, atol=1e-9)


def test_damping_schedule():
    assert damping_for(0.2, 0.03, 0.05) == 0.0
    assert damping_for(0.03, 0.03, 0.05) == 0.0
    assert damping_for(0.0, 0.03, 0.05) == pytest.approx(0.05)
    assert damping_for(0.015, 0.03, 0.05) == pytest.approx(0.05 * np.sqrt(0.75))
    values = [damping_for(s, 0.03, 0.05) for s in np.linspace(0.0, 0.05, 501)]
    assert np.max(np.abs(np.diff(values))) < 0.01  # continuous: no jump where damping switches on
    assert np.all(np.diff(values) <= 1e-15)  # falls as σ_min rises


def test_achievable_twist_is_what_the_damped_solution_realises(puma, rng):
    for arm in (puma, seven_dof_arm(), five_dof_arm()):
        for q in arm.random_configurations(10, rng):
            jacobian = jacobian_world(arm, q)
            u, sigma, vt = np.linalg.svd(jacobian, full_matrices=False)
            twist = rng.normal(size=6)
            for damping in (0.0, 0.05):
                expected = jacobian @ twist_to_joint_velocity(jacobian, twist, damping)
                np.testing.assert_allclose(achievable_twist(u, sigma, twist, damping, np.empty(6)), expected, atol=1e-9)
