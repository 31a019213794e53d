"""Per-robot training data: joint configurations q → Jacobian J⁽¹⁾ in the frame rotated by joint 1.

J⁽¹⁾ = diag(Rᵀ, Rᵀ)·J0 with R = R_base·Rz(q₁ + offset₁) (see `features.BaseRotation`). It is computed
exactly by evaluating J0 with joint 1 at θ₁ = 0 and undoing the base rotation — turning joint 1 only
rotates everything after it, so nothing else changes.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.kinematics import jacobian_world, world_to_end_effector
from jacobian_rrmc.learn.training import TrainingSet
from jacobian_rrmc.robots import RobotModel
from jacobian_rrmc.spatial import rot_x


def check_per_robot_supported(robot: RobotModel) -> None:
    """The joint-1 symmetry needs a revolute first joint."""
    if robot.prismatic[0]:
        raise ValueError(f"robot {robot.name!r}: per-robot nets need a revolute joint 1")


def last_joint_moves_jacobian(robot: RobotModel, tolerance: float = 1e-12) -> bool:
    """Whether J0 (at the tool point) depends on the last joint's position.

    The angular columns are the axes of joints 1..N, which q_N never moves; the linear ones are
    z_i × (p_tool − o_i), where only p_tool could move with q_N. A revolute last joint turns the tool
    point about its axis z_{N−1}; in standard DH the point sits at Rz(q_N)·w + d_N·ẑ in frame N−1, with
    w = [a_N, 0, 0] + Rx(α_N)·t_tool, so it stays put exactly when w lies on the axis (w_x = w_y = 0).
    A prismatic last joint always moves it. `tolerance` is in metres.
    """
    if robot.prismatic[-1]:
        return True
    w = np.array([robot.a[-1], 0.0, 0.0]) + rot_x(robot.alpha[-1]) @ robot.tool[:3, 3]
    return bool(np.hypot(w[0], w[1]) > tolerance)


def jacobian_in_joint1_frame(robot: RobotModel, q: np.ndarray) -> np.ndarray:
    """J⁽¹⁾ for configurations q (B, N) → (B, 6, N)."""
    check_per_robot_supported(robot)
    q_zero = np.array(q, dtype=float)
    q_zero[:, 0] = -robot.theta_offset[0]
    # Expressed in the base frame: the same blockdiag(Rᵀ, Rᵀ) re-expression as world → tool, with R = R_base.
    return world_to_end_effector(np.broadcast_to(robot.base, (len(q_zero), 4, 4)), jacobian_world(robot, q_zero))


def robot_training_set(robot: RobotModel, count: int, rng: np.random.Generator) -> TrainingSet:
    """`count` configurations uniform within the joint limits, with J⁽¹⁾ row-major (count, 6N) as targets."""
    q = robot.random_configurations(count, rng)
    return TrainingSet(raw=q, targets=jacobian_in_joint1_frame(robot, q).reshape(count, -1))
