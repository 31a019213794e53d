"""Demo scoring from recorded joint states (plain numpy): commanded vs achieved twist, rotation drift.

Achieved twist = finite difference of the forward kinematics of consecutive measured joint states
(base frame: v = Δp/Δt, ω = log(R₊ Rᵀ)/Δt, Δt the difference of their stamps), compared with the twist
the script commanded at the interval's midpoint (tool-frame commands rotated into the base frame with the
measured orientation). This measures what the arm actually did, independent of the controller's own
Jacobian. With the demo's sim arm it is exact, not an estimate: the arm holds one joint velocity over
each interval between two published states and integrates on the very stamps it publishes, so Δq/Δt is
the velocity it executed (FK is nonlinear, so the twist is the interval's mean, to O(|q̇|Δt) relative). Samples within
`settle` seconds after a commanded step are left out (intervals overlapping them): an ideal arm follows a step one
control period later, and a finite difference straddling the step is not a tracking error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.control.twist import twist_in_base_frame
from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.robots import RobotModel
from jacobian_rrmc.ros.twist_script import ROTATION, TwistScript
from jacobian_rrmc.spatial import rotation_log


@dataclass
class TrackingResult:
    """Twist tracking over the scored samples; errors are norms of the 3-vector differences."""

    times: np.ndarray  # (K-1,) interval midpoints, s since script start
    achieved: np.ndarray  # (K-1, 6) base-frame twist from FK finite differences
    commanded: np.ndarray  # (K-1, 6) base-frame commanded twist
    scored: np.ndarray  # (K-1,) bool, outside the settle windows and inside the script
    error_rms: tuple[float, float]  # (linear m/s, angular rad/s)
    error_rms_by_phase: dict[str, tuple[float, float]]  # the same per script phase (square, line, rotation, pause)
    error_max: tuple[float, float]
    rotation_drift: float  # m, largest tool-point displacement during the pure rotations


def achieved_twists(poses: np.ndarray, times: np.ndarray) -> np.ndarray:
    """(K-1, 6) base-frame twists [v ω] between consecutive poses (K, 4, 4) at times (K,) s."""
    dt = np.diff(times)
    linear = np.diff(poses[:, :3, 3], axis=0) / dt[:, None]
    relative = poses[1:, :3, :3] @ np.swapaxes(poses[:-1, :3, :3], 1, 2)
    angular = np.array([rotation_log(r) for r in relative]) / dt[:, None]
    return np.hstack([linear, angular])


def commanded_twists(script: TwistScript, times: np.ndarray, poses: np.ndarray) -> np.ndarray:
    """(K, 6) base-frame twists the script commanded at `times` (s since start); tool-frame commands are
    rotated by the measured tool poses (K, 4, 4) in the base frame, as the controller does."""
    result = np.zeros((len(times), 6))
    for k, t in enumerate(times):
        segment = script.segment_at(t)
        twist_in_base_frame(segment.twist, segment.frame, poses[k], result[k])
    return result


def score_tracking(
    robot: RobotModel, script: TwistScript, times: np.ndarray, q: np.ndarray, settle: float = 0.1
) -> TrackingResult:
    """Score measured joint states q (K, N) at times (K,) s since the script started (strictly increasing)."""
    times = np.asarray(times, dtype=float)
    if len(times) < 3 or np.any(np.diff(times) <= 0):
        raise ValueError("need at least 3 joint states with strictly increasing times")
    poses = forward_kinematics(robot, q)
    achieved = achieved_twists(poses, times)
    middle = 0.5 * (times[1:] + times[:-1])
    commanded = commanded_twists(script, middle, poses[:-1])
    steps = script.boundaries()[None, :]
    # An interval is unscored if it overlaps [step, step + settle) for any commanded step.
    settling = np.any((times[1:, None] > steps) & (times[:-1, None] < steps + settle), axis=1)
    scored = (times[:-1] >= 0) & (times[1:] <= script.duration) & ~settling
    if not np.any(scored):
        raise ValueError("no joint states inside the script outside the settle windows")
    error = achieved[scored] - commanded[scored]
    linear, angular = np.linalg.norm(error[:, :3], axis=1), np.linalg.norm(error[:, 3:], axis=1)
    phases = np.array([script.segment_at(t).phase for t in middle[scored]])
    by_phase = {
        phase: (_rms(linear[phases == phase]), _rms(angular[phases == phase]))
        for phase in dict.fromkeys(segment.phase for segment in script.segments)
        if np.any(phases == phase)
    }
    return TrackingResult(
        times=middle,
        achieved=achieved,
        commanded=commanded,
        scored=scored,
        error_rms=(_rms(linear), _rms(angular)),
        error_rms_by_phase=by_phase,
        error_max=(float(linear.max()), float(angular.max())),
        rotation_drift=rotation_drift(script, times, poses[:, :3, 3]),
    )


def _rms(values: np.ndarray) -> float:
    return float(np.sqrt(np.mean(values**2)))


def rotation_drift(script: TwistScript, times: np.ndarray, positions: np.ndarray) -> float:
    """Largest distance (m) of the tool point from where it was when each pure rotation began."""
    drift = 0.0
    for segment in script.segments:
        if segment.phase != ROTATION:
            continue
        inside = (times >= segment.start) & (times <= segment.start + segment.duration)
        if not np.any(inside):
            continue
        first = np.flatnonzero(inside)[0]
        reference = positions[max(first - 1, 0)]
        drift = max(drift, float(np.linalg.norm(positions[inside] - reference, axis=1).max()))
    return drift


def commanded_path(script: TwistScript, times: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(K, 3) tool positions the script asks for: `start` plus the integral of its base-frame linear velocity."""
    segments = [script.segment_at(t) for t in times]
    velocity = np.array([segment.twist[:3] if segment.frame == "base" else np.zeros(3) for segment in segments])
    steps = np.diff(times, prepend=times[0])[:, None] * np.vstack([np.zeros(3), velocity[:-1]])
    return start + np.cumsum(steps, axis=0)
