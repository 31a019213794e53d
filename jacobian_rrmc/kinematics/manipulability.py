"""Scalar measures of how well a Jacobian transmits joint motion to hand motion.

Each takes J of shape (6, N) or (B, 6, N) and returns a float or a (B,) array. They are
computed from the singular values σ of J, so units mix metres and radians as J does.
"""

from __future__ import annotations

import numpy as np


def singular_values(jacobian: np.ndarray) -> np.ndarray:
    """Singular values of J in descending order, shape (min(6, N),) or (B, min(6, N))."""
    return np.linalg.svd(np.asarray(jacobian, dtype=float), compute_uv=False)


def manipulability(jacobian: np.ndarray):
    """Yoshikawa manipulability √det(J·Jᵀ) = ∏σ (0 for a deficient arm with N < 6)."""
    sigma = singular_values(jacobian)
    if np.shape(jacobian)[-1] < 6:
        return np.zeros(sigma.shape[:-1]) if sigma.ndim > 1 else 0.0
    return np.prod(sigma, axis=-1)


def smallest_singular_value(jacobian: np.ndarray):
    """σ_min: the hand speed reached by the least effective unit joint-velocity direction."""
    return singular_values(jacobian)[..., -1]


def condition_number(jacobian: np.ndarray):
    """σ_max / σ_min (inf at a singularity)."""
    sigma = singular_values(jacobian)
    with np.errstate(divide="ignore"):
        return sigma[..., 0] / sigma[..., -1]
