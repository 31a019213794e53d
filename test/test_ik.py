"""Closed-form PUMA-family IK against forward kinematics, random configurations and RTB's numerical IK.

References: our forward kinematics (itself checked against RTB DHRobot in test_kinematics.py),
the configurations q the target poses were made from, and roboticstoolbox-python's `ik_LM`.
"""

from __future__ import annotations

import numpy as np
import pytest
import roboticstoolbox as rtb
from scipy.spatial.transform import Rotation

from jacobian_rrmc.ik import BRANCHES, arm_reach, branch_of, is_puma_family, solve_ik
from jacobian_rrmc.kinematics import DHParameters, forward_kinematics, jacobian_world, manipulability
from jacobian_rrmc.kinematics.forward import dh_parameters
from jacobian_rrmc.robots import load_robot, m3_arm, m3_parameters, random_m3_parameters

N_POSES = 10_000
FK_TOL = 1e-9
RECOVER_TOL = 1e-7  # rad, after wrapping by 2π
SINGULAR_TOL = 1e-6  # draws with |sin θ5|, |u| (m) or |sin ψ| below this are excluded from branch checks


def random_general_arms(rng, count) -> DHParameters:
    """Family members with every free parameter set: flipped α signs, offsets, d2, d6, a6, α6, base, tool."""
    d = np.zeros((count, 6))
    a = np.zeros((count, 6))
    d[:, [0, 1, 2, 3, 5]] = rng.uniform(-0.4, 0.4, (count, 5))
    a[:, [1, 2, 5]] = rng.uniform(-0.5, 0.5, (count, 3))
    signs = rng.choice([-1.0, 1.0], (count, 4))
    alpha = np.column_stack(
        [signs[:, 0], np.zeros(count), signs[:, 1], signs[:, 2], signs[:, 3], rng.uniform(-np.pi, np.pi, count) / 2]
    )
    alpha[:, [0, 2, 3, 4]] *= np.pi / 2
    offset = rng.uniform(-np.pi, np.pi, (count, 6))
    base = np.tile(np.eye(4), (count, 1, 1))
    tool = np.tile(np.eye(4), (count, 1, 1))
    for frame in (base, tool):
        frame[:, :3, :3] = Rotation.random(count, random_state=rng).as_matrix()
        frame[:, :3, 3] = rng.uniform(-0.2, 0.2, (count, 3))
    return DHParameters.from_arrays(d, a, alpha, offset, base=base, tool=tool)


def arm_cases(rng):
    return {
        "m3": m3_parameters(**random_m3_parameters(rng, N_POSES)),
        "puma560": load_robot("puma560"),
        "sixi2": load_robot("sixi2"),
        "general": random_general_arms(rng, N_POSES),
    }


def per_branch(params: DHParameters) -> DHParameters:
    """Repeat per-sample arms 8 times so branch b of sample i is row 8i + b."""
    return DHParameters(
        *(
            np.repeat(v, BRANCHES, axis=0) if v.shape[0] > 1 else v
            for v in (params.d, params.a, params.alpha, params.theta_offset, params.prismatic, params.base, params.tool)
        )
    )


def wrap(angle):
    return np.angle(np.exp(1j * angle))


def singular(params, q):
    """Draws too close to a shoulder, elbow or wrist singularity for a unique branch."""
    theta = q + params.theta_offset
    d, a, alpha = params.d, params.a, params.alpha
    s23 = theta[:, 1] + theta[:, 2]
    sign3 = np.sign(alpha[:, 2])
    u = a[:, 1] * np.cos(theta[:, 1]) + a[:, 2] * np.cos(s23) + sign3 * d[:, 3] * np.sin(s23)
    psi = theta[:, 2] - np.arctan2(sign3 * d[:, 3], a[:, 2])
    return (
        (np.abs(np.sin(theta[:, 4])) < SINGULAR_TOL) | (np.abs(u) < SINGULAR_TOL) | (np.abs(np.sin(psi)) < SINGULAR_TOL)
    )


