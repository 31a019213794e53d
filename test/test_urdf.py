"""URDFs generated from the DH tables: up to date, and their FK equals ours in independent parsers.

yourdfpy and roboticstoolbox's URDF reader each parse the XML and chain the joint origins
themselves; base_link → tool0 must equal `forward_kinematics` (DH) at random configurations.
"""

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
import yourdfpy

from jacobian_rrmc.cli.main import main
from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.robots import RobotModel, load_robot
from jacobian_rrmc.spatial import rpy_to_matrix, transform
from jacobian_rrmc.urdf import robot_to_urdf
from jacobian_rrmc.urdf.geometry import Cylinder, cylinder_between, inertial_of

COMMITTED = ("puma560", "sixi2", "fanuc_am120ib_10l")
CONFIGURATIONS = 200
TOLERANCE = 1e-9


def load_urdf(path) -> yourdfpy.URDF:
    return yourdfpy.URDF.load(str(path), load_meshes=False, build_scene_graph=True)


def yourdfpy_fk(urdf: yourdfpy.URDF, robot: RobotModel, qs: np.ndarray) -> np.ndarray:
    poses = []
    for q in qs:
        urdf.update_cfg(dict(zip(robot.joint_names, q, strict=True)))
        poses.append(urdf.get_transform(frame_to=robot.tool_frame, frame_from=robot.base_frame))
    return np.array(poses)


def max_fk_error(urdf: yourdfpy.URDF, robot: RobotModel, qs: np.ndarray) -> float:
    return float(np.abs(yourdfpy_fk(urdf, robot, qs) - forward_kinematics(robot, qs)).max())


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_urdf_is_what_the_command_generates(name, repo_root, tmp_path, capsys):
    out = tmp_path / f"{name}.urdf"
    assert main(["urdf", "--robot", name, "--out", str(out)]) == 0
    committed = (repo_root / "urdf" / f"{name}.urdf").read_bytes()
    assert out.read_bytes() == committed, f"urdf/{name}.urdf is stale: jacobian-rrmc urdf -r {name} -o urdf/{name}.urdf"
    capsys.readouterr()
    assert main(["urdf", "-r", name]) == 0
    assert capsys.readouterr().out.encode() == committed


@pytest.mark.parametrize("name", COMMITTED)
def test_yourdfpy_fk_equals_dh_fk(name, repo_root, rng):
    robot = load_robot(name)
    urdf = load_urdf(repo_root / "urdf" / f"{name}.urdf")
    assert urdf.validate()
    assert urdf.base_link == robot.base_frame
    qs = np.vstack([robot.random_configurations(CONFIGURATIONS, rng), robot.q_min, robot.q_max])
    qs = np.vstack([qs, *robot.configurations.values()])
    error = max_fk_error(urdf, robot, qs)
    print(f"{name}: yourdfpy vs DH FK, max |ΔT| = {error:.2e} over {len(qs)} configurations")
    assert error < TOLERANCE


@pytest.mark.parametrize("name", COMMITTED)
def test_joints_and_limits_match_the_robot_file(name, repo_root):
    robot = load_robot(name)
    urdf = load_urdf(repo_root / "urdf" / f"{name}.urdf")
    assert urdf.actuated_joint_names == list(robot.joint_names)
    for i, joint_name in enumerate(robot.joint_names):
        joint = urdf.joint_map[joint_name]
        assert joint.type == ("prismatic" if robot.prismatic[i] else "revolute")
        np.testing.assert_allclose(joint.axis, [0, 0, 1])
        limits = [joint.limit.lower, joint.limit.upper, joint.limit.velocity]
        np.testing.assert_allclose(limits, [robot.q_min[i], robot.q_max[i], robot.qd_max[i]], rtol=1e-14)
    moving = set(robot.joint_names)
    assert all(j.type == "fixed" for j in urdf.robot.joints if j.name not in moving)
    assert robot.tool_frame in urdf.link_map


