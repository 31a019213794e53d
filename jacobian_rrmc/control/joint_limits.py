"""Joint velocity and position limits, both enforced by one uniform scale of q̇ (hand direction kept).

Position limits: within `margin` of a limit, a joint moving toward it may move at most at
qd_limit · (distance / margin) — linear to zero at the limit, so it approaches exponentially and
stops inside — and never more than distance / period, so it cannot pass in one cycle. Joints moving
away from a limit, or outside the margin, are not restricted.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.robots import RobotModel


def velocity_limit_scale(q_dot: np.ndarray, qd_limit: np.ndarray) -> float:
    """Largest k ≤ 1 with |k·q̇ᵢ| ≤ qd_limitᵢ for every joint."""
    peak = float((np.abs(q_dot) / qd_limit).max())
    return 1.0 / peak if peak > 1.0 else 1.0


class PositionLimitGuard:
    """Scale that keeps every joint inside [q_min, q_max] with a slow-down margin (rad or m)."""

    def __init__(self, robot: RobotModel, qd_limit: np.ndarray, margin: float, period: float) -> None:
        self.q_min = np.asarray(robot.q_min, dtype=float)
        self.q_max = np.asarray(robot.q_max, dtype=float)
        # allowed speed = distance · rate: the slower of the margin ramp and "reach the limit in one period".
        self.rate = (
            np.minimum(qd_limit / margin, 1.0 / period) if margin > 0.0 else np.full_like(qd_limit, 1.0 / period)
        )

    def scale(self, q: np.ndarray, q_dot: np.ndarray) -> float:
        """Largest k ≤ 1 such that no joint moving toward a limit exceeds its allowed speed."""
        distance = np.where(q_dot > 0.0, self.q_max - q, q - self.q_min)
        allowed = np.maximum(distance, 0.0) * self.rate
        speed = np.abs(q_dot)
        slowest = np.divide(allowed, speed, out=np.full_like(speed, np.inf), where=speed > 0.0).min()
        return float(min(1.0, slowest))
