"""rrmc_node over real DDS (rclpy from the wheels): commands, staleness, bad input, floods, frames.

A probe node plays the robot driver (publishes joint_states at a fixed configuration) and the operator
(publishes cmd_twist), and records the commands and diagnostics. Drift correction is off here because
the probe's arm never moves, so each command must equal the plain resolved-rate solution J0⁻¹ν.
"""

import time

import numpy as np
import pytest

pytest.importorskip("rclpy")

from rclpy.parameter import Parameter  # noqa: E402
from ros_probe import Probe, joint_state, spin_for, spin_until, twist_stamped  # noqa: E402

from jacobian_rrmc.kinematics import jacobian_end_effector, jacobian_world  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402
from jacobian_rrmc.ros.environment import create_executor  # noqa: E402
from jacobian_rrmc.ros.messages import TRAJECTORY_TOPIC  # noqa: E402
from jacobian_rrmc.ros.rrmc_node import RrmcNode  # noqa: E402

pytestmark = pytest.mark.ros

ROBOT = load_robot("puma560")
QN = ROBOT.configuration("qn")
NAMES = ROBOT.joint_names
TWIST = np.array([0.03, -0.02, 0.01, 0.0, 0.0, 0.1])
EXPECTED = np.linalg.solve(jacobian_world(ROBOT, QN), TWIST)  # far from singular at qn: no damping
SLACK = 0.03  # s allowed for scheduling and transport on a shared CI machine


@pytest.fixture
def rig(ros_context):
    """(executor, node, probe) with the node at 200 Hz, fast diagnostics, no drift correction, no stop ramp."""
    overrides = [
        Parameter("control_rate", value=200.0),
        Parameter("diagnostics_rate", value=50.0),
        Parameter("drift_correction", value=False),
        Parameter("stop_ramp_time", value=0.0),
    ]
    node = RrmcNode(context=ros_context, parameter_overrides=overrides)
    probe = Probe(ros_context)
    executor = create_executor(ros_context)
    executor.add_node(node)
    executor.add_node(probe)
    yield executor, node, probe
    executor.shutdown()
    node.destroy_node()
    probe.destroy_node()


def moving(executor, probe, twist=TWIST, frame="base_link") -> None:
    """Feed valid joint states and a twist until commands equal to the expected solution arrive."""
    probe.joint_state_message = joint_state(NAMES, QN)
    probe.twist_message = twist_stamped(twist, frame)
    assert spin_until(executor, lambda: probe.commands and np.any(probe.commands[-1][1] != 0), timeout=5.0)
    spin_for(executor, 0.1)


def test_command_is_the_resolved_rate_solution_with_names_in_any_order(rig):
    executor, _, probe = rig
    order = [3, 0, 5, 1, 4, 2]
    names = ["gripper_joint", *[NAMES[i] for i in order]]
    probe.joint_state_message = joint_state(names, [0.7, *QN[order]])
    probe.twist_message = twist_stamped(TWIST, "base_link")
    assert spin_until(executor, lambda: probe.commands and np.any(probe.commands[-1][1] != 0), timeout=5.0)
    spin_for(executor, 0.1)
    np.testing.assert_allclose(probe.commands[-1][1], EXPECTED, rtol=1e-9, atol=1e-12)


def test_tool_frame_twist_is_resolved_with_the_end_effector_jacobian(rig):
    executor, _, probe = rig
    moving(executor, probe, frame="tool0")
    expected = np.linalg.solve(jacobian_end_effector(ROBOT, QN), TWIST)
    np.testing.assert_allclose(probe.commands[-1][1], expected, rtol=1e-9, atol=1e-12)


def test_stale_twist_halts_within_timeout_plus_one_period(rig):
    executor, node, probe = rig
    moving(executor, probe)
    probe.twist_message = None
    last_sent = probe.last_twist_sent
    spin_for(executor, 0.3)
    deadline = last_sent + node.config.twist_timeout + node.period + SLACK
    before = probe.commands_after(last_sent)
    assert np.any(before[0] != 0), "still moving right after the last twist"
    after = probe.commands_after(deadline)
    assert len(after) > 10 and np.all(after == 0.0)
    assert probe.last_status_value("state") == "stale_twist"


