"""Analytic source: the compiled DH kernel's geometric Jacobian (exact up to round-off)."""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.jacobians.source import JacobianEstimate, JacobianSource
from jacobian_rrmc.kinematics import pose_and_jacobian
from jacobian_rrmc.robots import RobotModel


class AnalyticJacobian(JacobianSource):
    """J0 from `kinematics.pose_and_jacobian`: one compiled call, ~3 µs median (`jacobian_world` row of
    benchmarks/results/jacobian_speed.md, from `PYTHONPATH=. python benchmarks/jacobian_speed.py`)."""

    name = "analytic"

    def __init__(self, robot: RobotModel) -> None:
        self.robot = robot

    def evaluate(self, q: np.ndarray) -> JacobianEstimate:
        pose, jacobian = pose_and_jacobian(self.robot, q, "world")
        return JacobianEstimate(pose=pose, jacobian_world=jacobian)
