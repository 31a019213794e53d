"""`sim_arm`: ROS 2 shell around `ArmSimulator` — a velocity-controlled arm for demos and tests.

in   forward_velocity_controller/commands  std_msgs/Float64MultiArray (rad/s, robot joint order)
out  joint_states                           sensor_msgs/JointState (names from the robot YAML,
                                            positions with optional noise, velocities, header stamp)
A command of the wrong length or with non-finite values is dropped with a throttled warning (the arm
keeps its previous command until the command timeout stops it).
"""

from __future__ import annotations

import numpy as np
from rclpy.node import Node
from rclpy.qos import QoSProfile, qos_profile_sensor_data
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray

from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.arm_simulator import ArmSimulator
from jacobian_rrmc.ros.environment import run_node_until_shutdown
from jacobian_rrmc.ros.messages import VELOCITY_TOPIC
from jacobian_rrmc.ros.parameters import declare, sim_arm_specs


class SimArmNode(Node):
    """Integrates commands at `rate` Hz and publishes joint_states each step; `simulator` is public."""

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
        self.create_subscription(Float64MultiArray, VELOCITY_TOPIC, self._on_command, QoSProfile(depth=10))
        self._publisher = self.create_publisher(JointState, "joint_states", qos_profile_sensor_data)
        self.create_timer(1.0 / params["rate"], self._step)

    def _seconds(self, now) -> float:
        """Seconds since start-up of a ROS time: the simulator integrates on the clock that stamps
        joint_states (so a late tick keeps Δq/Δstamp consistent), offset so a float keeps ns resolution."""
        return (now.nanoseconds - self._start_ns) * 1e-9

    def _on_command(self, message: Float64MultiArray) -> None:
        try:
            self.simulator.command(message.data, self._seconds(self.get_clock().now()))
        except ValueError as error:
            self.get_logger().warning(f"dropped command: {error}", throttle_duration_sec=1.0)

    def _step(self) -> None:
        now = self.get_clock().now()
        self.simulator.step(self._seconds(now))
        message = JointState(
            name=self._names,
            position=self.simulator.measured_position().tolist(),
            velocity=self.simulator.qd.tolist(),
        )
        message.header.stamp = now.to_msg()
        self._publisher.publish(message)


def main(args=None) -> None:
    """Console script `sim_arm` (also `ros2 run jacobian_rrmc sim_arm`)."""
    run_node_until_shutdown(SimArmNode, "sim_arm", args)


if __name__ == "__main__":
    main()
