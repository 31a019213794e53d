"""Express a catalogue arm as a member of the M3 family, so the M3-trained nets can map its workspace.

The M3 nets take a raw row [d1..d6, a1..a6, α1..α6, x, y, z, o1, o2, o3] of an arm with
d = [0, 0, d3, d4, 0, 0], a = [0, a2, a3, 0, 0, 0], α = [π/2, 0, −π/2, π/2, −π/2, 0] and a pose
of its frame 6. Many PUMA-family arms are such an arm between two fixed transforms:

    FK_robot(q) = left · FK_m3(q + shift) · right

- left = base·Tz(d1): Tz(d1) commutes with the first joint's rotation Rz(θ1);
- right = Tz(d6)·tool: with a6 = α6 = 0, link 6 is Rz(θ6)·Tz(d6);
- d3 = d2 + d3 of the robot (both offsets lie along parallel joint axes, α2 = 0);
- α1 = −π/2 (the Sixi 2) becomes +π/2 with θ1 − π and θ2 + π, since
  Rz(θ)·Rx(−π/2) = Rz(θ − π)·Rx(π/2)·Rz(π) and the trailing Rz(π) joins joint 2's rotation.

`m3_equivalent` builds this and then checks it numerically on random configurations, so an arm
it does not fit is refused rather than mapped wrongly. The left/right transforms are fixed and
the joint shift is constant, so J_robot = Ad·J_m3 with a rotation and a reference-point shift:
both have determinant 1, so the manipulability √det(J·Jᵀ) of the two arms is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.dataset.poses import pose_features
from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.robots import m3_arm
from jacobian_rrmc.spatial import transform

CHECK_TOLERANCE = 1e-9  # m and rotation-matrix entries


@dataclass(frozen=True)
class M3Equivalent:
    """An arm seen as an M3 arm: FK_robot(q) = left · FK_m3(q + shift) · right.

    Attributes:
        parameters: {"d3", "d4", "a2", "a3"} of the M3 arm, metres.
        left, right: fixed 4×4 transforms (metres).
        shift: (6,) joint-angle shift, radians.
    """

    parameters: dict[str, float]
    left: np.ndarray
    right: np.ndarray
    shift: np.ndarray

    def arm(self):
        """The M3 arm (a RobotModel)."""
        return m3_arm(**self.parameters)

    def m3_poses(self, poses: np.ndarray) -> np.ndarray:
        """Robot tool poses (B, 4, 4), world frame → the same targets for the M3 arm: left⁻¹ · T · right⁻¹."""
        poses = np.asarray(poses, dtype=float).reshape(-1, 4, 4)
        return np.linalg.inv(self.left) @ poses @ np.linalg.inv(self.right)

    def raw_rows(self, poses: np.ndarray) -> np.ndarray:
        """M3 raw rows (B, 24) of robot tool poses (B, 4, 4) in the world frame."""
        m3_poses = self.m3_poses(poses)
        arm = self.arm()
        dh = np.concatenate([arm.d, arm.a, arm.alpha])
        return np.concatenate([np.broadcast_to(dh, (len(m3_poses), 18)), pose_features(m3_poses)], axis=1)


def m3_equivalent(robot, checks: int = 32) -> M3Equivalent:
    """The M3 form of `robot`; ValueError if the arm is not an M3 arm between fixed transforms."""
    if robot.n_joints != 6 or robot.prismatic.any():
        raise ValueError(f"robot {robot.name!r}: the M3 family has six revolute joints")
    shift = np.array(robot.theta_offset, dtype=float)
    if robot.alpha[0] < 0:
        shift += np.array([-np.pi, np.pi, 0.0, 0.0, 0.0, 0.0])
    parameters = {
        "d3": float(robot.d[1] + robot.d[2]),
        "d4": float(robot.d[3]),
        "a2": float(robot.a[1]),
        "a3": float(robot.a[2]),
    }
    left = robot.base @ transform(translation=[0.0, 0.0, robot.d[0]])
    right = transform(translation=[0.0, 0.0, robot.d[5]]) @ robot.tool
    equivalent = M3Equivalent(parameters, left, right, shift)
    q = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(checks, 6))
    mapped = left @ forward_kinematics(m3_arm(**parameters), q + shift) @ right
    if not np.allclose(forward_kinematics(robot, q), mapped, rtol=0.0, atol=CHECK_TOLERANCE):
        raise ValueError(
            f"robot {robot.name!r} is not an M3-family arm between fixed transforms; the M3 nets cannot map it"
        )
    return equivalent
