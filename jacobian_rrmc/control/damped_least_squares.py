"""Damped least-squares inversion of J0 through its SVD, for any number of joints N.

q̇ = V diag(σᵢ / (σᵢ² + λ²)) Uᵀ ν minimises |J q̇ − ν|² + λ²|q̇|². With λ = 0 it is the
pseudo-inverse: the exact solution for N = 6, the minimum-norm one for N > 6 (redundant) and the
least-squares one for N < 6 (deficient). Damping is zero far from a singularity and grows as
σ_min falls below a threshold ε (Nakamura & Hanafusa 1986; Maciejewski & Klein 1988):

    λ² = (1 − (σ_min / ε)²) · λ_max²   if σ_min < ε,   else 0,

continuous in σ_min, so the command never jumps when damping switches on, and |q̇| ≤ |ν| / (2λ).
"""

from __future__ import annotations

import numpy as np


def damping_for(sigma_min: float, threshold: float, damping_max: float) -> float:
    """λ for the given σ_min (units of σ): 0 above `threshold`, rising to `damping_max` at σ_min = 0."""
    if sigma_min >= threshold:
        return 0.0
    ratio = sigma_min / threshold
    return damping_max * float(np.sqrt(1.0 - ratio * ratio))


RANK_TOLERANCE = 1e-12  # σ below this fraction of σ_max counts as zero (numerical rank, as pinv's rcond)


def _gains(sigma: np.ndarray, damping: float, power: int) -> np.ndarray:
    """σᵢ^power / (σᵢ² + λ²), zero for singular values below the rank tolerance."""
    denominator = sigma * sigma + damping * damping
    if sigma[-1] > RANK_TOLERANCE * sigma[0]:  # common case: full numerical rank
        return sigma**power / denominator
    gains = np.zeros_like(sigma)
    kept = sigma > RANK_TOLERANCE * sigma[0]
    gains[kept] = sigma[kept] ** power / denominator[kept]
    return gains


def solve_damped(
    u: np.ndarray, sigma: np.ndarray, vt: np.ndarray, twist: np.ndarray, damping: float, out: np.ndarray
) -> np.ndarray:
    """q̇ from the thin SVD J = U diag(σ) Vᵀ (U (6, r), σ (r,) descending, Vᵀ (r, N)); writes `out` (N,).

    Directions with σ below `RANK_TOLERANCE`·σ_max get no motion (the pseudo-inverse rule), so an
    exactly singular J gives a finite q̇ even without damping.
    """
    return np.dot(vt.T, _gains(sigma, damping, 1) * (u.T @ twist), out=out)


def achievable_twist(
    u: np.ndarray, sigma: np.ndarray, twist: np.ndarray, damping: float, out: np.ndarray
) -> np.ndarray:
    """J·q̇ for the damped solution: U diag(σᵢ² / (σᵢ² + λ²)) Uᵀ ν, written into `out` (6,).

    Equals ν far from singularities (λ = 0, rank 6); loses the damped components near one and the
    unreachable components of a deficient arm (N < 6).
    """
    if damping == 0.0 and u.shape[1] == 6 and sigma[-1] > RANK_TOLERANCE * sigma[0]:  # J·J⁺ = I
        out[:] = twist
        return out
    return np.dot(u, _gains(sigma, damping, 2) * (u.T @ twist), out=out)


def twist_to_joint_velocity(jacobian_world: np.ndarray, twist_world: np.ndarray, damping: float = 0.0) -> np.ndarray:
    """Joint velocity (N,) realising the base-frame twist (6,) with J0 (6, N), damped by λ = `damping`."""
    jacobian_world = np.asarray(jacobian_world, dtype=float)
    u, sigma, vt = np.linalg.svd(jacobian_world, full_matrices=False)
    out = np.empty(jacobian_world.shape[1])
    return solve_damped(u, sigma, vt, np.asarray(twist_world, dtype=float), float(damping), out)