@pytest.mark.parametrize("case", ["m3", "puma560", "sixi2", "general"])
def test_every_branch_reaches_the_target_and_the_source_configuration_is_recovered(case):
    rng = np.random.default_rng(11)
    model = arm_cases(rng)[case]
    params = dh_parameters(model)
    q = rng.uniform(-np.pi, np.pi, (N_POSES, 6))
    target = forward_kinematics(model, q)
    solutions = solve_ik(model, target, q_min=np.full(6, -np.pi), q_max=np.full(6, np.pi))

    assert solutions.valid.all(), "FK of a configuration is always reachable"
    assert np.isfinite(solutions.q).all()
    reached = forward_kinematics(per_branch(params), solutions.q.reshape(-1, 6)).reshape(N_POSES, BRANCHES, 4, 4)
    assert np.abs(reached - target[:, None]).max() < FK_TOL

    regular = ~singular(params, q)
    assert regular.mean() > 0.99
    branch = branch_of(model, q)
    recovered = solutions.q[np.arange(N_POSES), branch]
    error = np.abs(wrap(recovered - q)).max(axis=1)
    assert error[regular].max() < RECOVER_TOL
    # The 8 branches are distinct configurations away from singularities.
    assert np.bincount(branch, minlength=BRANCHES).min() > 0
    pairwise = np.abs(wrap(solutions.q[:, :, None] - solutions.q[:, None, :])).max(axis=-1)
    off_diagonal = ~np.eye(BRANCHES, dtype=bool)
    assert (pairwise[regular][:, off_diagonal] > 1e-6).all()


@pytest.mark.parametrize("case", ["m3", "puma560", "sixi2"])
def test_closed_form_manipulability_equals_the_jacobian_measure(case):
    rng = np.random.default_rng(12)
    model = arm_cases(rng)[case]
    params = dh_parameters(model)
    count = 2000
    if params.n_arms > 1:
        model = DHParameters(*(v[:count] if v.shape[0] > 1 else v for v in vars(params).values()))
    q = rng.uniform(-np.pi, np.pi, (count, 6))
    solutions = solve_ik(model, forward_kinematics(model, q))
    jacobian = jacobian_world(per_branch(dh_parameters(model)), solutions.q.reshape(-1, 6))
    reference = manipulability(jacobian).reshape(count, BRANCHES)
    assert np.abs(solutions.manipulability - reference).max() < 1e-12
    reach, bound = arm_reach(model, forward_kinematics(model, q))
    assert reach.all() and (bound[:, None] >= solutions.manipulability - 1e-15).all()


