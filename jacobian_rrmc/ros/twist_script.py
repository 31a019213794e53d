"""The demo's scripted hand motion: a square in a horizontal plane, a vertical line, then pure rotations.

Plain Python: `TwistScript.segment_at(t).twist` is the commanded twist at time t since the script started.
The geometry is fixed; the total duration sets the speeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PAUSE = "pause"
SQUARE = "square"
LINE = "line"
ROTATION = "rotation"


@dataclass(frozen=True)
class Segment:
    """Constant twist (6,) [vx vy vz wx wy wz] (m/s, rad/s) in `frame` ("base" or "tool") for `duration` s."""

    start: float
    duration: float
    twist: np.ndarray
    frame: str
    phase: str


class TwistScript:
    """Square (side `square_side` m, base-frame x/y), vertical line (up and back `line_length` m), then a
    rotation of `rotation_angle` rad about the tool z axis and back, then a tilt of `tilt_angle` rad about
    the tool x axis and back, with pauses between moves. The tilt is the demanding drift test: unless the
    tool point lies on the wrist centre, keeping it still while tilting needs the whole arm to move.

    Motion segments get equal time per metre (translation) or per radian scaled by `tool_radius` (a
    rotation of 1 rad counts as `tool_radius` metres), and all pauses last `pause` s; the speeds follow
    from `duration` (s, total including pauses).
    """

    def __init__(
        self,
        duration: float = 20.0,
        square_side: float = 0.1,
        line_length: float = 0.1,
        rotation_angle: float = np.pi / 2,
        tilt_angle: float = 0.0,
        tool_radius: float = 0.1,
        pause: float = 0.5,
    ):
        if min(duration, square_side, line_length, rotation_angle, tool_radius) <= 0 or min(pause, tilt_angle) < 0:
            raise ValueError("duration and sizes must be positive, pause and tilt non-negative")
        moves = [  # (unit direction, length, frame, phase); rotation lengths in radians
            ((1, 0, 0, 0, 0, 0), square_side, "base", SQUARE),
            ((0, 1, 0, 0, 0, 0), square_side, "base", SQUARE),
            ((-1, 0, 0, 0, 0, 0), square_side, "base", SQUARE),
            ((0, -1, 0, 0, 0, 0), square_side, "base", SQUARE),
            ((0, 0, 1, 0, 0, 0), line_length, "base", LINE),
            ((0, 0, -1, 0, 0, 0), line_length, "base", LINE),
            ((0, 0, 0, 0, 0, 1), rotation_angle, "tool", ROTATION),
            ((0, 0, 0, 0, 0, -1), rotation_angle, "tool", ROTATION),
        ]
        if tilt_angle > 0:
            moves += [
                ((0, 0, 0, 1, 0, 0), tilt_angle, "tool", ROTATION),
                ((0, 0, 0, -1, 0, 0), tilt_angle, "tool", ROTATION),
            ]
        pauses = pause * (len(moves) + 1)
        if pauses >= duration:
            raise ValueError(f"duration {duration} s leaves no time for motion after {pauses} s of pauses")
        effort = [length * (tool_radius if phase == ROTATION else 1.0) for _, length, _, phase in moves]
        seconds_per_unit = (duration - pauses) / sum(effort)
        self.linear_speed = 1.0 / seconds_per_unit  # m/s
        self.angular_speed = 1.0 / (seconds_per_unit * tool_radius)  # rad/s
        segments, t = [], 0.0
        for (direction, _, frame, phase), cost in zip(moves, effort, strict=True):
            segments.append(Segment(t, pause, np.zeros(6), "base", PAUSE))
            t += pause
            speed = self.angular_speed if phase == ROTATION else self.linear_speed
            segments.append(Segment(t, cost * seconds_per_unit, speed * np.array(direction, float), frame, phase))
            t += cost * seconds_per_unit
        segments.append(Segment(t, pause, np.zeros(6), "base", PAUSE))
        self.segments = tuple(segments)
        self.tilt_angle = tilt_angle
        self.duration = t + pause

    def segment_at(self, t: float) -> Segment:
        """The segment active at time t (s since start); the final pause after the end."""
        for segment in self.segments:
            if t < segment.start + segment.duration:
                return segment
        return self.segments[-1]

    def boundaries(self) -> np.ndarray:
        """Start times (s) of the segments, where the commanded twist may step."""
        return np.array([segment.start for segment in self.segments])


def script_for_robot(robot_name: str, duration: float, tilt_angle: float = np.pi / 6) -> TwistScript:
    """The demo script sized for a robot's reach (checked to stay inside its limits from its start pose).

    Pauses are 1/40 of the duration, so every speed scales as 1/duration (20 s: 0.070 m/s and 0.70 rad/s
    on puma560, 0.062 m/s and 0.62 rad/s on sixi2; `TwistScript.linear_speed`, `angular_speed`).
    """
    sizes = {"sixi2": {"square_side": 0.08, "line_length": 0.08}}.get(robot_name, {})
    return TwistScript(duration=duration, pause=duration / 40.0, tilt_angle=tilt_angle, **sizes)
