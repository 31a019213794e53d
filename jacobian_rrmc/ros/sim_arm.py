"""`sim_arm`: ROS 2 shell around `ArmSimulator` — a velocity-controlled arm for demos and tests.

in   forward_velocity_controller/commands  std_msgs/Float64MultiArray (rad/s, robot joint order)
out  joint_states                           sensor_msgs/JointState (names from the robot YAML,
                                            positions with optional noise, velocities, header stamp)
A command of the wrong length or with non-finite values is dropped with a throttled warning (the arm
keeps its previous command until the command timeout stops it).

Two timings (parameter ``lockstep``):
    free      (default) a timer steps the arm at `rate` on the ROS clock and stamps each state with the
              time of its step. Commands take effect at the step after they arrive, so a late command or
              a late tick changes what the arm does: the scheduling jitter of the host is part of the run.
    lockstep  each step waits until a command has arrived since the last published state (the answer of an
              rrmc_node with ``trigger: joint_state``; with ``trigger: timer`` the answers are not paired with
              states), like a ros2_control loop's read → update → write. If a tick finds no answer and none
              comes within `lockstep_timeout` s (checked at the following ticks) it steps anyway, counted in
              `lockstep_timeouts`; an answer that then arrives late counts for the next state. The arm's clock
              advances exactly 1/rate per step: stamps are start + k/rate, and `command_timeout` is measured on
              that clock. Host scheduling changes when a step happens, not what it does.
"""

from __future__ import annotations

import time

import numpy as np
from rclpy.node import Node
from rclpy.qos import QoSProfile, qos_profile_sensor_data
from rclpy.time import Time
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.arm_simulator import ArmSimulator
from jacobian_rrmc.ros.environment import run_node_until_shutdown
from jacobian_rrmc.ros.messages import VELOCITY_TOPIC
from jacobian_rrmc.ros.parameters import declare, sim_arm_specs


class SimArmNode(Node):
    """Integrates commands at `rate` Hz and publishes joint_states each step; `simulator` is public, and so are
    the lockstep counters `lockstep_waits` (steps taken late, on a command's arrival) and `lockstep_timeouts`."""

    def __init__(self, *, context=None, parameter_overrides=None, cli_args=None, node_name: str = "sim_arm"):
        super().__init__(node_name, context=context, parameter_overrides=parameter_overrides or [], cli_args=cli_args)
        params = declare(self, sim_arm_specs())
        self.robot = load_robot(params["robot"])
        start = params["initial_configuration"] or self.robot.default_configuration_name
        q0 = self.robot.configuration(start) if start else np.zeros(self.robot.n_joints)
        self.simulator = ArmSimulator(
            self.robot,
            q0,
            command_timeout=params["command_timeout"],
            latency=params["latency"],
            noise_std=params["noise_std"],
            seed=params["seed"],
        )
        self._names = list(self.robot.joint_names)
        self._start_ns = self.get_clock().now().nanoseconds
        self._lockstep = params["lockstep"]
        self._lockstep_timeout = params["lockstep_timeout"]
        self._period_ns = round(1e9 / params["rate"])
        self._steps = 0  # lockstep: steps taken; the arm's time is steps · period
        self._answered = False  # lockstep: a command arrived since the last published state
        self._waiting_since: float | None = None  # lockstep: monotonic time a tick found no answer
        self.lockstep_waits = 0
        self.lockstep_timeouts = 0
        self.create_subscription(Float64MultiArray, VELOCITY_TOPIC, self._on_command, QoSProfile(depth=10))
        self._publisher = self.create_publisher(JointState, "joint_states", qos_profile_sensor_data)
        self.create_timer(1.0 / params["rate"], self._on_tick if self._lockstep else self._step_now)
        if self._lockstep:
            self.simulator.step(0.0)  # starts the simulator's clock at the first state's stamp
            self._publish(self._start_ns)  # the first state, for the controller to answer

    def _seconds(self, nanoseconds: int) -> float:
        """Seconds since start-up: the simulator integrates on the clock that stamps joint_states (so
        Δq/Δstamp is the executed velocity), offset so a float keeps ns resolution."""
        return (nanoseconds - self._start_ns) * 1e-9

    def arm_time_ns(self) -> int:
        """The arm's time, ns (what its joint_states are stamped with): the ROS clock when free, start + steps ·
        period in lockstep."""
        if self._lockstep:
            return self._start_ns + self._steps * self._period_ns
        return self.get_clock().now().nanoseconds

    def _on_command(self, message: Float64MultiArray) -> None:
        try:
            self.simulator.command(message.data, self._seconds(self.arm_time_ns()))
        except ValueError as error:
            self.get_logger().warning(f"dropped command: {error}", throttle_duration_sec=1.0)
            return
        self._answered = True
        if self._waiting_since is not None:
            self.lockstep_waits += 1
            self._step_lockstep()

    def _on_tick(self) -> None:
        if self._answered:
            self._step_lockstep()
        elif self._waiting_since is None:
            self._waiting_since = time.monotonic()
        elif time.monotonic() - self._waiting_since >= self._lockstep_timeout:
            self.lockstep_timeouts += 1
            self._step_lockstep()

    def _step_lockstep(self) -> None:
        self._steps += 1
        self._answered, self._waiting_since = False, None
        self._step_now()

    def _step_now(self) -> None:
        now_ns = self.arm_time_ns()
        self.simulator.step(self._seconds(now_ns))
        self._publish(now_ns)

    def _publish(self, stamp_ns: int) -> None:
        message = JointState(
            name=self._names,
            position=self.simulator.measured_position().tolist(),
            velocity=self.simulator.qd.tolist(),
        )
        message.header.stamp = Time(nanoseconds=stamp_ns).to_msg()
        self._publisher.publish(message)


def main(args=None) -> None:
    """Console script `sim_arm` (also `ros2 run jacobian_rrmc sim_arm`)."""
    run_node_until_shutdown(SimArmNode, "sim_arm", args)


if __name__ == "__main__":
    main()
