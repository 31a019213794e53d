"""Pure conversions between ROS message fields and the controller's numpy arrays (no rclpy needed).

Functions take plain sequences (or any object with the message's field names), so they are tested
without DDS. Every problem raises `MessageError`, which the nodes turn into zero velocity, a
throttled warning and a diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Command topics of the ros2_control controllers the node's two output types feed (relative names).
VELOCITY_TOPIC = "forward_velocity_controller/commands"
TRAJECTORY_TOPIC = "joint_trajectory_controller/joint_trajectory"


class MessageError(ValueError):
    """An input message that cannot be used: the controller must command zero velocity."""


class JointNameMap:
    """Maps sensor_msgs/JointState entries (any order, extra joints allowed) to the robot's joint order.

    The index arrays are cached per distinct name list, so a publisher that repeats the same names
    costs one tuple comparison per message.
    """

    def __init__(self, joint_names: Sequence[str]):
        self.joint_names = tuple(joint_names)
        self._cached_names: tuple[str, ...] | None = None
        self._cached_index: np.ndarray | None = None

    def indices(self, names: Sequence[str]) -> np.ndarray:
        """Index into `names` of each robot joint, shape (N,); MessageError lists missing or repeated joints."""
        names = tuple(names)
        if names == self._cached_names:
            return self._cached_index
        position = {}
        for i, name in enumerate(names):
            if name in position and name in self.joint_names:
                raise MessageError(f"joint {name!r} appears twice in the JointState")
            position[name] = i
        missing = [name for name in self.joint_names if name not in position]
        if missing:
            raise MessageError(f"JointState lacks joint(s) {', '.join(missing)}")
        index = np.array([position[name] for name in self.joint_names], dtype=np.intp)
        self._cached_names, self._cached_index = names, index
        return index

    def ordered(self, names: Sequence[str], values: Sequence[float], field: str = "position") -> np.ndarray:
        """`values` (one per entry of `names`) reordered into the robot's joint order, shape (N,).

        Raises MessageError if the lengths differ, a robot joint is missing or a used value is not finite.
        """
        if len(values) != len(names):
            raise MessageError(f"JointState has {len(names)} names but {len(values)} {field} values")
        selected = np.asarray(values, dtype=float)[self.indices(names)]
        if not np.all(np.isfinite(selected)):
            bad = [self.joint_names[i] for i in np.flatnonzero(~np.isfinite(selected))]
            raise MessageError(f"JointState {field} not finite for {', '.join(bad)}")
        return selected


def twist_vector(linear, angular) -> np.ndarray:
    """(6,) [vx vy vz wx wy wz] (m/s, rad/s) from two objects with x, y, z; MessageError if not finite."""
    twist = np.array([linear.x, linear.y, linear.z, angular.x, angular.y, angular.z], dtype=float)
    if not np.all(np.isfinite(twist)):
        raise MessageError("twist has non-finite components")
    return twist


def twist_frame(frame_id: str, base_frame: str, tool_frame: str) -> str:
    """Controller frame ("base" or "tool") for a TwistStamped frame_id; empty means base.

    A leading "/" (ROS 1 habit) is ignored; any other frame is rejected rather than guessed.
    """
    frame = frame_id.lstrip("/")
    if frame in ("", base_frame):
        return "base"
    if frame == tool_frame:
        return "tool"
    raise MessageError(
        f"twist frame {frame_id!r} is neither the base frame {base_frame!r} nor the tool frame {tool_frame!r}"
    )


def stamp_nanoseconds(stamp) -> int:
    """Integer nanoseconds from a builtin_interfaces/Time-like object: exact, for differences of stamps
    (a float of epoch seconds resolves only ~0.24 µs)."""
    return stamp.sec * 1_000_000_000 + stamp.nanosec
