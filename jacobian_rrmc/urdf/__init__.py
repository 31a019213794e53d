"""URDF generation from the DH robot descriptions."""

from jacobian_rrmc.urdf.dh_to_urdf import dh_joint_chain, robot_to_urdf

__all__ = ["dh_joint_chain", "robot_to_urdf"]
