"""What the controller reports each cycle: its state and the command it computed."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class ControllerState(enum.Enum):
    """Why the controller commands what it does; the values appear in diagnostics."""

    OK = "ok"
    DECELERATING_SINGULARITY = "decelerating_singularity"  # slowed between the singularity thresholds
    HALTED_SINGULARITY = "halted_singularity"  # motion toward the singularity stopped (before the hard threshold)
    JOINT_LIMIT = "joint_limit"  # a joint near a position limit is slowing or stopping the command
    STALE_TWIST = "stale_twist"  # no twist within twist_timeout: ramping to zero / stopped
    STALE_JOINT_STATE = "stale_joint_state"  # joint states missing or older than joint_state_timeout
    INVALID_INPUT = "invalid_input"  # last twist / joint state / Jacobian was not finite or malformed
    IDLE = "idle"  # no twist received yet, or a zero twist commanded


@dataclass
class ControlOutput:
    """One control cycle's result.

    Attributes:
        joint_velocity: (N,) rad/s (m/s prismatic); always finite and within the velocity limits.
        state: the controller state this cycle.
        fell_back: the Jacobian source used its fallback this cycle.
        sigma_min: smallest singular value of J0 (nan when no Jacobian was evaluated).
        condition_number: σ_max / σ_min (inf at an exact singularity, nan when not evaluated).
        manipulability: product of the singular values, √det(J Jᵀ) for N ≥ 6, √det(Jᵀ J) for N < 6.
        pose: (4, 4) measured tool pose in the world frame (nan when unknown).
        message: human-readable reason for a non-OK state ("" when OK).
        command_scale: uniform factor applied to the resolved joint velocity (1 = unrestricted).
    """

    joint_velocity: np.ndarray
    state: ControllerState
    fell_back: bool
    sigma_min: float
    condition_number: float
    manipulability: float
    pose: np.ndarray
    message: str
    command_scale: float = 1.0
