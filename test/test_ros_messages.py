"""Message conversion without DDS: JointState name matching, twist parsing and frames."""

from types import SimpleNamespace

import numpy as np
import pytest

from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.messages import (
    JointNameMap,
    MessageError,
    stamp_nanoseconds,
    twist_frame,
    twist_vector,
)

NAMES = ("joint_1", "joint_2", "joint_3")


def test_names_in_any_order_are_matched_and_extra_joints_ignored():
    names = ["gripper", "joint_3", "joint_1", "conveyor", "joint_2"]
    positions = [9.0, 3.0, 1.0, 8.0, 2.0]
    np.testing.assert_array_equal(JointNameMap(NAMES).ordered(names, positions), [1.0, 2.0, 3.0])


def test_cached_order_is_invalidated_when_names_change():
    joint_map = JointNameMap(NAMES)
    np.testing.assert_array_equal(joint_map.ordered(list(NAMES), [1, 2, 3]), [1, 2, 3])
    np.testing.assert_array_equal(joint_map.ordered(["joint_2", "joint_3", "joint_1"], [2, 3, 1]), [1, 2, 3])


def test_every_robot_order_permutation_round_trips(rng):
    robot = load_robot("puma560")
    q = robot.random_configurations(1, rng)[0]
    order = rng.permutation(robot.n_joints)
    names = [robot.joint_names[i] for i in order]
    np.testing.assert_array_equal(JointNameMap(robot.joint_names).ordered(names, q[order]), q)


@pytest.mark.parametrize(
    ("names", "positions", "fragment"),
    [
        (["joint_1", "joint_2"], [0.0, 0.0], "lacks joint(s) joint_3"),
        (["joint_1", "joint_2", "wrong"], [0.0, 0.0, 0.0], "lacks joint(s) joint_3"),
        (list(NAMES), [0.0, 0.0], "3 names but 2 position"),
        (list(NAMES), [], "3 names but 0 position"),
        (["joint_1", "joint_1", "joint_2", "joint_3"], [0.0] * 4, "appears twice"),
        (list(NAMES), [0.0, np.nan, 0.0], "not finite for joint_2"),
        (list(NAMES), [0.0, 0.0, np.inf], "not finite for joint_3"),
    ],
)
def test_unusable_joint_states_raise(names, positions, fragment):
    with pytest.raises(MessageError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        JointNameMap(NAMES).ordered(names, positions)


def test_non_finite_value_of_an_ignored_extra_joint_is_accepted():
    q = JointNameMap(NAMES).ordered(["camera", *NAMES], [np.nan, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(q, [1.0, 2.0, 3.0])


def _vector(x, y, z):
    return SimpleNamespace(x=x, y=y, z=z)


def test_twist_vector_order_is_linear_then_angular():
    twist = twist_vector(_vector(1, 2, 3), _vector(4, 5, 6))
    np.testing.assert_array_equal(twist, [1, 2, 3, 4, 5, 6])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_twist_with_non_finite_component_raises(bad):
    with pytest.raises(MessageError, match="non-finite"):
        twist_vector(_vector(0, 0, 0), _vector(0, bad, 0))


@pytest.mark.parametrize(
    ("frame_id", "expected"), [("", "base"), ("base_link", "base"), ("/base_link", "base"), ("tool0", "tool")]
)
def test_known_twist_frames(frame_id, expected):
    assert twist_frame(frame_id, "base_link", "tool0") == expected


@pytest.mark.parametrize("frame_id", ["world", "camera_link", "tool", "base"])
def test_unknown_twist_frame_raises_naming_both_frames(frame_id):
    with pytest.raises(MessageError, match="base_link.*tool0"):
        twist_frame(frame_id, "base_link", "tool0")


def test_stamp_nanoseconds_is_exact_where_float_seconds_are_not():
    a, b = SimpleNamespace(sec=1_795_240_000, nanosec=1), SimpleNamespace(sec=1_795_240_000, nanosec=2)
    assert stamp_nanoseconds(b) - stamp_nanoseconds(a) == 1
    assert (b.sec + 1e-9 * b.nanosec) - (a.sec + 1e-9 * a.nanosec) == 0.0  # float seconds: below resolution
