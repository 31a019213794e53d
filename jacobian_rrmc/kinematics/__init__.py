"""Kinematics core: DH forward kinematics, analytic and finite-difference Jacobians, measures."""

from jacobian_rrmc.kinematics.dh_parameters import DHParameters
from jacobian_rrmc.kinematics.finite_difference import finite_difference_jacobian
from jacobian_rrmc.kinematics.forward import (
    forward_kinematics,
    jacobian_end_effector,
    jacobian_world,
    pose_and_jacobian,
    world_to_end_effector,
)
from jacobian_rrmc.kinematics.manipulability import (
    condition_number,
    manipulability,
    singular_values,
    smallest_singular_value,
)

__all__ = [
    "DHParameters",
    "condition_number",
    "finite_difference_jacobian",
    "forward_kinematics",
    "jacobian_end_effector",
    "jacobian_world",
    "manipulability",
    "pose_and_jacobian",
    "singular_values",
    "smallest_singular_value",
    "world_to_end_effector",
]
