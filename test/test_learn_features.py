"""Feature encodings and the exact joint-1 re-expression, against kinematics and spatial references."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from jacobian_rrmc.kinematics import jacobian_world  # noqa: E402
from jacobian_rrmc.learn.features import BaseRotation, JointAngleEncoding, M3Encoding  # noqa: E402
from jacobian_rrmc.learn.robot_data import jacobian_in_joint1_frame, last_joint_moves_jacobian  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402
from jacobian_rrmc.spatial import rot_x, rot_y, rot_z, transform  # noqa: E402


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_joint1_frame_jacobian_rotates_back_to_world_jacobian(name, rng):
    robot = load_robot(name)
    q = robot.random_configurations(50, rng)
    j1 = jacobian_in_joint1_frame(robot, q)
    rotate = BaseRotation(torch.tensor(np.array(robot.base[:3, :3])), robot.theta_offset[0]).double()
    j0 = rotate(torch.as_tensor(q), torch.as_tensor(j1)).numpy()
    np.testing.assert_allclose(j0, jacobian_world(robot, q), atol=1e-12)


def test_joint1_frame_jacobian_does_not_depend_on_joint1(rng):
    robot = load_robot("puma560")
    q = robot.random_configurations(20, rng)
    turned = q.copy()
    turned[:, 0] = rng.uniform(-2, 2, 20)
    np.testing.assert_allclose(jacobian_in_joint1_frame(robot, q), jacobian_in_joint1_frame(robot, turned), atol=1e-12)


def test_base_rotation_handles_a_rotated_base(rng):
    robot = load_robot("puma560")
    base = transform(rot_x(0.3) @ rot_z(-1.1), [0.1, 0.2, 0.3])
    rotated = type(robot)(**{**robot.__dict__, "base": base})
    q = robot.random_configurations(10, rng)
    j1 = jacobian_in_joint1_frame(rotated, q)
    rotate = BaseRotation(torch.tensor(base[:3, :3]), robot.theta_offset[0]).double()
    np.testing.assert_allclose(
        rotate(torch.as_tensor(q), torch.as_tensor(j1)).numpy(), jacobian_world(rotated, q), atol=1e-12
    )


def test_joint_angle_encoding_drops_joint1_and_optionally_the_last():
    q = np.array([0.5, 0.1, -0.2, 0.3, 1.0, 2.0])
    features = JointAngleEncoding(6)(torch.as_tensor(q[None]))
    np.testing.assert_allclose(features.numpy()[0], np.r_[np.sin(q[1:]), np.cos(q[1:])])
    without_last = JointAngleEncoding(6, last_joint=False)
    assert without_last.out_features == 8
    np.testing.assert_allclose(without_last(torch.as_tensor(q[None])).numpy()[0], np.r_[np.sin(q[1:5]), np.cos(q[1:5])])


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
@pytest.mark.parametrize(
    "a_n, alpha_n, tool_point, prismatic, moves",
    [
        (None, None, None, False, False),  # the robot's own last link and tool
        (0.0, 0.0, (0.0, 0.0, 0.15), False, False),
        (0.0, 0.0, (0.01, 0.0, 0.0), False, True),
        (0.0, 0.0, (0.0, 0.02, 0.1), False, True),
        (0.0, 0.0, (1e-6, 0.0, 0.0), False, True),
        (0.0, np.pi / 2, (0.0, 0.02, 0.0), False, False),  # Rx(α) turns the offset onto the axis
        (0.0, np.pi / 2, (0.0, 0.0, 0.1), False, True),  # ... or off it
        (0.05, 0.0, (-0.05, 0.0, 0.1), False, False),  # a_N cancelled by the tool offset
        (0.05, 0.0, (0.0, 0.0, 0.1), False, True),
        (0.0, 0.0, (0.0, 0.0, 0.1), True, True),  # a prismatic last joint always moves the tool point
    ],
)
def test_last_joint_symmetry_matches_turning_the_last_joint(name, a_n, alpha_n, tool_point, prismatic, moves, rng):
    """The closed-form on-axis test agrees with J0 itself: turning q_N changes nothing exactly when it says so."""
    import dataclasses

    robot = load_robot(name)
    if tool_point is not None:
        tool = robot.tool.copy()
        tool[:3, 3] = tool_point
        a, alpha, joint_kind = robot.a.copy(), robot.alpha.copy(), robot.prismatic.copy()
        a[-1], alpha[-1], joint_kind[-1] = a_n, alpha_n, prismatic
        robot = dataclasses.replace(robot, tool=tool, a=a, alpha=alpha, prismatic=joint_kind)
    q = robot.random_configurations(30, rng)
    turned = q.copy()
    turned[:, -1] += rng.uniform(0.3, 2.0, 30)
    change = np.abs(jacobian_world(robot, q) - jacobian_world(robot, turned)).max()
    assert (change > 1e-12) == moves, change
    assert last_joint_moves_jacobian(robot) == moves


def test_m3_rotation_features_match_rx_ry_rz(rng):
    raw = np.zeros((5, 24))
    raw[:, 18:21] = rng.uniform(-0.4, 0.4, (5, 3))
    raw[:, 21:24] = rng.uniform(0, 2 * np.pi, (5, 3))
    encoding = M3Encoding(rotation="matrix", reach=False)
    features = encoding(torch.as_tensor(raw)).numpy()
    assert features.shape == (5, encoding.out_features)
    for row, o in zip(features, raw[:, 21:24], strict=True):
        np.testing.assert_allclose(row[7:16], (rot_x(o[0]) @ rot_y(o[1]) @ rot_z(o[2])).ravel(), atol=1e-12)


def test_m3_reach_and_branch_features():
    raw = np.zeros((1, 24))
    raw[0, [2, 3, 7, 8]] = [0.1, 0.3, 0.4, 0.05]  # d3, d4, a2, a3
    raw[0, 18:21] = [0.3, 0.2, 0.1]
    encoding = M3Encoding(rotation="euler", reach=True, branch=True)
    features = encoding(torch.as_tensor(raw), torch.tensor([5])).numpy()[0]
    norm = np.sqrt(0.14)
    forearm = np.hypot(0.05, 0.3)
    shoulder = np.sqrt(0.14 - 0.01)
    np.testing.assert_allclose(features[10:16], [norm, np.sqrt(0.13) - 0.1, shoulder, forearm,
                                                 0.4 + forearm - shoulder, shoulder - abs(0.4 - forearm)])  # fmt: skip
    np.testing.assert_array_equal(features[20:], np.eye(8)[5])
    with pytest.raises(ValueError, match="branch"):
        encoding(torch.as_tensor(raw))


def test_m3_position_factors_times_sin_q5_give_the_manipulability():
    """|det J0| = a2 · elbow · plane radius · |sin q5| for this family, checked on generated labels."""
    from jacobian_rrmc.dataset import generate
    from jacobian_rrmc.learn.m3_task import raw_rows

    data = generate("jacob0", 300, seed=3)
    features = M3Encoding(reach=True)(torch.as_tensor(raw_rows(data))).numpy()
    determinant = np.abs(np.linalg.det(data.labels.reshape(-1, 6, 6)))
    np.testing.assert_allclose(features[:, 24] * np.abs(np.sin(data.q[:, 4])), determinant, rtol=1e-9, atol=1e-12)


def test_azimuth_frame_jacobian_is_invariant_to_turning_the_target_about_z0(rng):
    """Turn an IK solution's joint 1 by α: the pose turns about z0, J0 turns with it, J in the azimuth frame stays."""
    from jacobian_rrmc.dataset import generate, pose_features
    from jacobian_rrmc.kinematics import pose_and_jacobian
    from jacobian_rrmc.learn.features import AzimuthRotation
    from jacobian_rrmc.learn.m3_task import azimuth_frame_targets, raw_rows
    from jacobian_rrmc.robots import m3_parameters

    data = generate("jacob0", 200, seed=4)
    raw = raw_rows(data)
    arms = m3_parameters(raw[:, 2], raw[:, 3], raw[:, 7], raw[:, 8])
    turned_q = data.q.copy()
    turned_q[:, 0] += rng.uniform(-np.pi, np.pi, len(raw))
    turned_pose, turned_jacobian = pose_and_jacobian(arms, turned_q)
    turned_raw = raw.copy()
    turned_raw[:, 18:24] = pose_features(turned_pose)
    original = azimuth_frame_targets(raw, data.labels)
    turned = azimuth_frame_targets(turned_raw, turned_jacobian.reshape(len(raw), -1))
    np.testing.assert_allclose(turned, original, atol=1e-9)
    back = AzimuthRotation()(torch.as_tensor(raw), torch.as_tensor(original).reshape(-1, 6, 6)).numpy()
    np.testing.assert_allclose(back.reshape(len(raw), -1), data.labels, atol=1e-12)


