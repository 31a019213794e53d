"""Random target poses as M3's `randPose` draws them, and the 6 pose features of a pose.

A pose feature row is [x, y, z, wx, wy, wz]: position in metres (world frame) and three
angles in radians with R = Rx(wx)·Ry(wy)·Rz(wz) (M3: T = transl(p)·Rx(o1)·Ry(o2)·Rz(o3)).
"""

from __future__ import annotations

import numpy as np

POSE_FEATURE_NAMES = ("x", "y", "z", "wx", "wy", "wz")
POSITION_HALF_WIDTH = 0.4  # m: M3 randPose with poseR = 0.8, p ~ U[-0.4, 0.4]^3
TWO_PI = 2.0 * np.pi


def random_poses(rng: np.random.Generator, count: int, centre=(0.0, 0.0, 0.0), half_width: float = POSITION_HALF_WIDTH):
    """`count` poses: p ~ U[centre ± half_width]³ (m), angles ~ U[0, 2π)³ (rad).

    Returns (poses (count, 4, 4), features (count, 6)). Defaults are M3's distribution.
    """
    low = np.asarray(centre, dtype=float) - half_width
    position = rng.uniform(low, low + 2.0 * half_width, size=(count, 3))
    angles = rng.uniform(0.0, TWO_PI, size=(count, 3))
    features = np.concatenate([position, angles], axis=1)
    return poses_from_features(features), features


def poses_from_features(features: np.ndarray) -> np.ndarray:
    """(count, 4, 4) poses transl(x, y, z)·Rx(wx)·Ry(wy)·Rz(wz) from (count, 6) features."""
    features = np.asarray(features, dtype=float)
    ca, cb, cc = (np.cos(features[:, i]) for i in (3, 4, 5))
    sa, sb, sc = (np.sin(features[:, i]) for i in (3, 4, 5))
    poses = np.zeros((features.shape[0], 4, 4))
    poses[:, 0, 0], poses[:, 0, 1], poses[:, 0, 2] = cb * cc, -cb * sc, sb
    poses[:, 1, 0] = sa * sb * cc + ca * sc
    poses[:, 1, 1] = -sa * sb * sc + ca * cc
    poses[:, 1, 2] = -sa * cb
    poses[:, 2, 0] = -ca * sb * cc + sa * sc
    poses[:, 2, 1] = ca * sb * sc + sa * cc
    poses[:, 2, 2] = ca * cb
    poses[:, :3, 3] = features[:, :3]
    poses[:, 3, 3] = 1.0
    return poses


def pose_features(poses: np.ndarray) -> np.ndarray:
    """(count, 6) features of (count, 4, 4) poses; angles in [0, 2π), wy from the cos ≥ 0 branch.

    The angle triple of a rotation is not unique; this returns the one with cos(wy) ≥ 0,
    which `poses_from_features` maps back to the same pose (away from the wy = ±π/2 gimbal lock).
    """
    poses = np.asarray(poses, dtype=float)
    rot = poses[:, :3, :3]
    wx = np.arctan2(-rot[:, 1, 2], rot[:, 2, 2])
    wy = np.arctan2(rot[:, 0, 2], np.hypot(rot[:, 0, 0], rot[:, 0, 1]))
    wz = np.arctan2(-rot[:, 0, 1], rot[:, 0, 0])
    angles = np.mod(np.stack([wx, wy, wz], axis=1), TWO_PI)
    return np.concatenate([poses[:, :3, 3], angles], axis=1)
