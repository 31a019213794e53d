"""The M3 random-manipulator family of the JacobianNet paper (`randKine`, type "spherical").

Six revolute joints, standard DH, α = [π/2, 0, −π/2, π/2, −π/2, 0], d = [0, 0, d3, d4, 0, 0],
a = [0, a2, a3, 0, 0, 0] with d3, d4, a2, a3 ~ U[0, r], r = 0.5 m: a PUMA 560 family with
d1 = 0 and a spherical wrist. M3 sets no joint limits, so the family uses [−π, π].
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.kinematics.dh_parameters import DHParameters
from jacobian_rrmc.robots.model import RobotModel

M3_ALPHA = np.array([np.pi / 2, 0.0, -np.pi / 2, np.pi / 2, -np.pi / 2, 0.0])
M3_LINK_RANGE = 0.5  # r in metres: d3, d4, a2, a3 ~ U[0, r]
M3_PARAMETER_NAMES = ("d3", "d4", "a2", "a3")
M3_JOINT_SPEED = 2.0  # rad/s; M3 has no velocity limits, this lets the controller run the family


def m3_dh_columns(d3, d4, a2, a3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DH columns (d, a, alpha) of M3 arms, each (6,) or (P, 6) for (P,) parameter arrays."""
    d3, d4, a2, a3 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (d3, d4, a2, a3)))
    zeros = np.zeros_like(d3)
    d = np.stack([zeros, zeros, d3, d4, zeros, zeros], axis=-1)
    a = np.stack([zeros, a2, a3, zeros, zeros, zeros], axis=-1)
    alpha = np.broadcast_to(M3_ALPHA, d.shape).copy()
    return d, a, alpha


def m3_parameters(d3, d4, a2, a3) -> DHParameters:
    """Kernel-ready parameters for a batch of M3 arms given (P,) parameter arrays."""
    d, a, alpha = m3_dh_columns(d3, d4, a2, a3)
    return DHParameters.from_arrays(d, a, alpha, np.zeros_like(d))


def random_m3_parameters(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    """Draw `count` arms: {"d3", "d4", "a2", "a3"} each (count,) ~ U[0, 0.5 m]."""
    return {key: rng.uniform(0.0, M3_LINK_RANGE, size=count) for key in M3_PARAMETER_NAMES}


def m3_arm(d3: float, d4: float, a2: float, a3: float, name: str = "m3") -> RobotModel:
    """One M3-family arm as a RobotModel (limits ±π, joint names joint_1…joint_6)."""
    d, a, alpha = m3_dh_columns(d3, d4, a2, a3)
    return RobotModel(
        name=name,
        d=d,
        a=a,
        alpha=alpha,
        theta_offset=np.zeros(6),
        prismatic=np.zeros(6, dtype=bool),
        base=np.eye(4),
        tool=np.eye(4),
        q_min=np.full(6, -np.pi),
        q_max=np.full(6, np.pi),
        qd_max=np.full(6, M3_JOINT_SPEED),
        joint_names=tuple(f"joint_{i + 1}" for i in range(6)),
        configurations={"zero": np.zeros(6)},
        description=f"M3 random family arm d3={d3:.4f} d4={d4:.4f} a2={a2:.4f} a3={a3:.4f} m",
    )
