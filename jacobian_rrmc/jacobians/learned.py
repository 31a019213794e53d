"""Learned source (placeholder until the JacobianNet ONNX model exists).

The real source will run the JacobianNet estimation net and use its confidence head to decide,
each cycle, whether to trust the estimate or fall back to finite differences. No trained model
ships yet, so this placeholder never has a model:

- ``on_model_error="fail"``: construction raises `LearnedModelError` (refuse to run without the net);
- ``on_model_error="fallback"``: every cycle uses finite differences with ``fell_back=True``, warns
  once, and `status` says why.
"""

from __future__ import annotations

import warnings

import numpy as np

from jacobian_rrmc.jacobians.finite_difference import FiniteDifferenceJacobian
from jacobian_rrmc.jacobians.source import JacobianEstimate, JacobianSource
from jacobian_rrmc.robots import RobotModel

ON_MODEL_ERROR = ("fail", "fallback")


class LearnedModelError(ValueError):
    """The learned model cannot be used and on_model_error is "fail"."""


class LearnedJacobian(JacobianSource):
    """JacobianNet source; for now always the finite-difference fallback (see module docstring)."""

    name = "learned"

    def __init__(
        self,
        robot: RobotModel,
        *,
        model_path: str | None = None,
        confidence_threshold: float = 0.5,
        on_model_error: str = "fail",
        fd_step: float = 1e-5,
    ) -> None:
        if on_model_error not in ON_MODEL_ERROR:
            raise ValueError(f"on_model_error must be one of {ON_MODEL_ERROR}, got {on_model_error!r}")
        if not 0.0 <= confidence_threshold <= 1.0:
            raise ValueError(f"confidence_threshold must be in [0, 1], got {confidence_threshold}")
        self.model_path = model_path or ""
        self.confidence_threshold = float(confidence_threshold)
        self.status = (
            f"learned Jacobian model unavailable (model_path={self.model_path!r}: JacobianNet inference is not "
            "implemented yet); using finite differences"
        )
        if on_model_error == "fail":
            raise LearnedModelError(f"{self.status}; set on_model_error: fallback to run on finite differences")
        self._fallback = FiniteDifferenceJacobian(robot, fd_step)
        self._warned = False

    def evaluate(self, q: np.ndarray) -> JacobianEstimate:
        if not self._warned:
            warnings.warn(self.status, RuntimeWarning, stacklevel=2)
            self._warned = True
        estimate = self._fallback.evaluate(q)
        estimate.fell_back = True
        return estimate