@pytest.mark.parametrize("name", COMMITTED)
def test_roboticstoolbox_urdf_reader_fk_equals_dh_fk(name, repo_root, rng):
    rtb = pytest.importorskip("roboticstoolbox")
    from roboticstoolbox.models.URDF.URDFRobot import URDF_file

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        links, robot_name, _ = URDF_file(str(repo_root / "urdf" / f"{name}.urdf"))
    urdf_robot = rtb.Robot(links, name=robot_name)
    robot = load_robot(name)
    qs = robot.random_configurations(CONFIGURATIONS, rng)
    poses = np.array([urdf_robot.fkine(q, end=robot.tool_frame).A for q in qs])
    error = float(np.abs(poses - forward_kinematics(robot, qs)).max())
    print(f"{name}: roboticstoolbox URDF vs DH FK, max |ΔT| = {error:.2e} over {len(qs)} configurations")
    assert error < TOLERANCE


def awkward_robot(rng) -> RobotModel:
    """Random DH values with theta offsets, a prismatic joint, and non-identity base and tool:
    the cases the catalogue robots (all-zero offsets, revolute only) leave untested."""
    n = 5
    prismatic = np.array([False, True, False, False, True])
    return RobotModel(
        name="awkward",
        d=rng.uniform(-0.4, 0.4, n),
        a=rng.uniform(-0.4, 0.4, n),
        alpha=rng.uniform(-np.pi, np.pi, n),
        theta_offset=rng.uniform(-np.pi, np.pi, n),
        prismatic=prismatic,
        base=transform(rpy_to_matrix(rng.uniform(-1, 1, 3)), rng.uniform(-0.5, 0.5, 3)),
        tool=transform(rpy_to_matrix(rng.uniform(-1, 1, 3)), rng.uniform(-0.2, 0.2, 3)),
        q_min=np.where(prismatic, -0.3, -2.5),
        q_max=np.where(prismatic, 0.5, 2.5),
        qd_max=np.where(prismatic, 0.25, 2.0),
        joint_names=tuple(f"axis_{i}" for i in range(n)),
        base_frame="world_base",
        tool_frame="tcp",
    )


def test_theta_offsets_prismatic_joints_base_and_tool_survive_the_conversion(rng, tmp_path):
    robot = awkward_robot(rng)
    path = tmp_path / "awkward.urdf"
    path.write_text(robot_to_urdf(robot, source="test", command="test"))
    urdf = load_urdf(path)
    assert [urdf.joint_map[name].type for name in robot.joint_names] == [
        "revolute",
        "prismatic",
        "revolute",
        "revolute",
        "prismatic",
    ]
    error = max_fk_error(urdf, robot, robot.random_configurations(CONFIGURATIONS, rng))
    print(f"awkward robot: yourdfpy vs DH FK, max |ΔT| = {error:.2e}")
    assert error < TOLERANCE


def test_header_records_how_to_regenerate(repo_root):
    text = (repo_root / "urdf" / "sixi2.urdf").read_text()
    header = text.split("-->")[0]
    assert "jacobian-rrmc urdf -r sixi2 -o urdf/sixi2.urdf" in header
    assert "config/robots/sixi2.yaml" in header
    assert "jacobian_rrmc 0.1.0" in header


def test_cylinder_between_spans_its_two_points(rng):
    for _ in range(50):
        start, end = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
        piece = cylinder_between(start, end, 0.02)
        half_axis = piece.origin[:3, :3] @ [0, 0, piece.length / 2]
        ends = {tuple(np.round(piece.origin[:3, 3] + sign * half_axis, 12)) for sign in (1, -1)}
        assert ends == {tuple(np.round(start, 12)), tuple(np.round(end, 12))}
    assert cylinder_between([0, 0, 1], [0, 0, 1], 0.02) is None


