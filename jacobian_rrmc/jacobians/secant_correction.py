"""Secant correction of an estimated Jacobian along the direction the arm actually moves (Broyden's update).

A learned J0 is off by a small, smooth error E(q). In a drift-corrected loop what the hand feels is E·q̇,
and only along q̇. Consecutive measured states already measure that product exactly. With s = q₁ − q₀
and the tool poses T₀, T₁ from exact forward kinematics, the measured motion is
Δx = [p₁ − p₀, log(R₁R₀ᵀ)] (base frame, tool point; metres, radians). It equals J(q at the step's
midpoint)·s, to O(|s|³).

The loop needs J at q₁, half a step further on. The previous step (s′, Δx′) measured J one step earlier,
so a linear extrapolation along the path gives the target

    J(q₁)·s ≈ (1 + α)·Δx − α·J′s,   α = |s| / (|s| + |s′|)  (½ for equal steps),
    J′s ≈ λ·Δx′ + Ĵ₁·(s − λs′),     λ = s·s′ / s′·s′  (the projection of s on s′).

The estimate Ĵ₁ only supplies the part of s orthogonal to s′, which is small on a smooth path. The half
step comes from measured motion, not from the estimate's own change between the two states:
single-precision rounding in a net is an unsmooth error that the drift loop cannot absorb, and the
difference of two net outputs exposes it.

The correction C is a 6×N matrix added to the estimate. Broyden's least-change update,
C ← C + (target − (Ĵ₁ + C)s) sᵀ / sᵀs, makes (Ĵ₁ + C)s equal the target exactly. It leaves every
direction orthogonal to s untouched, and those keep coming from the estimate. The first step after a
reset has no previous step and uses Δx itself.

No extra forward kinematics is needed: the pose is computed every cycle anyway. It is a finite
difference along the measured motion, for free. Joint-position noise does not bias the secant itself,
because Δx and s come from the same measured q₀ and q₁, and FK is exact for any pair. Steps that are mostly
noise turn from cycle to cycle, though. Then most of s is orthogonal to s′, the estimate supplies that
part, and the correction is only about as good as the estimate along such steps.

Guards:
- A step longer than `max_step` is not local, so it is not used, and the next step does not extrapolate
  from it. A repeated state (|s| ≤ `MIN_STEP`, e.g. a timer cycle without a new joint state) is skipped
  and keeps the previous step; a non-finite q resets the correction.
- C fades as exp(−|s|/`length`) with the distance travelled, so corrections learned far away fade out.
- If C grows beyond `max_relative` × ‖Ĵ‖_F (default 2 %, twice the per-robot nets' confidence
  tolerance), the estimate and FK disagree by more than the net is trusted for, and C is dropped.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from jacobian_rrmc.spatial import rotation_log_kernel

MIN_STEP = 1e-8  # rad (m); below this the pose difference is dominated by rounding


class SecantCorrection:
    """Broyden secant correction of successive Jacobian estimates along one measured joint trajectory.

    Args:
        n_joints: N.
        length: rad (m); the correction fades by exp(−distance/length) as the joints move.
        max_step: rad (m); longer steps between consecutive states are not used for an update.
        max_relative: bound on ‖C‖_F / ‖Ĵ‖_F; a larger correction is dropped (reset to zero).
    """

    def __init__(self, n_joints: int, length: float = 0.1, max_step: float = 0.02, max_relative: float = 0.02):
        if not (length > 0 and max_step > MIN_STEP and max_relative > 0):
            raise ValueError(f"need length > 0, max_step > {MIN_STEP:g} and max_relative > 0")
        self.length, self.max_step, self.max_relative = float(length), float(max_step), float(max_relative)
        self.correction = np.zeros((6, n_joints))  # C, added to the estimate
        self._q = np.zeros(n_joints)
        self._pose = np.eye(4)
        self._previous_step = np.zeros(n_joints)  # s′
        self._previous_motion = np.zeros(6)  # Δx′
        self._has_state = False  # a previous (q, pose) to difference against
        self._has_step = False  # s′, Δx′ are from the last step and usable
        self._work = np.zeros((4, max(n_joints, 6)))  # scratch rows for the kernel: s, Δx, target, side
        self._rotation = np.zeros((3, 3))  # scratch for the kernel: R₁R₀ᵀ

    def reset(self) -> None:
        """Forget the correction and the previous states (e.g. when the estimate was not used)."""
        self.correction[:] = 0.0
        self._has_state = self._has_step = False

    def correct(self, q: np.ndarray, pose: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Update C from the step to (q, pose) and add it to `estimate` in place (returned; the caller's array).

        q (N,) rad/m: measured joint positions; pose (4, 4): FK of q in the base frame; estimate (6, N)
        float64, C-contiguous: the source's J0 at q. The first call (or the first after `reset`) leaves the
        estimate unchanged.
        """
        q = np.ascontiguousarray(q, dtype=np.float64)
        pose = np.ascontiguousarray(pose, dtype=np.float64)
        if not np.isfinite(q).all():
            self.reset()
            return estimate
        if self._has_state:
            self._has_step = _secant_update(
                q, pose, estimate, self._q, self._pose, self.correction, self._previous_step, self._previous_motion,
                self._has_step, self.length, self.max_step, self.max_relative, self._work, self._rotation,
            )  # fmt: skip
        np.copyto(self._q, q)
        np.copyto(self._pose, pose)
        self._has_state = True
        estimate += self.correction
        return estimate


