"""`rrmc_node`: the ROS 2 shell around `ResolvedRateController`.

Topics (relative names, so ``--ros-args -r joint_states:=/arm/joint_states`` works):
    in   joint_states  sensor_msgs/JointState (sensor-data QoS), matched by joint name
    in   cmd_twist     geometry_msgs/TwistStamped (frame_id = base or tool frame; '' = base),
                       or geometry_msgs/Twist (base frame) with ``twist_stamped: false``
    out  forward_velocity_controller/commands  std_msgs/Float64MultiArray (rad/s, robot joint order),
                       or joint_trajectory_controller/joint_trajectory with ``command_type: trajectory``
    out  diagnostics   diagnostic_msgs/DiagnosticArray at ``diagnostics_rate``

Cycle trigger (parameter ``trigger``):
    timer        (default, like ros2_control and MoveIt Servo) a cycle every 1/control_rate s on the
                 latest joint state; the command lags the measurement by up to one period.
    joint_state  a cycle on each JointState arrival (latency = compute + transport only); a watchdog
                 timer at control_rate still runs cycles when joint states stop, so the staleness stop
                 (zero velocity) is always published.

Bad input (non-finite values, missing joints, name/position length mismatch, unknown twist frame)
never raises out of a callback: the node resets the controller, publishes zero velocity until a valid
message of the same kind arrives, logs a throttled warning and reports INVALID_INPUT in diagnostics.
Staleness is measured on the node's monotonic clock at message arrival, not on header stamps, so a
sender's clock offset cannot keep a dead stream alive; the JointState header stamp (when non-zero) only
tells the controller when the positions were sampled, for its drift reference (`SampleClock`).

All callbacks are short and non-blocking, so one single-threaded executor serves the node (a
MultiThreadedExecutor gains nothing under the GIL and adds scheduling jitter); `create_executor`
picks rclpy's EventsExecutor where available.
"""

from __future__ import annotations

import time

import numpy as np
from builtin_interfaces.msg import Duration
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from geometry_msgs.msg import Twist, TwistStamped
from rclpy.node import Node
from rclpy.qos import QoSProfile, qos_profile_sensor_data
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint

from jacobian_rrmc.control import ControllerConfig, ResolvedRateController, split_node_parameters
from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.controller_status import StateStatistics
from jacobian_rrmc.ros.environment import run_node_until_shutdown, set_realtime_priority
from jacobian_rrmc.ros.loop_statistics import LoopStatistics
from jacobian_rrmc.ros.messages import (
    TRAJECTORY_TOPIC,
    VELOCITY_TOPIC,
    JointNameMap,
    MessageError,
    stamp_nanoseconds,
    twist_frame,
    twist_vector,
)
from jacobian_rrmc.ros.parameters import declare, rrmc_node_specs

WARN_PERIOD = 1.0  # s between repeated warnings of one kind


