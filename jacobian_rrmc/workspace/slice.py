"""Constant-orientation workspace slice (M3 genWorkspace): a grid of tool positions on a plane.

Every cell centre of a square grid on the plane becomes a target pose with the same, fixed tool
orientation. An evaluator (exact IK, or the learned nets) then gives each cell a manipulability,
NaN where the pose is unreachable within the joint limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.workspace.grid import PLANE_AXES, cell_centres, normal_axis, plane_points, poses_at, reach_sphere


@dataclass(frozen=True)
class SliceGrid:
    """A planar grid of target poses.

    Attributes:
        plane: "xy", "xz" or "yz"; the grid axes (u, v) are the plane's two world axes.
        offset: position along the plane normal (world frame, metres).
        rotation: (3, 3) fixed tool orientation in the world frame.
        u_nodes, v_nodes: cell-centre coordinates along u and v, metres.
    """

    plane: str
    offset: float
    rotation: np.ndarray
    u_nodes: np.ndarray
    v_nodes: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) = (len(v_nodes), len(u_nodes))."""
        return len(self.v_nodes), len(self.u_nodes)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(u_min, u_max, v_min, v_max) of the cell edges, metres (for imshow)."""
        du = self.u_nodes[1] - self.u_nodes[0]
        dv = self.v_nodes[1] - self.v_nodes[0]
        return (
            self.u_nodes[0] - du / 2, self.u_nodes[-1] + du / 2, self.v_nodes[0] - dv / 2, self.v_nodes[-1] + dv / 2
        )  # fmt: skip

    def points(self) -> np.ndarray:
        """Cell-centre positions (rows, columns, 3), world frame, metres."""
        return plane_points(self.plane, self.offset, self.u_nodes, self.v_nodes)

    def poses(self) -> np.ndarray:
        """Target tool poses (rows·columns, 4, 4), row-major over the grid."""
        return poses_at(self.points(), self.rotation).reshape(-1, 4, 4)


def slice_grid(model, plane: str, offset: float, rotation: np.ndarray, resolution: int, bounds=None) -> SliceGrid:
    """A `resolution` × `resolution` grid on `plane` at `offset`.

    `bounds` = (u_min, u_max, v_min, v_max) in metres; by default the square that covers the
    arm's reach sphere (see `reach_sphere`), so nothing reachable falls outside the map.
    """
    if plane not in PLANE_AXES:
        raise ValueError(f"plane must be one of {tuple(PLANE_AXES)}, got {plane!r}")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    if bounds is None:
        centre, radius = reach_sphere(model)
        u_axis, v_axis = PLANE_AXES[plane]
        bounds = (centre[u_axis] - radius, centre[u_axis] + radius, centre[v_axis] - radius, centre[v_axis] + radius)
    u_min, u_max, v_min, v_max = (float(b) for b in bounds)
    if not (u_max > u_min and v_max > v_min):
        raise ValueError(f"bounds must be (u_min < u_max, v_min < v_max), got {bounds}")
    return SliceGrid(
        plane,
        float(offset),
        np.asarray(rotation, dtype=float),
        cell_centres(u_min, u_max, resolution),
        cell_centres(v_min, v_max, resolution),
    )


def default_offset(model, plane: str, q: np.ndarray) -> float:
    """Plane offset through the tool point of configuration q (world frame, metres)."""
    return float(forward_kinematics(model, q)[normal_axis(plane), 3])
