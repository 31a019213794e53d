"""Robot catalogue: RobotModel, the YAML loader and the M3 random family."""

from jacobian_rrmc.robots.catalogue import RobotFileError, list_robots, load_robot, load_robot_file
from jacobian_rrmc.robots.m3_family import m3_arm, m3_parameters, random_m3_parameters
from jacobian_rrmc.robots.model import RobotModel

__all__ = [
    "RobotFileError",
    "RobotModel",
    "list_robots",
    "load_robot",
    "load_robot_file",
    "m3_arm",
    "m3_parameters",
    "random_m3_parameters",
]
