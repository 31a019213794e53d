"""Kernel-ready DH parameters for one arm or a batch of arms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DHParameters:
    """Standard-DH parameters laid out for `dh_pose_jacobian_kernel`.

    Every array has a leading arm axis P: P = 1 for one arm, or P = B for one arm per
    configuration of a batch of B. Shapes: d, a, alpha, theta_offset (P, N) float64,
    prismatic (P, N) bool, base and tool (P, 4, 4). Metres and radians.
    """

    d: np.ndarray
    a: np.ndarray
    alpha: np.ndarray
    theta_offset: np.ndarray
    prismatic: np.ndarray
    base: np.ndarray
    tool: np.ndarray

    def __post_init__(self) -> None:
        # The compiled kernel indexes these without bounds checks, so their shapes are checked here.
        if self.d.ndim != 2:
            raise ValueError(f"DH column 'd' must have shape (P, N), got {self.d.shape}")
        for name in ("a", "alpha", "theta_offset", "prismatic"):
            shape = getattr(self, name).shape
            if shape != self.d.shape:
                raise ValueError(f"DH column '{name}' has shape {shape}, expected {self.d.shape} like 'd'")
        for name in ("base", "tool"):
            shape = getattr(self, name).shape
            if len(shape) != 3 or shape[1:] != (4, 4) or shape[0] not in (1, self.n_arms):
                raise ValueError(f"DH '{name}' has shape {shape}, expected (1, 4, 4) or ({self.n_arms}, 4, 4)")

    @classmethod
    def from_arrays(cls, d, a, alpha, theta_offset, prismatic=None, base=None, tool=None) -> DHParameters:
        """Build from (N,) or (P, N) columns; base/tool default to identity."""
        d = np.atleast_2d(np.asarray(d, dtype=np.float64))
        shape = d.shape

        def column(values, dtype=np.float64):
            return np.ascontiguousarray(np.broadcast_to(np.atleast_2d(np.asarray(values, dtype=dtype)), shape))

        if prismatic is None:
            prismatic = np.zeros(shape, dtype=bool)

        def frame(matrix):
            matrix = np.eye(4) if matrix is None else np.asarray(matrix, dtype=np.float64)
            return np.ascontiguousarray(matrix.reshape(-1, 4, 4))

        return cls(
            d=np.ascontiguousarray(d),
            a=column(a),
            alpha=column(alpha),
            theta_offset=column(theta_offset),
            prismatic=column(prismatic, dtype=bool),
            base=frame(base),
            tool=frame(tool),
        )

    def select(self, index: np.ndarray) -> DHParameters:
        """The arms of samples `index` (integer array): per-sample fields (leading axis P > 1) are indexed,
        shared ones (leading axis 1, e.g. the identity base of `m3_parameters`) stay shared, so the kernel
        never indexes past their end."""
        fields = (getattr(self, name) for name in self.__dataclass_fields__)
        return DHParameters(*(np.ascontiguousarray(value[index]) if value.shape[0] > 1 else value for value in fields))

    @property
    def n_joints(self) -> int:
        """Number of joints N."""
        return self.d.shape[1]

    @property
    def n_arms(self) -> int:
        """Number of arms P (1 or the batch size)."""
        return self.d.shape[0]
