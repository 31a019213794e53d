"""Concave outer boundary (with holes) of a planar point cloud, by rasterising and contouring.

The points are binned onto a fine grid (each point marks its nearest grid node), gaps between
sampled points are bridged by a morphological closing with a disk, and the 0.5 level of the
occupancy grid is traced by marching squares (contourpy, the engine behind matplotlib's
contour). Unlike a convex hull this keeps concavities and holes larger than the closing disk.
"""

from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class Boundary:
    """Boundary of a planar region.

    Attributes:
        outers: closed outer rings, each (K, 2), in the points' units (metres).
        holes: closed hole rings, each (K, 2).
        area: enclosed area (outer areas minus hole areas), square units.
        cell: grid spacing used, same units as the points.
    """

    outers: list[np.ndarray]
    holes: list[np.ndarray]
    area: float
    cell: float


def polygon_area(ring: np.ndarray) -> float:
    """Unsigned shoelace area of a closed ring (K, 2)."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def occupancy_grid(points: np.ndarray, cell: float, pad: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean grid (rows = y, columns = x) marking the node nearest to each point, with `pad` empty nodes around.

    Returns (grid, x_nodes, y_nodes).
    """
    low = points.min(axis=0) - pad * cell
    index = np.rint((points - low) / cell).astype(np.int64)
    shape = index.max(axis=0) + pad + 1
    grid = np.zeros((shape[1], shape[0]), dtype=bool)
    grid[index[:, 1], index[:, 0]] = True
    return grid, low[0] + cell * np.arange(shape[0]), low[1] + cell * np.arange(shape[1])


def find_boundary(points, cell: float | None = None, closing_radius: float | None = None, resolution: int = 400):
    """Outer contours and holes of the region covered by `points` (M, 2).

    Args:
        points: (M, 2) planar points, e.g. hand positions projected on a plane (metres).
        cell: grid spacing; default the larger extent divided by `resolution`.
        closing_radius: radius of the closing disk, same units as the points; it should be
            at least half the largest gap between neighbouring sample points (default 2 cells).
            Concavities and holes narrower than about twice this radius are filled.
        resolution: grid nodes along the larger extent when `cell` is not given.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 3:
        raise ValueError(f"points must have shape (M >= 3, 2), got {points.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError("points must be finite")
    if cell is None:
        cell = max(float(np.ptp(points, axis=0).max()), 1e-12) / resolution
    radius_cells = 2 if closing_radius is None else max(int(np.ceil(closing_radius / cell)), 1)
    # Padding keeps the closing's erosion and the contours clear of the grid border.
    grid, x_nodes, y_nodes = occupancy_grid(points, cell, pad=radius_cells + 2)
    offsets = np.arange(-radius_cells, radius_cells + 1)
    disk = offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius_cells**2
    closed = ndimage.binary_closing(grid, structure=disk)
    generator = contourpy.contour_generator(x_nodes, y_nodes, closed.astype(float), fill_type="OuterOffset")
    # Rings under two cells are single grid nodes: corner points that the closing's erosion cut off
    # from the region, or unbridged gaps between samples, not features of the region.
    smallest = 2.0 * cell**2
    outers, holes = [], []
    for ring_points, ring_offsets in zip(*generator.filled(0.5, 1.5), strict=True):
        outer, *inner = np.split(ring_points, ring_offsets[1:-1])
        if polygon_area(outer) >= smallest:
            outers.append(outer)
            holes.extend(ring for ring in inner if polygon_area(ring) >= smallest)
    area = sum(polygon_area(r) for r in outers) - sum(polygon_area(r) for r in holes)
    return Boundary(outers, holes, area, cell)
