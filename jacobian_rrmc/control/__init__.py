"""Resolved-rate control core (plain numpy, no ROS): twist → damped least squares → safe joint velocity."""

from jacobian_rrmc.control.config import (
    SINGULARITY_METRICS,
    ControllerConfig,
    read_node_parameters,
    split_node_parameters,
)
from jacobian_rrmc.control.controller import ResolvedRateController
from jacobian_rrmc.control.damped_least_squares import (
    achievable_twist,
    damping_for,
    solve_damped,
    twist_to_joint_velocity,
)
from jacobian_rrmc.control.state import ControllerState, ControlOutput
from jacobian_rrmc.control.twist import TWIST_FRAMES, twist_in_base_frame

__all__ = [
    "SINGULARITY_METRICS",
    "TWIST_FRAMES",
    "ControlOutput",
    "ControllerConfig",
    "ControllerState",
    "ResolvedRateController",
    "achievable_twist",
    "damping_for",
    "read_node_parameters",
    "solve_damped",
    "split_node_parameters",
    "twist_in_base_frame",
    "twist_to_joint_velocity",
]
