"""Workspace maps: concave boundaries, joint sweeps, exact constant-orientation and orientation maps, CLI."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from jacobian_rrmc.cli.main import main
from jacobian_rrmc.dataset.poses import poses_from_features
from jacobian_rrmc.ik import solve_ik
from jacobian_rrmc.kinematics import forward_kinematics, jacobian_world, manipulability, pose_and_jacobian
from jacobian_rrmc.robots import load_robot, m3_arm
from jacobian_rrmc.workspace.best_solution import best_solutions
from jacobian_rrmc.workspace.boundary import find_boundary, polygon_area
from jacobian_rrmc.workspace.grid import direction_rotations, reach_sphere
from jacobian_rrmc.workspace.m3_equivalent import m3_equivalent
from jacobian_rrmc.workspace.orientation import orientation_grid, summarise
from jacobian_rrmc.workspace.slice import default_offset, slice_grid
from jacobian_rrmc.workspace.sweep import joint_values, sweep_positions


def _annulus(rng, count, inner, outer, gap_angle=0.0):
    radius = np.sqrt(rng.uniform(inner**2, outer**2, count))
    angle = rng.uniform(gap_angle / 2, 2 * np.pi - gap_angle / 2, count)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def test_boundary_of_annulus_has_outer_contour_and_hole_with_true_area(rng):
    points = _annulus(rng, 200_000, 0.5, 1.0)
    true_area = np.pi * (1.0**2 - 0.5**2)
    boundary = find_boundary(points, resolution=200)
    assert len(boundary.outers) == 1 and len(boundary.holes) == 1
    assert boundary.area == pytest.approx(true_area, rel=0.03)
    assert polygon_area(boundary.holes[0]) == pytest.approx(np.pi * 0.5**2, rel=0.05)
    assert np.linalg.norm(boundary.outers[0], axis=1) == pytest.approx(1.0, abs=0.02)
    # A convex hull cannot see the hole: it overstates the concave boundary's area by a third.
    assert ConvexHull(points).volume > 1.3 * boundary.area


def test_boundary_keeps_a_concave_notch(rng):
    # An annulus with a 90° wedge cut out: one outer contour (a "C"), no hole, 3/4 of the area.
    points = _annulus(rng, 200_000, 0.5, 1.0, gap_angle=np.pi / 2)
    boundary = find_boundary(points, resolution=200)
    assert len(boundary.outers) == 1 and not boundary.holes
    assert boundary.area == pytest.approx(0.75 * np.pi * 0.75, rel=0.03)


def test_boundary_bridges_sparse_samples_with_the_closing_radius():
    # Points on a 5 cm lattice fill a 1 m square; a closing radius of one spacing bridges the gaps.
    lattice = np.stack(np.meshgrid(np.arange(0, 1.0001, 0.05), np.arange(0, 1.0001, 0.05)), axis=-1).reshape(-1, 2)
    boundary = find_boundary(lattice, closing_radius=0.05, resolution=300)
    assert len(boundary.outers) == 1 and not boundary.holes
    assert boundary.area == pytest.approx(1.0, rel=0.03)


def test_boundary_rejects_bad_points():
    with pytest.raises(ValueError, match="shape"):
        find_boundary(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="finite"):
        find_boundary(np.array([[0.0, 0.0], [1.0, np.nan], [0.0, 1.0]]))


def test_sweep_positions_are_forward_kinematics_of_the_joint_grid(rng):
    robot = load_robot("sixi2")
    base_q = robot.configuration("home")
    step = np.deg2rad(10.0)
    result = sweep_positions(robot, (0, 2, 4), step, base_q, progress=False)
    values = [joint_values(robot.q_min[j], robot.q_max[j], step) for j in (0, 2, 4)]
    assert len(result.positions) == np.prod([len(v) for v in values])
    for v, j in zip(values, (0, 2, 4), strict=True):
        assert v[0] == robot.q_min[j] and v[-1] == robot.q_max[j] and np.all(np.diff(v) <= step + 1e-12)
    for flat in rng.integers(0, len(result.positions), 20):
        index = np.unravel_index(flat, [len(v) for v in values])
        q = base_q.copy()
        q[[0, 2, 4]] = [values[k][index[k]] for k in range(3)]
        np.testing.assert_allclose(result.positions[flat], forward_kinematics(robot, q)[:3, 3], atol=1e-12)


def test_sweep_of_the_base_joint_traces_an_arc_inside_the_reach_sphere():
    robot = load_robot("puma560")
    result = sweep_positions(robot, (0,), np.deg2rad(1.0), robot.configuration("qn"), progress=False)
    radius = np.hypot(result.positions[:, 0], result.positions[:, 1])
    np.testing.assert_allclose(radius, radius[0], atol=1e-12)
    centre, reach = reach_sphere(robot)
    assert np.all(np.linalg.norm(result.positions - centre, axis=1) <= reach)
    with pytest.raises(ValueError, match="distinct"):
        sweep_positions(robot, (1, 1), 0.1, progress=False)


@pytest.mark.parametrize(("name", "configuration", "plane"), [("puma560", "qn", "xz"), ("sixi2", "home", "xy")])
def test_exact_slice_cells_are_reached_by_their_ik_solution(name, configuration, plane):
    robot = load_robot(name)
    q_ref = robot.configuration(configuration)
    pose_ref = forward_kinematics(robot, q_ref)
    grid = slice_grid(robot, plane, default_offset(robot, plane, q_ref), pose_ref[:3, :3], 50)
    poses = grid.poses()
    best = best_solutions(robot, poses, progress=False)
    reachable = best.reachable
    assert 0.05 < reachable.mean() < 0.9
    assert np.all(np.isnan(best.manipulability[~reachable])) and np.all(np.isnan(best.q[~reachable]))
    reached = forward_kinematics(robot, best.q[reachable])
    np.testing.assert_allclose(reached, poses[reachable], atol=1e-9)
    assert np.all(robot.within_limits(best.q[reachable]))
    np.testing.assert_allclose(best.manipulability[reachable], manipulability(jacobian_world(robot, best.q[reachable])))
    # The chosen branch is the most manipulable of all in-limit branches.
    solutions = solve_ik(robot, poses[reachable])
    for row in range(0, reachable.sum(), 97):
        in_limits = solutions.q[row][solutions.within_limits[row]]
        assert best.manipulability[reachable][row] == pytest.approx(
            manipulability(jacobian_world(robot, in_limits)).max(), rel=1e-12
        )


def test_exact_map_blank_beyond_reach_and_filled_at_a_known_pose():
    robot = load_robot("puma560")
    q_ref = robot.configuration("qn")
    pose = forward_kinematics(robot, q_ref)
    centre, reach = reach_sphere(robot)
    far = pose.copy()
    far[:3, 3] = centre + np.array([reach + 0.05, 0.0, 0.0])
    best = best_solutions(robot, np.stack([pose, far]), progress=False)
    assert best.reachable.tolist() == [True, False]
    # qn is itself an in-limit solution, so the best branch is at least as manipulable.
    assert best.manipulability[0] >= manipulability(jacobian_world(robot, q_ref)) - 1e-12
    assert np.isnan(best.manipulability[1])


def test_orientation_grid_points_the_tool_axis_and_summarises_rolls():
    azimuth, elevation, roll = np.array([0.3, -2.0]), np.array([-0.7, 0.4, 1.2]), np.array([0.0, 1.0, 2.5])
    rotations = direction_rotations(azimuth, elevation, roll)
    assert rotations.shape == (3, 2, 3, 3, 3)
    expected = np.stack(
        [np.cos(elevation)[:, None] * np.cos(azimuth), np.cos(elevation)[:, None] * np.sin(azimuth)]
        + [np.broadcast_to(np.sin(elevation)[:, None], (3, 2))],
        axis=-1,
    )
    np.testing.assert_allclose(rotations[..., :, 2], np.broadcast_to(expected[:, :, None], (3, 2, 3, 3)), atol=1e-15)
    np.testing.assert_allclose(
        rotations @ np.swapaxes(rotations, -1, -2), np.broadcast_to(np.eye(3), rotations.shape), atol=1e-15
    )

    robot = load_robot("sixi2")
    grid = orientation_grid(forward_kinematics(robot, robot.configuration("home"))[:3, 3], 6, 4)
    poses = grid.poses()
    best = best_solutions(robot, poses, progress=False)
    np.testing.assert_allclose(forward_kinematics(robot, best.q[best.reachable]), poses[best.reachable], atol=1e-9)
    fraction, top = summarise(grid, best.manipulability)
    values = best.manipulability.reshape(grid.shape)
    np.testing.assert_array_equal(fraction, np.isfinite(values).mean(axis=2))
    some = fraction > 0
    assert 0 < some.mean() < 1
    np.testing.assert_allclose(top[some], np.nanmax(values[some], axis=1))
    assert np.all(np.isnan(top[~some]))


def test_cli_sweep_and_slice_write_figures_and_data(tmp_path, capsys):
    sweep_png, sweep_npz = tmp_path / "sweep.png", tmp_path / "sweep.npz"
    code = main(
        ["workspace", "--robot", "sixi2", "--mode", "sweep", "--plane", "xz", "--step-deg", "6", "--resolution", "150"]
        + ["--out", str(sweep_png), "--data", str(sweep_npz), "--no-progress"]
    )
    assert code == 0 and sweep_png.stat().st_size > 10_000
    with np.load(sweep_npz) as data:
        assert str(data["meta_robot"]) == "sixi2" and "--step-deg 6" in str(data["meta_command"])
        assert data["outer_starts"].size >= 1 and float(data["area"]) > 0.5
    slice_png, slice_npz = tmp_path / "slice.png", tmp_path / "slice.npz"
    code = main(
        ["workspace", "--robot", "puma560", "--mode", "slice", "--plane", "xy", "--resolution", "30"]
        + ["--rpy", "0,90,0", "--offset", "0.4", "--out", str(slice_png), "--data", str(slice_npz), "--no-progress"]
    )
    assert code == 0 and slice_png.stat().st_size > 10_000
    with np.load(slice_npz) as data:
        assert data["manipulability"].shape == (30, 30) and float(data["offset"]) == 0.4
        assert int(data["meta_resolution"]) == 30 and str(data["meta_method"]) == "exact"
        assert str(data["meta_orientation"]) == "fixed tool orientation rpy (0,90,0) deg"
        np.testing.assert_allclose(data["rotation"][:, 2], [1.0, 0.0, 0.0], atol=1e-15)
    assert "reachable" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "map.jpg"], "--out must name a .png"),
        (["--out", "m.png", "--mode", "sweep", "--joints", "0,2"], "--joints"),
        (["--out", "m.png", "--resolution", "1"], "--resolution"),
        (["--out", "m.png", "--rpy", "0,90"], "--rpy"),
        (["--out", "m.png", "--mode", "sweep", "--method", "learned"], "a sweep is plain FK"),
        (["--out", "m.png", "--mode", "orientation", "--offset", "0.3"], "--offset applies only to slice"),
        (["--out", "m.png", "--method", "learned", "--cutoff", "0.03"], "--cutoff applies only to --method exact"),
    ],
)
def test_cli_rejects_bad_input_with_one_line(tmp_path, capsys, extra, message):
    assert main(["workspace", "--robot", "puma560", *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not (tmp_path / "m.png").exists()


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_m3_form_reproduces_the_arm_its_poses_and_its_manipulability(rng, name):
    robot = load_robot(name)
    form = m3_equivalent(robot)
    arm = m3_arm(**form.parameters)
    q = robot.random_configurations(200, rng)
    pose_robot, jacobian_robot = pose_and_jacobian(robot, q)
    pose_m3, jacobian_m3 = pose_and_jacobian(arm, q + form.shift)
    np.testing.assert_allclose(pose_robot, form.left @ pose_m3 @ form.right, atol=1e-12)
    np.testing.assert_allclose(manipulability(jacobian_robot), manipulability(jacobian_m3), rtol=1e-9, atol=1e-14)
    rows = form.raw_rows(pose_robot)
    assert rows.shape == (200, 24)
    np.testing.assert_allclose(rows[:, :18], np.broadcast_to(np.concatenate([arm.d, arm.a, arm.alpha]), (200, 18)))
    np.testing.assert_allclose(poses_from_features(rows[:, 18:]), pose_m3, atol=1e-9)


def test_m3_form_refuses_an_arm_outside_the_family():
    with pytest.raises(ValueError, match="not an M3-family arm"):
        m3_equivalent(load_robot("fanuc_am120ib_10l"))


@pytest.fixture(scope="module")
def tiny_m3_models(tmp_path_factory):
    """Untrained, seeded M3 nets exported through the project's ONNX path (plumbing only, not accuracy)."""
    torch = pytest.importorskip("torch")
    from jacobian_rrmc.learn.export import DeployedJacobianNet, export_onnx
    from jacobian_rrmc.learn.features import M3Encoding
    from jacobian_rrmc.learn.model import JacobianNet, NetSizes
    from jacobian_rrmc.learn.scaling import Scaling
    from jacobian_rrmc.robots.m3_family import M3_ALPHA

    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("models")
    low = np.concatenate([np.zeros(6), np.zeros(6), M3_ALPHA, [-0.4, -0.4, -0.4, 0.0, 0.0, 0.0]])
    high = np.concatenate([[0, 0, 0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0, 0, 0], M3_ALPHA, [0.4, 0.4, 0.4] + [2 * np.pi] * 3])
    for kind in ("m3_confidence", "m3_jacob0"):
        encoding = M3Encoding()
        net = JacobianNet(encoding.out_features, 36, NetSizes((16,), (8,), (16,), batch_norm=False))
        scaling = Scaling(np.zeros(encoding.out_features), np.ones(encoding.out_features), -np.ones(36), np.ones(36))
        metadata = {
            "kind": kind,
            "n_joints": 6,
            "input_width": 24,
            "input_low": low.tolist(),
            "input_high": high.tolist(),
        }
        output = "confidence" if kind == "m3_confidence" else "jacobian"
        export_onnx(DeployedJacobianNet(encoding, net, scaling, 6), directory / f"{kind}.onnx", metadata, (output,))
    return directory


