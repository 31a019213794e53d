"""Primitive link geometry for generated URDFs: cylinders along a polyline and their inertia.

The URDF generator draws each link as cylinders joining the points its DH offsets pass
through. Masses assume solid primitives of one density: plausible numbers so viewers and
simulators accept the model, not the real arm's mass properties. Lengths in metres,
masses in kg, inertias in kg·m².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.spatial import rotation_exp, transform

# Segments shorter than this are not drawn (a zero DH offset).
MIN_SEGMENT_LENGTH = 1e-6


@dataclass(frozen=True)
class Cylinder:
    """A solid cylinder along the z axis of `origin` (4×4 pose in the link frame), centred on it."""

    radius: float
    length: float
    origin: np.ndarray

    @property
    def volume(self) -> float:
        """Volume in m³."""
        return np.pi * self.radius**2 * self.length

    def inertia_about_centre(self, mass: float) -> np.ndarray:
        """3×3 inertia tensor (kg·m²) about the cylinder's centre, in the link frame's axes."""
        transverse = mass * (3.0 * self.radius**2 + self.length**2) / 12.0
        local = np.diag([transverse, transverse, 0.5 * mass * self.radius**2])
        rotation = self.origin[:3, :3]
        return rotation @ local @ rotation.T


def cylinder_between(start, end, radius: float) -> Cylinder | None:
    """The cylinder joining two points of a link frame, or None if they (nearly) coincide."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    direction = end - start
    length = float(np.linalg.norm(direction))
    if length < MIN_SEGMENT_LENGTH:
        return None
    axis = direction / length
    # A cylinder is symmetric end to end, so point its axis into the upper half space: the
    # rotation from z is then at most 90° and never the ill-defined 180° case.
    if axis[2] < 0 or (axis[2] == 0 and (axis[0] < 0 or (axis[0] == 0 and axis[1] < 0))):
        axis = -axis
    tilt = np.cross([0.0, 0.0, 1.0], axis)
    sin_angle = float(np.linalg.norm(tilt))
    rotation = np.eye(3) if sin_angle < 1e-12 else rotation_exp(tilt / sin_angle * np.arctan2(sin_angle, axis[2]))
    return Cylinder(radius, length, transform(rotation, 0.5 * (start + end)))


def polyline_cylinders(points, radius: float) -> list[Cylinder]:
    """Cylinders along consecutive points, skipping zero-length segments."""
    pieces = (cylinder_between(a, b, radius) for a, b in zip(points[:-1], points[1:], strict=True))
    return [piece for piece in pieces if piece is not None]


def inertial_of(cylinders: list[Cylinder], density: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Mass (kg), centre of mass (3,) and inertia about it (3×3), for solid cylinders of one density."""
    masses = np.array([density * c.volume for c in cylinders])
    centres = np.array([c.origin[:3, 3] for c in cylinders])
    mass = float(masses.sum())
    centre = masses @ centres / mass
    inertia = np.zeros((3, 3))
    for piece_mass, piece, piece_centre in zip(masses, cylinders, centres, strict=True):
        offset = piece_centre - centre
        # Parallel-axis theorem: move each piece's inertia from its centre to the link's.
        inertia += piece.inertia_about_centre(piece_mass) + piece_mass * (
            np.dot(offset, offset) * np.eye(3) - np.outer(offset, offset)
        )
    return mass, centre, inertia