# Compiled: it runs every control cycle, and as numpy calls it cost ~20 µs of small-array overhead.
@njit(cache=True, nogil=True)
def _secant_update(q, pose, estimate, q_previous, pose_previous, correction, previous_step, previous_motion,
                   has_step, length_scale, max_step, max_relative, work, relative):  # fmt: skip
    """One update of `correction` (in place) for the step q_previous → q (module docstring); updates
    previous_step / previous_motion and returns whether they now hold a usable step."""
    n = q.shape[0]
    step, motion, target, side = work[0, :n], work[1, :6], work[2, :6], work[3, :n]
    squared = 0.0
    for j in range(n):
        step[j] = q[j] - q_previous[j]
        squared += step[j] * step[j]
    if squared <= MIN_STEP * MIN_STEP:  # the same state again (a timer cycle without a new joint state)
        return has_step
    length = np.sqrt(squared)
    fade = np.exp(-length / length_scale)
    for i in range(6):
        for j in range(n):
            correction[i, j] *= fade
    if squared > max_step * max_step:
        return False
    for i in range(3):  # Δp and R₁R₀ᵀ
        motion[i] = pose[i, 3] - pose_previous[i, 3]
        for k in range(3):
            relative[i, k] = (
                pose[i, 0] * pose_previous[k, 0] + pose[i, 1] * pose_previous[k, 1] + pose[i, 2] * pose_previous[k, 2]
            )
    rotation_log_kernel(relative, motion[3:])
    target[:] = motion
    if has_step:
        previous_squared, along = 0.0, 0.0
        for j in range(n):
            previous_squared += previous_step[j] * previous_step[j]
            along += step[j] * previous_step[j]
        ratio = along / previous_squared
        alpha = length / (length + np.sqrt(previous_squared))
        for j in range(n):
            side[j] = step[j] - ratio * previous_step[j]  # the part of s orthogonal to s′
        for i in range(6):
            extrapolated = (1.0 + alpha) * target[i] - alpha * ratio * previous_motion[i]
            for j in range(n):
                extrapolated -= alpha * estimate[i, j] * side[j]
            target[i] = extrapolated
    correction_norm = 0.0
    estimate_norm = 0.0
    for i in range(6):
        residual = target[i]  # target − (Ĵ₁ + C)s
        for j in range(n):
            residual -= (estimate[i, j] + correction[i, j]) * step[j]
        for j in range(n):
            correction[i, j] += residual * step[j] / squared
            correction_norm += correction[i, j] * correction[i, j]
            estimate_norm += estimate[i, j] * estimate[i, j]
    if correction_norm > max_relative * max_relative * estimate_norm:
        correction[:, :] = 0.0
    previous_step[:] = step
    previous_motion[:] = motion
    return True