class RrmcNode(Node):
    """Resolved-rate motion control node; `controller`, `state_statistics` and `loop_statistics` are public
    so an in-process demo or test can read them."""

    def __init__(self, *, context=None, parameter_overrides=None, cli_args=None, node_name: str = "rrmc_node"):
        super().__init__(node_name, context=context, parameter_overrides=parameter_overrides or [], cli_args=cli_args)
        params = declare(self, rrmc_node_specs())
        self.robot = load_robot(params["robot"])
        source = make_jacobian_source(
            params["jacobian_source"],
            self.robot,
            fd_step=params["fd_step"],
            model_path=params["model_path"] or None,
            confidence_threshold=params["confidence_threshold"],
            on_model_error=params["on_model_error"],
            secant_correction=params["secant_correction"],
        )
        self.config = ControllerConfig.from_mapping(split_node_parameters(params)[0])
        self.controller = ResolvedRateController(self.robot, source, self.config)
        self.joint_map = JointNameMap(self.robot.joint_names)
        self.period = self.config.period
        self.reset_statistics()
        self.rejected_messages = 0
        self._last_output = None
        self._last_joint_state_arrival: float | None = None
        self._header_origin_ns: int | None = None  # first non-zero JointState stamp: floats keep ns resolution

        self.create_subscription(JointState, "joint_states", self._on_joint_state, qos_profile_sensor_data)
        if params["twist_stamped"]:
            self.create_subscription(TwistStamped, "cmd_twist", self._on_twist_stamped, QoSProfile(depth=10))
        else:
            self.create_subscription(Twist, "cmd_twist", self._on_twist, QoSProfile(depth=10))
        self._trajectory = params["command_type"] == "trajectory"
        # A trajectory command's joint names and point time (one period ahead) are fixed for the node's life.
        self._trajectory_joint_names = list(self.robot.joint_names)
        # builtin_interfaces/Duration needs nanosec < 1e9: split periods of a second or more.
        seconds, nanoseconds = divmod(round(self.period * 1e9), 10**9)
        self._point_duration = Duration(sec=seconds, nanosec=nanoseconds)
        if self._trajectory:
            self._command_publisher = self.create_publisher(JointTrajectory, TRAJECTORY_TOPIC, QoSProfile(depth=10))
        else:
            self._command_publisher = self.create_publisher(Float64MultiArray, VELOCITY_TOPIC, QoSProfile(depth=10))
        self._diagnostics_publisher = self.create_publisher(DiagnosticArray, "diagnostics", QoSProfile(depth=10))
        self._event_driven = params["trigger"] == "joint_state"
        self.create_timer(self.period, self._on_watchdog if self._event_driven else self._cycle)
        self.create_timer(1.0 / params["diagnostics_rate"], self._publish_diagnostics)
        if params["realtime_priority"] > 0:
            # The thread that builds the node is the one that spins it (run_node_until_shutdown).
            problem = set_realtime_priority(params["realtime_priority"])
            if problem:
                self.get_logger().warning(f"realtime_priority {params['realtime_priority']} not applied: {problem}")
        self.get_logger().info(
            f"{self.robot.name}: {params['jacobian_source']} Jacobian, {self.config.control_rate:g} Hz, "
            f"trigger {params['trigger']}, output {params['command_type']}"
        )

    def reset_statistics(self, window_seconds: float = 5.0) -> None:
        """Start the per-state times and the loop timing window (the last `window_seconds` s of cycles)
        afresh, e.g. once start-up discovery is over."""
        self.loop_statistics = LoopStatistics(window=max(2, int(window_seconds * self.config.control_rate)))
        self.state_statistics = StateStatistics()

    # --- inputs -------------------------------------------------------------------------------------
    def _reject(self, kind: str, error: Exception) -> None:
        """Zero the command after a bad message: the controller forgets its twist and drift reference."""
        self.rejected_messages += 1
        self.controller.reject_input(kind, str(error))
        # Two call sites: rclpy throttles per call site, so a twist flood cannot hide joint-state warnings.
        if kind == "joint_state":
            self.get_logger().warning(
                f"rejected joint_state: {error}; commanding zero", throttle_duration_sec=WARN_PERIOD
            )
        else:
            self.get_logger().warning(f"rejected twist: {error}; commanding zero", throttle_duration_sec=WARN_PERIOD)

    def _on_joint_state(self, message: JointState) -> None:
        now = self._last_joint_state_arrival = time.monotonic()
        try:
            q = self.joint_map.ordered(message.name, message.position)
            self.controller.set_joint_state(q, now, self._sender_stamp(message))
        except (MessageError, ValueError) as error:
            self._reject("joint_state", error)
        if self._event_driven:
            self._cycle()

    def _sender_stamp(self, message: JointState) -> float | None:
        """The header stamp in s since the first non-zero one (None for an unstamped message)."""
        stamp = stamp_nanoseconds(message.header.stamp)
        if stamp == 0:
            return None
        if self._header_origin_ns is None:
            self._header_origin_ns = stamp
        return (stamp - self._header_origin_ns) * 1e-9

    def _on_twist_stamped(self, message: TwistStamped) -> None:
        try:
            frame = twist_frame(message.header.frame_id, self.robot.base_frame, self.robot.tool_frame)
        except MessageError as error:
            self._reject("twist", error)
            return
        self._accept_twist(message.twist, frame)

    def _on_twist(self, message: Twist) -> None:
        self._accept_twist(message, "base")

    def _accept_twist(self, twist: Twist, frame: str) -> None:
        try:
            self.controller.set_twist(twist_vector(twist.linear, twist.angular), frame, time.monotonic())
        except (MessageError, ValueError) as error:
            self._reject("twist", error)

    # --- control cycle ------------------------------------------------------------------------------
    def _on_watchdog(self) -> None:
        """Event-driven mode: while joint states have stopped arriving, run cycles at control_rate (they
        publish the controller's stop, like the timer mode does)."""
        arrival = self._last_joint_state_arrival
        if arrival is None or time.monotonic() - arrival > self.config.joint_state_timeout:
            self._cycle()

    def _cycle(self) -> None:
        start = time.monotonic()
        output = self.controller.update(start)
        compute = time.monotonic() - start
        self._publish_command(output.joint_velocity)
        period = self.loop_statistics.record(start, compute)  # None after a reset: that gap is not a period
        self.state_statistics.record(output.state, output.fell_back, self.period if period is None else period)
        self._last_output = output

    def _publish_command(self, velocity: np.ndarray) -> None:
        if not self._trajectory:
            self._command_publisher.publish(Float64MultiArray(data=velocity.tolist()))
            return
        # One point one period ahead: positions (if known) and velocities, for a joint_trajectory_controller.
        point = JointTrajectoryPoint(velocities=velocity.tolist(), time_from_start=self._point_duration)
        q = self.controller.joint_positions
        if q is not None:
            point.positions = (q + velocity * self.period).tolist()
        message = JointTrajectory(joint_names=self._trajectory_joint_names, points=[point])
        self._command_publisher.publish(message)

    # --- diagnostics --------------------------------------------------------------------------------
    def _publish_diagnostics(self) -> None:
        status = DiagnosticStatus(name=f"{self.get_name()}: resolved-rate controller", hardware_id=self.robot.name)
        if self._last_output is None:
            status.level, status.message = DiagnosticStatus.WARN, "no control cycle yet"
        else:
            output = self._last_output
            status.level = bytes([self.state_statistics.take_worst()])
            status.message = output.state.value + (f": {output.message}" if output.message else "")
            values = {
                "state": output.state.value,
                "fallback_jacobian": str(bool(output.fell_back)).lower(),
                "fallback_rate": f"{self.state_statistics.fallback_rate:.4f}",
                "sigma_min": f"{output.sigma_min:.6g}",
                "condition_number": f"{output.condition_number:.6g}",
                "manipulability": f"{output.manipulability:.6g}",
                "rejected_messages": str(self.rejected_messages),
            }
            values.update({k: f"{v:.4g}" for k, v in self.loop_statistics.summary().items()})
            values.update({f"time_{k}_s": f"{v:.3f}" for k, v in self.state_statistics.state_time.items()})
            status.values = [KeyValue(key=k, value=v) for k, v in values.items()]
        message = DiagnosticArray(status=[status])
        message.header.stamp = self.get_clock().now().to_msg()
        self._diagnostics_publisher.publish(message)


def main(args=None) -> None:
    """Console script `rrmc_node` (also `ros2 run jacobian_rrmc rrmc_node`)."""
    run_node_until_shutdown(RrmcNode, "rrmc_node", args)


if __name__ == "__main__":
    main()
