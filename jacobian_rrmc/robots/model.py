"""The description of one serial arm: standard DH table, fixed transforms, limits and names."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class RobotModel:
    """A serial manipulator with standard Denavit–Hartenberg links, in SI units.

    Link i applies Rz(θᵢ)·Tz(dᵢ)·Tx(aᵢ)·Rx(αᵢ). For a revolute joint θᵢ = qᵢ + theta_offsetᵢ
    and dᵢ is fixed; for a prismatic joint θᵢ = theta_offsetᵢ and dᵢ = qᵢ + d[i]. This is the
    convention of roboticstoolbox-python's `DHRobot`.

    Attributes:
        name: catalogue name, e.g. ``"puma560"``.
        d, a, alpha, theta_offset: DH columns, shape (N,); metres and radians.
        prismatic: shape (N,) bool, True where the joint is prismatic.
        base: 4×4 pose of DH frame 0 in the world (base link) frame.
        tool: 4×4 pose of the tool (end-effector) frame in DH frame N.
        q_min, q_max: joint position limits, shape (N,); radians or metres.
        qd_max: joint velocity limits, shape (N,); rad/s or m/s.
        joint_names: names used by the URDF and by sensor_msgs/JointState.
        base_frame, tool_frame: URDF root and tip link names.
        configurations: named joint configurations (radians/metres), e.g. ``"home"``.
    """

    name: str
    d: np.ndarray
    a: np.ndarray
    alpha: np.ndarray
    theta_offset: np.ndarray
    prismatic: np.ndarray
    base: np.ndarray
    tool: np.ndarray
    q_min: np.ndarray
    q_max: np.ndarray
    qd_max: np.ndarray
    joint_names: tuple[str, ...]
    base_frame: str = "base_link"
    tool_frame: str = "tool0"
    configurations: dict[str, np.ndarray] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self) -> None:
        n = len(self.d)
        for key in ("a", "alpha", "theta_offset", "prismatic", "q_min", "q_max", "qd_max"):
            if len(getattr(self, key)) != n:
                raise ValueError(f"robot {self.name!r}: {key} has {len(getattr(self, key))} entries, expected {n}")
        if len(self.joint_names) != n:
            raise ValueError(f"robot {self.name!r}: {len(self.joint_names)} joint names, expected {n}")
        for array in (self.d, self.a, self.alpha, self.theta_offset, self.prismatic, self.base, self.tool, self.q_min,
                      self.q_max, self.qd_max):  # fmt: skip
            array.setflags(write=False)

    @property
    def n_joints(self) -> int:
        """Number of joints N."""
        return len(self.d)

    def configuration(self, name: str) -> np.ndarray:
        """A named configuration as a fresh (N,) array; KeyError lists the known names."""
        try:
            return np.array(self.configurations[name], dtype=float)
        except KeyError:
            known = ", ".join(sorted(self.configurations)) or "none"
            raise KeyError(f"robot {self.name!r} has no configuration {name!r} (known: {known})") from None

    @property
    def default_configuration_name(self) -> str | None:
        """The dexterous pose to start from when none is named: "qn", else "home", else None (all zeros)."""
        return next((name for name in ("qn", "home") if name in self.configurations), None)

    def within_limits(self, q: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
        """True where every joint of q (shape (N,) or (B, N)) is inside its position limits."""
        q = np.asarray(q, dtype=float)
        return np.all((q >= self.q_min - tolerance) & (q <= self.q_max + tolerance), axis=-1)

    def random_configurations(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """(count, N) configurations drawn uniformly within the joint limits."""
        return rng.uniform(self.q_min, self.q_max, size=(count, self.n_joints))
