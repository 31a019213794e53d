"""Target poses for workspace maps: a planar grid of points, or a sphere of tool orientations.

Conventions: positions in metres, world frame. A plane "xy" at offset c is the set z = c,
its grid axes are (x, y); likewise "xz" (y = c) and "yz" (x = c).
"""

from __future__ import annotations

import numpy as np

PLANE_AXES = {"xy": (0, 1), "xz": (0, 2), "yz": (1, 2)}


def normal_axis(plane: str) -> int:
    """Index of the world axis perpendicular to `plane`."""
    return 3 - sum(PLANE_AXES[plane])


def cell_centres(low: float, high: float, count: int) -> np.ndarray:
    """Centres of `count` equal cells covering [low, high]."""
    width = (high - low) / count
    return low + width * (np.arange(count) + 0.5)


def plane_points(plane: str, offset: float, u_nodes: np.ndarray, v_nodes: np.ndarray) -> np.ndarray:
    """World positions (len(v), len(u), 3) of the grid nodes; rows follow v, columns follow u."""
    u_axis, v_axis = PLANE_AXES[plane]
    points = np.zeros((len(v_nodes), len(u_nodes), 3))
    points[..., u_axis] = u_nodes[None, :]
    points[..., v_axis] = v_nodes[:, None]
    points[..., normal_axis(plane)] = offset
    return points


def poses_at(points: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    """Homogeneous poses (..., 4, 4) from positions (..., 3) and rotations (..., 3, 3) (broadcast)."""
    shape = np.broadcast_shapes(points.shape[:-1], rotations.shape[:-2])
    poses = np.zeros(shape + (4, 4))
    poses[..., :3, :3] = rotations
    poses[..., :3, 3] = points
    poses[..., 3, 3] = 1.0
    return poses


def reach_sphere(model) -> tuple[np.ndarray, float]:
    """A sphere (centre, radius in metres, world frame) containing every reachable tool point.

    Centre: the point at height d₁ on the first joint's axis, which no joint moves. Radius: a bound
    on how far the chain stretches from there, |a₁| plus the link lengths √(a²+d²) of the later
    links plus the tool offset. Assumes a revolute first joint (every arm in the catalogue).
    """
    centre = (model.base @ np.array([0.0, 0.0, model.d[0], 1.0]))[:3]
    radius = abs(model.a[0]) + np.sum(np.hypot(model.a[1:], model.d[1:])) + np.linalg.norm(model.tool[:3, 3])
    return centre, float(radius)


def _rotations_about(axis: int, angles: np.ndarray) -> np.ndarray:
    """Batched elementary rotations (..., 3, 3) about world axis 1 (y) or 2 (z)."""
    c, s = np.cos(angles), np.sin(angles)
    out = np.zeros(np.shape(angles) + (3, 3))
    i, j = (2, 0) if axis == 1 else (0, 1)
    out[..., axis, axis] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., j, i] = s
    out[..., i, j] = -s
    return out


def direction_rotations(azimuth: np.ndarray, elevation: np.ndarray, roll: np.ndarray) -> np.ndarray:
    """Rotations (n_el, n_az, n_roll, 3, 3) whose z axis (tool approach) points at (azimuth, elevation).

    R = Rz(az)·Ry(π/2 − el)·Rz(roll): the tool z axis is (cos el·cos az, cos el·sin az, sin el) in
    the world frame, and roll turns the tool about that axis. Angles in radians.
    """
    el, az, psi = np.meshgrid(elevation, azimuth, roll, indexing="ij")
    return _rotations_about(2, az) @ _rotations_about(1, np.pi / 2 - el) @ _rotations_about(2, psi)
