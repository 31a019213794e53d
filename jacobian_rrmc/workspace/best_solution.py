"""Pick, for each target pose, the most manipulable closed-form IK solution inside the joint limits.

This is the cell value of M3's genWorkspace: a pose is reachable when some IK branch lies
within the joint limits, and its value is the Yoshikawa manipulability √det(J·Jᵀ) of the best
such branch (the IK's closed-form |det J|; it does not depend on the frame J is expressed in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from jacobian_rrmc.ik import solve_ik

_CHUNK = 20_000


@dataclass(frozen=True)
class BestSolutions:
    """Best IK solution per target pose.

    Attributes:
        q: (B, N) joint angles, radians; NaN where the pose is unreachable within limits.
        manipulability: (B,) √det(J·Jᵀ) at q; NaN where unreachable.
        branch: (B,) IK branch index 0..7 of q; -1 where unreachable.
    """

    q: np.ndarray
    manipulability: np.ndarray
    branch: np.ndarray

    @property
    def reachable(self) -> np.ndarray:
        """(B,) True where some IK solution lies within the joint limits."""
        return self.branch >= 0


def best_solutions(
    model, poses: np.ndarray, joint_limits: bool = True, cutoff: float = 0.0, progress: bool = True
) -> BestSolutions:
    """For each tool pose (B, 4, 4) in the world frame, the IK branch of largest manipulability.

    Args:
        joint_limits: consider only branches inside the robot's joint limits (M3's own labels,
            for arms without limits, use every valid branch: pass False to match them).
        cutoff: a pose counts as reachable only if its best manipulability exceeds this (M3: 0.03).
    """
    poses = np.asarray(poses, dtype=float).reshape(-1, 4, 4)
    count = len(poses)
    q_best = np.full((count, model.n_joints), np.nan)
    value = np.full(count, np.nan)
    branch = np.full(count, -1, dtype=np.int64)
    with tqdm(total=count, desc="exact IK", unit="pose", disable=not progress, leave=False) as bar:
        for start in range(0, count, _CHUNK):
            stop = min(start + _CHUNK, count)
            solutions = solve_ik(model, poses[start:stop])
            best, top = solutions.most_manipulable(joint_limits)
            rows = np.flatnonzero(top > cutoff if cutoff > 0 else np.isfinite(top))
            q_best[start + rows] = solutions.q[rows, best[rows]]
            value[start + rows] = top[rows]
            branch[start + rows] = best[rows]
            bar.update(stop - start)
    return BestSolutions(q_best, value, branch)
