"""Jacobian from forward kinematics alone: the Sixi method, done right.

Nudge one joint at a time, difference the tool poses. The linear rows are the difference of
positions; the angular rows are ω = vex(dR·Rᵀ), read with the standard sign
(S = [[0, −ωz, ωy], [ωz, 0, −ωx], [−ωy, ωx, 0]]) — the Sixi code read −ω.

Central differences (default) have truncation error O(h²) and round-off O(ε/h), so the best
step is near ε^(1/3) ≈ 6e-6; forward differences (the Sixi choice) err by O(h). See
`benchmarks/fd_step_study.py` for the measured error curves.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.kinematics.dh_parameters import DHParameters
from jacobian_rrmc.kinematics.forward import FRAMES, _as_batch, dh_parameters, forward_kinematics, world_to_end_effector
from jacobian_rrmc.spatial import vex

DEFAULT_STEP = 1e-5
SCHEMES = ("central", "forward")


def finite_difference_jacobian(model, q, step: float = DEFAULT_STEP, scheme: str = "central", frame: str = "world"):
    """Tool pose and FK-difference Jacobian, shapes as `pose_and_jacobian`.

    Args:
        model: a `RobotModel` or `DHParameters` (only its FK is used).
        q: (N,) or (B, N) joint positions, radians / metres.
        step: joint nudge h in radians (metres for prismatic joints), > 0.
        scheme: "central" (q ± h) or "forward" (q + h, the Sixi method).
        frame: "world" (J0) or "ee" (Je).
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if not step > 0:
        raise ValueError(f"step must be positive, got {step}")
    if frame not in FRAMES:
        raise ValueError(f"frame must be one of {FRAMES}, got {frame!r}")
    params = dh_parameters(model)
    batch, single = _as_batch(q, params.n_joints)
    n_batch, n_joints = batch.shape
    nudges = np.eye(n_joints) * step
    if scheme == "central":
        # One FK call over [q, q + h·e_i, q − h·e_i] for every joint and batch element.
        stacked = np.concatenate([batch[:, None, :], batch[:, None, :] + nudges, batch[:, None, :] - nudges], axis=1)
    else:
        stacked = np.concatenate([batch[:, None, :], batch[:, None, :] + nudges], axis=1)
    per_config = stacked.shape[1]
    arms = _repeat_arms(params, per_config)
    poses = forward_kinematics(arms, stacked.reshape(-1, n_joints)).reshape(n_batch, per_config, 4, 4)
    pose = poses[:, 0]
    if scheme == "central":
        d_pose = (poses[:, 1 : 1 + n_joints] - poses[:, 1 + n_joints :]) / (2.0 * step)
    else:
        d_pose = (poses[:, 1:] - pose[:, None]) / step
    jacobian = np.empty((n_batch, 6, n_joints))
    jacobian[:, :3, :] = np.swapaxes(d_pose[:, :, :3, 3], 1, 2)
    # S = dR·Rᵀ per joint; ω = vex(S) of its skew part.
    jacobian[:, 3:, :] = np.swapaxes(vex(d_pose[:, :, :3, :3] @ np.swapaxes(pose[:, None, :3, :3], -1, -2)), 1, 2)
    if frame == "ee":
        jacobian = world_to_end_effector(pose, jacobian)
    return (pose[0], jacobian[0]) if single else (pose, jacobian)


def _repeat_arms(params: DHParameters, per_config: int) -> DHParameters:
    """Parameters matching a batch where each configuration is repeated `per_config` times."""
    return params if params.n_arms == 1 else params.select(np.repeat(np.arange(params.n_arms), per_config))
