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


def check_per_robot_supported(robot: RobotModel) -> None:
    """The joint-1 symmetry needs a revolute first joint."""
    if robot.prismatic[0]:
        raise ValueError(f"robot {robot.name!r}: per-robot nets need a revolute joint 1")


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
