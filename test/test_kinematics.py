"""Forward kinematics and analytic Jacobians against roboticstoolbox-python's DHRobot.

The reference arms are built here from the source tables (shared/SOURCES.md §3 and
shared/robots/sixi2.md), not from our YAML files, so a typo in the catalogue fails these tests.
Each reference robot is checked at 1000 random configurations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import roboticstoolbox as rtb
from spatialmath import SE3

from jacobian_rrmc.kinematics import (
    DHParameters,
    condition_number,
    finite_difference_jacobian,
    forward_kinematics,
    jacobian_end_effector,
    jacobian_world,
    manipulability,
    pose_and_jacobian,
    singular_values,
    smallest_singular_value,
)
from jacobian_rrmc.robots import RobotModel, load_robot, m3_arm, m3_parameters, random_m3_parameters

DEG = np.pi / 180.0
CM = 0.01
N_CONFIGS = 1000
ANALYTIC_TOL = 1e-10
FD_TOL = 1e-7


def rtb_sixi2() -> rtb.DHRobot:
    """Sixi 2 as typed from shared/robots/sixi2.md (centimetres, degrees), tool E along z6."""
    links = [
        rtb.RevoluteDH(d=19.7452 * CM, a=0.0, alpha=-90 * DEG),
        rtb.RevoluteDH(d=0.0, a=35.796 * CM, alpha=0.0),
        rtb.RevoluteDH(d=0.0, a=6.4259 * CM, alpha=-90 * DEG),
        rtb.RevoluteDH(d=38.705 * CM, a=0.0, alpha=90 * DEG),
        rtb.RevoluteDH(d=0.0, a=0.0, alpha=-90 * DEG),
        rtb.RevoluteDH(d=3.795 * CM, a=0.0, alpha=0.0),
    ]
    return rtb.DHRobot(links, tool=SE3.Tz(2.75 * CM), name="sixi2_reference")


def rtb_fanuc() -> rtb.DHRobot:
    """Fanuc AM120iB/10L as typed from shared/SOURCES.md §3 (RTB-MATLAB mdl_fanuc10L)."""
    links = [
        rtb.RevoluteDH(d=0.0, a=0.15, alpha=-np.pi / 2),
        rtb.RevoluteDH(d=0.0, a=0.77, alpha=np.pi),
        rtb.RevoluteDH(d=0.0, a=0.10, alpha=-np.pi / 2),
        rtb.RevoluteDH(d=-0.96, a=0.0, alpha=np.pi / 2),
        rtb.RevoluteDH(d=0.0, a=0.0, alpha=-np.pi / 2),
        rtb.RevoluteDH(d=-0.10, a=0.0, alpha=0.0),
    ]
    return rtb.DHRobot(links, name="fanuc_reference")


def rtb_m3(d3: float, d4: float, a2: float, a3: float) -> rtb.DHRobot:
    """An M3-family arm: α = [π/2, 0, −π/2, π/2, −π/2, 0], d = [0, 0, d3, d4, 0, 0], a = [0, a2, a3, 0, 0, 0]."""
    alpha = [np.pi / 2, 0.0, -np.pi / 2, np.pi / 2, -np.pi / 2, 0.0]
    d = [0.0, 0.0, d3, d4, 0.0, 0.0]
    a = [0.0, a2, a3, 0.0, 0.0, 0.0]
    return rtb.DHRobot([rtb.RevoluteDH(d=d[i], a=a[i], alpha=alpha[i]) for i in range(6)], name="m3_reference")


@dataclass
class Reference:
    """Our model, the independent RTB robot, configurations and RTB's answers at them."""

    model: RobotModel
    robot: rtb.DHRobot
    q: np.ndarray
    pose: np.ndarray
    jacobian_world: np.ndarray
    jacobian_ee: np.ndarray


