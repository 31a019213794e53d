"""Ramp the last commanded joint velocity linearly to zero when the controller must stop.

Used for stale or invalid input. The ramp keeps the joint-space direction of the last command
(so the hand keeps its last direction while slowing), never exceeds the velocity already
commanded, and reaches zero `ramp_time` seconds after the stop began: the deceleration is
|q̇_last| / ramp_time, and the distance travelled while stopping is |q̇_last| · ramp_time / 2.
"""

from __future__ import annotations

import numpy as np


class StopRamp:
    """Linear ramp from a start velocity (N,) to zero over `ramp_time` seconds (0 = stop at once)."""

    def __init__(self, ramp_time: float, n_joints: int) -> None:
        self.ramp_time = ramp_time
        self.start_time: float | None = None
        self.start_velocity = np.zeros(n_joints)

    def start(self, now: float, velocity: np.ndarray) -> None:
        """Begin stopping from `velocity` at time `now`; no effect if a stop is already in progress."""
        if self.start_time is None:
            self.start_time = now
            self.start_velocity[:] = velocity

    def cancel(self) -> None:
        """Normal control resumed."""
        self.start_time = None

    def velocity(self, now: float, out: np.ndarray) -> np.ndarray:
        """Ramped velocity at time `now`, written into `out` (N,)."""
        elapsed = now - self.start_time
        fraction = max(0.0, 1.0 - elapsed / self.ramp_time) if self.ramp_time > 0.0 else 0.0
        return np.multiply(self.start_velocity, fraction, out=out)
