"""Helpers shared by the controller tests: arms of any joint count and a closed-loop simulation."""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.control import ControllerConfig, ResolvedRateController
from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.robots import RobotModel

PERIOD = 1.0 / 500.0


def dh_arm(name: str, d, a, alpha, limit: float = np.pi, qd_max: float = 2.0) -> RobotModel:
    """An all-revolute standard-DH arm with symmetric limits ±`limit` rad and qd_max rad/s on every joint."""
    n = len(d)
    return RobotModel(
        name=name,
        d=np.asarray(d, dtype=float),
        a=np.asarray(a, dtype=float),
        alpha=np.asarray(alpha, dtype=float),
        theta_offset=np.zeros(n),
        prismatic=np.zeros(n, dtype=bool),
        base=np.eye(4),
        tool=np.eye(4),
        q_min=np.full(n, -limit),
        q_max=np.full(n, limit),
        qd_max=np.full(n, qd_max),
        joint_names=tuple(f"joint_{i + 1}" for i in range(n)),
    )


def seven_dof_arm() -> RobotModel:
    """A redundant 7R arm with the iiwa's DH layout (N = 7 > 6)."""
    h = np.pi / 2
    return dh_arm("arm7", [0.34, 0, 0.4, 0, 0.4, 0, 0.126], [0] * 7, [-h, h, h, -h, -h, h, 0])


def five_dof_arm() -> RobotModel:
    """A deficient 5R arm: the PUMA 560 without its last joint (N = 5 < 6)."""
    h = np.pi / 2
    return dh_arm("arm5", [0.67183, 0, 0.15005, 0.4318, 0], [0, 0.4318, 0.0203, 0, 0], [h, 0, -h, h, -h])


def make_controller(robot: RobotModel, source: str = "analytic", **config) -> ResolvedRateController:
    return ResolvedRateController(robot, make_jacobian_source(source, robot), ControllerConfig(**config))


def run_cycle(controller: ResolvedRateController, q, twist, t: float, frame: str = "base"):
    """Feed fresh inputs at time t and return the controller's output."""
    controller.set_joint_state(q, t)
    controller.set_twist(twist, frame, t)
    return controller.update(t)
