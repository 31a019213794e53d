"""The interface every Jacobian source implements: joint positions in, tool pose and J0 out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass
class JacobianEstimate:
    """What a source returns for one joint configuration.

    Attributes:
        pose: (4, 4) tool pose in the world (base) frame, metres.
        jacobian_world: (6, N) world-frame geometric Jacobian J0 of the tool point, rows
            [vx vy vz ωx ωy ωz] (m/s and rad/s per unit joint velocity).
        fell_back: True when a learned source used finite differences this cycle.
        confidence: the learned source's confidence in [0, 1]; nan for the other sources.
    """

    pose: np.ndarray
    jacobian_world: np.ndarray
    fell_back: bool = False
    confidence: float = float("nan")


class JacobianSource(ABC):
    """Something that gives the tool pose and J0 at a joint configuration.

    Attributes:
        name: "analytic", "finite_difference" or "learned".
        status: one line describing the source's condition (e.g. a missing model).
    """

    name: str = ""
    status: str = "ok"

    @abstractmethod
    def evaluate(self, q: np.ndarray) -> JacobianEstimate:
        """Pose and J0 at the measured configuration q, shape (N,), radians / metres. Successive calls are the
        arm's successive states (a source may learn from them)."""

    def probe(self, q: np.ndarray) -> np.ndarray:
        """J0 (6, N) at a configuration the arm is not at (a look-ahead); changes no state of the source."""
        return self.evaluate(q).jacobian_world