@pytest.mark.parametrize(
    ("kind", "bad_message"),
    [
        ("joint_state", joint_state(NAMES, [*QN[:2], np.nan, *QN[3:]])),
        ("joint_state", joint_state(NAMES, [*QN[:5], np.inf])),
        ("joint_state", joint_state([*NAMES[:5], "joint_seven"], QN)),
        ("joint_state", joint_state(NAMES, QN[:5])),
        ("twist", twist_stamped([0.01, np.nan, 0, 0, 0, 0], "base_link")),
        ("twist", twist_stamped(TWIST, "camera_link")),
    ],
    ids=["nan_position", "inf_position", "wrong_name", "length_mismatch", "nan_twist", "unknown_frame"],
)
def test_bad_input_gives_zero_velocity_and_a_diagnostic_then_recovers(rig, kind, bad_message):
    executor, node, probe = rig
    moving(executor, probe)
    rejected = node.rejected_messages
    if kind == "joint_state":
        probe.joint_state_message = bad_message
    else:
        probe.twist_message = bad_message
    sent = time.monotonic()
    spin_for(executor, 0.25)
    after = probe.commands_after(sent + SLACK)
    assert len(after) > 10 and np.all(after == 0.0)
    assert node.rejected_messages > rejected
    assert any(s.level == b"\x02" and "invalid_input" in s.message for s in probe.statuses)
    assert probe.last_status_value("state") == "invalid_input"
    # Valid input again: the node resumes with the correct command.
    moving(executor, probe)
    np.testing.assert_allclose(probe.commands[-1][1], EXPECTED, rtol=1e-9, atol=1e-12)


def test_node_survives_a_flood_of_malformed_messages(rig):
    executor, node, probe = rig
    moving(executor, probe)
    probe.joint_state_message = None
    probe.twist_message = None
    rejected = node.rejected_messages
    bad_joint_states = [
        joint_state(NAMES, [np.nan] * 6),
        joint_state(NAMES, QN[:3]),
        joint_state(["a", "b"], [1.0, 2.0]),
        joint_state([*NAMES, NAMES[0]], [*QN, 0.0]),
        joint_state([], []),
    ]
    bad_twists = [twist_stamped([np.inf, 0, 0, 0, 0, 0], "base_link"), twist_stamped(TWIST, "elsewhere")]
    for k in range(2000):
        if k % 3 == 2:
            probe.twist_publisher.publish(bad_twists[k % 2])
        else:
            probe.joint_state_publisher.publish(bad_joint_states[k % 5])
        executor.spin_once(timeout_sec=0.0)
    spin_for(executor, 0.3)
    # Sensor-data QoS (best effort, depth 5) may drop part of a burst; most messages must be handled.
    assert node.rejected_messages - rejected > 1000
    recent = probe.commands_after(time.monotonic() - 0.1)
    assert len(recent) > 5 and np.all(recent == 0.0)
    moving(executor, probe)
    np.testing.assert_allclose(probe.commands[-1][1], EXPECTED, rtol=1e-9, atol=1e-12)


def test_stale_joint_states_stop_the_command(rig):
    executor, node, probe = rig
    moving(executor, probe)
    probe.joint_state_message = None
    stopped = time.monotonic()
    spin_for(executor, 0.35)
    after = probe.commands_after(stopped + node.config.joint_state_timeout + node.period + SLACK)
    assert len(after) > 10 and np.all(after == 0.0)
    assert probe.last_status_value("state") == "stale_joint_state"


def test_diagnostics_report_loop_timing(rig):
    executor, _, probe = rig
    moving(executor, probe)
    spin_for(executor, 0.5)
    assert float(probe.last_status_value("rate_hz")) == pytest.approx(200.0, rel=0.25)
    assert float(probe.last_status_value("compute_p99_us")) > 0.0
    assert probe.last_status_value("fallback_jacobian") == "false"


