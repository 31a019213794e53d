"""rrmc_node + sim_arm over real DDS: the hand velocity measured from joint_states (FK) follows the twist."""

import time

import numpy as np
import pytest

pytest.importorskip("rclpy")

from rclpy.parameter import Parameter  # noqa: E402
from ros_probe import Probe, spin_for, spin_until, twist_stamped  # noqa: E402

from jacobian_rrmc.kinematics import forward_kinematics  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402
from jacobian_rrmc.ros.environment import create_executor  # noqa: E402
from jacobian_rrmc.ros.messages import JointNameMap, stamp_nanoseconds  # noqa: E402
from jacobian_rrmc.ros.rrmc_node import RrmcNode  # noqa: E402
from jacobian_rrmc.ros.sim_arm import SimArmNode  # noqa: E402
from jacobian_rrmc.spatial import rotation_log  # noqa: E402

pytestmark = pytest.mark.ros

RATE = 250.0


def make_loop(context, robot: str, start: str, trigger: str = "timer"):
    sim = SimArmNode(
        context=context,
        parameter_overrides=[
            Parameter("robot", value=robot),
            Parameter("rate", value=RATE),
            Parameter("initial_configuration", value=start),
        ],
    )
    node = RrmcNode(
        context=context,
        parameter_overrides=[
            Parameter("robot", value=robot),
            Parameter("control_rate", value=RATE),
            Parameter("trigger", value=trigger),
        ],
    )
    probe = Probe(context, listen_joint_states=True)
    executor = create_executor(context)
    for n in (sim, node, probe):
        executor.add_node(n)
    return executor, sim, node, probe


def teardown(executor, *nodes):
    executor.shutdown()
    for n in nodes:
        n.destroy_node()


def hand_motion(robot, probe, since: float, until: float):
    """Mean base-frame twist of the tool between the first and last joint_states received in [since, until]."""
    joint_map = JointNameMap(robot.joint_names)
    window = [m for arrival, m in probe.joint_states if since <= arrival <= until]
    assert len(window) > 20, "too few joint states in the window"
    first, last = window[0], window[-1]
    dt = 1e-9 * (stamp_nanoseconds(last.header.stamp) - stamp_nanoseconds(first.header.stamp))
    poses = forward_kinematics(robot, np.array([joint_map.ordered(m.name, m.position) for m in (first, last)]))
    linear = (poses[1, :3, 3] - poses[0, :3, 3]) / dt
    angular = rotation_log(poses[1, :3, :3] @ poses[0, :3, :3].T) / dt
    return np.concatenate([linear, angular]), poses


@pytest.mark.parametrize(("robot_name", "start"), [("puma560", "qn"), ("sixi2", "home")])
def test_hand_follows_a_base_frame_twist(ros_context, robot_name, start):
    robot = load_robot(robot_name)
    executor, *nodes = make_loop(ros_context, robot_name, start)
    probe = nodes[-1]
    try:
        assert spin_until(executor, lambda: len(probe.joint_states) > 5, timeout=5.0)
        twist = np.array([0.04, -0.03, 0.02, 0.0, 0.0, 0.0])
        probe.twist_message = twist_stamped(twist, robot.base_frame)
        spin_for(executor, 0.3)  # settle after the step
        begin = time.monotonic()
        spin_for(executor, 0.8)
        achieved, _ = hand_motion(robot, probe, begin, time.monotonic())
    finally:
        teardown(executor, *nodes)
    np.testing.assert_allclose(achieved[:3], twist[:3], atol=0.03 * np.linalg.norm(twist))
    np.testing.assert_allclose(achieved[3:], 0.0, atol=0.01)


def test_rotation_about_the_tool_axis_keeps_the_tool_point(ros_context):
    robot = load_robot("sixi2")
    executor, *nodes = make_loop(ros_context, "sixi2", "home")
    probe = nodes[-1]
    try:
        assert spin_until(executor, lambda: len(probe.joint_states) > 5, timeout=5.0)
        probe.twist_message = twist_stamped([0, 0, 0, 0, 0, 0.4], robot.tool_frame)
        spin_for(executor, 0.3)
        begin = time.monotonic()
        spin_for(executor, 0.8)
        achieved, poses = hand_motion(robot, probe, begin, time.monotonic())
    finally:
        teardown(executor, *nodes)
    tool_z = poses[0, :3, 2]
    np.testing.assert_allclose(achieved[3:], 0.4 * tool_z, atol=0.4 * 0.03)
    assert np.linalg.norm(poses[1, :3, 3] - poses[0, :3, 3]) < 1e-3  # m over 0.8 s of rotation


def test_joint_state_trigger_runs_one_cycle_per_joint_state_and_stops_when_they_stop(ros_context):
    robot = load_robot("puma560")
    executor, sim, node, probe = make_loop(ros_context, "puma560", "qn", trigger="joint_state")
    try:
        assert spin_until(executor, lambda: len(probe.joint_states) > 5, timeout=5.0)
        probe.twist_message = twist_stamped([0.03, 0, 0, 0, 0, 0], robot.base_frame)
        spin_for(executor, 0.3)
        cycles, states = node.loop_statistics.cycles, len(probe.joint_states)
        begin = time.monotonic()
        spin_for(executor, 1.0)
        achieved, _ = hand_motion(robot, probe, begin, time.monotonic())
        cycles, states = node.loop_statistics.cycles - cycles, len(probe.joint_states) - states
        executor.remove_node(sim)
        sim.destroy_node()
        stopped = time.monotonic()
        spin_for(executor, 0.4)
        config = node.config
        after = probe.commands_after(stopped + config.joint_state_timeout + config.stop_ramp_time + node.period + 0.03)
    finally:
        teardown(executor, node, probe)
    assert cycles == pytest.approx(states, rel=0.1)  # both see the same joint_states stream
    np.testing.assert_allclose(achieved[:3], [0.03, 0, 0], atol=0.03 * 0.03)
    assert len(after) > 10 and np.all(after == 0.0)  # the watchdog published the (ramped) stop