def test_poses_beyond_the_reach_are_unreachable_and_nan_free(rng):
    puma = load_robot("puma560")
    directions = rng.normal(size=(500, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    reach = 0.4318 + np.hypot(0.0203, 0.4318) + 0.15005  # |a2| + L + shoulder offset, m
    target = np.tile(np.eye(4), (500, 1, 1))
    target[:, :3, 3] = np.array([0, 0, 0.67183]) + directions * reach * rng.uniform(1.01, 3.0, (500, 1))
    solutions = solve_ik(puma, target)
    assert not solutions.valid.any() and not solutions.within_limits.any()
    assert (solutions.q == 0).all() and (solutions.manipulability == 0).all()
    assert not arm_reach(puma, target)[0].any()


def test_solutions_are_fitted_into_the_joint_limits(rng):
    puma = load_robot("puma560")
    q = puma.random_configurations(5000, rng)
    solutions = solve_ik(puma, forward_kinematics(puma, q))
    inside = (solutions.q >= puma.q_min - 1e-9) & (solutions.q <= puma.q_max + 1e-9)
    assert inside.all(axis=-1)[solutions.within_limits].all()
    # The branch q came from is in the limits, with q itself up to 2π.
    branch = branch_of(puma, q)
    rows = np.arange(len(q))
    regular = ~singular(dh_parameters(puma), q)
    assert solutions.within_limits[rows, branch][regular].all()
    assert (np.abs(wrap(solutions.q[rows, branch] - q)).max(axis=1)[regular] < RECOVER_TOL).all()
    # Values beyond ±180° are used when only they fit: joint 2 spans [-45°, 225°], joint 3 [-225°, 45°].
    assert (solutions.q[..., 1][solutions.within_limits] > np.pi).any()
    assert (solutions.q[..., 2][solutions.within_limits] < -np.pi).any()


def test_most_manipulable_branch_is_the_best_usable_jacobian(rng):
    """Best usable branch = argmax of |det J| (computed from J at each branch's q) over the usable ones."""
    puma = load_robot("puma560")
    targets = forward_kinematics(puma, puma.random_configurations(300, rng))
    targets[:20, :3, 3] *= 5.0  # out of reach: no usable branch
    solutions = solve_ik(puma, targets)
    measured = manipulability(jacobian_world(puma, solutions.q.reshape(-1, 6))).reshape(-1, BRANCHES)
    for joint_limits, usable in ((True, solutions.within_limits), (False, solutions.valid)):
        branch, value = solutions.most_manipulable(joint_limits)
        scores = np.where(usable, measured, -np.inf)
        assert np.isneginf(value[~usable.any(axis=1)]).all() and usable[20:].any(axis=1).all()
        np.testing.assert_allclose(value[20:], scores[20:].max(axis=1), rtol=1e-9, atol=1e-12)
        assert usable[np.arange(20, 300), branch[20:]].all()


def test_single_target_and_non_family_arm():
    puma = load_robot("puma560")
    q = puma.configuration("qn")
    solutions = solve_ik(puma, forward_kinematics(puma, q))
    assert solutions.q.shape == (BRANCHES, 6) and solutions.valid.shape == (BRANCHES,)
    assert isinstance(branch_of(puma, q), int)
    fanuc = load_robot("fanuc_am120ib_10l")
    assert is_puma_family(puma) and not is_puma_family(fanuc)
    with pytest.raises(ValueError, match="PUMA-family"):
        solve_ik(fanuc, np.eye(4))


def rtb_flange_robot(model) -> rtb.DHRobot:
    """The DH chain without base and tool: ik_LM on a DHRobot with a tool reported success while its own
    fkine(q) was 19 mm off the target (it seems to apply the tool twice), so targets are given at the flange."""
    links = [rtb.RevoluteDH(d=d, a=a, alpha=al) for d, a, al in zip(model.d, model.a, model.alpha, strict=True)]
    return rtb.DHRobot(links)


@pytest.mark.parametrize("name", ["puma560", "sixi2", "m3"])
def test_reachability_agrees_with_rtb_numerical_ik(name, capsys):
    robot = m3_arm(d3=0.12, d4=0.35, a2=0.41, a3=0.08) if name == "m3" else load_robot(name)
    reference = rtb_flange_robot(robot)
    rng = np.random.default_rng(13)
    shoulder = np.array([0.0, 0.0, robot.d[0]])
    arm, offset = abs(robot.a[1]) + np.hypot(robot.a[2], robot.d[3]), robot.d[1] + robot.d[2]
    # Wrist centres from 0.5 to 1.15 times the outer reach, random orientation; keep 5 mm off the boundary
    # (numerical IK stops ~1 mm from the target, so poses closer than that to it are ambiguous).
    count = 150
    directions = rng.normal(size=(count, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    wrist = shoulder + directions * np.hypot(arm, offset) * rng.uniform(0.5, 1.15, (count, 1))
    target = np.tile(np.eye(4), (count, 1, 1))
    target[:, :3, :3] = Rotation.random(count, random_state=rng).as_matrix()
    hand = robot.tool[:3, 3] + np.array([0.0, 0.0, robot.d[5]])
    target[:, :3, 3] = wrist + np.einsum("bij,j->bi", target[:, :3, :3], -robot.tool[:3, :3].T @ hand)
    rho = np.linalg.norm(wrist - shoulder, axis=1)
    far = np.abs(rho - np.hypot(arm, offset)) > 5e-3
    target = target[far]

    ours = solve_ik(robot, target, q_min=np.full(6, -np.inf), q_max=np.full(6, np.inf)).valid.any(axis=1)
    flange = np.linalg.inv(robot.base) @ target @ np.linalg.inv(robot.tool)
    found = np.zeros(len(target), dtype=bool)
    for i, pose in enumerate(flange):
        solution = reference.ik_LM(pose, q0=np.zeros(6), ilimit=50, slimit=100, joint_limits=False)
        # ik_LM's tol bounds ½‖e‖² (1e-6 → ‖e‖ ~ 1e-3), so a success is confirmed with RTB's own fkine.
        found[i] = solution.success and np.abs(reference.fkine(solution.q).A - pose).max() < 2e-3
    assert not (found & ~ours).any(), "RTB found a solution where we say unreachable"
    agreement = (found == ours).mean()
    with capsys.disabled():
        print(f"\n{name}: {len(target)} poses, ours reachable {ours.mean():.2f}, ik_LM found {found.mean():.2f}, "
              f"agreement {agreement:.3f}")  # fmt: skip
    assert 0.2 < ours.mean() < 0.9, "the sample must straddle the boundary"
    assert found[ours].mean() > 0.8
