"""Small SE(3)/SO(3) helpers shared by the kinematics, controller and URDF code.

Conventions: homogeneous transforms are 4×4 arrays in metres; rotations are 3×3;
twists are ordered [vx vy vz ωx ωy ωz] (m/s, rad/s). Functions accept a single
object or a leading batch axis where stated.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def skew(w: np.ndarray) -> np.ndarray:
    """Skew-symmetric matrix [w]× with [w]× v = w × v; w has shape (..., 3)."""
    w = np.asarray(w, dtype=float)
    out = np.zeros(w.shape[:-1] + (3, 3))
    out[..., 0, 1] = -w[..., 2]
    out[..., 0, 2] = w[..., 1]
    out[..., 1, 0] = w[..., 2]
    out[..., 1, 2] = -w[..., 0]
    out[..., 2, 0] = -w[..., 1]
    out[..., 2, 1] = w[..., 0]
    return out


def vex(s: np.ndarray) -> np.ndarray:
    """Vector of the skew-symmetric part of s (shape (..., 3, 3)): the inverse of `skew`.

    Taking the skew part first makes the result well defined for the nearly-skew matrices
    that finite differences produce.
    """
    s = np.asarray(s, dtype=float)
    return 0.5 * np.stack(
        [s[..., 2, 1] - s[..., 1, 2], s[..., 0, 2] - s[..., 2, 0], s[..., 1, 0] - s[..., 0, 1]],
        axis=-1,
    )


def rot_x(angle: float) -> np.ndarray:
    """3×3 rotation about x by `angle` radians."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(angle: float) -> np.ndarray:
    """3×3 rotation about y by `angle` radians."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(angle: float) -> np.ndarray:
    """3×3 rotation about z by `angle` radians."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rpy_to_matrix(rpy) -> np.ndarray:
    """URDF roll-pitch-yaw (fixed axes x, y, z; radians) to a 3×3 rotation Rz·Ry·Rx."""
    r, p, y = (float(v) for v in rpy)
    return rot_z(y) @ rot_y(p) @ rot_x(r)


def matrix_to_rpy(rot: np.ndarray) -> np.ndarray:
    """Inverse of `rpy_to_matrix` (radians); pitch in [−π/2, π/2]."""
    rot = np.asarray(rot, dtype=float)
    pitch = np.arctan2(-rot[2, 0], np.hypot(rot[0, 0], rot[1, 0]))
    if np.hypot(rot[0, 0], rot[1, 0]) < 1e-12:
        # Gimbal lock: roll and yaw share one axis, put it all in yaw.
        return np.array([0.0, pitch, np.arctan2(-rot[0, 1], rot[1, 1])])
    return np.array([np.arctan2(rot[2, 1], rot[2, 2]), pitch, np.arctan2(rot[1, 0], rot[0, 0])])


def transform(rotation=None, translation=None) -> np.ndarray:
    """4×4 homogeneous transform from a 3×3 rotation and a translation in metres."""
    out = np.eye(4)
    if rotation is not None:
        out[:3, :3] = rotation
    if translation is not None:
        out[:3, 3] = translation
    return out


def adjoint(pose: np.ndarray) -> np.ndarray:
    """6×6 adjoint of a 4×4 transform for twists ordered [v ω].

    Maps a twist expressed in frame B (reference point at B's origin) to frame A, where
    `pose` is the pose of B in A: ν_A = Ad(T_AB) ν_B.
    """
    rot, pos = pose[:3, :3], pose[:3, 3]
    out = np.zeros((6, 6))
    out[:3, :3] = rot
    out[:3, 3:] = skew(pos) @ rot
    out[3:, 3:] = rot
    return out


def rotation_log(rot: np.ndarray) -> np.ndarray:
    """Rotation vector (axis·angle, radians, angle in [0, π]) of a 3×3 rotation; exact near 0 and π."""
    out = np.empty(3)
    rotation_log_kernel(np.ascontiguousarray(rot, dtype=np.float64), out)
    return out


