"""Small SE(3)/SO(3) helpers shared by the kinematics, controller and URDF code.

Conventions: homogeneous transforms are 4×4 arrays in metres; rotations are 3×3;
twists are ordered [vx vy vz ωx ωy ωz] (m/s, rad/s). Functions accept a single
object or a leading batch axis where stated.
"""

from __future__ import annotations

import numpy as np


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
    """Rotation vector (axis·angle, radians) of a 3×3 rotation; robust near 0 and π."""
    rot = np.asarray(rot, dtype=float)
    cos_angle = np.clip((np.trace(rot) - 1.0) / 2.0, -1.0, 1.0)
    angle = np.arccos(cos_angle)
    if angle < 1e-6:
        return vex(rot)  # first order: R ≈ I + [w]×
    if np.pi - angle < 1e-4:
        # Near π the skew part vanishes; take the axis from the symmetric part.
        sym = (rot + np.eye(3)) / 2.0
        axis = sym[:, int(np.argmax(np.diag(sym)))]
        axis = axis / np.linalg.norm(axis)
        if np.dot(vex(rot), axis) < 0:
            axis = -axis
        return angle * axis
    return angle / np.sin(angle) * vex(rot)


def rotation_exp(w: np.ndarray) -> np.ndarray:
    """3×3 rotation of a rotation vector (Rodrigues' formula)."""
    w = np.asarray(w, dtype=float)
    angle = float(np.linalg.norm(w))
    k = skew(w)
    if angle < 1e-9:
        return np.eye(3) + k
    return np.eye(3) + np.sin(angle) / angle * k + (1.0 - np.cos(angle)) / angle**2 * (k @ k)
