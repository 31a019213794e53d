"""Orientation workspace at a fixed point: which tool orientations reach it, and how well.

Orientations are sampled as a latitude-longitude grid of tool approach directions (the tool z
axis, azimuth × elevation in the world frame) times a set of roll angles about that axis. Per
direction the map keeps the fraction of rolls that are reachable and the best manipulability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.workspace.grid import cell_centres, direction_rotations, poses_at


@dataclass(frozen=True)
class OrientationGrid:
    """Target poses sharing one position, over approach directions × rolls.

    Attributes:
        point: (3,) tool position, world frame, metres.
        azimuth, elevation, roll: sample angles, radians (cell centres).
    """

    point: np.ndarray
    azimuth: np.ndarray
    elevation: np.ndarray
    roll: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """(elevations, azimuths, rolls)."""
        return len(self.elevation), len(self.azimuth), len(self.roll)

    def poses(self) -> np.ndarray:
        """Target poses (elevations·azimuths·rolls, 4, 4), in that (row-major) order."""
        rotations = direction_rotations(self.azimuth, self.elevation, self.roll)
        return poses_at(np.asarray(self.point, dtype=float), rotations).reshape(-1, 4, 4)


def orientation_grid(point, resolution: int, rolls: int) -> OrientationGrid:
    """Cell-centre samples: `resolution` elevations over [−90°, 90°], 2·`resolution` azimuths and
    `rolls` roll angles over [−180°, 180°)."""
    if resolution < 2 or rolls < 1:
        raise ValueError(f"need resolution >= 2 and rolls >= 1, got {resolution} and {rolls}")
    return OrientationGrid(
        np.asarray(point, dtype=float),
        cell_centres(-np.pi, np.pi, 2 * resolution),
        cell_centres(-np.pi / 2, np.pi / 2, resolution),
        cell_centres(-np.pi, np.pi, rolls),
    )


def summarise(grid: OrientationGrid, manipulability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per direction (elevations, azimuths): fraction of rolls reachable, and best manipulability (NaN if none)."""
    values = np.asarray(manipulability, dtype=float).reshape(grid.shape)
    reachable = np.isfinite(values)
    fraction = reachable.mean(axis=2)
    best = np.where(reachable.any(axis=2), np.max(np.where(reachable, values, -np.inf), axis=2), np.nan)
    return fraction, best