def test_learned_map_gates_by_training_range_and_confidence(tiny_m3_models):
    from jacobian_rrmc.learn.runtime import JacobianNetRuntime
    from jacobian_rrmc.workspace.learned import LearnedWorkspace

    robot = load_robot("puma560")
    q_ref = robot.configuration("qn")
    grid = slice_grid(robot, "xz", -0.15005, forward_kinematics(robot, q_ref)[:3, :3], 24)
    poses = grid.poses()
    runtime = JacobianNetRuntime(tiny_m3_models / "m3_jacob0.onnx")
    form = m3_equivalent(robot)
    estimate_all = manipulability(runtime.predict(form.raw_rows(poses))["jacobian"].astype(float))
    # An untrained net's manipulabilities are tiny: put the cutoff at their median so both sides occur.
    cutoff = float(np.median(estimate_all))
    learned = LearnedWorkspace(robot, tiny_m3_models, threshold=0.0, cutoff=cutoff).evaluate(poses, progress=False)
    # The training box is ±0.4 m around the PUMA's shoulder (0, 0, d1), widened by 1% of its width;
    # the poses' y is inside it.
    shoulder_relative = poses[:, :3, 3] - [0.0, 0.0, robot.d[0]]
    expected_inside = np.all(np.abs(shoulder_relative) <= 0.4 + 0.008, axis=1)
    np.testing.assert_array_equal(learned.inside, expected_inside)
    assert 0.1 < expected_inside.mean() < 0.9
    assert np.all(np.isnan(learned.manipulability[~expected_inside]))
    # Inside, a cell holds the manipulability of the estimated J0 exactly when it exceeds the cutoff.
    estimate = estimate_all[expected_inside]
    inside_values = learned.manipulability[expected_inside]
    kept = estimate > cutoff
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(inside_values[kept], estimate[kept], rtol=1e-6)
    assert np.all(np.isnan(inside_values[~kept]))
    strict = LearnedWorkspace(robot, tiny_m3_models, threshold=1.01).evaluate(poses, progress=False)
    assert np.all(np.isnan(strict.manipulability))


def test_cli_learned_slice_uses_the_models_and_reports_missing_ones(tiny_m3_models, tmp_path, capsys):
    out, data = tmp_path / "learned.png", tmp_path / "learned.npz"
    args = ["workspace", "--robot", "sixi2", "--method", "learned", "--resolution", "20", "--no-progress"]
    assert main([*args, "--models", str(tiny_m3_models), "--out", str(out), "--data", str(data)]) == 0
    with np.load(data) as saved:
        assert saved["outside_training_range"].any() and str(saved["meta_method"]) == "learned"
    assert main([*args, "--models", str(tmp_path), "--out", str(tmp_path / "x.png")]) == 2
    assert "no 'm3_confidence' ONNX model" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_exact_map_marks_every_pose_of_an_in_limit_configuration_reachable(rng, name):
    # No false blanks: the pose of any configuration within the limits has an in-limit IK solution,
    # and the best branch is at least as manipulable as that configuration.
    robot = load_robot(name)
    q = robot.random_configurations(3000, rng)
    pose, jacobian = pose_and_jacobian(robot, q)
    best = best_solutions(robot, pose, progress=False)
    assert best.reachable.all()
    assert np.all(best.manipulability >= manipulability(jacobian) - 1e-12)
