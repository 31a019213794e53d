"""The demo's twist script: geometry, timing and frames (plain Python)."""

import numpy as np
import pytest

from jacobian_rrmc.control import ControllerConfig, ResolvedRateController
from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.arm_simulator import ArmSimulator
from jacobian_rrmc.ros.twist_script import LINE, PAUSE, ROTATION, SQUARE, TwistScript, script_for_robot


def integrate(script, phase, frame, step=1e-4):
    """Sum of twist·dt over the segments of one phase, by sampling segment_at at midpoints; each segment
    boundary adds at most speed·step of sampling error."""
    times = np.arange(0.0, script.duration, step) + step / 2
    total = np.zeros(6)
    for t in times:
        segment = script.segment_at(t)
        if segment.phase == phase and segment.frame == frame:
            total += segment.twist * step
    return total


def test_total_duration_and_paths_close():
    script = TwistScript(duration=20.0, square_side=0.1, line_length=0.05, rotation_angle=1.0)
    assert script.duration == pytest.approx(20.0)
    linear, angular = 8 * script.linear_speed * 1e-4, 4 * script.angular_speed * 1e-4
    np.testing.assert_allclose(integrate(script, SQUARE, "base"), 0.0, atol=linear)
    np.testing.assert_allclose(integrate(script, LINE, "base"), 0.0, atol=linear)
    np.testing.assert_allclose(integrate(script, ROTATION, "tool"), 0.0, atol=angular)


def test_square_side_length_and_horizontal_plane():
    script = TwistScript(square_side=0.1)
    first = next(s for s in script.segments if s.phase == SQUARE)
    np.testing.assert_allclose(first.twist * first.duration, [0.1, 0, 0, 0, 0, 0], atol=1e-12)
    for segment in script.segments:
        if segment.phase == SQUARE:
            assert segment.twist[2] == 0.0 and np.all(segment.twist[3:] == 0.0)


def test_rotation_is_pure_about_tool_z():
    script = TwistScript(rotation_angle=np.pi / 2)
    rotations = [s for s in script.segments if s.phase == ROTATION]
    assert len(rotations) == 2
    for segment in rotations:
        assert segment.frame == "tool"
        np.testing.assert_array_equal(segment.twist[:5], 0.0)
        assert abs(segment.twist[5] * segment.duration) == pytest.approx(np.pi / 2)


def test_pauses_separate_every_move_and_after_the_end_is_zero():
    script = TwistScript(pause=0.4)
    phases = [s.phase for s in script.segments]
    assert phases[0] == PAUSE and phases[-1] == PAUSE
    assert all((a == PAUSE) != (b == PAUSE) for a, b in zip(phases, phases[1:], strict=False))
    np.testing.assert_array_equal(script.segment_at(script.duration + 5.0).twist, 0.0)


def test_shorter_duration_means_proportionally_faster():
    slow, fast = TwistScript(duration=40.0, pause=0.0), TwistScript(duration=20.0, pause=0.0)
    assert fast.linear_speed == pytest.approx(2 * slow.linear_speed)
    assert fast.angular_speed == pytest.approx(2 * slow.angular_speed)


def test_duration_too_short_for_the_pauses_is_rejected():
    with pytest.raises(ValueError, match="no time for motion"):
        TwistScript(duration=4.0, pause=0.5)


@pytest.mark.parametrize(("robot_name", "start"), [("puma560", "qn"), ("sixi2", "home")])
def test_demo_script_stays_clear_of_limits_and_singularities(robot_name, start):
    """Run the demo's script through the real controller and an ideal arm, without ROS, at 250 Hz."""
    robot = load_robot(robot_name)
    script = script_for_robot(robot_name, duration=20.0)
    config = ControllerConfig(control_rate=250.0)
    controller = ResolvedRateController(robot, make_jacobian_source("analytic", robot), config)
    arm = ArmSimulator(robot, robot.configuration(start))
    states, lowest_sigma, closest_to_limit = set(), np.inf, np.inf
    for k in range(int(script.duration * config.control_rate)):
        now = k * config.period
        segment = script.segment_at(now)
        controller.set_joint_state(arm.q, now)
        controller.set_twist(segment.twist, segment.frame, now)
        output = controller.update(now)
        arm.command(output.joint_velocity, now)
        arm.step(now)
        states.add(output.state.value)
        lowest_sigma = min(lowest_sigma, output.sigma_min)
        closest_to_limit = min(closest_to_limit, np.min(np.minimum(arm.q - robot.q_min, robot.q_max - arm.q)))
    assert states <= {"ok", "idle"}
    assert closest_to_limit > config.joint_limit_margin  # rad: never in the slow-down zone
    assert lowest_sigma > 2 * config.damping_threshold  # never damped


def test_demo_script_speeds_scale_inversely_with_duration():
    slow, fast = script_for_robot("puma560", 20.0), script_for_robot("puma560", 5.0)
    assert fast.linear_speed == pytest.approx(4 * slow.linear_speed)
    assert fast.angular_speed == pytest.approx(4 * slow.angular_speed)
    assert slow.duration == pytest.approx(20.0)


def test_tilt_rotates_about_tool_x_and_returns():
    script = TwistScript(rotation_angle=np.pi / 2, tilt_angle=np.pi / 6)
    tilts = [s for s in script.segments if s.phase == ROTATION and s.twist[3] != 0]
    assert len(tilts) == 2
    assert sum(s.twist[3] * s.duration for s in tilts) == pytest.approx(0.0, abs=1e-12)
    for segment in tilts:
        assert segment.frame == "tool"
        np.testing.assert_array_equal(segment.twist[[0, 1, 2, 4, 5]], 0.0)
        assert abs(segment.twist[3] * segment.duration) == pytest.approx(np.pi / 6)
