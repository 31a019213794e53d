"""Learned source: the per-robot JacobianNet (ONNX, onnxruntime) with a finite-difference fallback.

Each cycle: if q lies inside the net's training ranges (the joint limits) the net maps q → (J0,
confidence); the estimate is used when confidence ≥ `confidence_threshold` and finite. Otherwise this
cycle uses central finite differences and reports ``fell_back=True``. The pose always comes from
forward kinematics (the net estimates only the Jacobian).

With ``secant_correction`` (the default) each net estimate is corrected along the direction the arm
moved since the previous call, from the two poses FK already gave (`SecantCorrection`). It assumes
successive `evaluate` calls follow one measured trajectory, as the controller's do; look-aheads (the
singularity guard's) go through `probe`, which uses the current correction without updating it. A
fallback cycle resets it.

The model is checked once at construction (`JacobianNetRuntime`): missing, corrupt, or made for
another robot / joint count → `LearnedModelError` with ``on_model_error="fail"``, or with
``on_model_error="fallback"`` a one-time warning, `status` saying why, and finite differences every
cycle. Without `model_path` the shipped ``models/<robot>_jacobian.onnx`` is used.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from jacobian_rrmc.jacobians.finite_difference import FiniteDifferenceJacobian
from jacobian_rrmc.jacobians.secant_correction import SecantCorrection
from jacobian_rrmc.jacobians.source import JacobianEstimate, JacobianSource
from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.kinematics.finite_difference import DEFAULT_STEP
from jacobian_rrmc.learn.runtime import JacobianNetRuntime, ModelFileError
from jacobian_rrmc.robots import RobotModel
from jacobian_rrmc.share import share_path

ON_MODEL_ERROR = ("fail", "fallback")


class LearnedModelError(ValueError):
    """The learned model cannot be used and on_model_error is "fail"."""


def shipped_model_path(robot_name: str) -> str:
    """Where the package keeps the per-robot net of `robot_name` (the file may not exist)."""
    try:
        return str(share_path("models", f"{robot_name}_jacobian.onnx"))
    except FileNotFoundError:
        return f"models/{robot_name}_jacobian.onnx"


class LearnedJacobian(JacobianSource):
    """JacobianNet source with a confidence/range gate and finite-difference fallback (see module docstring)."""

    name = "learned"

    def __init__(
        self,
        robot: RobotModel,
        *,
        model_path: str | None = None,
        confidence_threshold: float = 0.5,
        on_model_error: str = "fail",
        fd_step: float = DEFAULT_STEP,
        secant_correction: bool = True,
    ) -> None:
        if on_model_error not in ON_MODEL_ERROR:
            raise ValueError(f"on_model_error must be one of {ON_MODEL_ERROR}, got {on_model_error!r}")
        if not 0.0 <= confidence_threshold <= 1.0:
            raise ValueError(f"confidence_threshold must be in [0, 1], got {confidence_threshold}")
        self.robot = robot
        self.model_path = model_path or shipped_model_path(robot.name)
        self.confidence_threshold = float(confidence_threshold)
        self._fallback = FiniteDifferenceJacobian(robot, fd_step)
        self._secant = SecantCorrection(robot.n_joints) if secant_correction else None
        self._runtime: JacobianNetRuntime | None = None
        try:
            self._runtime = JacobianNetRuntime(self.model_path, robot=robot.name, n_joints=robot.n_joints, kind="robot")
            self.status = f"ok: {self.model_path}"
        except ModelFileError as error:
            self.status = f"learned Jacobian model unusable ({error}); using finite differences"
            if on_model_error == "fail":
                raise LearnedModelError(f"{error}; set on_model_error: fallback to run on finite differences") from None
            warnings.warn(self.status, RuntimeWarning, stacklevel=2)

    def evaluate(self, q: np.ndarray) -> JacobianEstimate:
        q = np.asarray(q, dtype=float)
        estimate, confidence = self._net_estimate(q)
        if estimate is None:
            return self._fall_back(q, confidence)
        pose = forward_kinematics(self.robot, q)
        if self._secant is not None:
            estimate = self._secant.correct(q, pose, estimate)
        return JacobianEstimate(pose, estimate, False, confidence)

    def probe(self, q: np.ndarray) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        estimate, _ = self._net_estimate(q)
        if estimate is None:
            return self._fallback.evaluate(q).jacobian_world
        if self._secant is not None:
            estimate += self._secant.correction
        return estimate

    def _net_estimate(self, q: np.ndarray) -> tuple[np.ndarray | None, float]:
        """(J0 (6, N) from the net, confidence), or (None, confidence) when the gate says fall back."""
        runtime = self._runtime
        if runtime is None or not runtime.inside_training_ranges(q):
            return None, 0.0
        try:
            jacobian, confidence = runtime.predict_one(q)
        except Exception as error:  # never let inference crash the control loop
            self.status = f"inference failed ({error}); using finite differences"
            return None, 0.0
        value = float(confidence[0])
        if value < self.confidence_threshold or not math.isfinite(float(jacobian.sum())):
            return None, value
        return jacobian[0].astype(float), value

    def _fall_back(self, q: np.ndarray, confidence: float) -> JacobianEstimate:
        if self._secant is not None:
            self._secant.reset()
        estimate = self._fallback.evaluate(q)
        estimate.fell_back = True
        estimate.confidence = confidence
        return estimate
