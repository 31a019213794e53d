"""Forward kinematics and the analytic geometric Jacobian of a DH chain.

All functions take either a `RobotModel` or `DHParameters` and joint positions q of shape
(N,) or (B, N) (radians for revolute joints, metres for prismatic ones). They return the
tool pose in the world frame (4×4 or (B, 4, 4), metres) and Jacobians (6×N or (B, 6, N))
with rows [vx vy vz ωx ωy ωz]:

- ``J0`` (frame="world"): tool-point velocity and angular velocity in the world frame;
- ``Je`` (frame="ee"): the same velocities expressed in the tool frame.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from jacobian_rrmc.kinematics.dh_kernel import dh_pose_jacobian_kernel, world_to_end_effector_kernel
from jacobian_rrmc.kinematics.dh_parameters import DHParameters

FRAMES = ("world", "ee")


@lru_cache(maxsize=64)
def _parameters_of_robot(robot) -> DHParameters:
    return DHParameters.from_arrays(
        robot.d, robot.a, robot.alpha, robot.theta_offset, robot.prismatic, robot.base, robot.tool
    )


def dh_parameters(model) -> DHParameters:
    """The kernel-ready parameters of a `RobotModel` (cached) or a `DHParameters` as is."""
    if isinstance(model, DHParameters):
        return model
    return _parameters_of_robot(model)


def _as_batch(q: np.ndarray, n_joints: int) -> tuple[np.ndarray, bool]:
    q = np.asarray(q, dtype=np.float64)
    single = q.ndim == 1
    batch = np.ascontiguousarray(q.reshape(1, -1) if single else q)
    if batch.ndim != 2 or batch.shape[1] != n_joints:
        raise ValueError(f"q must have shape ({n_joints},) or (B, {n_joints}), got {q.shape}")
    return batch, single


def pose_and_jacobian(model, q, frame: str = "world"):
    """Tool pose and geometric Jacobian in one pass.

    Returns (T, J) with T of shape (4, 4) or (B, 4, 4) and J of shape (6, N) or (B, 6, N),
    J in the frame named by `frame` ("world" → J0, "ee" → Je).
    """
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, got {frame!r}")
    params = dh_parameters(model)
    batch, single = _as_batch(q, params.n_joints)
    n_batch = batch.shape[0]
    check_arm_count(params, n_batch)
    pose = np.empty((n_batch, 4, 4))
    jacobian = np.empty((n_batch, 6, params.n_joints))
    dh_pose_jacobian_kernel(
        batch, params.theta_offset, params.d, params.a, params.alpha, params.prismatic,
        params.base, params.tool, pose, jacobian, True,
    )  # fmt: skip
    if frame == "ee":
        jacobian_ee = np.empty_like(jacobian)
        world_to_end_effector_kernel(pose, jacobian, jacobian_ee)
        jacobian = jacobian_ee
    return (pose[0], jacobian[0]) if single else (pose, jacobian)


def forward_kinematics(model, q) -> np.ndarray:
    """Tool pose in the world frame, (4, 4) or (B, 4, 4), metres."""
    params = dh_parameters(model)
    batch, single = _as_batch(q, params.n_joints)
    check_arm_count(params, batch.shape[0])
    pose = np.empty((batch.shape[0], 4, 4))
    dh_pose_jacobian_kernel(
        batch, params.theta_offset, params.d, params.a, params.alpha, params.prismatic,
        params.base, params.tool, pose, np.empty((1, 6, params.n_joints)), False,
    )  # fmt: skip
    return pose[0] if single else pose


def jacobian_world(model, q) -> np.ndarray:
    """World-frame geometric Jacobian J0, (6, N) or (B, 6, N)."""
    return pose_and_jacobian(model, q, "world")[1]


def jacobian_end_effector(model, q) -> np.ndarray:
    """End-effector-frame geometric Jacobian Je, (6, N) or (B, 6, N)."""
    return pose_and_jacobian(model, q, "ee")[1]


def world_to_end_effector(pose: np.ndarray, jacobian_world_: np.ndarray) -> np.ndarray:
    """Re-express world-frame Jacobian(s) in the tool frame: Je = blockdiag(Rᵀ, Rᵀ)·J0."""
    pose_b = np.ascontiguousarray(np.asarray(pose, dtype=np.float64).reshape(-1, 4, 4))
    jac_b = np.ascontiguousarray(np.asarray(jacobian_world_, dtype=np.float64).reshape(pose_b.shape[0], 6, -1))
    out = np.empty_like(jac_b)
    world_to_end_effector_kernel(pose_b, jac_b, out)
    return out.reshape(np.shape(jacobian_world_))


def check_arm_count(params: DHParameters, n_batch: int) -> None:
    # The compiled kernel does not bounds-check; DHParameters guarantees the other leading axes are 1 or P.
    if params.n_arms not in (1, n_batch):
        raise ValueError(f"{params.n_arms} arms given for a batch of {n_batch} configurations")
