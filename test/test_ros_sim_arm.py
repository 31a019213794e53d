"""sim_arm over real DDS: joint_states content, integration of commands, timeout, malformed commands."""

import time

import numpy as np
import pytest

pytest.importorskip("rclpy")

from rclpy.node import Node  # noqa: E402
from rclpy.parameter import Parameter  # noqa: E402
from rclpy.qos import QoSProfile, qos_profile_sensor_data  # noqa: E402
from ros_probe import Probe, spin_for, spin_until  # noqa: E402
from sensor_msgs.msg import JointState  # noqa: E402
from std_msgs.msg import Float64MultiArray  # noqa: E402

from jacobian_rrmc.robots import load_robot  # noqa: E402
from jacobian_rrmc.ros.environment import create_executor  # noqa: E402
from jacobian_rrmc.ros.messages import VELOCITY_TOPIC, stamp_nanoseconds  # noqa: E402
from jacobian_rrmc.ros.sim_arm import SimArmNode  # noqa: E402

pytestmark = pytest.mark.ros

ROBOT = load_robot("sixi2")


def test_sim_arm_integrates_commands_and_stops_on_timeout(ros_context):
    sim = SimArmNode(
        context=ros_context,
        parameter_overrides=[
            Parameter("robot", value="sixi2"),
            Parameter("rate", value=200.0),
            Parameter("initial_configuration", value=""),
            Parameter("command_timeout", value=0.05),
        ],
    )
    probe = Probe(ros_context, listen_joint_states=True)
    commands = probe.create_publisher(Float64MultiArray, VELOCITY_TOPIC, QoSProfile(depth=10))
    executor = create_executor(ros_context)
    executor.add_node(sim)
    executor.add_node(probe)
    velocity = np.array([0.1, -0.05, 0.05, 0.2, -0.1, 0.3])
    try:
        assert spin_until(executor, lambda: len(probe.joint_states) > 3, timeout=5.0)
        first = probe.joint_states[-1][1]
        end = time.monotonic() + 0.5
        while time.monotonic() < end:
            commands.publish(Float64MultiArray(data=velocity.tolist()))
            commands.publish(Float64MultiArray(data=[1.0, 2.0]))  # wrong length: dropped
            spin_for(executor, 0.01)
        moving = probe.joint_states[-1][1]
        stopped_at = time.monotonic()
        spin_for(executor, 0.3)
        late = [m for arrival, m in probe.joint_states if arrival > stopped_at + 0.05 + 0.05]
    finally:
        executor.shutdown()
        sim.destroy_node()
        probe.destroy_node()
    assert list(first.name) == list(ROBOT.joint_names)
    np.testing.assert_array_equal(first.position, ROBOT.configuration("home"))  # default start: no qn
    np.testing.assert_allclose(moving.velocity, velocity, atol=1e-9)
    elapsed = 1e-9 * (stamp_nanoseconds(moving.header.stamp) - stamp_nanoseconds(first.header.stamp))
    travelled = (np.array(moving.position) - np.array(first.position)) / velocity
    assert np.all(travelled <= elapsed + 1e-6) and np.all(travelled > 0.5 * elapsed)
    assert len(late) > 10
    assert all(np.all(np.array(m.velocity) == 0.0) for m in late)
    assert len({tuple(m.position) for m in late}) == 1  # standing still


class Answerer(Node):
    """Answers each joint state with a fixed command, like rrmc_node with trigger: joint_state, while `answer`."""

    def __init__(self, context, velocity):
        super().__init__("answerer", context=context)
        self.answer, self.velocity, self.states = True, velocity, []
        self.publisher = self.create_publisher(Float64MultiArray, VELOCITY_TOPIC, QoSProfile(depth=10))
        self.create_subscription(JointState, "joint_states", self._on_joint_state, qos_profile_sensor_data)

    def _on_joint_state(self, message: JointState) -> None:
        self.states.append(message)
        if self.answer:
            self.publisher.publish(Float64MultiArray(data=self.velocity.tolist()))


def test_lockstep_steps_once_per_answer_on_an_exact_clock_and_times_out_without_one(ros_context):
    rate, timeout = 200.0, 0.03
    sim = SimArmNode(
        context=ros_context,
        parameter_overrides=[
            Parameter("robot", value="sixi2"),
            Parameter("rate", value=rate),
            Parameter("initial_configuration", value=""),
            Parameter("lockstep", value=True),
            Parameter("lockstep_timeout", value=timeout),
        ],
    )
    velocity = np.array([0.1, -0.05, 0.05, 0.2, -0.1, 0.3])
    answerer = Answerer(ros_context, velocity)
    executor = create_executor(ros_context)
    executor.add_node(sim)
    executor.add_node(answerer)
    try:
        assert spin_until(executor, lambda: len(answerer.states) > 50, timeout=5.0)
        answered = list(answerer.states)
        answerer.answer = False
        silent_from = len(answerer.states)
        start = time.monotonic()
        spin_for(executor, 0.5)
        silent = answerer.states[silent_from:]
        silent_seconds = time.monotonic() - start
    finally:
        executor.shutdown()
        sim.destroy_node()
        answerer.destroy_node()
    period_ns = round(1e9 / rate)
    stamps = np.array([stamp_nanoseconds(m.header.stamp) for m in answered + silent])
    assert np.all(np.diff(stamps) == period_ns)  # the arm's clock: exactly one period per step, waits or not
    moving = answered[-20:]
    for earlier, later in zip(moving, moving[1:], strict=False):
        np.testing.assert_allclose(np.subtract(later.position, earlier.position), velocity / rate, atol=1e-12)
    # Unanswered: a step only after each timeout (ticks are 1/rate apart, so a wait lasts up to one tick more).
    assert 0.5 * silent_seconds / (timeout + 1 / rate) <= len(silent) <= silent_seconds / timeout + 1
    assert sim.lockstep_timeouts >= len(silent) - 1