def test_plain_twist_input_trajectory_output_and_topic_remapping(ros_context):
    from geometry_msgs.msg import Twist
    from rclpy.qos import QoSProfile
    from trajectory_msgs.msg import JointTrajectory

    overrides = [
        Parameter("control_rate", value=200.0),
        Parameter("drift_correction", value=False),
        Parameter("twist_stamped", value=False),
        Parameter("command_type", value="trajectory"),
    ]
    # Remapped, because one DDS participant cannot carry Twist and the probe's TwistStamped on one topic.
    remap = ["--ros-args", "-r", "cmd_twist:=operator/twist"]
    node = RrmcNode(context=ros_context, parameter_overrides=overrides, cli_args=remap)
    probe = Probe(ros_context)
    trajectories = []
    probe.create_subscription(JointTrajectory, TRAJECTORY_TOPIC, trajectories.append, QoSProfile(depth=100))
    twist_publisher = probe.create_publisher(Twist, "operator/twist", QoSProfile(depth=10))
    executor = create_executor(ros_context)
    executor.add_node(node)
    executor.add_node(probe)
    plain = Twist()
    plain.linear.x, plain.linear.y, plain.linear.z = TWIST[:3]
    plain.angular.x, plain.angular.y, plain.angular.z = TWIST[3:]
    probe.joint_state_message = joint_state(NAMES, QN)
    try:
        end = time.monotonic() + 5.0
        while time.monotonic() < end and not (trajectories and any(trajectories[-1].points[0].velocities)):
            twist_publisher.publish(plain)
            spin_for(executor, 0.02)
    finally:
        executor.shutdown()
        node.destroy_node()
        probe.destroy_node()
    point = trajectories[-1].points[0]
    assert list(trajectories[-1].joint_names) == list(NAMES)
    np.testing.assert_allclose(point.velocities, EXPECTED, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(point.positions, QN + EXPECTED / 200.0, rtol=1e-9, atol=1e-12)
    assert point.time_from_start.nanosec == 5_000_000


def test_near_a_wrist_singularity_the_node_halts_and_reports_an_error(rig):
    executor, _, probe = rig
    q = QN.copy()
    q[4] = 0.03  # rad: wrist almost straight, condition number ≈ 130 (hard threshold 100)
    probe.joint_state_message = joint_state(NAMES, q)
    probe.twist_message = twist_stamped(TWIST, "base_link")
    assert spin_until(executor, lambda: probe.last_status_value("state") == "halted_singularity", timeout=5.0)
    assert np.all(probe.commands[-1][1] == 0.0)
    assert any(s.level == b"\x02" and s.message.startswith("halted_singularity") for s in probe.statuses)
    assert float(probe.last_status_value("condition_number")) > 100.0


def test_trajectory_point_time_splits_periods_of_a_second_or_more(ros_context):
    """builtin_interfaces/Duration refuses nanosec ≥ 1e9: a 0.2 Hz node must still publish (5 s = 5 s + 0 ns)."""
    from trajectory_msgs.msg import JointTrajectory

    node = RrmcNode(
        context=ros_context,
        parameter_overrides=[
            Parameter("control_rate", value=0.2),
            Parameter("drift_gain", value=0.1),  # gains must stay below the control rate
            Parameter("singularity_approach_gain", value=0.1),
            Parameter("command_type", value="trajectory"),
        ],
        node_name="rrmc_slow",
    )
    received = []
    listener = node.create_subscription(JointTrajectory, TRAJECTORY_TOPIC, received.append, 10)
    try:
        node._publish_command(np.zeros(6))
        executor = create_executor(ros_context)
        executor.add_node(node)
        spin_until(executor, lambda: received, 5.0)
        executor.shutdown()
        point = received[0].points[0]
        assert (point.time_from_start.sec, point.time_from_start.nanosec) == (5, 0)
    finally:
        node.destroy_subscription(listener)
        node.destroy_node()


def test_joint_state_header_stamps_reach_the_controller(rig):
    """Each JointState's header stamp goes to the controller as its sample time (s since the first stamped
    message; ns resolution kept); an unstamped message passes None (the controller then uses arrival time)."""
    executor, node, probe = rig
    received = []
    set_joint_state = node.controller.set_joint_state

    def recording(q, stamp, sender_stamp=None):
        received.append(sender_stamp)
        set_joint_state(q, stamp, sender_stamp)

    node.controller.set_joint_state = recording
    stamps = [(1_700_000_000, 999_000_000, 0.0), (1_700_000_001, 3_000_001, 0.004000001), (0, 0, None),
              (1_700_000_001, 9_000_000, 0.010)]  # fmt: skip
    for sec, nanosec, expected in stamps:
        message = joint_state(NAMES, QN)
        message.header.stamp.sec, message.header.stamp.nanosec = sec, nanosec

        def arrived(m=message, value=expected):
            probe.joint_state_publisher.publish(m)
            last = received[-1] if received else "nothing"
            return last is None if value is None else last is not None and last == pytest.approx(value, abs=1e-12)

        assert spin_until(executor, arrived, timeout=2.0), f"stamp {sec}.{nanosec:09d}: controller got {received[-3:]}"
