"""The robot catalogue: built-in files load, and every kind of bad file is rejected clearly.

Bad files are made in tmp_path by changing one thing in a copy of the valid puma560.yaml, so
each test isolates one problem; the error must name the file, the field and the problem.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from jacobian_rrmc.robots import RobotFileError, list_robots, load_robot, load_robot_file
from jacobian_rrmc.robots.catalogue import robots_directory

BUILT_IN = ("fanuc_am120ib_10l", "puma560", "sixi2")


@pytest.fixture(scope="module")
def valid_document() -> dict:
    return yaml.safe_load((robots_directory() / "puma560.yaml").read_text())


def write(tmp_path, document, name="robot.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def rejected(path) -> str:
    with pytest.raises(RobotFileError) as caught:
        load_robot(path)
    message = str(caught.value)
    assert str(path) in message, message
    assert "\n" not in message, message  # the CLI prints it as one line
    return message


def test_built_in_robots_load_and_named_poses_are_within_limits():
    assert set(BUILT_IN) <= set(list_robots())
    for name in BUILT_IN:
        robot = load_robot(name)
        assert robot.name == name and robot.n_joints == 6
        assert np.all(robot.q_min < robot.q_max) and np.all(robot.qd_max > 0)
        assert robot.configurations, name
        for pose_name in robot.configurations:
            assert robot.within_limits(robot.configuration(pose_name)), (name, pose_name)


def test_sixi2_units_and_tool_offset():
    robot = load_robot("sixi2")
    np.testing.assert_allclose(robot.d, [0.197452, 0, 0, 0.38705, 0, 0.03795])
    np.testing.assert_allclose(robot.alpha, np.deg2rad([-90, 0, -90, 90, -90, 0]))
    np.testing.assert_allclose(robot.tool, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0.0275], [0, 0, 0, 1]])
    np.testing.assert_allclose(robot.configuration("home"), np.deg2rad([0, -90, 0, 0, 20, 0]))


def test_valid_copy_loads_like_the_original(tmp_path, valid_document):
    """The rewriting used below does not by itself break a file."""
    copied = load_robot(write(tmp_path, valid_document))
    original = load_robot("puma560")
    for field in ("d", "a", "alpha", "theta_offset", "q_min", "q_max", "qd_max"):
        np.testing.assert_array_equal(getattr(copied, field), getattr(original, field))
    assert copied.configurations.keys() == original.configurations.keys()


def test_radian_files_need_no_conversion(tmp_path, valid_document):
    document = copy.deepcopy(valid_document)
    document["angle_unit"] = "rad"
    for row in document["joints"]:
        for key in ("alpha", "theta_offset", "lower", "upper", "velocity"):
            row[key] = float(np.deg2rad(row[key]))
    document["configurations"] = {"qn": np.deg2rad([0, 45, -180, 0, 45, 0]).tolist()}
    robot = load_robot(write(tmp_path, document))
    original = load_robot("puma560")
    np.testing.assert_allclose(robot.alpha, original.alpha, atol=1e-15)
    np.testing.assert_allclose(robot.q_max, original.q_max, atol=1e-15)
    np.testing.assert_allclose(robot.configuration("qn"), original.configuration("qn"), atol=1e-15)


def mutate(document, change):
    document = copy.deepcopy(document)
    change(document)
    return document


BAD_FILES = {
    "missing column": (lambda doc: doc["joints"][2].pop("a"), "joints[2].a", "missing"),
    "configuration with wrong number of values": (
        lambda doc: doc["configurations"].update(qr=[0, 90, -90, 0, 0]),
        "configurations.qr",
        "expected 6 values, got 5",
    ),
    "non-numeric value": (lambda doc: doc["joints"][0].update(d="0.67 m"), "joints[0].d", "expected a number"),
    "limits reversed": (
        lambda doc: doc["joints"][1].update(lower=225, upper=-45),
        "joints[1].lower",
        "lower limit 225 must be below upper limit -45",
    ),
    "unknown field": (lambda doc: doc.update(colour="red"), "colour", "unknown field"),
    "unknown column": (lambda doc: doc["joints"][4].update(offset=0), "joints[4].offset", "unknown column"),
    "unknown joint type": (
        lambda doc: doc["joints"][3].update(type="helical"),
        "joints[3].type",
        "expected one of revolute, prismatic, got 'helical'",
    ),
    "negative velocity": (
        lambda doc: doc["joints"][5].update(velocity=-10),
        "joints[5].velocity",
        "velocity limit must be positive, got -10",
    ),
    "configuration outside limits": (
        lambda doc: doc["configurations"].update(qs=[0, 0, -90, 0, 120, 0]),
        "configurations.qs",
        "joint joint_5 is outside its limits",
    ),
    "no joints": (lambda doc: doc.update(joints=[]), "joints", "expected a non-empty list"),
    "bad angle unit": (lambda doc: doc.update(angle_unit="grad"), "angle_unit", "expected one of"),
    "bad tool frame": (lambda doc: doc.update(tool={"xyz": [0, 0]}), "tool.xyz", "expected 3 values, got 2"),
    "duplicate joint names": (lambda doc: doc["joints"][1].update(name="joint_1"), "joints[*].name", "unique"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_rejected_naming_file_field_and_problem(kind, tmp_path, valid_document):
    change, field, problem = BAD_FILES[kind]
    message = rejected(write(tmp_path, mutate(valid_document, change)))
    assert f"field '{field}'" in message, message
    assert problem in message, message


def test_bad_yaml_syntax_names_file_and_line(tmp_path):
    text = (robots_directory() / "puma560.yaml").read_text()
    lines = text.splitlines()
    broken_line = next(i for i, line in enumerate(lines) if "name: joint_3" in line)
    lines[broken_line] = lines[broken_line].replace("}", "")  # an unclosed flow mapping
    path = tmp_path / "broken.yaml"
    path.write_text("\n".join(lines))
    message = rejected(path)
    assert "not valid YAML" in message
    # PyYAML notices the unclosed mapping at the next line's "{"; both lines are named.
    assert f"line {broken_line + 2}, column 5: expected ',' or '}}'" in message, message
    assert f"flow mapping at line {broken_line + 1})" in message, message


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n")
    assert "expected a mapping at the top level" in rejected(path)


def test_missing_file_is_reported(tmp_path):
    path = tmp_path / "absent.yaml"
    message = rejected(path)
    assert "cannot read" in message
    with pytest.raises(RobotFileError, match="cannot read"):
        load_robot_file(path)


def test_unknown_robot_name_lists_the_known_ones():
    with pytest.raises(RobotFileError) as caught:
        load_robot("puma650")
    message = str(caught.value)
    assert "unknown robot 'puma650'" in message
    for name in BUILT_IN:
        assert name in message


def test_configuration_lookup_lists_known_names():
    with pytest.raises(KeyError, match="known: qn, qr, qs, qz"):
        load_robot("puma560").configuration("home")


def test_models_are_read_only():
    robot = load_robot("puma560")
    with pytest.raises(ValueError):
        robot.d[0] = 1.0
