"""Joint sweep (the Sixi way): step chosen joints through their limits and collect hand positions.

The other joints stay at a base configuration. Forward kinematics is batched over chunks of
the joint grid, so memory stays bounded however fine the step; only the tool-point positions
(world frame, metres) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from jacobian_rrmc.kinematics import forward_kinematics

# Joints swept by default (0-based): base, shoulder, elbow for a top view; shoulder, elbow,
# wrist pitch for a side view, as in the Sixi 2 workspace plots.
DEFAULT_SWEEP_JOINTS = {"xy": (0, 1, 2), "xz": (1, 2, 4), "yz": (1, 2, 4)}

_CHUNK = 100_000


@dataclass(frozen=True)
class SweepResult:
    """Hand positions of a joint sweep.

    Attributes:
        positions: (M, 3) tool-point positions in the world frame, metres.
        base_q: (N,) configuration that the joints not swept keep.
    """

    positions: np.ndarray
    base_q: np.ndarray


def joint_values(q_min: float, q_max: float, step: float) -> np.ndarray:
    """Evenly spaced values from q_min to q_max inclusive, no further apart than `step`."""
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    count = int(np.ceil((q_max - q_min) / step - 1e-9)) + 1
    return np.linspace(q_min, q_max, max(count, 2))


def sweep_positions(model, joints, step: float, base_q=None, progress: bool = True) -> SweepResult:
    """Sweep `joints` of `model` through their limits in steps of `step` and return hand positions.

    Args:
        model: a `RobotModel`.
        joints: 0-based joint indices to sweep (every combination of their values is visited).
        step: joint step in radians (metres for prismatic joints).
        base_q: (N,) values of the joints not swept; default all zeros clipped into the limits
            (the "stretched" arm of the Sixi plots for arms whose zero pose is straight).
        progress: show a tqdm bar over the chunks.
    """
    joints = tuple(int(j) for j in joints)
    if not joints or len(set(joints)) != len(joints) or not all(0 <= j < model.n_joints for j in joints):
        raise ValueError(f"joints must be distinct indices in 0..{model.n_joints - 1}, got {joints}")
    if base_q is None:
        base_q = np.clip(np.zeros(model.n_joints), model.q_min, model.q_max)
    base_q = np.asarray(base_q, dtype=float)
    values = tuple(joint_values(model.q_min[j], model.q_max[j], step) for j in joints)
    shape = tuple(len(v) for v in values)
    total = int(np.prod(shape))
    positions = np.empty((total, 3))
    with tqdm(total=total, desc="sweep FK", unit="pose", disable=not progress, leave=False) as bar:
        for start in range(0, total, _CHUNK):
            flat = np.arange(start, min(start + _CHUNK, total))
            q = np.repeat(base_q[None, :], flat.size, axis=0)
            for column, (joint, index) in enumerate(zip(joints, np.unravel_index(flat, shape), strict=True)):
                q[:, joint] = values[column][index]
            positions[flat] = forward_kinematics(model, q)[:, :3, 3]
            bar.update(flat.size)
    return SweepResult(positions, base_q)
