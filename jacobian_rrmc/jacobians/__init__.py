"""Jacobian sources for the controller: analytic, finite-difference and learned (JacobianNet)."""

from __future__ import annotations

from jacobian_rrmc.jacobians.analytic import AnalyticJacobian
from jacobian_rrmc.jacobians.finite_difference import FiniteDifferenceJacobian
from jacobian_rrmc.jacobians.learned import LearnedJacobian, LearnedModelError
from jacobian_rrmc.jacobians.source import JacobianEstimate, JacobianSource
from jacobian_rrmc.kinematics.finite_difference import DEFAULT_STEP
from jacobian_rrmc.robots import RobotModel

JACOBIAN_SOURCES = ("analytic", "finite_difference", "learned")


def make_jacobian_source(
    kind: str,
    robot: RobotModel,
    *,
    fd_step: float = DEFAULT_STEP,
    model_path: str | None = None,
    confidence_threshold: float = 0.5,
    on_model_error: str = "fail",
    secant_correction: bool = True,
) -> JacobianSource:
    """The source named `kind` (one of `JACOBIAN_SOURCES`) for `robot`.

    Raises ValueError for an unknown kind or bad option, and `LearnedModelError` when the learned
    model is unusable and on_model_error is "fail".
    """
    if kind == "analytic":
        return AnalyticJacobian(robot)
    if kind == "finite_difference":
        return FiniteDifferenceJacobian(robot, fd_step)
    if kind == "learned":
        return LearnedJacobian(
            robot,
            model_path=model_path,
            confidence_threshold=confidence_threshold,
            on_model_error=on_model_error,
            fd_step=fd_step,
            secant_correction=secant_correction,
        )
    raise ValueError(f"jacobian_source must be one of {JACOBIAN_SOURCES}, got {kind!r}")


__all__ = [
    "JACOBIAN_SOURCES",
    "AnalyticJacobian",
    "FiniteDifferenceJacobian",
    "JacobianEstimate",
    "JacobianSource",
    "LearnedJacobian",
    "LearnedModelError",
    "make_jacobian_source",
]
