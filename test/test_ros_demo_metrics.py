"""Demo scoring against motions whose twist is known in closed form."""

import numpy as np
import pytest

from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.demo_metrics import achieved_twists, commanded_path, score_tracking
from jacobian_rrmc.ros.twist_script import ROTATION, TwistScript
from jacobian_rrmc.spatial import rot_x, rot_z


def test_achieved_twist_of_a_screw_motion():
    times = np.linspace(0.0, 1.0, 101)
    v, w = np.array([0.1, -0.2, 0.05]), 0.7
    poses = np.tile(np.eye(4), (len(times), 1, 1))
    poses[:, :3, :3] = [rot_z(w * t) @ rot_x(0.3) for t in times]
    poses[:, :3, 3] = [np.array([0.5, 0.0, 0.2]) + v * t for t in times]
    twists = achieved_twists(poses, times)
    np.testing.assert_allclose(twists[:, :3], np.tile(v, (100, 1)), atol=1e-12)
    np.testing.assert_allclose(twists[:, 3:], np.tile([0, 0, w], (100, 1)), atol=1e-9)


def wrist_roll_following_rotations(robot, script, times):
    """q(t): PUMA at qn, joint 6 (whose axis is the tool z axis through the tool point) integrating exactly
    the script's tool-z rate; all other joints still."""
    q = np.tile(robot.configuration("qn"), (len(times), 1))
    for segment in script.segments:
        if segment.phase == ROTATION:
            elapsed = np.clip(times - segment.start, 0.0, segment.duration)
            q[:, 5] += segment.twist[5] * elapsed
    return q


def test_scoring_a_wrist_roll_that_ignores_the_translations():
    robot = load_robot("puma560")
    script = TwistScript(duration=12.0, pause=0.2)
    times = np.arange(-0.2, script.duration + 0.2, 2e-3)
    result = score_tracking(robot, script, times, wrist_roll_following_rotations(robot, script, times))
    # Rotations are exact and the tool point stays put; every translation is missed entirely.
    assert result.rotation_drift < 1e-12
    assert result.error_max[1] < 1e-9
    assert result.error_max[0] == pytest.approx(script.linear_speed, rel=1e-9)
    moving = result.scored & (np.linalg.norm(result.commanded[:, :3], axis=1) > 0)
    still = result.scored & ~moving
    expected_rms = script.linear_speed * np.sqrt(moving.sum() / (moving.sum() + still.sum()))
    assert result.error_rms[0] == pytest.approx(expected_rms, rel=1e-9)
    # Per phase: every square and line interval misses the whole commanded speed, rotations and pauses nothing.
    phases = result.error_rms_by_phase
    assert set(phases) == {"pause", "square", "line", "rotation"}
    for phase in ("square", "line"):
        assert phases[phase][0] == pytest.approx(script.linear_speed, rel=1e-9)
    assert max(phases["rotation"] + phases["pause"]) < 1e-9
    # The tool-frame command was rotated into the base frame: it equals the measured tool z axis.
    tool_z = forward_kinematics(robot, robot.configuration("qn"))[:3, 2]
    in_rotation = result.scored & (np.linalg.norm(result.commanded[:, 3:], axis=1) > 0)
    np.testing.assert_allclose(
        np.abs(result.commanded[in_rotation, 3:]),
        np.abs(np.outer(np.full(in_rotation.sum(), script.angular_speed), tool_z)),
        atol=1e-12,
    )


def test_settle_window_excludes_samples_right_after_steps():
    robot = load_robot("puma560")
    script = TwistScript(duration=12.0, pause=0.2)
    times = np.arange(0.0, script.duration, 1e-2)
    q = wrist_roll_following_rotations(robot, script, times)
    result = score_tracking(robot, script, times, q, settle=0.1)
    starts, ends = times[:-1][result.scored], times[1:][result.scored]
    for step in script.boundaries():
        assert np.all((ends <= step) | (starts >= step + 0.1))
    assert result.scored.sum() > 0.8 * len(times)


def test_commanded_path_traces_the_square_and_returns():
    script = TwistScript(duration=12.0, square_side=0.1, pause=0.2)
    times = np.arange(0.0, script.duration, 1e-4)
    path = commanded_path(script, times, np.zeros(3))
    assert path[:, 0].max() == pytest.approx(0.1, abs=1e-4)
    assert path[:, 1].max() == pytest.approx(0.1, abs=1e-4)
    np.testing.assert_allclose(path[-1], 0.0, atol=1e-4)


def test_unordered_times_are_rejected():
    robot = load_robot("puma560")
    q = np.tile(robot.configuration("qn"), (4, 1))
    with pytest.raises(ValueError, match="strictly increasing"):
        score_tracking(robot, TwistScript(), np.array([0.0, 0.1, 0.1, 0.2]), q)
