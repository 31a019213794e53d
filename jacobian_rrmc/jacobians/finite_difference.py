"""Finite-difference source: J0 from forward kinematics alone (central differences)."""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.jacobians.source import JacobianEstimate, JacobianSource
from jacobian_rrmc.kinematics import finite_difference_jacobian
from jacobian_rrmc.kinematics.finite_difference import DEFAULT_STEP
from jacobian_rrmc.robots import RobotModel


class FiniteDifferenceJacobian(JacobianSource):
    """J0 by nudging each joint ± `step` (rad or m) and differencing the tool poses.

    Central differences err by O(step²) + O(ε/step); the default `DEFAULT_STEP` (1e-5) is near
    the optimum (benchmarks/fd_step_study.py).
    """

    name = "finite_difference"

    def __init__(self, robot: RobotModel, step: float = DEFAULT_STEP) -> None:
        if not (np.isfinite(step) and step > 0):
            raise ValueError(f"fd_step must be a positive number, got {step}")
        self.robot = robot
        self.step = float(step)

    def evaluate(self, q: np.ndarray) -> JacobianEstimate:
        pose, jacobian = finite_difference_jacobian(self.robot, q, step=self.step, scheme="central")
        return JacobianEstimate(pose=pose, jacobian_world=jacobian)
