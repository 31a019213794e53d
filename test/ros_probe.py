"""Test-side ROS helpers: a probe node that feeds the rrmc node and records what it publishes."""

from __future__ import annotations

import time

import numpy as np
from diagnostic_msgs.msg import DiagnosticArray
from geometry_msgs.msg import TwistStamped
from rclpy.node import Node
from rclpy.qos import QoSProfile, qos_profile_sensor_data
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from jacobian_rrmc.ros.messages import VELOCITY_TOPIC


def joint_state(names, positions) -> JointState:
    message = JointState(name=list(names))
    message.position = [float(p) for p in positions]  # keeps NaN/inf: the node must reject them itself
    return message


def twist_stamped(twist, frame_id: str) -> TwistStamped:
    message = TwistStamped()
    message.header.frame_id = frame_id
    message.twist.linear.x, message.twist.linear.y, message.twist.linear.z = (float(v) for v in twist[:3])
    message.twist.angular.x, message.twist.angular.y, message.twist.angular.z = (float(v) for v in twist[3:])
    return message


class Probe(Node):
    """Publishes `joint_state_message` at 250 Hz and `twist_message` at 50 Hz while they are set; records
    commands (monotonic arrival time, values) and diagnostics statuses."""

    def __init__(self, context, *, listen_joint_states: bool = False):
        super().__init__("probe", context=context)
        self.joint_state_message: JointState | None = None
        self.twist_message: TwistStamped | None = None
        self.commands: list[tuple[float, np.ndarray]] = []
        self.statuses = []
        self.joint_states: list[tuple[float, JointState]] = []
        self.joint_state_publisher = self.create_publisher(JointState, "joint_states", qos_profile_sensor_data)
        self.twist_publisher = self.create_publisher(TwistStamped, "cmd_twist", QoSProfile(depth=10))
        self.create_subscription(Float64MultiArray, VELOCITY_TOPIC, self._on_command, QoSProfile(depth=100))
        self.create_subscription(DiagnosticArray, "diagnostics", self._on_diagnostics, QoSProfile(depth=10))
        if listen_joint_states:
            self.create_subscription(JointState, "joint_states", self._on_joint_state, qos_profile_sensor_data)
        self.create_timer(1 / 250, self._publish_joint_state)
        self.create_timer(1 / 50, self._publish_twist)
        self.last_twist_sent: float | None = None

    def _publish_joint_state(self) -> None:
        if self.joint_state_message is not None:
            self.joint_state_publisher.publish(self.joint_state_message)

    def _publish_twist(self) -> None:
        if self.twist_message is not None:
            self.twist_publisher.publish(self.twist_message)
            self.last_twist_sent = time.monotonic()

    def _on_command(self, message: Float64MultiArray) -> None:
        self.commands.append((time.monotonic(), np.array(message.data)))

    def _on_diagnostics(self, message: DiagnosticArray) -> None:
        self.statuses.extend(message.status)

    def _on_joint_state(self, message: JointState) -> None:
        self.joint_states.append((time.monotonic(), message))

    def commands_after(self, start: float) -> np.ndarray:
        """(M, N) commands that arrived after monotonic time `start`."""
        return np.array([values for arrival, values in self.commands if arrival > start])

    def last_status_value(self, key: str) -> str | None:
        for status in reversed(self.statuses):
            for item in status.values:
                if item.key == key:
                    return item.value
        return None


def spin_for(executor, seconds: float) -> None:
    end = time.monotonic() + seconds
    while (remaining := end - time.monotonic()) > 0:
        executor.spin_once(timeout_sec=min(remaining, 0.02))


def spin_until(executor, predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        executor.spin_once(timeout_sec=0.02)
    return predicate()