def test_inertia_of_two_halves_equals_the_whole_cylinder(rng):
    """The parallel-axis sum over two halves must give the closed-form solid cylinder."""
    start, end = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
    middle = (start + end) / 2
    halves = [cylinder_between(start, middle, 0.05), cylinder_between(middle, end, 0.05)]
    whole = cylinder_between(start, end, 0.05)
    mass, centre, inertia = inertial_of(halves, 2700.0)
    length, radius = np.linalg.norm(end - start), 0.05
    expected_mass = 2700.0 * np.pi * radius**2 * length
    axis = (end - start) / length
    # Solid cylinder: (m r²/2) along its axis, m(3r² + L²)/12 across it.
    transverse = expected_mass * (3 * radius**2 + length**2) / 12
    expected = transverse * np.eye(3) + (expected_mass * radius**2 / 2 - transverse) * np.outer(axis, axis)
    np.testing.assert_allclose(mass, expected_mass, rtol=1e-12)
    np.testing.assert_allclose(centre, whole.origin[:3, 3], atol=1e-12)
    np.testing.assert_allclose(inertia, expected, rtol=1e-9, atol=1e-15)
    assert isinstance(whole, Cylinder)


@pytest.mark.parametrize("name", COMMITTED)
def test_inertials_are_physical(name, repo_root):
    urdf = load_urdf(repo_root / "urdf" / f"{name}.urdf")
    assert urdf.link_map["base_link"].inertial is None  # KDL ignores a root inertia and warns
    for link in urdf.robot.links:
        if link.inertial is None:
            continue
        assert link.inertial.mass > 0
        principal = np.linalg.eigvalsh(link.inertial.inertia)
        assert principal.min() > 0
        assert principal.max() <= principal.sum() - principal.max() + 1e-12  # triangle inequality


@pytest.mark.parametrize("name", COMMITTED)
def test_urdfdom_parses_the_committed_urdf(name, repo_root):
    """urdfdom is the parser robot_state_publisher uses; its check_urdf comes with liburdfdom-tools."""
    if shutil.which("check_urdf") is None:
        pytest.skip("check_urdf not installed (apt-get install liburdfdom-tools)")
    result = subprocess.run(
        ["check_urdf", str(repo_root / "urdf" / f"{name}.urdf")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Successfully Parsed XML" in result.stdout
    assert "root Link: base_link" in result.stdout


KDL_HEADERS = ("/usr/include/kdl_parser/kdl_parser.hpp", "/usr/include/eigen3/Eigen/Core")


@pytest.fixture(scope="module")
def kdl_fk(repo_root, tmp_path_factory):
    """test/data/kdl_fk.cpp compiled: FK through urdfdom → kdl_parser → KDL, as robot_state_publisher does.

    Needs g++ and Debian's libkdl-parser-dev, liburdf-dev, libeigen3-dev; skipped without them.
    """
    if shutil.which("g++") is None or not all(Path(header).is_file() for header in KDL_HEADERS):
        pytest.skip("needs g++ and libkdl-parser-dev liburdf-dev libeigen3-dev")
    binary = tmp_path_factory.mktemp("kdl") / "kdl_fk"
    command = ["g++", "-O1", "-o", str(binary), str(repo_root / "test" / "data" / "kdl_fk.cpp")]
    command += ["-I/usr/include/eigen3", "-lkdl_parser", "-lorocos-kdl", "-lurdf", "-lurdfdom_model"]
    subprocess.run(command, check=True, capture_output=True)
    return binary


@pytest.mark.parametrize("name", [*COMMITTED, "awkward"])
def test_kdl_fk_equals_dh_fk(name, repo_root, rng, kdl_fk, tmp_path):
    if name == "awkward":
        robot, path = awkward_robot(rng), tmp_path / "awkward.urdf"
        path.write_text(robot_to_urdf(robot, source="test", command="test"))
    else:
        robot, path = load_robot(name), repo_root / "urdf" / f"{name}.urdf"
    qs = robot.random_configurations(CONFIGURATIONS, rng)
    joint_lines = "".join(" ".join(repr(float(v)) for v in q) + "\n" for q in qs)
    command = [str(kdl_fk), str(path), robot.base_frame, robot.tool_frame]
    result = subprocess.run(command, input=joint_lines, capture_output=True, text=True, check=True)
    poses = np.tile(np.eye(4), (len(qs), 1, 1))
    poses[:, :3, :] = np.loadtxt(result.stdout.splitlines()).reshape(-1, 3, 4)
    error = float(np.abs(poses - forward_kinematics(robot, qs)).max())
    print(f"{name}: KDL (kdl_parser) vs DH FK, max |ΔT| = {error:.2e} over {len(qs)} configurations")
    assert error < TOLERANCE
