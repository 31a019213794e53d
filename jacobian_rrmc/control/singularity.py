"""Singularity guard: slow motion toward a singularity, stop it at a hard threshold, let motion away pass.

In the spirit of MoveIt Servo, with three changes:

1. *Proximity* p is the chosen metric mapped so that p = 0 at `lower_singularity_threshold` and
   p = 1 at `hard_stop_singularity_threshold` (condition number κ = σ_max/σ_min rising, or
   manipulability ∏σ falling). Nothing happens for p ≤ 0.
2. *Direction* is predicted, not guessed from the sign of a singular vector (which is ambiguous
   and ignores the other small singular values): the source is evaluated one small joint step
   h along the candidate q̇ (already cut to the joint limits), giving the rate ṗ at which it would move p.
3. *Scale* is continuous in p and in ṗ, so neither crossing a threshold nor turning the command
   makes the velocity jump:

       k_leave = 1 − min(p, 1)·(1 − L)                  (ṗ ≤ 0, L = leaving_singularity_scale)
       k_approach = k_leave · ξ(1 − p) / (ξ(1 − p) + p·ṗ)  (ṗ > 0, ξ = singularity_approach_gain)

   The approach factor keeps the scaled rate k·ṗ below ξ(1 − p)/p (a velocity damper), so p
   tends to 1 exponentially and cannot cross it in one period (when ξ·period < 1). Once the
   approach scale falls below `HALT_SCALE` (1 % of the command) approaching motion is stopped —
   a step of at most 1 % of the commanded speed — so the arm halts before the hard threshold
   instead of creeping; at p ≥ 1 approaching motion is stopped as well. A halt holds while the
   command still approaches (small changes such as the drift correction vanishing cannot restart
   it: no stop-go chatter). Leaving motion keeps scale k_leave (≥ L) everywhere, so approaching is
   always slower than leaving.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.control.config import ControllerConfig
from jacobian_rrmc.jacobians import JacobianSource

PROBE_STEP = 1e-3  # rad (m) joint-space step used to predict the metric's change
CONDITION_NUMBER_CAP = 1e12  # keeps κ finite at an exact singularity
HALT_SCALE = 0.01  # an approach slower than this fraction of the command is stopped outright
HALT_HYSTERESIS = 0.01  # a halt holds until p falls this far below where it began (or the command turns)


class SingularityGuard:
    """Computes the singularity proximity of J0 and the command scale it allows."""

    def __init__(self, config: ControllerConfig, source: JacobianSource) -> None:
        self.source = source
        self.use_condition_number = config.singularity_metric == "condition_number"
        self.lower = config.lower_singularity_threshold
        self.hard = config.hard_stop_singularity_threshold
        self.leaving_scale = config.leaving_singularity_scale
        self.approach_gain = config.singularity_approach_gain
        self._probe = None
        self._halted_at: float | None = None

    def reset(self) -> None:
        """Forget a halt in progress."""
        self._halted_at = None

    def proximity(self, sigma: np.ndarray) -> float:
        """p from the singular values of J0 (descending): ≤ 0 far away, 1 at the hard threshold, unbounded above."""
        if self.use_condition_number:
            kappa = min(sigma[0] / sigma[-1], CONDITION_NUMBER_CAP) if sigma[-1] > 0.0 else CONDITION_NUMBER_CAP
            return (kappa - self.lower) / (self.hard - self.lower)
        return (self.lower - float(np.prod(sigma))) / (self.lower - self.hard)

    def scale(self, q: np.ndarray, q_dot: np.ndarray, proximity: float) -> tuple[float, bool]:
        """(k, approaching): the uniform scale for the candidate q̇ at q, and whether it moves toward p = 1."""
        if proximity <= 0.0:
            self._halted_at = None
            return 1.0, False
        speed = float(np.linalg.norm(q_dot))
        if speed == 0.0:
            return 1.0, False
        if self._probe is None:
            self._probe = np.empty_like(q)
        np.multiply(q_dot, PROBE_STEP / speed, out=self._probe)
        self._probe += q
        probe_jacobian = self.source.probe(self._probe)
        if not np.isfinite(probe_jacobian).all():  # direction unknown: stop, as an unsure controller must
            return 0.0, True
        sigma_ahead = np.linalg.svd(probe_jacobian, compute_uv=False)
        rate = (self.proximity(sigma_ahead) - proximity) / PROBE_STEP * speed
        k_leave = 1.0 - min(proximity, 1.0) * (1.0 - self.leaving_scale)
        if not rate > 0.0:  # leaving or tangent
            self._halted_at = None
            return k_leave, False
        if self._halted_at is not None and proximity >= self._halted_at - HALT_HYSTERESIS:
            return 0.0, True
        margin = self.approach_gain * (1.0 - proximity)
        k_approach = k_leave * margin / (margin + proximity * rate) if proximity < 1.0 else 0.0
        if k_approach < HALT_SCALE:
            self._halted_at = proximity
            return 0.0, True
        self._halted_at = None
        return k_approach, True