def rotation_exp(w: np.ndarray) -> np.ndarray:
    """3×3 rotation of a rotation vector w (radians), Rodrigues' formula."""
    out = np.empty((3, 3))
    _rotation_exp_kernel(np.ascontiguousarray(w, dtype=np.float64), out)
    return out


# Compiled because the controller calls both every cycle (drift correction).
@njit(cache=True, nogil=True)
def rotation_log_kernel(rot, out):
    """`rotation_log` into out (3,), for other compiled kernels; rot any 3×3 float64 array."""
    cos_angle = (rot[0, 0] + rot[1, 1] + rot[2, 2] - 1.0) / 2.0
    # vex of the skew part = sin(angle)·axis; atan2 keeps the angle accurate at 0 and π alike.
    vx, vy, vz = 0.5 * (rot[2, 1] - rot[1, 2]), 0.5 * (rot[0, 2] - rot[2, 0]), 0.5 * (rot[1, 0] - rot[0, 1])
    sin_angle = np.sqrt(vx * vx + vy * vy + vz * vz)
    angle = np.arctan2(sin_angle, cos_angle)
    if angle < np.pi - 0.5:
        factor = angle / sin_angle if sin_angle > 0.0 else 1.0
        out[0], out[1], out[2] = factor * vx, factor * vy, factor * vz
        return
    # Near π sin(angle) → 0; the symmetric part (R + Rᵀ)/2 − cos(angle)·I = (1 − cos(angle))·a·aᵀ gives the axis.
    k = 0
    for i in range(1, 3):
        if rot[i, i] > rot[k, k]:
            k = i
    # Column k of (1 − cos)·a·aᵀ: a·a_k·(1 − cos), with a_k² the largest diagonal entry.
    ax = 0.5 * (rot[0, k] + rot[k, 0]) - (cos_angle if k == 0 else 0.0)
    ay = 0.5 * (rot[1, k] + rot[k, 1]) - (cos_angle if k == 1 else 0.0)
    az = 0.5 * (rot[2, k] + rot[k, 2]) - (cos_angle if k == 2 else 0.0)
    norm = np.sqrt(max(ax * ax + ay * ay + az * az, 1e-300))
    ax, ay, az = ax / norm, ay / norm, az / norm
    if ax * vx + ay * vy + az * vz < 0.0:
        ax, ay, az = -ax, -ay, -az
    out[0], out[1], out[2] = angle * ax, angle * ay, angle * az


@njit(cache=True, nogil=True)
def _rotation_exp_kernel(w, out):
    wx, wy, wz = w[0], w[1], w[2]
    a2 = wx * wx + wy * wy + wz * wz
    if a2 < 1e-8:
        # Series of sin(a)/a, (1 − cos a)/a², cos a: exact to double precision for a < 1e-4.
        sin_term, cos_term, cos_angle = 1.0 - a2 / 6.0, 0.5 - a2 / 24.0, 1.0 - a2 / 2.0
    else:
        angle = np.sqrt(a2)
        sin_term, cos_term, cos_angle = np.sin(angle) / angle, (1.0 - np.cos(angle)) / a2, np.cos(angle)
    # R = cos(a)·I + (sin a / a)·[w]× + ((1 − cos a)/a²)·w·wᵀ
    out[0, 0] = cos_angle + cos_term * wx * wx
    out[1, 1] = cos_angle + cos_term * wy * wy
    out[2, 2] = cos_angle + cos_term * wz * wz
    out[0, 1] = cos_term * wx * wy - sin_term * wz
    out[1, 0] = cos_term * wx * wy + sin_term * wz
    out[0, 2] = cos_term * wx * wz + sin_term * wy
    out[2, 0] = cos_term * wx * wz - sin_term * wy
    out[1, 2] = cos_term * wy * wz - sin_term * wx
    out[2, 1] = cos_term * wy * wz + sin_term * wx
