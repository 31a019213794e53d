"""Finite-difference Jacobians against the analytic ones: schemes, frames, error orders and the ω sign.

The analytic Jacobian is itself checked against roboticstoolbox-python in test_kinematics.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from jacobian_rrmc.kinematics import finite_difference_jacobian, forward_kinematics, pose_and_jacobian
from jacobian_rrmc.robots import load_robot

ROBOTS = ("puma560", "sixi2", "fanuc_am120ib_10l")
SIXI_STEP = np.deg2rad(0.5)  # the blog's forward-difference step


def max_error(robot, q, step, scheme, frame="world") -> float:
    _, analytic = pose_and_jacobian(robot, q, frame)
    _, numeric = finite_difference_jacobian(robot, q, step=step, scheme=scheme, frame=frame)
    return float(np.abs(numeric - analytic).max())


@pytest.mark.parametrize("frame", ["world", "ee"])
@pytest.mark.parametrize("name", ROBOTS)
def test_both_schemes_agree_with_analytic(name, frame, rng):
    robot = load_robot(name)
    q = robot.random_configurations(300, rng)
    assert max_error(robot, q, 1e-5, "central", frame) < 1e-8  # default step: O(h²) + O(ε/h) ≈ 1e-10
    assert max_error(robot, q, 1e-8, "forward", frame) < 1e-6  # near the forward optimum √ε
    pose, _ = finite_difference_jacobian(robot, q, frame=frame)
    np.testing.assert_array_equal(pose, forward_kinematics(robot, q))


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_sixi_forward_step_errs_by_order_of_the_step(name, rng):
    """The blog's forward difference at 0.5° errs ~1e-3, not 'in the 5th or 6th decimal'."""
    robot = load_robot(name)
    q = robot.random_configurations(200, rng)
    forward = max_error(robot, q, SIXI_STEP, "forward")
    central = max_error(robot, q, 1e-5, "central")
    assert 1e-4 < forward < 5e-2
    assert central < 1e-9
    assert forward > 1e5 * central


@pytest.mark.parametrize(("scheme", "order"), [("forward", 1), ("central", 2)])
def test_truncation_error_order(scheme, order, rng):
    """Quartering the step divides the error by 4 (forward, O(h)) or 16 (central, O(h²))."""
    robot = load_robot("puma560")
    q = robot.random_configurations(50, rng)
    coarse = max_error(robot, q, 4e-2, scheme)
    fine = max_error(robot, q, 1e-2, scheme)
    assert coarse / fine == pytest.approx(4.0**order, rel=0.15)


def test_angular_rows_are_plus_omega(rng):
    """Column i's angular rows are +ω: the rotation vector of R(q + h·eᵢ)·R(q)ᵀ divided by h."""
    robot = load_robot("puma560")
    q = robot.random_configurations(20, rng)
    h = 1e-6
    _, jacobian = finite_difference_jacobian(robot, q, step=h, scheme="forward")
    rotation = forward_kinematics(robot, q)[:, :3, :3]
    for i in range(robot.n_joints):
        nudged = q.copy()
        nudged[:, i] += h
        turned = forward_kinematics(robot, nudged)[:, :3, :3] @ rotation.swapaxes(1, 2)
        omega = Rotation.from_matrix(turned).as_rotvec() / h
        np.testing.assert_allclose(jacobian[:, 3:, i], omega, atol=1e-5)
    # Joint 1 of the PUMA turns about the world +z axis, so its ω column is (0, 0, +1) everywhere.
    np.testing.assert_allclose(jacobian[:, 3:, 0], np.tile([0.0, 0.0, 1.0], (20, 1)), atol=1e-9)


def test_not_the_sixi_sign_reading(rng):
    """Reading (S[1,2], S[2,0], S[0,1]) of S = dR·Rᵀ, as the Sixi code did, gives −ω; ours gives +ω."""
    robot = load_robot("sixi2")
    q = robot.random_configurations(50, rng)
    h = 1e-6  # small, so the comparison is about the sign and not the step's truncation error
    pose = forward_kinematics(robot, q)
    _, ours = finite_difference_jacobian(robot, q, step=h, scheme="forward")
    _, analytic = pose_and_jacobian(robot, q)
    for i in range(robot.n_joints):
        nudged = q.copy()
        nudged[:, i] += h
        d_rotation = (forward_kinematics(robot, nudged)[:, :3, :3] - pose[:, :3, :3]) / h
        s = d_rotation @ pose[:, :3, :3].swapaxes(1, 2)
        sixi = np.stack([s[:, 1, 2], s[:, 2, 0], s[:, 0, 1]], axis=1)
        omega = analytic[:, 3:, i]
        np.testing.assert_allclose(sixi, -omega, atol=1e-5)
        np.testing.assert_allclose(ours[:, 3:, i], omega, atol=1e-5)
        # Every revolute column has |ω| = 1, so the Sixi reading misses +ω by 2 rad/s per rad/s.
        np.testing.assert_allclose(np.linalg.norm(sixi - omega, axis=1), 2.0, atol=1e-5)


def test_batch_equals_single(rng):
    robot = load_robot("fanuc_am120ib_10l")
    q = robot.random_configurations(20, rng)
    for scheme in ("central", "forward"):
        for frame in ("world", "ee"):
            poses, batch = finite_difference_jacobian(robot, q, scheme=scheme, frame=frame)
            for i in range(len(q)):
                pose_i, single = finite_difference_jacobian(robot, q[i], scheme=scheme, frame=frame)
                assert single.shape == (6, 6) and pose_i.shape == (4, 4)
                np.testing.assert_array_equal(single, batch[i])
                np.testing.assert_array_equal(pose_i, poses[i])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "backward"}, "scheme must be one of"),
        ({"step": 0.0}, "step must be positive"),
        ({"step": float("nan")}, "step must be positive"),
        ({"frame": "tool"}, r"frame must be one of \('world', 'ee'\)"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, message):
    robot = load_robot("puma560")
    with pytest.raises(ValueError, match=message):
        finite_difference_jacobian(robot, np.zeros(6), **kwargs)