def test_azimuth_encoding_is_invariant_to_turning_the_target(rng):
    raw = np.zeros((50, 24))
    raw[:, [2, 3, 7, 8]] = rng.uniform(0, 0.5, (50, 4))
    raw[:, 18:21] = rng.uniform(-0.4, 0.4, (50, 3))
    raw[:, 21:24] = rng.uniform(0, 2 * np.pi, (50, 3))
    from jacobian_rrmc.dataset import pose_features, poses_from_features

    turn = np.eye(4)
    turn[:3, :3] = rot_z(0.7)
    turned = raw.copy()
    turned[:, 18:24] = pose_features(turn @ poses_from_features(raw[:, 18:24]))
    encoding = M3Encoding(reach=True, azimuth=True)
    a, b = encoding(torch.as_tensor(raw)).numpy(), encoding(torch.as_tensor(turned)).numpy()
    assert a.shape == (50, encoding.out_features)
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_rotation_product_matches_elementary_rotations(rng):
    from jacobian_rrmc.learn.features import RotationProduct

    angles = rng.uniform(-np.pi, np.pi, (20, 3))
    layout = ((2, "cos"), (0, "sin"), (1, "sin"), (2, "sin"), (0, "cos"), (1, "cos"))
    product = RotationProduct((1, 0, 2), signs=(1.0, -1.0, 1.0), layout=layout)
    columns = {(k, trig): fn(angles[:, k]) for k in range(3) for trig, fn in (("sin", np.sin), ("cos", np.cos))}
    inputs = np.stack([columns[key] for key in layout], axis=1)
    result = product(torch.as_tensor(inputs)).numpy()
    for matrix, (a, b, c) in zip(result, angles, strict=True):
        np.testing.assert_allclose(matrix, rot_y(a) @ rot_x(-b) @ rot_z(c), atol=1e-12)
    twin = RotationProduct((0,), twin=True)(torch.as_tensor(np.stack([np.sin(angles[:, 0]), np.cos(angles[:, 0])], 1)))
    np.testing.assert_allclose(twin[0].numpy(), np.kron(np.eye(2), rot_x(angles[0, 0])), atol=1e-12)
    with pytest.raises(ValueError, match="one factor"):
        RotationProduct((0, 1), twin=True)