def rtb_answers(robot: rtb.DHRobot, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """fkine, jacob0 and jacobe of RTB at each configuration (RTB's DH Jacobians are per call)."""
    pose = np.array([robot.fkine(qi).A for qi in q])
    j0 = np.array([robot.jacob0(qi) for qi in q])
    je = np.array([robot.jacobe(qi) for qi in q])
    return pose, j0, je


def make_reference(name: str) -> Reference:
    rng = np.random.default_rng(sum(map(ord, name)))  # seeded per robot, stable across runs
    if name == "puma560":
        model, robot = load_robot("puma560"), rtb.models.DH.Puma560()
    elif name == "sixi2":
        model, robot = load_robot("sixi2"), rtb_sixi2()
    elif name == "fanuc_am120ib_10l":
        model, robot = load_robot("fanuc_am120ib_10l"), rtb_fanuc()
    else:
        params = {key: float(value[0]) for key, value in random_m3_parameters(rng, 1).items()}
        model, robot = m3_arm(**params), rtb_m3(**params)
    q = model.random_configurations(N_CONFIGS, rng)
    return Reference(model, robot, q, *rtb_answers(robot, q))


REFERENCE_NAMES = ("puma560", "sixi2", "fanuc_am120ib_10l", "m3_arm_a", "m3_arm_b")


@pytest.fixture(scope="module", params=REFERENCE_NAMES)
def reference(request) -> Reference:
    return make_reference(request.param)


def test_forward_kinematics_matches_rtb(reference):
    pose = forward_kinematics(reference.model, reference.q)
    np.testing.assert_allclose(pose, reference.pose, rtol=0, atol=ANALYTIC_TOL)


def test_jacobian_world_matches_rtb_jacob0(reference):
    pose, jacobian = pose_and_jacobian(reference.model, reference.q, frame="world")
    np.testing.assert_allclose(jacobian, reference.jacobian_world, rtol=0, atol=ANALYTIC_TOL)
    np.testing.assert_allclose(pose, reference.pose, rtol=0, atol=ANALYTIC_TOL)


def test_jacobian_end_effector_matches_rtb_jacobe(reference):
    pose, jacobian = pose_and_jacobian(reference.model, reference.q, frame="ee")
    np.testing.assert_allclose(jacobian, reference.jacobian_ee, rtol=0, atol=ANALYTIC_TOL)
    np.testing.assert_allclose(jacobian_end_effector(reference.model, reference.q), jacobian, rtol=0, atol=0)


@pytest.mark.parametrize("frame", ["world", "ee"])
def test_central_finite_difference_matches_rtb(reference, frame):
    expected = reference.jacobian_world if frame == "world" else reference.jacobian_ee
    pose, jacobian = finite_difference_jacobian(reference.model, reference.q, frame=frame)
    np.testing.assert_allclose(jacobian, expected, rtol=0, atol=FD_TOL)
    np.testing.assert_allclose(pose, reference.pose, rtol=0, atol=ANALYTIC_TOL)


def test_single_calls_equal_the_batch(reference):
    """A configuration computed alone gives bit-for-bit the row of the batched call."""
    q = reference.q[:50]
    poses, j0 = pose_and_jacobian(reference.model, q, "world")
    je = jacobian_end_effector(reference.model, q)
    fd_pose, fd = finite_difference_jacobian(reference.model, q)
    for i, qi in enumerate(q):
        pose_i, j0_i = pose_and_jacobian(reference.model, qi, "world")
        assert pose_i.shape == (4, 4) and j0_i.shape == (6, reference.model.n_joints)
        np.testing.assert_array_equal(pose_i, poses[i])
        np.testing.assert_array_equal(j0_i, j0[i])
        np.testing.assert_array_equal(jacobian_world(reference.model, qi), j0[i])
        np.testing.assert_array_equal(forward_kinematics(reference.model, qi), poses[i])
        np.testing.assert_array_equal(jacobian_end_effector(reference.model, qi), je[i])
        np.testing.assert_array_equal(finite_difference_jacobian(reference.model, qi)[1], fd[i])
        np.testing.assert_array_equal(finite_difference_jacobian(reference.model, qi)[0], fd_pose[i])


def test_batch_of_different_m3_arms_equals_one_arm_at_a_time(rng):
    """DHParameters with P = B (one arm per configuration) against m3_arm called one by one."""
    count = 200
    arms = random_m3_parameters(rng, count)
    q = rng.uniform(-np.pi, np.pi, size=(count, 6))
    params = m3_parameters(arms["d3"], arms["d4"], arms["a2"], arms["a3"])
    assert params.n_arms == count
    poses, j0 = pose_and_jacobian(params, q, "world")
    je = jacobian_end_effector(params, q)
    _, fd_world = finite_difference_jacobian(params, q, frame="world")
    _, fd_ee = finite_difference_jacobian(params, q, scheme="forward", step=1e-3, frame="ee")
    for i in range(count):
        arm = m3_arm(arms["d3"][i], arms["d4"][i], arms["a2"][i], arms["a3"][i])
        pose_i, j0_i = pose_and_jacobian(arm, q[i], "world")
        np.testing.assert_array_equal(poses[i], pose_i)
        np.testing.assert_array_equal(j0[i], j0_i)
        np.testing.assert_array_equal(je[i], jacobian_end_effector(arm, q[i]))
        np.testing.assert_allclose(fd_world[i], finite_difference_jacobian(arm, q[i])[1], rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            fd_ee[i], finite_difference_jacobian(arm, q[i], scheme="forward", step=1e-3, frame="ee")[1], atol=1e-12
        )
    # The arms really differ: the same configuration gives different poses across the batch.
    assert np.ptp(poses[:, :3, 3], axis=0).max() > 0.1


def test_arm_count_must_match_batch(rng):
    arms = random_m3_parameters(rng, 3)
    params = m3_parameters(arms["d3"], arms["d4"], arms["a2"], arms["a3"])
    with pytest.raises(ValueError, match="3 arms given for a batch of 4"):
        pose_and_jacobian(params, np.zeros((4, 6)))
    # Shapes the compiled kernel would read past the end of are refused when the parameters are made.
    with pytest.raises(ValueError, match=r"'base' has shape \(2, 4, 4\), expected \(1, 4, 4\) or \(3, 4, 4\)"):
        DHParameters.from_arrays(
            params.d, params.a, params.alpha, params.theta_offset, base=np.tile(np.eye(4), (2, 1, 1))
        )
    with pytest.raises(ValueError, match=r"'alpha' has shape \(1, 6\), expected \(3, 6\)"):
        DHParameters(
            params.d, params.a, params.alpha[:1], params.theta_offset, params.prismatic, params.base, params.tool
        )


def test_wrong_joint_count_is_rejected():
    with pytest.raises(ValueError, match=r"q must have shape \(6,\)"):
        jacobian_world(load_robot("puma560"), np.zeros(5))


def prismatic_chain() -> tuple[RobotModel, rtb.DHRobot]:
    """R-P-R-P-R-R chain with θ offsets, a base and a tool; prismatic d = q + d column (RTB offset)."""
    theta_offset = np.array([0.1, -0.4, 0.2, 0.7, 0.0, -0.3])
    d = np.array([0.3, 0.05, 0.0, 0.12, 0.08, 0.04])
    a = np.array([0.1, 0.2, 0.3, 0.0, 0.05, 0.0])
    alpha = np.array([np.pi / 2, -0.3, -np.pi / 2, 0.9, np.pi / 2, 0.0])
    prismatic = np.array([False, True, False, True, False, False])
    base = SE3.Trans(0.2, -0.1, 0.05) * SE3.RPY(0.1, -0.2, 0.3)
    tool = SE3.Trans(0.01, 0.02, 0.1) * SE3.RPY(-0.3, 0.2, 0.1)
    links = []
    for i in range(6):
        if prismatic[i]:
            links.append(rtb.PrismaticDH(theta=theta_offset[i], a=a[i], alpha=alpha[i], offset=d[i]))
        else:
            links.append(rtb.RevoluteDH(d=d[i], a=a[i], alpha=alpha[i], offset=theta_offset[i]))
    robot = rtb.DHRobot(links, base=base, tool=tool, name="prismatic_reference")
    model = RobotModel(
        name="rprprr",
        d=d,
        a=a,
        alpha=alpha,
        theta_offset=theta_offset,
        prismatic=prismatic,
        base=base.A.copy(),
        tool=tool.A.copy(),
        q_min=np.where(prismatic, 0.0, -np.pi),
        q_max=np.where(prismatic, 0.5, np.pi),
        qd_max=np.ones(6),
        joint_names=tuple(f"j{i}" for i in range(6)),
    )
    return model, robot


def test_prismatic_chain_matches_rtb_prismatic_dh(rng):
    model, robot = prismatic_chain()
    q = model.random_configurations(300, rng)
    pose_ref, j0_ref, je_ref = rtb_answers(robot, q)
    pose, j0 = pose_and_jacobian(model, q, "world")
    np.testing.assert_allclose(pose, pose_ref, rtol=0, atol=ANALYTIC_TOL)
    np.testing.assert_allclose(j0, j0_ref, rtol=0, atol=ANALYTIC_TOL)
    np.testing.assert_allclose(jacobian_end_effector(model, q), je_ref, rtol=0, atol=ANALYTIC_TOL)
    # Prismatic columns move the tool along the joint axis and do not turn it.
    assert np.abs(j0[:, 3:, model.prismatic]).max() == 0.0
    for frame, expected in (("world", j0_ref), ("ee", je_ref)):
        np.testing.assert_allclose(finite_difference_jacobian(model, q, frame=frame)[1], expected, atol=FD_TOL)
    for i in range(0, len(q), 30):
        np.testing.assert_array_equal(pose_and_jacobian(model, q[i])[1], j0[i])


def test_dh_parameters_broadcast_one_arm():
    model = load_robot("puma560")
    params = DHParameters.from_arrays(model.d, model.a, model.alpha, model.theta_offset)
    assert params.n_arms == 1 and params.n_joints == 6
    q = np.array([[0.1, 0.2, -0.3, 0.4, 0.5, 0.6], [-0.5, 1.0, -1.0, 0.2, -0.4, 2.0]])
    np.testing.assert_array_equal(jacobian_world(params, q), jacobian_world(model, q))


def test_puma560_limits_and_named_poses_equal_rtb():
    model, robot = load_robot("puma560"), rtb.models.DH.Puma560()
    np.testing.assert_allclose(model.q_min, robot.qlim[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.q_max, robot.qlim[1], rtol=0, atol=1e-12)
    for name in ("qz", "qr", "qs", "qn"):
        np.testing.assert_allclose(model.configuration(name), getattr(robot, name), rtol=0, atol=1e-12, err_msg=name)


class TestMeasures:
    """manipulability, condition number and σ_min against closed forms and RTB."""

    def test_against_closed_forms_and_rtb(self, rng):
        model, robot = load_robot("puma560"), rtb.models.DH.Puma560()
        q = model.random_configurations(100, rng)
        jacobians = jacobian_world(model, q)
        yoshikawa = manipulability(jacobians)
        assert yoshikawa.shape == (100,)
        np.testing.assert_allclose(yoshikawa, np.sqrt(np.abs(np.linalg.det(jacobians @ jacobians.swapaxes(1, 2)))))
        np.testing.assert_allclose(yoshikawa, np.abs(np.linalg.det(jacobians)), rtol=1e-9)
        np.testing.assert_allclose(yoshikawa, [robot.manipulability(qi) for qi in q], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(condition_number(jacobians), np.linalg.cond(jacobians), rtol=1e-9)
        eigen = np.linalg.eigvalsh(jacobians @ jacobians.swapaxes(1, 2))
        np.testing.assert_allclose(smallest_singular_value(jacobians), np.sqrt(eigen[:, 0]), rtol=1e-6)
        sigma = singular_values(jacobians)
        assert np.all(np.diff(sigma, axis=1) <= 0)
        single = jacobians[0]
        assert manipulability(single) == pytest.approx(yoshikawa[0], rel=1e-12)
        assert np.ndim(manipulability(single)) == 0

    def test_wrist_singular_pose(self):
        """PUMA qz has q5 = 0: joints 4 and 6 share an axis, so J loses rank."""
        model, robot = load_robot("puma560"), rtb.models.DH.Puma560()
        jacobian = jacobian_world(model, model.configuration("qz"))
        assert smallest_singular_value(jacobian) < 1e-12
        assert manipulability(jacobian) < 1e-12
        assert robot.manipulability(robot.qz) < 1e-12
        assert condition_number(jacobian) > 1e12
        # Away from the singularity, at the dexterous pose qn, all three are well conditioned.
        nominal = jacobian_world(model, model.configuration("qn"))
        assert smallest_singular_value(nominal) > 0.01
        assert manipulability(nominal) == pytest.approx(robot.manipulability(robot.qn), rel=1e-9)
        assert condition_number(nominal) < 100

    def test_redundant_and_deficient_arms(self, rng):
        """N = 7: σ of a 6×7 J; N = 4: rank ≤ 4 so √det(J·Jᵀ) = 0."""
        jac7 = rng.normal(size=(6, 7))
        np.testing.assert_allclose(manipulability(jac7), np.sqrt(np.linalg.det(jac7 @ jac7.T)), rtol=1e-10)
        jac4 = rng.normal(size=(5, 6, 4))
        np.testing.assert_array_equal(manipulability(jac4), np.zeros(5))
        np.testing.assert_allclose(condition_number(jac4), np.linalg.cond(jac4), rtol=1e-10)
